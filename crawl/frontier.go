package crawl

import (
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"

	"github.com/gocolly/colly/v2"

	"rankfile/archive"
)

// enqueue decides whether to fetch u, found at depth on a page of site from
// (o says which page and how; its zero value is a seed's), and queues it if
// so. Every URL not fetched is counted under its reason, and named. A
// requisite of from's page outside every site's scope is fetched for
// from all the same (Limits.Requisites), counted in its MaxRequisites.
// robots.txt is asked later, in the fetch's own goroutine (admit), so that
// a host whose robots.txt is slow holds up no other.
func (c *Crawler) enqueue(ctx context.Context, from *Site, u *url.URL, depth int, o origin) {
	raw := u.String()
	drop := func(reason, detail string) {
		c.report.drop(from.Name, URLProblem{URL: raw, Reason: reason, Detail: detail, Via: o.via})
	}
	if ctx.Err() != nil {
		drop(DropStopped, "the crawl stopped before it was queued")
		return
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		drop(DropScheme, "")
		return
	}
	site := c.opts.Sites.SiteFor(raw)
	requisite := false
	if site == nil || !site.InScope(raw) {
		if o.hop != hopEmbed || from.excludes(raw) {
			drop(DropOutOfScope, scopeDetail(site))
			return
		}
		site, requisite = from, true
	}
	if isTrap(u) {
		drop(DropTrap, "")
		return
	}
	if site.MaxDepth > 0 && depth > site.MaxDepth {
		drop(DropMaxDepth, "")
		return
	}
	if c.shared != nil {
		c.enqueueShared(ctx, site, u, depth, o, requisite, drop)
		return
	}
	if c.seen.add(raw) {
		drop(DropSeen, "")
		return
	}
	counter, limit, over := c.pages[site.Name], site.MaxPages, DropMaxPages
	if o.hop == hopEmbed {
		counter, limit, over = c.requisites[site.Name], site.MaxRequisites, DropMaxRequisites
	}
	if n := counter.Add(1); limit > 0 && n > int64(limit) {
		drop(over, "")
		return
	}
	if a, ok := c.done[raw]; ok { // the interrupted run fetched it: robots.txt allowed it
		c.walkArchived(ctx, site, a, depth, raw, o.hops())
		return
	}
	uc := newURLContext(o)
	uc.site, uc.charged, uc.requisite = site, counter, requisite
	c.queued.Add(1)
	if c.opts.Progress != nil {
		c.opts.Progress(c.progress())
	}
	c.frontier.push(queuedURL{url: raw, depth: depth, uc: uc})
	c.startQueued()
}

// maxRunning bounds the requests handed to colly at once: colly starts a
// goroutine for each, so the crawler keeps the rest in its frontier, a few
// dozen bytes a URL, and hands them over as requests finish.
const maxRunning = 256

// queuedURL is a URL in the frontier, waiting for colly, with its context.
type queuedURL struct {
	url   string
	depth int
	uc    *urlContext
}

// frontier is the crawl's queue of URLs to fetch, first in first out.
type frontier struct {
	mu      sync.Mutex
	waiting []queuedURL
	head    int
	running int
}

func (f *frontier) push(q queuedURL) {
	f.mu.Lock()
	f.waiting = append(f.waiting, q)
	f.mu.Unlock()
}

// next takes the next URL to start, if fewer than maxRunning are running.
func (f *frontier) next() (queuedURL, bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.running >= maxRunning || f.head == len(f.waiting) {
		return queuedURL{}, false
	}
	q := f.waiting[f.head]
	f.waiting[f.head] = queuedURL{}
	f.head++
	if f.head > 1024 && f.head*2 > len(f.waiting) { // reuse the space of those taken
		f.waiting = append(f.waiting[:0], f.waiting[f.head:]...)
		f.head = 0
	}
	f.running++
	return q, true
}

// done notes that a request started ended.
func (f *frontier) done() {
	f.mu.Lock()
	f.running--
	f.mu.Unlock()
}

// startQueued hands colly the URLs of the frontier while fewer than
// maxRunning requests run. It is called when a URL is queued and when a
// request ends, from within colly's callbacks, so that colly's Wait cannot
// return while the frontier holds URLs.
func (c *Crawler) startQueued() {
	for {
		q, ok := c.frontier.next()
		if !ok {
			return
		}
		cctx := colly.NewContext()
		cctx.Put("depth", strconv.Itoa(q.depth))
		cctx.Put("via", q.uc.via)
		c.inflight.add(q.url, q.uc)
		if err := c.col.Request(http.MethodGet, q.url, nil, cctx, nil); err != nil {
			c.inflight.finished(q.url)
			c.ended(true)
			c.log.Warn("not queued", "url", q.url, "error", err)
			c.report.fail(q.uc.site.Name, URLProblem{URL: q.url, Reason: "queue", Detail: err.Error(), Via: q.uc.via})
		}
	}
}

