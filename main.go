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
// diagnostics to stderr, and returns the process exit code. Global flags
// may also follow the command ("rankfile crawl --data DIR").
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	return runApp(ctx, newApp(stdout, stderr), args, stderr)
}

// runApp runs args on app, an app newApp built (whose metadata a test may
// have added to), as run does.
func runApp(ctx context.Context, app *cli.App, args []string, stderr io.Writer) int {
	args = hoistGlobalFlags(args)
	err := app.RunContext(ctx, args)
	jsonLog := flagValue(args, "log-format") == "json"
	code := exitCode(err, stderr, jsonLog)
	if s, ok := app.Metadata[summaryKey].(*crawlSummary); ok {
		s.write(stderr, code, jsonLog)
	}
	return code
}

// globalFlags are the flags of the app itself, and whether each takes a value.
var globalFlags = map[string]bool{"data": true, "log-format": true, "verbose": false, "quiet": false, "q": false}

// hoistGlobalFlags moves the global flags found after the command name to
// before it, where urfave/cli looks for them: "rankfile crawl --data D" is
// "rankfile --data D crawl". A "--" ends the flags.
func hoistGlobalFlags(args []string) []string {
	if len(args) < 2 {
		return args
	}
	var global, rest []string
	cmd := -1
	for i := 1; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			rest = append(rest, args[i:]...)
			break
		}
		name, hasValue := flagName(a)
		takesValue, isGlobal := globalFlags[name]
		switch {
		case cmd < 0 && !strings.HasPrefix(a, "-"):
			cmd = i
			rest = append(rest, a)
		case isGlobal:
			global = append(global, a)
			if takesValue && !hasValue && i+1 < len(args) {
				i++
				global = append(global, args[i])
			}
		default:
			rest = append(rest, a)
		}
	}
	return append(append([]string{args[0]}, global...), rest...)
}

// flagName is the name of a flag argument ("--data=x" gives "data", true),
// or "" for an argument that is not a flag.
func flagName(arg string) (string, bool) {
	if !strings.HasPrefix(arg, "-") || arg == "-" {
		return "", false
	}
	name := strings.TrimLeft(arg, "-")
	name, _, hasValue := strings.Cut(name, "=")
	return name, hasValue
}

// flagValue is the value of the global flag name in args, or "".
func flagValue(args []string, name string) string {
	for i, a := range args {
		n, hasValue := flagName(a)
		if n != name {
			continue
		}
		if hasValue {
			return a[strings.Index(a, "=")+1:]
		}
		if i+1 < len(args) {
			return args[i+1]
		}
	}
	return ""
}

// exitCode maps an error to the exit code and prints its message: as a
// JSON log line when the log is JSON, so that the log holds JSON only.
func exitCode(err error, stderr io.Writer, jsonLog bool) int {
	if err == nil {
		return exitOK
	}
	say := func(msg string) {
		if jsonLog {
			slog.New(slog.NewJSONHandler(stderr, nil)).Error(msg)
			return
		}
		fmt.Fprintln(stderr, "rankfile: "+msg)
	}
	say(err.Error())
	switch {
	case errors.Is(err, errUsage), errors.Is(err, crawl.ErrSites), errors.Is(err, index.ErrBadQuery):
		return exitUsage
	case errors.Is(err, archive.ErrLocked):
		say("another rankfile run holds the archive lock; this run exits without touching it")
		return exitLocked
	case errors.Is(err, pipeline.ErrPartial), errors.Is(err, errAttention), errors.Is(err, archive.ErrSalvaged):
		return exitPartial
	}
	return exitFailure
}

// unknownCommand is the action of the app and of a command with
// subcommands: a word that names none of them is a usage error.
func unknownCommand(c *cli.Context) error {
	if c.Args().Present() {
		return fmt.Errorf("%w: no command %q (see rankfile --help)", errUsage, c.Args().First())
	}
	return cli.ShowAppHelp(c)
}

// usageErrors makes every command report bad flags as a usage error (exit
// 2), as the app itself does, and refuse unknown subcommands.
func usageErrors(cmds []*cli.Command, onUsage cli.OnUsageErrorFunc) {
	for _, c := range cmds {
		if c.OnUsageError == nil {
			c.OnUsageError = onUsage
		}
		if len(c.Subcommands) > 0 {
			if c.Action == nil {
				c.Action = func(ctx *cli.Context) error {
					if ctx.Args().Present() {
						return fmt.Errorf("%w: %s has no command %q", errUsage, ctx.Command.FullName(), ctx.Args().First())
					}
					return cli.ShowSubcommandHelp(ctx)
				}
			}
			usageErrors(c.Subcommands, onUsage)
		}
	}
}

func newApp(stdout, stderr io.Writer) *cli.App {
	onUsage := func(_ *cli.Context, err error, _ bool) error {
		return fmt.Errorf("%w: %w", errUsage, err)
	}
	app := &cli.App{
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
		Commands:     []*cli.Command{crawlCommand(), extractCommand(), indexCommand(), searchCommand(), showCommand(), diffCommand(), exportCommand(), archiveCommand(), importCommand(), statusCommand(), demoCommand(), serveCommand()},
		OnUsageError: onUsage,
		Action:       unknownCommand,
		Metadata:     map[string]any{},
	}
	usageErrors(app.Commands, onUsage)
	return app
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
