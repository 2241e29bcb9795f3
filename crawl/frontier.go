package crawl

import (
	"context"
	"crypto/sha256"
	"errors"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"sync"

	"github.com/gocolly/colly/v2"

	"rankfile/archive"
)

// enqueue decides whether to fetch u, found at depth on a page of site from
// (o says which page and how; its zero value is a seed's), and queues it if
// so. Every URL not fetched is counted under its reason.
func (c *Crawler) enqueue(ctx context.Context, from *Site, u *url.URL, depth int, o origin) {
	drop := func(reason string) {
		c.report.update(from.Name, func(sr *SiteReport) { sr.Dropped[reason]++ })
	}
	if u.Scheme != "http" && u.Scheme != "https" {
		drop(DropScheme)
		return
	}
	raw := u.String()
	site := c.opts.Sites.SiteFor(raw)
	if site == nil || !site.InScope(raw) {
		drop(DropOutOfScope)
		return
	}
	if isTrap(u) {
		drop(DropTrap)
		return
	}
	if site.MaxDepth > 0 && depth > site.MaxDepth {
		drop(DropMaxDepth)
		return
	}
	if c.seen.add(raw) {
		drop(DropSeen)
		return
	}
	if !c.robots.rules(ctx, u.Scheme, u.Host).allowed(u.RequestURI()) {
		drop(DropRobots)
		return
	}
	if n := c.pages[site.Name].Add(1); site.MaxPages > 0 && n > int64(site.MaxPages) {
		drop(DropMaxPages)
		return
	}
	if a, ok := c.done[raw]; ok {
		c.walkArchived(ctx, site, a, depth, raw, o.hops())
		return
	}
	c.inflight.add(raw, o)
	c.queued.Add(1)
	if c.opts.Progress != nil {
		c.opts.Progress(c.progress())
	}
	c.frontier.push(queuedURL{url: raw, via: o.via, depth: depth, site: site})
	c.startQueued()
}

// maxRunning bounds the requests handed to colly at once: colly starts a
// goroutine for each, so the crawler keeps the rest in its frontier, a few
// dozen bytes a URL, and hands them over as requests finish.
const maxRunning = 256

// queuedURL is a URL in the frontier, waiting for colly.
type queuedURL struct {
	url, via string
	depth    int
	site     *Site
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
		cctx.Put("via", q.via)
		if err := c.col.Request(http.MethodGet, q.url, nil, cctx, nil); err != nil {
			c.inflight.finished(q.url)
			c.ended(true)
			c.log.Warn("not queued", "url", q.url, "error", err)
			c.report.update(q.site.Name, func(sr *SiteReport) { sr.Failed["queue"]++ })
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
	from := c.opts.Sites.SiteFor(via[0].URL.String())
	site := c.opts.Sites.SiteFor(u.String())
	if site == nil || !site.InScope(u.String()) || isTrap(u) {
		if from != nil {
			c.report.update(from.Name, func(sr *SiteReport) { sr.Dropped[DropOutOfScope]++ })
		}
		return http.ErrUseLastResponse
	}
	if c.seen.add(u.String()) {
		return http.ErrUseLastResponse
	}
	if !c.robots.rules(req.Context(), u.Scheme, u.Host).allowed(u.RequestURI()) {
		c.report.update(site.Name, func(sr *SiteReport) { sr.Dropped[DropRobots]++ })
		return http.ErrUseLastResponse
	}
	c.inflight.redirected(via[len(via)-1].URL.String(), u.String())
	return nil
}

// written counts one archived exchange for the report and logs it: one line
// per capture is the archivist's audit trail.
func (c *Crawler) written(req *http.Request, resp *http.Response, ex *archive.Exchange, known bool, res archive.WriteResult, err error) {
	site := c.opts.Sites.SiteFor(req.URL.String())
	if site == nil {
		return
	}
	if err != nil {
		c.log.Error("archive write failed", "url", req.URL.String(), "error", err)
		c.report.update(site.Name, func(sr *SiteReport) { sr.Failed["archive"]++ })
		return
	}
	c.report.update(site.Name, func(sr *SiteReport) {
		sr.Fetched++
		sr.Status[strconv.Itoa(resp.StatusCode)]++
		sr.Bytes += int64(len(ex.Body))
		switch {
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

// failed counts a fetch that did not yield a page: an HTTP error status or a
// network fault.
func (c *Crawler) failed(r *colly.Response, err error) {
	site := c.opts.Sites.SiteFor(r.Request.URL.String())
	if site == nil {
		return
	}
	reason := "network"
	switch {
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
	c.report.update(site.Name, func(sr *SiteReport) { sr.Failed[reason]++ })
	c.log.Warn("fetch failed", "url", r.Request.URL.String(), "status", r.StatusCode, "error", err)
}

func isTimeout(err error) bool {
	var ne net.Error
	return errors.As(err, &ne) && ne.Timeout()
}
