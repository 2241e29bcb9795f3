package crawl

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/temoto/robotstxt"
)

// robots fetches and caches each host's robots.txt once, through the same
// recorder as the crawl, so robots.txt is archived like any other exchange.
// It reads robots.txt as RFC 9309 asks: a 2xx is parsed; a 4xx (429
// aside) means there are no rules; a redirect is followed up to five hops
// and more count as no file; a 5xx, a 429 or a network fault is tried again
// (with the crawl's retries and backoff) and, while it lasts, disallows the
// whole host. Only the fetch of the host's first URL waits for it: other
// hosts go on (the crawler asks in each fetch's goroutine, not the frontier).
type robots struct {
	client *http.Client // stops after five redirects
	agent  string       // product token matched against User-agent lines
	ua     string       // full User-Agent header
	// retries, base and maxWait are the crawl's Retries, RetryBase and MaxRetryWait.
	retries       int
	base, maxWait time.Duration
	mu            sync.Mutex
	hosts         map[string]*robotsEntry
	// archived returns robots.txt as an interrupted run of the crawl
	// archived it, so a resumed run does not fetch it again.
	archived func(scheme, host string) (*robotstxt.RobotsData, bool)
	// keep, when set, is given every robots.txt fetched and read (a 2xx or a
	// 4xx), for a crawl's other workers.
	keep func(scheme, host string, status int, body []byte)
}

type robotsEntry struct {
	once  sync.Once
	group *robotstxt.Group
	data  *robotstxt.RobotsData
	// unreachable says why the host is disallowed whole: robots.txt
	// answered a server error or could not be fetched ("" when it could).
	unreachable string
}

// maxRobotsRedirects is how many redirects a robots.txt fetch follows
// (RFC 9309 section 2.3.1.2: at least five).
const maxRobotsRedirects = 5

// robotsClient returns a client for robots.txt over transport rt: it
// follows at most five redirects, and a fetch lasts at most timeout.
func robotsClient(rt http.RoundTripper, timeout time.Duration) *http.Client {
	return &http.Client{Transport: rt, Timeout: timeout, CheckRedirect: func(_ *http.Request, via []*http.Request) error {
		if len(via) > maxRobotsRedirects {
			return http.ErrUseLastResponse
		}
		return nil
	}}
}

// rules returns the robots.txt rules for scheme://host, fetching them on
// first use; callers for the same host wait for that one fetch.
func (r *robots) rules(ctx context.Context, scheme, host string) *robotsEntry {
	r.mu.Lock()
	e, ok := r.hosts[host]
	if !ok {
		e = &robotsEntry{}
		r.hosts[host] = e
	}
	r.mu.Unlock()
	e.once.Do(func() {
		data, ok := r.archived(scheme, host)
		if !ok {
			var status int
			var body []byte
			data, status, body, e.unreachable = r.fetch(ctx, scheme+"://"+host+"/robots.txt")
			if r.keep != nil && data != nil && status != 0 {
				r.keep(scheme, host, status, body)
			}
		}
		if data != nil {
			e.data = data
			e.group = data.FindGroup(r.agent)
		}
	})
	return e
}

// fetch gets and reads robots.txt at url, trying again after a server
// error or a network fault; it returns the rules, or nil and why the host
// must be taken as disallowed, and the status and body it read them from
// (0 and nil when it read none).
func (r *robots) fetch(ctx context.Context, url string) (*robotstxt.RobotsData, int, []byte, string) {
	allowAll, _ := robotstxt.FromStatusAndBytes(http.StatusNotFound, nil)
	for attempt := 0; ; attempt++ {
		last := attempt >= r.retries
		status, body, err := r.get(withLastTry(ctx, last), url)
		var why string
		switch {
		case err != nil:
			why = fmt.Sprintf("robots.txt could not be fetched: %v", err)
		case status >= 200 && status < 300:
			data, err := robotstxt.FromStatusAndBytes(status, body)
			if err != nil {
				return allowAll, 0, nil, ""
			}
			return data, status, body, ""
		case status == http.StatusTooManyRequests, status >= 500:
			why = fmt.Sprintf("robots.txt answered %d", status)
		default: // a 4xx, or a 3xx past five redirects: no robots.txt, no rules
			return allowAll, http.StatusNotFound, nil, ""
		}
		if last || ctx.Err() != nil {
			return nil, 0, nil, why
		}
		t := time.NewTimer(min(backoff(r.base, attempt+1), r.maxWait))
		select {
		case <-ctx.Done():
			t.Stop()
			return nil, 0, nil, why
		case <-t.C:
		}
	}
}

// get fetches url and returns its status and the first 500 KiB of its
// body (RFC 9309 asks crawlers to read at least that much).
func (r *robots) get(ctx context.Context, url string) (int, []byte, error) {
	req, err := http.NewRequestWithContext(withHops(ctx, string(hopPrereq)), http.MethodGet, url, nil)
	if err != nil {
		return 0, nil, err
	}
	req.Header.Set("User-Agent", r.ua)
	resp, err := r.client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 500<<10))
	if err != nil {
		return 0, nil, err
	}
	return resp.StatusCode, body, nil
}

// admits reports whether the rules let the crawler fetch pathQuery, and if
// not, the drop reason and why.
func (e *robotsEntry) admits(pathQuery string) (ok bool, reason, detail string) {
	switch {
	case e.unreachable != "":
		return false, DropRobotsUnreachable, e.unreachable
	case e.group != nil && !e.group.Test(pathQuery):
		return false, DropRobots, "disallowed by robots.txt"
	}
	return true, "", ""
}

// allowed reports whether the robots rules let the crawler fetch path (with query).
func (e *robotsEntry) allowed(pathQuery string) bool {
	ok, _, _ := e.admits(pathQuery)
	return ok
}

// crawlDelay is the Crawl-delay robots.txt asks of the crawler, or zero.
func (e *robotsEntry) crawlDelay() time.Duration {
	if e.group == nil {
		return 0
	}
	return e.group.CrawlDelay
}

// sitemaps lists the Sitemap lines of the robots.txt.
func (e *robotsEntry) sitemaps() []string {
	if e.data == nil {
		return nil
	}
	return e.data.Sitemaps
}

// lastTryKey marks the context of a request outside the frontier
// (robots.txt) with whether it is its last try: a failed try that will be
// repeated is not archived.
type lastTryKey struct{}

func withLastTry(ctx context.Context, last bool) context.Context {
	return context.WithValue(ctx, lastTryKey{}, last)
}

// hostGate spaces the requests to one host by robots.txt's Crawl-delay.
type hostGate struct {
	mu   sync.Mutex
	next time.Time
}

// wait blocks until the host's next request may start, d after the one
// before it, or ctx is done.
func (g *hostGate) wait(ctx context.Context, d time.Duration) {
	if w := g.reserve(time.Now(), d); w > 0 {
		t := time.NewTimer(w)
		defer t.Stop()
		select {
		case <-ctx.Done():
		case <-t.C:
		}
	}
}

// reserve takes the host's next start time at or after now and returns how
// long from now it is; the start after it is d later.
func (g *hostGate) reserve(now time.Time, d time.Duration) time.Duration {
	g.mu.Lock()
	defer g.mu.Unlock()
	at := now
	if g.next.After(now) {
		at = g.next
	}
	g.next = at.Add(d)
	return at.Sub(now)
}
