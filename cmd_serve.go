package main

import (
	"github.com/urfave/cli/v2"
)

func serveCommand() *cli.Command {
	return &cli.Command{
		Name:  "serve",
		Usage: "serve a search page, record pages, archived pages and a JSON API over the data directory",
		Description: "Read-only: a crawl may write to the data directory meanwhile, and the server picks up\n" +
			"its new captures and, once indexed, its records. Listens on loopback unless --addr says otherwise.\n" +
			"SIGINT or SIGTERM shuts it down gracefully.",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "addr", Value: "127.0.0.1:8080", Usage: "address to listen on, host:port"},
			&cli.StringFlag{Name: "base-url", Usage: "the archive's public address, for citations (BASE/capture/TIMESTAMP/URL); default: base_url in the data directory's settings.yaml"},
		},
		Action: func(c *cli.Context) error {
			p, err := newPipeline(c, c.String("data"))
			if err != nil {
				return err
			}
			return p.Serve(c.Context, c.String("addr"), c.String("base-url"))
		},
	}
}
