package main

import (
	"fmt"

	"github.com/urfave/cli/v2"
)

func diffCommand() *cli.Command {
	return &cli.Command{
		Name:  "diff",
		Usage: "show what changed in a record's text between two captures",
		Description: "Compares the two newest versions unless --from or --to pick others. A version is given\n" +
			"as listed by rankfile show (20240301100000), or as a date (YYYY-MM-DD) or RFC 3339 time: the\n" +
			"newest version captured by then. ID is a record ID (shown by search) or its page's URL.",
		ArgsUsage: "ID|URL",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "from", Usage: "the older version (default: the one before --to)"},
			&cli.StringFlag{Name: "to", Usage: "the newer version (default: the latest)"},
		},
		Action: func(c *cli.Context) error {
			if c.NArg() != 1 {
				return fmt.Errorf("%w: diff needs one record ID or URL, e.g. rankfile diff 0d5bb82f94c8dbba", errUsage)
			}
			p, err := newPipeline(c, c.String("data"))
			if err != nil {
				return err
			}
			return p.Diff(c.Context, c.Args().First(), c.String("from"), c.String("to"))
		},
	}
}
