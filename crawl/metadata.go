package crawl

import (
	"bytes"
	"context"
	"io"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"

	"golang.org/x/net/html/charset"
)

// The letters of a hop path (the hopsFromSeed field of a metadata record),
// as Heritrix writes them.
const (
	hopLink     = 'L' // a link: anchors, frames, <link rel=canonical|next|prev|alternate>, a sitemap's <loc>, a feed's links
	hopEmbed    = 'E' // a page requisite: image, script, stylesheet, icon, media
	hopRedirect = 'R' // the Location of a redirect
	hopInferred = 'I' // a sitemap named by robots.txt, or /sitemap.xml where it names none
	hopPrereq   = 'P' // robots.txt, fetched before a host's pages
)

// maxHopPath is the number of hops a hop path keeps; a longer path keeps
// its last maxHopPath letters behind the number of hops cut and a '+'.
const maxHopPath = 50

// appendHop returns the hop path path followed by one more hop, cut to its
// last maxHopPath hops: "12+LLL…" is a path whose first 12 hops were cut.
func appendHop(path string, hop byte) string {
	cut := 0
	if i := strings.IndexByte(path, '+'); i >= 0 {
		cut, _ = strconv.Atoi(path[:i])
		path = path[i+1:]
	}
	if len(path) < maxHopPath {
		if cut == 0 {
			return path + string(hop)
		}
		return strconv.Itoa(cut) + "+" + path + string(hop)
	}
	drop := len(path) + 1 - maxHopPath
	return strconv.Itoa(cut+drop) + "+" + path[drop:] + string(hop)
}

// origin is how the crawler came to a URL.
type origin struct {
	via  string // the page or redirect that led here; "" for a seed
	path string // the hop path of via
	hop  byte   // the hop from via; 0 for a seed
}

// hops is the hop path of the URL origin led to.
func (o origin) hops() string {
	if o.hop == 0 {
		return o.path
	}
	return appendHop(o.path, o.hop)
}

// urlContext is what the crawler knows of a URL it queued, for the
// metadata record of its capture and the hop paths of its links.
type urlContext struct {
	via, hops string
	site      *Site         // the site it is fetched for
	charged   *atomic.Int64 // the site's page or requisite count it was counted in
	requisite bool          // a requisite fetched outside the site's scope: its links are not followed
	tries     atomic.Int32  // tries repeated so far (after a 5xx, a 429 or a network fault)
	// the neighbours in a redirect chain: what redirected here, and where
	// this redirected to (keys of inflight.urls, "" for none)
	prev, next string
}

// inflight is the crawl context of the URLs handed to colly and not yet
// finished, shared by the frontier, which knows how each URL was found, and
// the recorder, which sees only the *http.Request: the context of each URL
// (filled when it leaves the frontier or is redirected to) and the links
// the recorder found on each page (until follow queues them). Entries are dropped when
// their URL is finished; clear drops what a crawl left.
type inflight struct {
	urls  sync.Map // normalized URL -> *urlContext
	pages sync.Map // request URL -> *foundLinks
}

// newURLContext returns the context of a URL the crawler came to by o.
func newURLContext(o origin) *urlContext { return &urlContext{via: o.via, hops: o.hops()} }

// add records the context of the URL key as it is handed to colly. (A URL
// waiting in the frontier keeps its context there: the map holds only
// those under way.)
func (f *inflight) add(key string, uc *urlContext) { f.urls.Store(key, uc) }

// context returns the context of the URL u as requested, and the key it is
// kept under. The request's URL may be spelled otherwise than the
// normalized one queued (colly reparses it; a Location is followed as
// sent), so a miss is tried again normalized.
func (f *inflight) context(u string) (string, *urlContext) {
	if v, ok := f.urls.Load(u); ok {
		return u, v.(*urlContext)
	}
	n, err := Normalize(nil, u)
	if err != nil {
		return "", nil
	}
	key := n.String()
	if key == u {
		return "", nil
	}
	if v, ok := f.urls.Load(key); ok {
		return key, v.(*urlContext)
	}
	return "", nil
}

// redirected records that the URL from redirected to the normalized URL to.
func (f *inflight) redirected(from, to string) {
	key, prev := f.context(from)
	uc := &urlContext{via: from, hops: string(hopRedirect)}
	if prev != nil {
		uc.hops, uc.prev = appendHop(prev.hops, hopRedirect), key
		uc.site, uc.requisite = prev.site, prev.requisite
		prev.next = to
	}
	f.urls.Store(to, uc)
}

