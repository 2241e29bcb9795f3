package crawl

import (
	"context"
	"net/url"
	"strings"

	"github.com/temoto/robotstxt"

	"rankfile/record"
)

// ResumeFunc hands the crawler, one by one, the captures an interrupted run
// of the same crawl already archived.
type ResumeFunc func(ctx context.Context, fn func(record.Capture) error) error

// archived is what an interrupted run fetched: for each URL, its status
// and the links found in it, so the resumed run can walk past it without
// fetching it again.
type archived struct {
	status int
	links  []string // absolute, normalized
	embeds []string // requisites, absolute, normalized
	body   []byte   // kept for robots.txt only
}

// loadResume reads the interrupted run's captures. A capture counts as
// done unless it was a server error or a 429: those are tried again.
func (c *Crawler) loadResume(ctx context.Context) error {
	c.done = map[string]*archived{}
	if c.opts.Resume == nil {
		return nil
	}
	return c.opts.Resume(ctx, func(cp record.Capture) error {
		if cp.Status >= 500 || cp.Status == 429 {
			return nil
		}
		u, err := Normalize(nil, cp.URL)
		if err != nil {
			return nil
		}
		a := &archived{status: cp.Status}
		if strings.HasSuffix(u.Path, "/robots.txt") {
			a.body = cp.Body
		}
		var links, embeds []string
		if loc := cp.Header.Get("Location"); cp.Status >= 300 && cp.Status < 400 && loc != "" {
			links = []string{loc}
		} else if cp.Status < 300 {
			links, embeds = pageLinks(cp.Header.Get("Content-Type"), cp.Body, u)
		}
		a.links, a.embeds = normalizeAll(u, links), normalizeAll(u, embeds)
		c.done[u.String()] = a
		return nil
	})
}

// pageLinks returns the raw link targets of a page or sitemap body, and
// an HTML page's requisites; a <base href> in the page replaces *base.
func pageLinks(contentType string, body []byte, base *url.URL) (links, embeds []string) {
	ls, es := scanPageLinks(contentType, body, base)
	return targets(ls), targets(es)
}

// scanPageLinks is pageLinks with each link's context.
func scanPageLinks(contentType string, body []byte, base *url.URL) (links, embeds []link) {
	switch {
	case isXMLDocument(contentType, body):
		for _, l := range xmlLinks(body) {
			links = append(links, link{target: l})
		}
		return links, nil
	case strings.Contains(strings.ToLower(contentType), "text/css"):
		return nil, cssLinks(body)
	case contentType == "" || strings.Contains(contentType, "html"):
		links, embeds, b := scanHTMLLinks(body)
		if b != "" {
			if bu, err := base.Parse(b); err == nil {
				*base = *bu
			}
		}
		return links, embeds
	}
	return nil, nil
}

// archivedRobots returns the robots.txt rules an interrupted run archived
// for scheme://host, if it did.
func (c *Crawler) archivedRobots(scheme, host string) (*robotstxt.RobotsData, bool) {
	a, ok := c.done[scheme+"://"+host+"/robots.txt"]
	if !ok {
		return nil, false
	}
	data, err := robotstxt.FromStatusAndBytes(a.status, a.body)
	return data, err == nil
}

// walkArchived follows the links of a page the interrupted run archived,
// as if it had just been fetched, without fetching it again; via is its URL
// and hops its hop path.
func (c *Crawler) walkArchived(ctx context.Context, site *Site, a *archived, depth int, via, hops string) {
	c.report.update(site.Name, func(sr *SiteReport) { sr.Resumed++ })
	// as follow: a requisite's links are not followed, but where it redirects
	// to is fetched as the requisite would have been
	embeds := trailingEmbeds(hops)
	hop := byte(hopLink)
	if embeds > 0 {
		hop = hopEmbed
	}
	for _, l := range a.links {
		if u, err := url.Parse(l); err == nil && (embeds == 0 || (a.status >= 300 && a.status < 400)) {
			c.enqueue(ctx, site, u, depth+1, origin{via: via, path: hops, hop: hop})
		}
	}
	if site.Requisites && embeds < maxEmbedHops {
		for _, l := range a.embeds {
			if u, err := url.Parse(l); err == nil {
				c.enqueue(ctx, site, u, depth, origin{via: via, path: hops, hop: hopEmbed})
			}
		}
	}
}

// normalizeAll resolves and normalizes refs against base, dropping the
// malformed.
func normalizeAll(base *url.URL, refs []string) []string {
	var out []string
	for _, r := range refs {
		if u, err := Normalize(base, r); err == nil {
			out = append(out, u.String())
		}
	}
	return out
}
