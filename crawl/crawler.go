package crawl

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gocolly/colly/v2"
)

// Version is rankfile's version, named in the User-Agent and the WARC files.
const Version = "0.1.0"

// Options configure a Crawler.
type Options struct {
	Sites   *Sites   // what to crawl (required)
	Archive Archiver // where every exchange goes (required)
	// Contact is a URL or address site owners can reach the operator at; it
	// goes into the User-Agent.
	Contact string
	// UserAgent overrides the User-Agent built from Version and Contact.
	UserAgent string
	// Transport is the base HTTP transport; nil means a plain one with
	// compression left to the crawler. Tests pass one whose dialer reaches the
	// fixture web on loopback.
	Transport http.RoundTripper
	// MaxBodySize cuts longer bodies (recorded as truncated); default 50 MiB.
	MaxBodySize int64
	// Timeout bounds one request; default 60s.
	Timeout time.Duration
	// Retries is how many times a fetch that failed with a 5xx, a 429 or a
	// network fault is tried again; default 3, negative means never.
	Retries int
	// RetryBase is the first backoff between tries; it doubles with each
	// try. Default 2s.
	RetryBase time.Duration
	// MaxRetryWait caps one wait between tries, whatever Retry-After asks;
	// default 5m.
	MaxRetryWait time.Duration
	// CrawlID names the crawl; default is random.
	CrawlID string
	// Resume, when set, hands over the captures an interrupted run of the
	// same crawl archived: they are not fetched again, but their links are
	// followed.
	Resume ResumeFunc
	// History, when set, makes every request conditional on the last
	// capture of its URL (If-None-Match, If-Modified-Since); a 304 is
	// archived as a revisit and the page's links are read from that capture.
	History History
	// Shared, when set, is the crawl state this crawler shares with other
	// workers: the frontier, seen set, politeness, robots.txt and report
	// are theirs together (see Shared). Resume is not used with it: the
	// state is the crawl's memory.
	Shared Shared
	// Progress, when set, is called (from many goroutines, so it must be
	// safe for concurrent use) whenever a URL is queued or finished.
	Progress func(Progress)
	Logger   *slog.Logger
	now      func() time.Time
}

// Crawler crawls the sites of a sites file once.
type Crawler struct {
	opts   Options
	log    *slog.Logger
	ua     string
	client *http.Client
	robots *robots
	report *Report
	col    *colly.Collector

	done                       map[string]*archived // what an interrupted run archived; read-only during Run
	seen                       seenSet              // normalized URLs queued
	frontier                   frontier             // URLs queued and not yet handed to colly
	inflight                   inflight             // crawl context of the URLs under way, for metadata records and hop paths
	leftover                   int                  // inflight entries a finished Run found and dropped (tests check for 0)
	queued, finished, failures atomic.Int64
	pages                      map[string]*atomic.Int64 // site name -> URLs queued
	requisites                 map[string]*atomic.Int64 // site name -> requisites queued
	gates                      sync.Map                 // host -> *hostGate, for robots.txt's Crawl-delay
	bg                         sync.WaitGroup           // goroutines that queue URLs beside colly's (sitemaps)
	stop                       context.CancelCauseFunc  // ends the crawl at once, with why
	shared                     *sharedRun               // the shared state's side, when Options.Shared is set
}

