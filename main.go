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
	exitPartial = 3 // the crawl finished, but some fetches failed (see the report); status: something needs attention; import --salvage: damaged records left out
	exitLocked  = 4 // another rankfile is writing to the same data directory
)

// errUsage marks a command line that cannot be run as given.
var errUsage = errors.New("usage")

// errAttention is status finding something that needs the operator.
var errAttention = errors.New("something needs attention (see above)")

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
	case errors.Is(err, errUsage), errors.Is(err, crawl.ErrSites), errors.Is(err, index.ErrBadQuery):
		return exitUsage
	case errors.Is(err, archive.ErrLocked):
		fmt.Fprintln(stderr, "rankfile: another rankfile run holds the archive lock; this run exits without touching it")
		return exitLocked
	case errors.Is(err, pipeline.ErrPartial), errors.Is(err, errAttention), errors.Is(err, archive.ErrSalvaged):
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
		Commands: []*cli.Command{crawlCommand(), extractCommand(), indexCommand(), searchCommand(), showCommand(), diffCommand(), exportCommand(), archiveCommand(), importCommand(), statusCommand(), demoCommand(), serveCommand()},
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
	p := &pipeline.Pipeline{Dir: dir, Logger: slog.New(h), Out: out}
	if !c.Bool("quiet") && c.String("log-format") == "text" && isTerminal(c.App.ErrWriter) {
		p.Progress = c.App.ErrWriter
	}
	return p, nil
}

// isTerminal reports whether w is a terminal: a live progress bar goes
// there, and plain log lines everywhere else (cron mail, log files).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}