// seenSet is the set of URLs the crawl has queued, kept as 128-bit hashes
// in shards: about 40 bytes a URL however long, so that a crawl of a
// million URLs keeps its seen set in some 40 MB.
type seenSet struct {
	shards [64]struct {
		mu sync.Mutex
		m  map[[16]byte]struct{}
	}
}

// add adds u and reports whether it was there already.
func (s *seenSet) add(u string) bool {
	h := sha256.Sum256([]byte(u))
	var k [16]byte
	copy(k[:], h[:16])
	sh := &s.shards[k[0]%64]
	sh.mu.Lock()
	defer sh.mu.Unlock()
	if _, ok := sh.m[k]; ok {
		return true
	}
	if sh.m == nil {
		sh.m = map[[16]byte]struct{}{}
	}
	sh.m[k] = struct{}{}
	return false
}

// scopeDetail says why a URL is out of scope: on no site's domains, or
// outside the include or exclude patterns of the site that claims it.
func scopeDetail(owner *Site) string {
	if owner == nil {
		return "on no site's domains"
	}
	return "outside the include or exclude patterns of " + strconv.Quote(owner.Name)
}

// admit is colly's OnRequest: in the request's own goroutine, before it
// takes a place in its host's queue, it asks the host's robots.txt
// (fetching it on the host's first request) and aborts a disallowed
// request, which is then counted, named and finished here since colly
// calls nothing else for it; then it waits out robots.txt's Crawl-delay.
func (c *Crawler) admit(ctx context.Context, r *colly.Request) {
	raw := r.URL.String()
	site := c.siteOf(raw)
	e := c.robots.rules(context.WithValue(ctx, siteKey{}, site), r.URL.Scheme, r.URL.Host)
	ok, reason, detail := e.admits(r.URL.RequestURI())
	_, uc := c.inflight.context(raw)
	if !ok {
		r.Abort()
		via := ""
		if uc != nil {
			via = uc.via
			if uc.charged != nil {
				uc.charged.Add(-1) // not fetched: its place goes to another page
			}
		}
		if site != nil {
			c.report.drop(site.Name, URLProblem{URL: raw, Reason: reason, Detail: detail, Via: via})
		}
		c.inflight.finished(raw)
		c.endRequest(ctx, r, false)
		return
	}
	delay := e.crawlDelay()
	if c.shared != nil { // the shared state spaces the host's requests, for every worker
		if delay > 0 {
			c.shared.delays.Store(r.URL.Host, delay)
		}
		return
	}
	if delay > 0 && (site == nil || delay > site.Delay) {
		g, _ := c.gates.LoadOrStore(r.URL.Host, &hostGate{})
		g.(*hostGate).wait(ctx, min(delay, c.opts.MaxRetryWait))
	}
}

// siteKey marks the context of a robots.txt fetch with the site whose URL
// asked for it: a CDN's robots.txt is counted in the report of the site
// whose requisite is on the CDN.
type siteKey struct{}

// siteOf is the site the URL is fetched for: the one it was queued for,
// else the one that claims it.
func (c *Crawler) siteOf(rawURL string) *Site {
	if _, uc := c.inflight.context(rawURL); uc != nil && uc.site != nil {
		return uc.site
	}
	return c.opts.Sites.SiteFor(rawURL)
}

