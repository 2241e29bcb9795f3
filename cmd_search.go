package main

import (
	"fmt"
	"strings"

	"github.com/urfave/cli/v2"

	"rankfile/index"
)

func searchCommand() *cli.Command {
	return &cli.Command{
		Name:      "search",
		Usage:     "search the records: ranked hits with a highlighted snippet",
		ArgsUsage: "QUERY",
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "json", Usage: "one JSON object per hit"},
			&cli.IntFlag{Name: "size", Aliases: []string{"n"}, Value: 10, Usage: "hits to show"},
			&cli.IntFlag{Name: "from", Usage: "hits to skip (paging)"},
		},
		Action: func(c *cli.Context) error {
			q := strings.TrimSpace(strings.Join(c.Args().Slice(), " "))
			if q == "" {
				return fmt.Errorf("%w: search needs a query, e.g. rankfile search \"union democracy\"", errUsage)
			}
			p, err := newPipeline(c, c.String("data"))
			if err != nil {
				return err
			}
			format := "text"
			if c.Bool("json") {
				format = "json"
			}
			_, err = p.Search(c.Context, index.Query{Text: q, Size: c.Int("size"), From: c.Int("from")}, format)
			return err
		},
	}
}
