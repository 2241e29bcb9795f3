package main

import (
	"github.com/urfave/cli/v2"

	"rankfile/pipeline"
)

func crawlCommand() *cli.Command {
	return &cli.Command{
		Name:      "crawl",
		Usage:     "crawl the sites of a sites file into the archive, then extract and index",
		ArgsUsage: " ",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "sites", Required: true, Usage: "sites file (YAML)"},
			&cli.StringFlag{Name: "contact", Usage: "URL or e-mail for site owners, sent in the User-Agent"},
			&cli.StringFlag{Name: "operator", Usage: "who runs the crawl, recorded in the WARC files"},
			&cli.BoolFlag{Name: "no-index", Usage: "archive only; do not extract or index"},
		},
		Action: func(c *cli.Context) error {
			p, err := newPipeline(c, c.String("data"))
			if err != nil {
				return err
			}
			_, err = p.Crawl(c.Context, pipeline.CrawlOptions{
				SitesFile: c.String("sites"), Contact: c.String("contact"),
				Operator: c.String("operator"), NoIndex: c.Bool("no-index"),
			})
			return err
		},
	}
}
