package main

import (
	"encoding/json"

	"github.com/urfave/cli/v2"
)

func statusCommand() *cli.Command {
	return &cli.Command{
		Name:  "status",
		Usage: "say what the data directory holds, how the last crawl went, and what needs attention",
		Description: "Reads the archive, records, index, crawl state and reports without changing them or taking\n" +
			"the lock: safe beside a crawl. Exits 0 when nothing needs attention (a crawl running normally\n" +
			"included) and 3 when something does (an interrupted or failing crawl, an index behind the\n" +
			"records), so a monitor can run it.",
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "json", Usage: "one JSON object"},
		},
		Action: func(c *cli.Context) error {
			p, err := newPipeline(c, c.String("data"))
			if err != nil {
				return err
			}
			st, err := p.Status()
			if err != nil {
				return err
			}
			if c.Bool("json") {
				enc := json.NewEncoder(p.Out)
				enc.SetIndent("", "  ")
				if err := enc.Encode(st); err != nil {
					return err
				}
			} else {
				st.WriteText(p.Out)
			}
			if len(st.Attention) > 0 {
				return errAttention
			}
			return nil
		},
	}
}
