package serve

import (
	"bytes"
	"errors"
	"fmt"
	"html"
	"mime"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"rankfile/archive"
	"strings"
	"time"
)

// replayCSP is the policy of every replayed response: a sandbox with no
// allow- tokens (no scripts, no forms, no popups, an opaque origin) and
// nothing loaded but images, style sheets, fonts and media from this
// server, which are themselves captures.
const replayCSP = "sandbox; default-src 'none'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; font-src 'self' data:; media-src 'self'; form-action 'none'; base-uri 'none'; frame-ancestors 'self'"

// parseTimestamp reads a capture timestamp of 4 to 14 digits (a shorter
// one stands for the start of its year, month, day…).
func parseTimestamp(ts string) (time.Time, bool) {
	if len(ts) < 4 || len(ts) > 14 || len(ts)%2 != 0 {
		return time.Time{}, false
	}
	for _, c := range ts {
		if c < '0' || c > '9' {
			return time.Time{}, false
		}
	}
	t, err := time.Parse(ts14, ts+"0101000000"[len(ts)-4:])
	return t, err == nil
}

// targetURL reads the archived URL of a replay path: whatever follows
// the timestamp, with the request's query string, which belongs to it.
func targetURL(r *http.Request, rest string) (string, error) {
	if r.URL.RawQuery != "" {
		rest += "?" + r.URL.RawQuery
	}
	// a proxy or a hand-typed URL may have folded the "//"
	for _, scheme := range []string{"http:/", "https:/"} {
		if strings.HasPrefix(rest, scheme) && !strings.HasPrefix(rest, scheme+"/") {
			rest = scheme + "/" + rest[len(scheme):]
		}
	}
	return checkURL(rest)
}

// checkURL checks a URL parameter: http or https (http:// is assumed when
// it has no scheme), not too long.
func checkURL(raw string) (string, error) {
	raw = withScheme(raw)
	if len(raw) > maxURLParam {
		return "", badf("The URL is too long (at most %d bytes).", maxURLParam)
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return "", badf("Give an absolute http or https URL, not %q.", trunc(raw, 80))
	}
	return raw, nil
}

// handleReplay serves /capture/{timestamp}/{url}: the capture of url
// nearest to timestamp, redirecting to its exact timestamp first.
func (s *Server) handleReplay(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Security-Policy", replayCSP)
	rest := strings.TrimPrefix(r.URL.EscapedPath(), "/capture/")
	ts, raw, _ := strings.Cut(rest, "/")
	t, ok := parseTimestamp(ts)
	if !ok {
		s.pageError(w, r, http.StatusBadRequest, "A capture address is /capture/YYYYMMDDhhmmss/URL; the timestamp has 4 to 14 digits.")
		return
	}
	target, err := targetURL(r, raw)
	if err != nil {
		s.failErr(w, r, false, err)
		return
	}
	c, found, err := s.captures.nearest(target, t)
	if err != nil {
		s.internal(w, r, false, err)
		return
	}
	if !found {
		s.render(w, http.StatusNotFound, "notarchived", newNotArchived(target, t))
		return
	}
	if c.timestamp() != ts || !strings.HasPrefix(raw, "http") { // the exact capture, its URL with a scheme
		// not http.Redirect, which would clean the "//" out of the path
		w.Header().Set("Location", captureURL(c.Time, c.URL))
		w.WriteHeader(http.StatusFound)
		return
	}
	a, err := s.readCapture(c)
	if errors.Is(err, errNoOriginal) {
		// An imported revisit whose original's file is not imported yet.
		p := newNotArchived(target, c.Time)
		p.Title, p.Revisit = "Not archived: this capture revisits a page not in the archive yet", true
		s.render(w, http.StatusNotFound, "notarchived", p)
		return
	}
	if err != nil {
		s.internal(w, r, false, err)
		return
	}
	cs, err := s.captures.lookup(c.URL)
	if err != nil {
		s.internal(w, r, false, err)
		return
	}
	prev, next := neighbours(cs, c)
	s.replay(w, r, c, a, prev, next)
}

// errNoOriginal means a revisit's original is not in the archive.
var errNoOriginal = fmt.Errorf("revisit without its original: %w", os.ErrNotExist)

// notArchivedPage is what the notarchived template shows: a link in an
// archived page to a page never captured leads here, never to the live web.
type notArchivedPage struct {
	Title, URL, When string
	Revisit          bool   // the capture revisits a page whose original is not in the archive yet
	SiteURL          string // every capture under the page's site
	SearchURL        string // a search for the page's words
}