// New returns a Crawler for opts.
func New(opts Options) (*Crawler, error) {
	if opts.Sites == nil || len(opts.Sites.Sites) == 0 {
		return nil, errors.New("crawl: no sites to crawl")
	}
	if opts.Archive == nil {
		return nil, errors.New("crawl: no archive to write to")
	}
	if opts.MaxBodySize <= 0 {
		opts.MaxBodySize = 50 << 20
	}
	if opts.Timeout <= 0 {
		opts.Timeout = time.Minute
	}
	switch {
	case opts.Retries == 0:
		opts.Retries = 3
	case opts.Retries < 0:
		opts.Retries = 0
	}
	if opts.RetryBase <= 0 {
		opts.RetryBase = 2 * time.Second
	}
	if opts.MaxRetryWait <= 0 {
		opts.MaxRetryWait = 5 * time.Minute
	}
	if opts.CrawlID == "" {
		opts.CrawlID = NewCrawlID()
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	if opts.now == nil {
		opts.now = time.Now
	}
	if opts.Transport == nil {
		opts.Transport = DefaultTransport(nil)
	}
	c := &Crawler{opts: opts, log: opts.Logger.With("component", "crawl"), pages: map[string]*atomic.Int64{}, requisites: map[string]*atomic.Int64{}}
	c.ua = opts.UserAgent
	if c.ua == "" {
		c.ua = UserAgent(opts.Contact)
	}
	for _, s := range opts.Sites.Sites {
		c.pages[s.Name] = &atomic.Int64{}
		c.requisites[s.Name] = &atomic.Int64{}
	}
	return c, nil
}

// NewCrawlID returns a short random crawl identifier.
func NewCrawlID() string {
	b := make([]byte, 4)
	rand.Read(b)
	return hex.EncodeToString(b)
}

// UserAgent is the User-Agent rankfile sends: its name, version and the
// operator's contact.
func UserAgent(contact string) string {
	if contact == "" {
		return "rankfile/" + Version
	}
	return fmt.Sprintf("rankfile/%s (+%s)", Version, contact)
}

// DefaultTransport returns the base transport of a crawl: it leaves
// decompression to the crawler, so the archive keeps bodies as sent; dial,
// when not nil, replaces the network dialer.
func DefaultTransport(dial func(ctx context.Context, network, addr string) (net.Conn, error)) *http.Transport {
	if dial == nil {
		dial = (&net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second}).DialContext
	}
	return &http.Transport{
		DialContext:           dial,
		DisableCompression:    true,
		MaxIdleConnsPerHost:   16,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   15 * time.Second,
		ResponseHeaderTimeout: 60 * time.Second,
	}
}

// Report returns the report of the crawl so far.
func (c *Crawler) Report() *Report { return c.report }

// Run crawls every site from its seeds until no URL in scope is left, the
// limits are reached or ctx is done, and returns what it did. An archive
// that cannot take an exchange (a full disk) stops the crawl at once: Run
// returns its report and an error wrapping ErrArchive.
func (c *Crawler) Run(parent context.Context) (*Report, error) {
	ctx, stop := context.WithCancelCause(parent)
	defer stop(nil)
	c.stop = stop
	started := c.opts.now()
	c.report = newReport(c.opts.CrawlID, started, c.opts.Sites.Sites)
	rec := &recorder{base: c.opts.Transport, archive: c.opts.Archive, maxBody: c.opts.MaxBodySize, now: c.opts.now, written: c.written,
		history: c.opts.History, inflight: &c.inflight, retries: c.opts.Retries}
	c.client = &http.Client{Transport: rec, Timeout: c.opts.Timeout}
	c.robots = &robots{client: robotsClient(rec, c.opts.Timeout), agent: "rankfile", ua: c.ua, hosts: map[string]*robotsEntry{}, archived: c.archivedRobots,
		retries: c.opts.Retries, base: c.opts.RetryBase, maxWait: c.opts.MaxRetryWait}
	if err := c.loadResume(ctx); err != nil {
		return c.report, fmt.Errorf("read the interrupted crawl: %w", err)
	}

	col := colly.NewCollector(colly.Async(true), colly.UserAgent(c.ua), colly.IgnoreRobotsTxt(),
		colly.AllowURLRevisit(), colly.StdlibContext(ctx), colly.MaxBodySize(int(c.opts.MaxBodySize)))
	c.col = col
	col.WithTransport(rec)
	col.SetRequestTimeout(c.opts.Timeout)
	col.SetRedirectHandler(c.redirect)
	if c.opts.Shared != nil {
		return c.endRun(ctx, parent, started, c.runShared(ctx, col))
	}
	if err := c.limits(col); err != nil {
		return c.report, err
	}
	col.OnRequest(func(r *colly.Request) { c.admit(ctx, r) })
	col.OnResponse(func(r *colly.Response) { c.follow(ctx, r) })
	col.OnError(func(r *colly.Response, err error) {
		if !c.retry(ctx, r, err) {
			c.inflight.finished(r.Request.URL.String())
			c.failed(ctx, r, err)
			c.finish(r.StatusCode >= 500 || r.StatusCode == 0)
		}
	})
	col.OnScraped(func(*colly.Response) { c.finish(false) })

	for _, s := range c.opts.Sites.Sites {
		for _, seed := range s.Seeds {
			u, err := Normalize(nil, seed)
			if err != nil {
				continue
			}
			c.enqueue(ctx, s, u, 0, origin{})
		}
		c.bg.Go(func() { c.sitemaps(ctx, s) })
	}
	c.bg.Wait() // before col.Wait: what they queue, colly then waits for
	col.Wait()
	return c.endRun(ctx, parent, started, nil)
}

