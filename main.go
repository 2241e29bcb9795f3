// Command rankfile crawls, archives, extracts and indexes the public writing
// of teachers-union rank-and-file caucuses and their partners. This file
// only wires the command line to the pipeline package.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/urfave/cli/v2"

	"rankfile/archive"
	"rankfile/crawl"
	"rankfile/index"
	"rankfile/pipeline"
)

// Exit codes, documented in the README.
const (
	exitOK      = 0 // everything asked was done
	exitFailure = 1 // nothing or not enough was done: see the message
	exitUsage   = 2 // bad flags or an invalid sites file
	exitPartial = 3 // the crawl finished, but some fetches failed (see the report)
	exitLocked  = 4 // another rankfile is writing to the same data directory
)

// errUsage marks a command line that cannot be run as given.
var errUsage = errors.New("usage")

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run runs the command line args, writing results to stdout and
// diagnostics to stderr, and returns the process exit code.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	app := newApp(stdout, stderr)
	err := app.RunContext(ctx, args)
	return exitCode(err, stderr)
}

// exitCode maps an error to the exit code and prints its message.
func exitCode(err error, stderr io.Writer) int {
	if err == nil {
		return exitOK
	}
	fmt.Fprintln(stderr, "rankfile:", err)
	switch {
	case errors.Is(err, errUsage), errors.Is(err, crawl.ErrSites):
		return exitUsage
	case errors.Is(err, archive.ErrLocked):
		fmt.Fprintln(stderr, "rankfile: another rankfile run holds the archive lock; this run exits without touching it")
		return exitLocked
	case errors.Is(err, pipeline.ErrPartial):
		return exitPartial
	}
	return exitFailure
}

func newApp(stdout, stderr io.Writer) *cli.App {
	return &cli.App{
		Name:  "rankfile",
		Usage: "crawl, archive, extract and search the writing of rank-and-file caucuses",
		Description: "rankfile keeps WARC archives of caucus sites and a search index of their writing.\n" +
			"Everything after the archive (records, index) is rebuilt from the WARC files.",
		Version:         crawl.Version,
		Writer:          stdout,
		ErrWriter:       stderr,
		HideHelpCommand: true,
		ExitErrHandler:  func(*cli.Context, error) {}, // run maps errors to exit codes
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "data", Value: "./rankfile-data", EnvVars: []string{"RANKFILE_DATA"}, Usage: "data directory (archive, records, index)"},
			&cli.StringFlag{Name: "log-format", Value: "text", Usage: "log format on stderr: text or json"},
			&cli.BoolFlag{Name: "verbose", Usage: "log every capture and stage"},
			&cli.BoolFlag{Name: "quiet", Aliases: []string{"q"}, Usage: "print only errors (for cron mail)"},
		},
		Commands: []*cli.Command{crawlCommand(), extractCommand(), indexCommand(), searchCommand(), archiveCommand(), importCommand(), demoCommand()},
		OnUsageError: func(_ *cli.Context, err error, _ bool) error {
			return fmt.Errorf("%w: %w", errUsage, err)
		},
	}
}

// newPipeline builds the pipeline for the data directory and logger the
// global flags name.
func newPipeline(c *cli.Context, dir string) (*pipeline.Pipeline, error) {
	level := slog.LevelWarn
	if c.Bool("verbose") {
		level = slog.LevelInfo
	}
	opts := &slog.HandlerOptions{Level: level}
	var h slog.Handler
	switch c.String("log-format") {
	case "text":
		h = slog.NewTextHandler(c.App.ErrWriter, opts)
	case "json":
		h = slog.NewJSONHandler(c.App.ErrWriter, opts)
	default:
		return nil, fmt.Errorf("%w: --log-format must be text or json", errUsage)
	}
	out := c.App.Writer
	if c.Bool("quiet") {
		out = io.Discard
	}
	return &pipeline.Pipeline{Dir: dir, Logger: slog.New(h), Out: out}, nil
}

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

func extractCommand() *cli.Command {
	return &cli.Command{
		Name:  "extract",
		Usage: "re-extract records from every capture in the archive, or from one page with --html",
		Flags: []cli.Flag{
			&cli.StringFlag{Name: "html", Usage: "extract this HTML file instead of the archive (- for standard input)"},
			&cli.StringFlag{Name: "url", Usage: "with --html: the page's URL"},
			&cli.StringFlag{Name: "format", Value: "text", Usage: "with --html: text (the main writing) or json (its records)"},
		},
		Action: func(c *cli.Context) error {
			p, err := newPipeline(c, c.String("data"))
			if err != nil {
				return err
			}
			if c.String("html") == "" {
				n, err := p.Extract(c.Context)
				if err == nil {
					fmt.Fprintf(p.Out, "%d records\n", n)
				}
				return err
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

func indexCommand() *cli.Command {
	return &cli.Command{
		Name:  "index",
		Usage: "rebuild the search index from the extracted records",
		Action: func(c *cli.Context) error {
			p, err := newPipeline(c, c.String("data"))
			if err != nil {
				return err
			}
			return p.Index(c.Context)
		},
	}
}

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

func demoCommand() *cli.Command {
	return &cli.Command{
		Name:  "demo",
		Usage: "serve the embedded fixture web on loopback, crawl, extract and index it, and search it",
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
