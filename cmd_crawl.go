package main

import (
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"rankfile/crawl"
	"rankfile/crawlstate"
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
			&cli.StringFlag{Name: "warc-size", Value: "1GB", Usage: "start a new WARC file past this size (B, KB, MB, GB; KiB, MiB, GiB)"},
			&cli.DurationFlag{Name: "timeout", Value: time.Minute, Usage: "give up on a request (robots.txt included) after this long"},
			&cli.IntFlag{Name: "retries", Value: 3, Usage: "tries after a server error, a 429 or a network fault (0: none), with exponential backoff"},
			&cli.BoolFlag{Name: "no-index", Usage: "archive only; do not extract or index"},
			&cli.StringFlag{Name: "state", Usage: "share the crawl with other workers through this Redis: redis://HOST:PORT/DB (archive only; see archive merge)"},
			&cli.StringFlag{Name: "worker", Usage: "with --state: this worker's name, unique among the crawl's workers; it writes into DATA/workers/NAME"},
			&cli.DurationFlag{Name: "lease", Value: crawlstate.DefaultLease, Usage: "with --state: how long a URL stays with a worker that stopped answering before another takes it"},
			&cli.BoolFlag{Name: "check", Usage: "validate the sites file and print what would be crawled; fetch and write nothing"},
		},
		Action: func(c *cli.Context) error {
			if c.Bool("check") {
				sites, err := crawl.LoadSites(c.String("sites"))
				if err != nil {
					return err
				}
				sites.WriteText(c.App.Writer)
				return sites.WriteCheck(c.App.Writer)
			}
			if os.Getenv("GOMEMLIMIT") == "" {
				// a soft limit: the garbage of a hostile page (a hundred
				// thousand links, a decoded bomb) is collected before the
				// heap grows past it, even when other work slows the
				// collector down; GOMEMLIMIT overrides it
				defer debug.SetMemoryLimit(debug.SetMemoryLimit(crawlMemoryLimit))
			}
			sum := &crawlSummary{}
			c.App.Metadata[summaryKey] = sum
			if sites, err := crawl.LoadSites(c.String("sites")); err == nil {
				sum.sites = len(sites.Sites)
			}
			size, err := parseSize(c.String("warc-size"))
			if err != nil {
				return fmt.Errorf("%w: --warc-size: %v", errUsage, err)
			}
			if c.Duration("timeout") <= 0 || c.Int("retries") < 0 {
				return fmt.Errorf("%w: --timeout must be positive and --retries not negative", errUsage)
			}
			retries := c.Int("retries")
			if retries == 0 {
				retries = -1 // the crawler's "none"
			}
			dir := c.String("data")
			if c.String("state") == "" && c.String("worker") != "" {
				return fmt.Errorf("%w: --worker names a worker of a shared crawl: it needs --state", errUsage)
			}
			if c.String("state") != "" {
				if c.String("worker") == "" {
					return fmt.Errorf("%w: --state needs --worker NAME", errUsage)
				}
				dir = pipeline.WorkerDir(dir, c.String("worker"))
			}
			p, err := newPipeline(c, dir)
			if err != nil {
				return err
			}
			o := pipeline.CrawlOptions{
				SitesFile: c.String("sites"), Contact: c.String("contact"),
				Operator: c.String("operator"), NoIndex: c.Bool("no-index"), MaxFileSize: size,
				Timeout: c.Duration("timeout"), Retries: retries,
			}
			o.Transport, _ = c.App.Metadata[transportKey].(http.RoundTripper)
			if u := c.String("state"); u != "" {
				if o.State, err = crawlstate.Open(u, crawlstate.Options{Worker: c.String("worker"), Lease: c.Duration("lease"), Logger: p.Logger}); err != nil {
					return fmt.Errorf("%w: --state: %v", errUsage, err)
				}
				defer o.State.Close()
			}
			report, err := p.Crawl(c.Context, o)
			sum.add(report)
			return err
		},
	}
}

// crawlMemoryLimit is the Go runtime's soft memory limit during a crawl
// (and the derived work beside it), under the 300 MB a crawl may take
// whatever one page holds: measured on the fault web with other tests
// running beside it, the heap peaked at 311 MiB without a limit and at
// 211-231 MiB under 200 MiB. A crawl whose live data grows past it (a very
// large one, extracting beside the crawl) has its collector run more
// often, at most half the CPU; set GOMEMLIMIT to lift it.
const crawlMemoryLimit = 224 << 20

// transportKey keys, in the app's metadata, the HTTP transport the crawl
// uses instead of the network's: tests put there one that reaches their
// loopback web.
const transportKey = "crawl-transport"

// summaryKey keys the crawl's summary in the app's metadata: run prints it
// once the exit code is known.
const summaryKey = "crawl-summary"

// crawlSummary is the one line every crawl run leaves on stderr, --quiet
// or not, so that a cron log shows each night's run and its exit code:
// "rankfile crawl 1a2b3c4d: 20 sites, 812 fetched, 30 new, 4 changed, 2 failed, exit 3".
type crawlSummary struct {
	id                                   string
	sites, fetched, new, changed, failed int
}

func (s *crawlSummary) add(r *crawl.Report) {
	if r == nil {
		return
	}
	t := r.Totals()
	s.id, s.sites, s.fetched, s.new, s.changed = r.CrawlID, len(r.Sites), t.Fetched, t.New, t.Changed
	for _, n := range t.Failed {
		s.failed += n
	}
}

// write prints the summary with the run's exit code, as a JSON log line
// when the log is JSON.
func (s *crawlSummary) write(w io.Writer, code int, jsonLog bool) {
	if jsonLog {
		slog.New(slog.NewJSONHandler(w, nil)).Info("crawl summary", "crawl_id", s.id, "sites", s.sites, "fetched", s.fetched,
			"new", s.new, "changed", s.changed, "failed", s.failed, "exit_code", code)
		return
	}
	id := ""
	if s.id != "" {
		id = " " + s.id
	}
	fmt.Fprintf(w, "rankfile crawl%s: %d sites, %d fetched, %d new, %d changed, %d failed, exit %d\n",
		id, s.sites, s.fetched, s.new, s.changed, s.failed, code)
}

// sizeUnits are the units parseSize takes, longest first.
var sizeUnits = []struct {
	name string
	n    int64
}{
	{"KIB", 1 << 10}, {"MIB", 1 << 20}, {"GIB", 1 << 30},
	{"KB", 1e3}, {"MB", 1e6}, {"GB", 1e9}, {"K", 1e3}, {"M", 1e6}, {"G", 1e9}, {"B", 1},
}

// parseSize reads a size such as 1GB, 500MB, 64KiB or 1048576 (bytes).
func parseSize(s string) (int64, error) {
	v := strings.ToUpper(strings.TrimSpace(s))
	mult := int64(1)
	for _, u := range sizeUnits {
		if num, ok := strings.CutSuffix(v, u.name); ok {
			v, mult = strings.TrimSpace(num), u.n
			break
		}
	}
	n, err := strconv.ParseFloat(v, 64)
	if err != nil || n <= 0 || n*float64(mult) > 1<<50 {
		return 0, fmt.Errorf("%q is not a size: want e.g. 1GB, 500MB or 64KiB", s)
	}
	return int64(n * float64(mult)), nil
}