func newNotArchived(target string, t time.Time) *notArchivedPage {
	p := &notArchivedPage{Title: "Not archived", URL: target, When: t.UTC().Format("January 2, 2006")}
	if u, err := url.Parse(target); err == nil {
		p.SiteURL = "/captures?url=" + queryEscape(u.Scheme+"://"+u.Host+"/*")
		words := strings.Join(strings.FieldsFunc(u.Path, func(r rune) bool { return r == '/' || r == '-' || r == '_' || r == '.' }), " ")
		if words = strings.TrimSpace(strings.TrimSuffix(strings.TrimSuffix(words, " html"), " htm")); words != "" {
			p.SearchURL = "/search?q=" + queryEscape(words)
		}
	}
	return p
}

// readCapture reads a capture's response; a revisit's payload (and, for
// a 304 or a revisit without a head, its status and headers) is its
// original's.
func (s *Server) readCapture(c capture) (*archived, error) {
	dir := filepath.Join(s.dir, archiveDir)
	a, err := readArchived(dir, c.File, c.Offset)
	if err != nil {
		return nil, err
	}
	if a.Type != "revisit" {
		return a, nil
	}
	target := a.RefTarget
	if target == "" {
		target = a.URL
	}
	digest := a.Digest
	if digest == "" {
		digest = c.Digest
	}
	oc, ok := s.captures.original(target, digest, a.RefDate)
	if !ok {
		return nil, fmt.Errorf("revisit %s@%d: original of %s with digest %s: %w", c.File, c.Offset, target, digest, errNoOriginal)
	}
	o, err := readArchived(dir, oc.File, oc.Offset)
	if err != nil {
		return nil, err
	}
	if a.Status != 0 && a.Status != http.StatusNotModified {
		o.Status, o.Header = a.Status, a.Header
	}
	return o, nil
}

// replay sends an archived response: its status, its Content-Type and its
// payload, decoded; HTML gets the banner and its links rewritten, CSS its
// url()s.
func (s *Server) replay(w http.ResponseWriter, r *http.Request, c capture, a *archived, prev, next capture) {
	h := w.Header()
	h.Set("Memento-Datetime", c.Time.UTC().Format(http.TimeFormat))
	h.Set("Link", "<"+c.URL+`>; rel="original"`)
	h.Set("Cache-Control", "private, max-age=3600")
	h.Set("Vary", "Accept-Encoding")
	body, err := archive.DecodeContent(a.Header, a.Payload)
	if errors.Is(err, archive.ErrEncoding) {
		h.Set("Content-Encoding", a.Header.Get("Content-Encoding")) // the browser decodes br itself
	} else if err != nil {
		s.log.Warn("replay payload left encoded", "url", c.URL, "error", err)
		body = a.Payload
	}
	ct := a.Header.Get("Content-Type")
	if ct == "" {
		ct = http.DetectContentType(body)
	}
	h.Set("Content-Type", ct)
	mt, _, _ := mime.ParseMediaType(ct)
	status := a.Status
	if status < 200 || status > 599 || status == http.StatusNotModified {
		status = http.StatusOK
	}
	rw := &rewriter{page: mustParse(c.URL), ts: c.timestamp()}
	if status >= 300 && status < 400 {
		if loc := a.Header.Get("Location"); loc != "" {
			if abs := rw.absolute(loc); abs != "" {
				h.Set("Location", captureURL(c.Time, abs))
			}
		}
	}
	if err == nil {
		switch mt {
		case "text/html", "application/xhtml+xml":
			body = rw.html(body, banner(c, prev, next))
		case "text/css":
			body = rw.css(body)
		}
	}
	w.WriteHeader(status)
	if status != http.StatusNoContent && r.Method != http.MethodHead {
		w.Write(body)
	}
}

func mustParse(raw string) *url.URL {
	u, err := url.Parse(raw)
	if err != nil {
		return &url.URL{}
	}
	return u
}