// endRun ends Run: it notes the duration and says why the crawl stopped.
func (c *Crawler) endRun(ctx, parent context.Context, started time.Time, err error) (*Report, error) {
	c.leftover = c.inflight.clear()
	c.report.Duration = c.opts.now().Sub(started)
	c.log.Info("crawl finished", "crawl_id", c.opts.CrawlID, "duration", c.report.Duration)
	if cause := context.Cause(ctx); errors.Is(cause, ErrArchive) {
		return c.report, fmt.Errorf("crawl stopped at once: %w", cause)
	}
	if err := parent.Err(); err != nil {
		return c.report, fmt.Errorf("crawl interrupted: %w", err)
	}
	if err != nil {
		return c.report, fmt.Errorf("%w: %w", ErrSharedState, err)
	}
	return c.report, nil
}

// limits gives every seed host its politeness rule: the site's delay and
// parallelism. robots.txt's Crawl-delay, known only once a host's robots.txt
// is in, is kept by admit.
func (c *Crawler) limits(col *colly.Collector) error {
	done := map[string]bool{}
	for _, s := range c.opts.Sites.Sites {
		for _, seed := range s.Seeds {
			u, err := url.Parse(seed)
			if err != nil || done[u.Host] {
				continue
			}
			done[u.Host] = true
			if err := col.Limit(&colly.LimitRule{DomainGlob: u.Host, Parallelism: s.Parallelism, Delay: s.Delay}); err != nil {
				return fmt.Errorf("politeness rule for %s: %w", u.Host, err)
			}
		}
	}
	d := c.opts.Sites.Defaults
	return col.Limit(&colly.LimitRule{DomainGlob: "*", Parallelism: max(d.Parallelism, 1), Delay: d.Delay})
}

// sitemaps queues the sitemaps robots.txt names for the site's seed hosts,
// and /sitemap.xml where robots.txt names none. It waits for robots.txt, so
// Run calls it beside the crawl.
func (c *Crawler) sitemaps(ctx context.Context, s *Site) {
	hosts := map[string]bool{}
	for _, seed := range s.Seeds {
		u, err := url.Parse(seed)
		if err != nil || hosts[u.Host] {
			continue
		}
		hosts[u.Host] = true
		c.hostSitemaps(ctx, s, u.Scheme, u.Host)
	}
}

// hostSitemaps queues the sitemaps robots.txt names for scheme://host, or
// /sitemap.xml where it names none.
func (c *Crawler) hostSitemaps(ctx context.Context, s *Site, scheme, host string) {
	e := c.robots.rules(ctx, scheme, host)
	if e.unreachable != "" {
		return // the host is disallowed; its seeds are named as dropped
	}
	maps := e.sitemaps()
	o := origin{via: scheme + "://" + host + "/robots.txt", hop: hopInferred}
	if len(maps) == 0 {
		maps = []string{scheme + "://" + host + "/sitemap.xml"}
		o.via = "" // guessed, not found
	}
	for _, m := range maps {
		if mu, err := Normalize(nil, m); err == nil {
			c.enqueue(ctx, s, mu, 0, o)
		}
	}
}

