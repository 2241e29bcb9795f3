package main

import (
	"fmt"

	"rankfile/pipeline"

	"github.com/urfave/cli/v2"
)

func archiveCommand() *cli.Command {
	return &cli.Command{
		Name:  "archive",
		Usage: "check or rebuild the archive's capture index; list a URL's captures or print one",
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
		}, {
			Name:      "merge",
			Usage:     "bring the WARC files of other data directories or archives (a shared crawl's workers) into this archive, then extract and index",
			ArgsUsage: "DIR...",
			Action: func(c *cli.Context) error {
				if c.NArg() == 0 {
					return fmt.Errorf("%w: archive merge needs data directories or archive folders", errUsage)
				}
				p, err := newPipeline(c, c.String("data"))
				if err != nil {
					return err
				}
				return p.Merge(c.Context, c.Args().Slice())
			},
		}, {
			Name:      "captures",
			Usage:     "list every capture of a URL, oldest first: time, status, response or revisit, type, digest, WARC file@offset",
			ArgsUsage: "URL",
			Flags: []cli.Flag{
				&cli.StringFlag{Name: "format", Value: "text", Usage: "text or json (one object per line)"},
			},
			Action: func(c *cli.Context) error {
				if c.NArg() != 1 {
					return fmt.Errorf("%w: archive captures needs one URL", errUsage)
				}
				if f := c.String("format"); f != "text" && f != "json" {
					return fmt.Errorf("%w: --format must be text or json", errUsage)
				}
				p, err := newPipeline(c, c.String("data"))
				if err != nil {
					return err
				}
				return p.Captures(c.Context, c.Args().First(), c.String("format"))
			},
		}, {
			Name:  "get",
			Usage: "print the page a URL's capture holds (the latest, or as of --at), payload decoded",
			Description: "Writes the payload of the newest capture made by --at (the latest without it) to standard\n" +
				"output or -o FILE, gzip or deflate Content-Encoding removed; a revisit gives the body of the\n" +
				"capture it stands for. --at takes 14 digits (20240301100000), a date (YYYY-MM-DD: by the end\n" +
				"of that UTC day) or an RFC 3339 time. With --verbose the capture read (time, status, WARC\n" +
				"file@offset) is logged on standard error. Read-only, like captures: safe beside a running crawl.\n" +
				"URL may leave out http://, or be a record ID (its page) or a version's ID (the capture it was\n" +
				"read from).",
			ArgsUsage: "URL|ID",
			Flags: []cli.Flag{
				&cli.StringFlag{Name: "at", Usage: "the newest capture made by this time"},
				&cli.BoolFlag{Name: "head", Usage: "write the HTTP status line and headers before the payload"},
				&cli.BoolFlag{Name: "warc", Usage: "write the capture's WARC record as stored (uncompressed) instead of the page"},
				&cli.StringFlag{Name: "output", Aliases: []string{"o"}, Usage: "write to this file instead of standard output"},
			},
			Action: func(c *cli.Context) error {
				if c.NArg() != 1 {
					return fmt.Errorf("%w: archive get needs one URL or record ID", errUsage)
				}
				p, err := newPipeline(c, c.String("data"))
				if err != nil {
					return err
				}
				return p.Get(c.Context, c.Args().First(), pipeline.GetOptions{AsOf: c.String("at"), Head: c.Bool("head"), WARC: c.Bool("warc"), Output: c.String("output")})
			},
		}},
	}
}

func importCommand() *cli.Command {
	return &cli.Command{
		Name:      "import",
		Usage:     "bring third-party WARC, WACZ and ARC files into the archive (read leniently, nothing kept twice), then extract and index",
		ArgsUsage: "FILE...",
		Flags: []cli.Flag{&cli.BoolFlag{Name: "salvage",
			Usage: "import a damaged file without its damaged records (exit 3, naming them) instead of refusing it"}},
		Action: func(c *cli.Context) error {
			if c.NArg() == 0 {
				return fmt.Errorf("%w: import needs WARC files", errUsage)
			}
			p, err := newPipeline(c, c.String("data"))
			if err != nil {
				return err
			}
			return p.Import(c.Context, c.Args().Slice(), c.Bool("salvage"))
		},
	}
}
