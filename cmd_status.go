package main

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"github.com/urfave/cli/v2"

	"rankfile/crawlstate"
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
			&cli.StringFlag{Name: "state", Usage: "show the crawl shared through this Redis instead: redis://HOST:PORT/DB"},
		},
		Action: func(c *cli.Context) error {
			if u := c.String("state"); u != "" {
				return sharedStatus(c, u)
			}
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

// sharedStatus shows the crawl shared through the Redis at url: every
// worker, its leases and pages per second, the frontier and the hosts
// waiting.
func sharedStatus(c *cli.Context, url string) error {
	state, err := crawlstate.Open(url, crawlstate.Options{})
	if err != nil {
		return fmt.Errorf("%w: --state: %v", errUsage, err)
	}
	defer state.Close()
	ctx, cancel := context.WithTimeout(c.Context, 10*time.Second)
	defer cancel()
	st, err := state.ReadStatus(ctx)
	if err != nil {
		return err
	}
	if c.Bool("json") {
		enc := json.NewEncoder(c.App.Writer)
		enc.SetIndent("", "  ")
		return enc.Encode(st)
	}
	st.WriteText(c.App.Writer, time.Now())
	return nil
}