// follow queues the links of a fetched page or sitemap: those the recorder
// found, or for a 304 answered from the archive, those of the capture it
// stands for. It finishes the URL's crawl context.
func (c *Crawler) follow(ctx context.Context, r *colly.Response) {
	via := r.Request.URL.String()
	found := c.inflight.takeLinks(via)
	_, uc := c.inflight.context(via)
	defer c.inflight.finished(via)
	site := c.siteOf(via)
	if site == nil || r.StatusCode >= 300 {
		return
	}
	depth, _ := strconv.Atoi(r.Ctx.Get("depth"))
	if found == nil {
		found = findLinks(r.Headers.Get("Content-Type"), r.Body, r.Request.URL)
	}
	var hops string
	if uc != nil {
		hops = uc.hops
	}
	if found.malformed > 0 {
		c.report.update(site.Name, func(sr *SiteReport) { sr.Dropped[DropMalformed] += found.malformed }) // not named: no URL to name
	}
	ctx, queue := c.batchAdds(ctx) // a shared crawl queues the page's links in one call
	defer queue()
	// a requisite's own links are not followed, and its requisites (a
	// stylesheet's fonts and pictures) only maxEmbedHops deep from a page
	embeds := trailingEmbeds(hops)
	if embeds == 0 {
		for _, u := range found.links {
			c.enqueue(ctx, site, u, depth+1, origin{via: via, path: hops, hop: hopLink})
		}
	}
	if site.Requisites && embeds < maxEmbedHops {
		// a page's requisites are fetched at its own depth: a link limit
		// must not leave a page without its pictures
		for _, u := range found.embeds {
			c.enqueue(ctx, site, u, depth, origin{via: via, path: hops, hop: hopEmbed})
		}
	}
}

// maxEmbedHops is how many requisite hops the crawl takes from a page: its
// stylesheet (E), and the stylesheet's fonts and pictures (EE), as
// Heritrix's transclusion rule takes two.
const maxEmbedHops = 2

// trailingEmbeds counts the requisite hops (E) at the end of a hop path,
// past the redirects (R) between them: 0 for a page.
func trailingEmbeds(hops string) int {
	n := 0
	for i := len(hops) - 1; i >= 0; i-- {
		switch hops[i] {
		case hopEmbed:
			n++
		case hopRedirect:
		default:
			return n
		}
	}
	return n
}

// Progress is a crawl's progress so far.
type Progress struct {
	Queued   int64         // URLs queued for fetching
	Finished int64         // URLs fetched or given up
	Failed   int64         // URLs given up after their retries
	Elapsed  time.Duration // since the crawl started
}

// finish counts a request ended, from colly's callbacks, and hands colly
// the next URLs of the frontier.
func (c *Crawler) finish(failed bool) {
	c.ended(failed)
	c.startQueued()
}

// ended counts one queued URL as done and reports progress; every 100
// pages it also logs a line, for logs that no terminal shows.
func (c *Crawler) ended(failed bool) {
	c.frontier.done()
	c.count(failed)
}

// count counts one URL as done and reports progress.
func (c *Crawler) count(failed bool) {
	if failed {
		c.failures.Add(1)
	}
	n := c.finished.Add(1)
	p := c.progress()
	if c.opts.Progress != nil {
		c.opts.Progress(p)
	}
	if n%100 == 0 {
		rate := float64(p.Finished) / max(p.Elapsed.Seconds(), 0.001)
		c.log.Info("progress", "finished", p.Finished, "queued", p.Queued, "failed", p.Failed, "pages_per_s", int(rate))
	}
}

func (c *Crawler) progress() Progress {
	return Progress{Queued: c.queued.Load(), Finished: c.finished.Load(), Failed: c.failures.Load(),
		Elapsed: c.opts.now().Sub(c.report.Started)}
}