// redirect follows a redirect only within scope, to a URL not fetched yet,
// and at most ten times; otherwise colly gets the redirect response itself.
func (c *Crawler) redirect(req *http.Request, via []*http.Request) error {
	if len(via) >= 10 {
		return http.ErrUseLastResponse
	}
	u, err := Normalize(nil, req.URL.String())
	if err != nil {
		return http.ErrUseLastResponse
	}
	prev := via[len(via)-1].URL.String()
	from := c.siteOf(via[0].URL.String())
	_, uc := c.inflight.context(via[0].URL.String())
	site := c.opts.Sites.SiteFor(u.String())
	drop := func(reason, detail string) {
		if from != nil {
			c.report.drop(from.Name, URLProblem{URL: u.String(), Reason: reason, Detail: detail, Via: prev})
		}
	}
	inScope := site != nil && site.InScope(u.String())
	if requisite := uc != nil && strings.HasSuffix(strings.TrimRight(uc.hops, string(hopRedirect)), string(hopEmbed)); !inScope && requisite && from != nil && !from.excludes(u.String()) {
		inScope = true // a requisite moved to a CDN is fetched as the requisite was
	}
	if !inScope || isTrap(u) {
		drop(DropOutOfScope, "a redirect "+scopeDetail(site))
		return http.ErrUseLastResponse
	}
	if c.seenAdd(req.Context(), u.String()) {
		return http.ErrUseLastResponse
	}
	if ok, reason, detail := c.robots.rules(req.Context(), u.Scheme, u.Host).admits(u.RequestURI()); !ok {
		drop(reason, detail)
		return http.ErrUseLastResponse
	}
	c.inflight.redirected(prev, u.String())
	return nil
}

// written counts one archived exchange for the report and logs it: one line
// per capture is the archivist's audit trail. An exchange the archive could
// not take (a full disk) stops the crawl at once: every fetch after it
// would be lost.
func (c *Crawler) written(req *http.Request, resp *http.Response, ex *archive.Exchange, known bool, res archive.WriteResult, err error) {
	if err != nil {
		c.log.Error("archive write failed: stopping the crawl", "url", req.URL.String(), "error", err)
		c.stop(fmt.Errorf("%w: %w", ErrArchive, err))
		return // failed names the URL
	}
	site := c.siteOf(req.URL.String())
	if s, ok := req.Context().Value(siteKey{}).(*Site); ok && site == nil {
		site = s
	}
	if site == nil {
		return
	}
	c.report.update(site.Name, func(sr *SiteReport) {
		sr.Fetched++
		sr.Status[strconv.Itoa(resp.StatusCode)]++
		sr.Bytes += int64(len(ex.Body))
		if ex.Truncated != "" {
			sr.TruncatedURLs = append(sr.TruncatedURLs, URLProblem{URL: ex.URL, Reason: ex.Truncated, Detail: fmt.Sprintf("archived cut at %d bytes", len(ex.Body)), Via: ex.Via})
		}
		switch {
		case resp.StatusCode >= 500 || resp.StatusCode == http.StatusTooManyRequests:
			// a server error after its retries: failed, not a new or changed page
		case res.Revisit:
			sr.Unchanged++
		case known:
			sr.Changed++
		default:
			sr.New++
		}
	})
	c.log.Debug("fetched", "url", req.URL.String(), "status", resp.StatusCode, "revisit", res.Revisit, "known", known) // the archive logs the capture itself
}

// failed counts and names a fetch that did not yield a page, after its
// retries: a server error, a 429, a network fault or an archive that could
// not take it. A fetch the crawl's end cut short is dropped as stopped.
func (c *Crawler) failed(ctx context.Context, r *colly.Response, err error) {
	raw := r.Request.URL.String()
	site := c.siteOf(raw)
	if site == nil {
		return
	}
	via := r.Ctx.Get("via")
	reason := "network"
	var ae *archiveError
	switch {
	case errors.As(err, &ae):
		reason = "archive"
	case ctx.Err() != nil:
		c.report.drop(site.Name, URLProblem{URL: raw, Reason: DropStopped, Detail: context.Cause(ctx).Error(), Via: via})
		return
	case r.StatusCode == http.StatusTooManyRequests:
		reason = "http_429"
	case r.StatusCode >= 300 && r.StatusCode < 500:
		return // archived, and counted under its status: a broken link or a redirect not followed, not a failed fetch
	case r.StatusCode >= 500:
		reason = "http_" + strconv.Itoa(r.StatusCode)
	case errors.Is(err, context.Canceled):
		reason = "canceled"
	case errors.Is(err, context.DeadlineExceeded), isTimeout(err):
		reason = "timeout"
	case errors.Is(err, ErrBodyTooLarge):
		reason = "too_large"
	}
	detail := ""
	if err != nil {
		detail = err.Error()
	}
	if r.StatusCode > 0 {
		detail = fmt.Sprintf("HTTP %d", r.StatusCode)
	}
	c.report.fail(site.Name, URLProblem{URL: raw, Reason: reason, Detail: detail, Via: via})
	c.log.Warn("fetch failed", "url", raw, "status", r.StatusCode, "error", err)
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}
