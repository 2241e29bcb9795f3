package main

import (
	"fmt"
	"io"
	"os"

	"github.com/urfave/cli/v2"

	"rankfile/crawlstate"
	"rankfile/pipeline"
)

func extractCommand() *cli.Command {
	return &cli.Command{
		Name:  "extract",
		Usage: "re-extract records from every capture in the archive and rebuild the index, or extract one page with --html",
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "no-index", Usage: "write the records but leave the search index as it was (rebuild it later with index)"},
			&cli.StringFlag{Name: "html", Usage: "extract this HTML file instead of the archive (- for standard input)"},
			&cli.StringFlag{Name: "url", Usage: "with --html: the page's URL"},
			&cli.StringFlag{Name: "format", Value: "text", Usage: "with --html: text (the main writing) or json (its records)"},
			&cli.StringFlag{Name: "state", Usage: "share the re-extraction with other workers through this Redis: redis://HOST:PORT/DB (each takes WARC files as jobs; the last assembles)"},
			&cli.StringFlag{Name: "worker", Usage: "with --state: this worker's name, unique among the workers"},
			&cli.DurationFlag{Name: "lease", Value: crawlstate.DefaultLease, Usage: "with --state: how long a file stays with a worker that stopped answering before another takes it"},
		},
		Action: func(c *cli.Context) error {
			p, err := newPipeline(c, c.String("data"))
			if err != nil {
				return err
			}
			if c.String("state") != "" || c.String("worker") != "" {
				return extractShared(c, p)
			}
			if c.String("html") == "" {
				n, err := p.Extract(c.Context)
				if err != nil {
					return err
				}
				fmt.Fprintf(p.Out, "%d records\n", n)
				if c.Bool("no-index") {
					return nil
				}
				return p.Index(c.Context)
			}
			in := io.Reader(os.Stdin)
			if name := c.String("html"); name != "-" {
				f, err := os.Open(name)
				if err != nil {
					return err
				}
				defer f.Close()
				in = f
			}
			if f := c.String("format"); f != "text" && f != "json" {
				return fmt.Errorf("%w: --format must be text or json", errUsage)
			}
			return p.ExtractPage(in, c.String("url"), c.String("format"))
		},
	}
}

// extractShared runs this process as a worker of a re-extraction shared
// through Redis; the worker that assembles the records rebuilds the index.
func extractShared(c *cli.Context, p *pipeline.Pipeline) error {
	if c.String("state") == "" || c.String("worker") == "" || c.String("html") != "" {
		return fmt.Errorf("%w: a shared extraction needs both --state and --worker, and no --html", errUsage)
	}
	st, err := crawlstate.Open(c.String("state"), crawlstate.Options{Worker: c.String("worker"), Lease: c.Duration("lease"), Logger: p.Logger})
	if err != nil {
		return fmt.Errorf("%w: --state: %v", errUsage, err)
	}
	var jobs *crawlstate.Jobs
	defer func() {
		if jobs != nil {
			jobs.Close()
		} else {
			st.Close()
		}
	}()
	res, err := p.ExtractShared(c.Context, func(files []string) (pipeline.ExtractJobs, error) {
		var err error
		jobs, _, err = st.Jobs(c.Context, files)
		return jobs, err
	})
	if err != nil {
		return err
	}
	if !res.Assembled {
		fmt.Fprintf(p.Out, "%d files extracted; another worker assembles the records\n", res.Files)
		return nil
	}
	fmt.Fprintf(p.Out, "%d files extracted; %d records\n", res.Files, res.Records)
	if c.Bool("no-index") {
		return nil
	}
	return p.Index(c.Context)
}

func indexCommand() *cli.Command {
	return &cli.Command{
		Name:  "index",
		Usage: "rebuild the search index from the extracted records",
		Description: "Builds a new index from the record store (records/store.db) beside the old one and swaps it in whole:\n" +
			"searches running meanwhile, here or in another process, see the old index or the new, never\n" +
			"a part. A crawl adds its new records to the index by itself, and extract rebuilds it unless\n" +
			"given --no-index.",
		Flags: []cli.Flag{
			&cli.BoolFlag{Name: "rebuild", Usage: "build the whole index anew and swap it in (what index always does)"},
		},
		Action: func(c *cli.Context) error {
			p, err := newPipeline(c, c.String("data"))
			if err != nil {
				return err
			}
			return p.Index(c.Context)
		},
	}
}
