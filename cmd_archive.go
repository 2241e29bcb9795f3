package main

import (
	"fmt"

	"github.com/urfave/cli/v2"
)

func archiveCommand() *cli.Command {
	return &cli.Command{
		Name:  "archive",
		Usage: "check or rebuild the archive's capture index",
		Subcommands: []*cli.Command{{
			Name:  "check",
			Usage: "verify every record's digests and the capture index against the WARC files",
			Action: func(c *cli.Context) error {
				p, err := newPipeline(c, c.String("data"))
				if err != nil {
					return err
				}
				_, err = p.CheckArchive(c.Context)
				return err
			},
		}, {
			Name:  "reindex",
			Usage: "rebuild the capture index from the WARC files alone",
			Action: func(c *cli.Context) error {
				p, err := newPipeline(c, c.String("data"))
				if err != nil {
					return err
				}
				return p.Reindex(c.Context)
			},
		}},
	}
}

func importCommand() *cli.Command {
	return &cli.Command{
		Name:      "import",
		Usage:     "bring third-party WARC files (wget, Heritrix) into the archive, then extract and index",
		ArgsUsage: "FILE...",
		Action: func(c *cli.Context) error {
			if c.NArg() == 0 {
				return fmt.Errorf("%w: import needs WARC files", errUsage)
			}
			p, err := newPipeline(c, c.String("data"))
			if err != nil {
				return err
			}
			return p.Import(c.Context, c.Args().Slice())
		},
	}
}