// banner returns the notice injected at the top of a replayed page, with
// links to the previous and next captures of the page (when there are) and
// to the calendar of its captures. It is ASCII, with character references
// for the rest, so that it reads right whatever the page's charset; its
// styles are inline, as the page's style sheets come first.
func banner(c, prev, next capture) string {
	when := c.Time.UTC().Format("2006-01-02 15:04:05 UTC")
	var b bytes.Buffer
	b.WriteString(`<div id="rankfile-banner" role="region" aria-label="Archived page notice" style="all:initial;display:block;box-sizing:border-box;width:100%;background:#14213d;color:#ffffff;font:15px/1.5 system-ui,sans-serif;padding:8px 14px;border-bottom:3px solid #e07b00;position:relative;z-index:2147483647">`)
	b.WriteString(`<strong style="color:#ffffff">Archived page</strong> &#8212; captured <time datetime="` + c.Time.UTC().Format(time.RFC3339) + `">` + when + `</time> from `)
	b.WriteString(`<a style="color:#ffe066" href="` + asciiHTML(c.URL) + `">` + asciiHTML(c.URL) + `</a>. `)
	b.WriteString(`Scripts are disabled. `)
	link := func(rel, label string, o capture) {
		if !o.Time.IsZero() {
			b.WriteString(`<a style="color:#ffe066" rel="` + rel + `" id="rankfile-` + rel + `" href="` + asciiHTML(captureURL(o.Time, o.URL)) + `">` + label + ` (` + o.Time.UTC().Format("2006-01-02 15:04") + `)</a> &#183; `)
		}
	}
	link("prev", "&#8592; Previous capture", prev)
	link("next", "Next capture &#8594;", next)
	b.WriteString(`<a style="color:#ffe066" id="rankfile-calendar" href="/captures?url=` + asciiHTML(url.QueryEscape(c.URL)) + `">Calendar of captures</a> &#183; <a style="color:#ffe066" href="/">Search the archive</a>`)
	b.WriteString(`</div>`)
	return b.String()
}

// asciiHTML escapes s for HTML text or a quoted attribute, writing every
// non-ASCII character as a numeric character reference.
func asciiHTML(s string) string {
	var b strings.Builder
	for _, r := range html.EscapeString(s) {
		if r < 0x80 {
			b.WriteRune(r)
		} else {
			fmt.Fprintf(&b, "&#%d;", r)
		}
	}
	return b.String()
}

// captureRow is one line of the captures page.
type captureRow struct {
	Replay, When, ISO string
	Status            int
	Mime, File        string
	Offset            int64
}

type capturesPage struct {
	Title    string
	URL      string
	APIURL   string
	SiteURL  string // every URL captured under the page's site
	Captures []captureRow
	Calendar []calYear
}

// prefixPage lists the URLs captured under a prefix.
type prefixPage struct {
	Title, Prefix string
	URLs          []prefixRow
	More          bool
}

// handleCaptures shows the captures of a URL as a calendar and a list, or,
// for a URL ending in *, every URL captured under that prefix.
func (s *Server) handleCaptures(w http.ResponseWriter, r *http.Request) {
	raw, err := param(r.URL.Query(), "url", maxURLParam)
	if err == nil {
		raw, err = checkURL(raw)
	}
	if err != nil {
		s.failErr(w, r, false, err)
		return
	}
	if prefix, ok := strings.CutSuffix(raw, "*"); ok {
		rows, more, err := s.captures.underPrefix(prefix)
		if err != nil {
			s.internal(w, r, false, err)
			return
		}
		status := http.StatusOK
		if len(rows) == 0 {
			status = http.StatusNotFound
		}
		s.render(w, status, "prefix", &prefixPage{Title: "Captured under " + prefix, Prefix: prefix, URLs: rows, More: more})
		return
	}
	cs, err := s.captures.lookup(raw)
	if err != nil {
		s.internal(w, r, false, err)
		return
	}
	p := &capturesPage{Title: "Captures of " + raw, URL: raw, APIURL: "/api/captures?url=" + queryEscape(raw), Calendar: calendar(cs)}
	if u, err := url.Parse(raw); err == nil {
		p.SiteURL = "/captures?url=" + queryEscape(u.Scheme+"://"+u.Host+"/*")
	}
	for _, c := range cs {
		p.Captures = append(p.Captures, captureRow{
			Replay: captureURL(c.Time, c.URL), When: c.Time.UTC().Format("2006-01-02 15:04:05 UTC"),
			ISO: c.Time.UTC().Format(time.RFC3339), Status: c.Status, Mime: c.Mime, File: c.File, Offset: c.Offset,
		})
	}
	status := http.StatusOK
	if len(cs) == 0 {
		status = http.StatusNotFound
	}
	s.render(w, status, "captures", p)
}
