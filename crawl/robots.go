package crawl

import (
	"context"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/temoto/robotstxt"
)

// robots fetches and caches each host's robots.txt once, through the same
// client as the crawl, so robots.txt is archived like any other exchange.
type robots struct {
	client *http.Client
	agent  string // product token matched against User-agent lines
	ua     string // full User-Agent header
	mu     sync.Mutex
	hosts  map[string]*robotsEntry
	// archived returns robots.txt as an interrupted run of the crawl
	// archived it, so a resumed run does not fetch it again.
	archived func(scheme, host string) (*robotstxt.RobotsData, bool)
}

type robotsEntry struct {
	once  sync.Once
	group *robotstxt.Group
	data  *robotstxt.RobotsData
}

// rules returns the robots.txt rules for scheme://host, fetching them on
// first use. An unreachable robots.txt allows everything, as Heritrix and
// wget treat it; a 5xx answer disallows the host (robotstxt's reading of
// RFC 9309).
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
			data = r.fetch(ctx, scheme+"://"+host+"/robots.txt")
		}
		e.data = data
		e.group = data.FindGroup(r.agent)
	})
	return e
}

func (r *robots) fetch(ctx context.Context, url string) *robotstxt.RobotsData {
	allowAll, _ := robotstxt.FromStatusAndBytes(http.StatusNotFound, nil)
	req, err := http.NewRequestWithContext(withHops(ctx, string(hopPrereq)), http.MethodGet, url, nil)
	if err != nil {
		return allowAll
	}
	req.Header.Set("User-Agent", r.ua)
	resp, err := r.client.Do(req)
	if err != nil {
		return allowAll
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 512*1024))
	if err != nil {
		return allowAll
	}
	data, err := robotstxt.FromStatusAndBytes(resp.StatusCode, body)
	if err != nil {
		return allowAll
	}
	return data
}

// allowed reports whether the robots rules let the crawler fetch path (with query).
func (e *robotsEntry) allowed(pathQuery string) bool {
	return e.group == nil || e.group.Test(pathQuery)
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
