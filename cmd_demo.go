package main

import (
	"github.com/urfave/cli/v2"
)

func demoCommand() *cli.Command {
	return &cli.Command{
		Name:  "demo",
		Usage: "serve the embedded fixture web on loopback, crawl, extract, index and search it; change it, crawl again, diff",
		Description: "Writes into ./rankfile-demo unless --data is given, so a real archive is never mixed\n" +
			"with the fixture web.",
		Action: func(c *cli.Context) error {
			dir := "./rankfile-demo"
			if c.IsSet("data") {
				dir = c.String("data")
			}
			p, err := newPipeline(c, dir)
			if err != nil {
				return err
			}
			return p.Demo(c.Context)
		},
	}
}
