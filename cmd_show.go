package main

import (
	"fmt"

	"github.com/urfave/cli/v2"
)

func showCommand() *cli.Command {
	return &cli.Command{
		Name:  "show",
		Usage: "print a record: metadata, citation, text, and its captured versions",
		Description: "ID is a record ID (shown by search: the latest version is shown), a version's ID\n" +
			"(RECORD@VERSION), or the URL of the record's page, with or without http://. The versions list\n" +
			"gives each capture's time and WARC file@offset.",
		ArgsUsage: "ID|URL",
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "json", Usage: "one JSON object: the record's fields, doc_id, citation and versions"},
		},
		Action: func(c *cli.Context) error {
			if c.NArg() != 1 {
				return fmt.Errorf("%w: show needs one record ID or URL, e.g. rankfile show 0d5bb82f94c8dbba", errUsage)
			}
			p, err := newPipeline(c, c.String("data"))
			if err != nil {
				return err
			}
			format := "text"
			if c.Bool("json") {
				format = "json"
			}
			return p.Show(c.Context, c.Args().First(), format)
		},
	}
}