// takeLinks returns and forgets the links the recorder found on the page
// requested as u, or nil.
func (f *inflight) takeLinks(u string) *foundLinks {
	if v, ok := f.pages.LoadAndDelete(u); ok {
		return v.(*foundLinks)
	}
	return nil
}

// finished forgets the URL requested as u: its links, its context and the
// contexts of the redirect chain it is part of.
func (f *inflight) finished(u string) {
	f.pages.Delete(u)
	key, uc := f.context(u)
	if uc == nil {
		return
	}
	f.urls.Delete(key)
	for k := uc.prev; k != ""; {
		v, ok := f.urls.LoadAndDelete(k)
		if !ok {
			break
		}
		k = v.(*urlContext).prev
	}
	for k := uc.next; k != ""; {
		v, ok := f.urls.LoadAndDelete(k)
		if !ok {
			break
		}
		k = v.(*urlContext).next
	}
}

// clear forgets everything and returns how many entries were left: URLs
// that never finished (a crawl cut short) or that colly dropped without a
// callback.
func (f *inflight) clear() int {
	n := 0
	count := func(any, any) bool { n++; return true }
	f.urls.Range(count)
	f.pages.Range(count)
	f.urls.Clear()
	f.pages.Clear()
	return n
}

// hopsKey marks the context of a request the crawler makes outside the
// frontier (robots.txt) with its hop path.
type hopsKey struct{}

func withHops(ctx context.Context, hops string) context.Context {
	return context.WithValue(ctx, hopsKey{}, hops)
}

// foundLinks are the links of a fetched page, resolved and normalized once
// by the recorder, for the page's metadata record and for follow.
type foundLinks struct {
	links, embeds []*url.URL
	// where each link and embed stands on the page ("a/@href"), in step
	// with links and embeds; "" where the page says nothing of it
	linkContexts, embedContexts []string
	malformed                   int // links that could not be resolved
}

// findLinks finds the links and requisites of a page or sitemap body
// (decoded, in UTF-8) fetched from pageURL, resolved against its
// <base href> if any.
func findLinks(contentType string, body []byte, pageURL *url.URL) *foundLinks {
	base := *pageURL
	links, embeds := scanPageLinks(contentType, body, &base)
	f := &foundLinks{}
	if len(links) > 0 {
		f.links = make([]*url.URL, 0, len(links))
		f.linkContexts = make([]string, 0, len(links))
	}
	for _, l := range links {
		if u, err := Normalize(&base, l.target); err == nil {
			f.links = append(f.links, u)
			f.linkContexts = append(f.linkContexts, l.context)
		} else {
			f.malformed++
		}
	}
	for _, l := range embeds {
		if u, err := Normalize(&base, l.target); err == nil {
			f.embeds = append(f.embeds, u)
			f.embedContexts = append(f.embedContexts, l.context)
		}
	}
	return f
}

// utf8Body converts a body that declares another charset than UTF-8 into
// UTF-8, as colly does before its callbacks, so the recorder finds the
// links colly's callbacks would; what cannot be converted is returned as
// it is.
func utf8Body(contentType string, body []byte) []byte {
	ct := strings.ToLower(contentType)
	if len(body) == 0 || !strings.Contains(ct, "charset") || strings.Contains(ct, "utf-8") || strings.Contains(ct, "utf8") {
		return body
	}
	r, err := charset.NewReader(bytes.NewReader(body), ct)
	if err != nil {
		return body
	}
	out, err := io.ReadAll(r)
	if err != nil {
		return body
	}
	return out
}

// outlinks lists the page's http and https links, then its requisites, each
// once, as Heritrix writes them: "URL HOP CONTEXT", with HOP L for a link
// and E for a requisite and CONTEXT where the page has it ("a/@href",
// "img/@src"; the first place, for a URL linked twice); "URL HOP" for a
// sitemap's or feed's links.
func (f *foundLinks) outlinks() []string {
	if f == nil || len(f.links)+len(f.embeds) == 0 {
		return nil
	}
	out := make([]string, 0, len(f.links)+len(f.embeds))
	seen := make(map[string]struct{}, len(f.links)+len(f.embeds))
	add := func(us []*url.URL, contexts []string, hop string) {
		for i, u := range us {
			if u.Scheme != "http" && u.Scheme != "https" {
				continue
			}
			s := u.String() + hop
			if _, dup := seen[s]; dup {
				continue
			}
			seen[s] = struct{}{}
			if i < len(contexts) && contexts[i] != "" {
				s += " " + contexts[i]
			}
			out = append(out, s)
		}
	}
	add(f.links, f.linkContexts, " L")
	add(f.embeds, f.embedContexts, " E")
	return out
}
