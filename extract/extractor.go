package extract

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/PuerkitoBio/goquery"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"rankfile/record"
)

// ErrNotHTML is returned by Extract for a capture that is not an HTML page
// (an image, a feed, a PDF): it holds no records, and callers skip it.
var ErrNotHTML = errors.New("extract: capture is not html")

// ErrStatus is returned by Extract for a capture whose HTTP status is not
// 2xx: error pages and redirects are not the site's writing.
var ErrStatus = errors.New("extract: capture status is not 2xx")

// Options configures an Extractor.
type Options struct {
	// Logger receives one debug line per extracted page; nil discards.
	Logger *slog.Logger
	// Organizations are the organizations known to the archive (from the
	// sites file and organization records): the posts, pages and missions
	// that name one list it in their Mentions.
	Organizations []Organization
}

// Extractor turns HTML captures into records. It holds no state between
// pages and is safe for concurrent use.
type Extractor struct {
	log  *slog.Logger
	orgs []orgMatcher
}

// New returns an Extractor configured by opts.
func New(opts Options) *Extractor {
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Extractor{log: log.With("component", "extract"), orgs: newMatchers(opts.Organizations)}
}

// Extract returns the records of an HTML capture, in page order, with the
// capture's time, WARC file, offset and digest filled in (Site and SiteKind
// are left to the caller). A capture that is not HTML (by its Content-Type,
// or by sniffing when it has none) yields ErrNotHTML, one with a non-2xx
// status ErrStatus; a page with no writing yields no records and no error.
func (e *Extractor) Extract(c record.Capture) ([]record.Record, error) {
	if c.Status != 0 && (c.Status < 200 || c.Status > 299) {
		return nil, fmt.Errorf("%s: status %d: %w", c.URL, c.Status, ErrStatus)
	}
	ct := c.Header.Get("Content-Type")
	if !isHTML(ct, c.Body) {
		return nil, fmt.Errorf("%s: content type %q: %w", c.URL, ct, ErrNotHTML)
	}
	recs, err := e.extract(c.URL, c.Body, c.Header, c.Time)
	if err != nil {
		return nil, fmt.Errorf("extract %s: %w", c.URL, err)
	}
	for i := range recs {
		recs[i].Captured = c.Time
		recs[i].WARCFile = c.File
		recs[i].WARCOffset = c.Offset
		recs[i].Digest = c.Digest
	}
	return recs, nil
}

// ExtractHTML returns the records of the HTML page body fetched from url;
// header (which may be nil) gives its Content-Type and so its charset. The
// body is taken for HTML whatever the header says.
func (e *Extractor) ExtractHTML(url string, body []byte, header http.Header) ([]record.Record, error) {
	recs, err := e.extract(url, body, header, time.Time{})
	if err != nil {
		return nil, fmt.Errorf("extract %s: %w", url, err)
	}
	return recs, nil
}

// isHTML reports whether a capture is an HTML page: by its Content-Type,
// or, when it has none, by its first bytes.
func isHTML(contentType string, body []byte) bool {
	if contentType != "" {
		mt, _, err := mime.ParseMediaType(contentType)
		if err == nil {
			return mt == "text/html" || mt == "application/xhtml+xml"
		}
	}
	head := bytes.ToLower(bytes.TrimLeft(body[:min(len(body), 1024)], "\ufeff \t\r\n"))
	if bytes.HasPrefix(head, []byte("<!doctype html")) || bytes.HasPrefix(head, []byte("<html")) {
		return true
	}
	return strings.HasPrefix(http.DetectContentType(body), "text/html")
}

// extract does the work of Extract for one page.
func (e *Extractor) extract(pageURL string, body []byte, header http.Header, captured time.Time) ([]record.Record, error) {
	page, enc := decode(body, header.Get("Content-Type"))
	markup := markupOf(page)
	doc := buildMarkup(markup)
	m := readMeta(doc)
	if m.lang == "" {
		m.lang = header.Get("Content-Language")
	}
	plat := detectPlatform(m)
	if plat != nil {
		if names := plat.platformAuthors(doc); len(names) > 0 {
			m.authors = names
		}
	}
	// a date the page's JSON-LD or meta tags declare is taken as it is;
	// htmldate weighs the rest
	if m.declaredDate == "" && len(markup) <= helperMarkup {
		m.guessedDate = guessDate(doc, pageURL, captured, false, "")
	}
	var pristine *html.Node
	if len(markup) <= helperMarkup && fewerNodes(doc, maxDateNodes) {
		// for the library asked later, before pruning changes doc (a
		// larger tree is built again if it is needed: most are not)
		pristine = cloneTree(doc)
	}
	root := bodyOf(doc)
	unfoldNoscript(root)
	entries := readEntries(root, m.tagLinks)
	comments := readComments(root)
	prune(root, plat)
	base, _ := url.Parse(pageURL)
	all := (&renderer{base: base}).run(root)
	var roots []*html.Node
	if plat != nil {
		roots = plat.contentRoots(root, listingBody(m.bodyClass))
		if proseShare(all, roots) < platformShare {
			roots = nil // the theme put its content elsewhere
		}
	}
	if len(roots) == 0 {
		roots = mainRoots(root, all)
	}
	if listingBody(m.bodyClass) {
		roots = withEntries(roots, root, entries)
	}
	if !m.article && m.ogType != "article" {
		roots = withGrid(root, all, roots) // an article's writing is its own, whatever grid stands beside it
	}
	blocks := clean(withTitle(under(all, roots), all))
	if len(blocks) == 0 {
		blocks = descriptionBlocks(base, m) // a page a script fills in: its own summary, not nothing
	}
	a := &analysis{url: pageURL, m: m, blocks: blocks, all: all, entries: entries, comments: comments, markup: markup, pristine: pristine, captured: captured,
		canonical: canonicalURL(m, pageURL), lang: pageLanguage(m.lang, writingSample(blocks)), tags: m.tags}
	if len(entries) > 1 || listingBody(m.bodyClass) {
		a.tags = firstNonEmpty(m.metaTags, m.ldTags) // the tag links are the entries'
	}
	entryTitle := m.entryTitle
	if listingBody(m.bodyClass) {
		entryTitle = "" // the one excerpt's title is not the archive's
	}
	a.title = pageTitle(m, m.h1s, entryTitle)
	a.site = siteName(m, a.title, pageURL)
	recs := a.records()
	e.mention(recs)
	e.log.Debug("page extracted", "url", pageURL, "charset", enc, "platform", platformName(plat),
		"blocks", len(blocks), "records", len(recs))
	return recs, nil
}

// descriptionBlocks returns the page's meta description as its one
// paragraph, for a page whose body holds no writing (a shell a script fills
// in, as forum and shop software serve): what the page says of itself keeps
// it findable. A description under five words is no writing either.
func descriptionBlocks(base *url.URL, m *meta) []block {
	d := strings.Join(strings.Fields(m.longestDescription), " ")
	if wordCount(d) < 5 {
		return nil
	}
	div := &html.Node{Type: html.ElementNode, Data: "div", DataAtom: atom.Div}
	p := &html.Node{Type: html.ElementNode, Data: "p", DataAtom: atom.P}
	p.AppendChild(&html.Node{Type: html.TextNode, Data: d})
	div.AppendChild(p)
	return (&renderer{base: base}).run(div)
}

// withEntries adds to the roots of a listing's main content the entries
// (its teasers, as <article> or .hentry) that lie outside them: the prose
// of an archive's description can outweigh a grid of titles.
func withEntries(roots []*html.Node, body *html.Node, entries []entry) []*html.Node {
	var out []*html.Node
	for _, e := range entries {
		if !ancestorOf(body, e.node) {
			continue // pruned
		}
		inside := false
		for _, r := range roots {
			if ancestorOf(r, e.node) || ancestorOf(e.node, r) {
				inside = true
				break
			}
		}
		if !inside {
			out = append(out, e.node)
		}
	}
	if len(out) < 2 {
		return roots
	}
	return append(append([]*html.Node{}, roots...), out...)
}

func platformName(p *platform) string {
	if p == nil {
		return "generic"
	}
	return p.name
}

// bodyOf returns the document's <body>, or the document itself when it
// has none (a frameset).
func bodyOf(doc *html.Node) *html.Node {
	if b := goquery.NewDocumentFromNode(doc).Find("body").First().Nodes; len(b) > 0 {
		return b[0]
	}
	if b := findFirst(doc, func(n *html.Node) bool { return n.DataAtom == atom.Body }); b != nil {
		return b
	}
	return doc
}

// Text returns the main writing of a page's records as plain text: the
// records' texts in order, blocks separated by a blank line. When the page
// has several records, each organization, mission and post record's title
// is written as a heading before its text, an organization's as its name
// with the acronym in parentheses.
func Text(recs []record.Record) string {
	var b strings.Builder
	write := func(s string) {
		if s == "" {
			return
		}
		if b.Len() > 0 {
			b.WriteString("\n\n")
		}
		b.WriteString(s)
	}
	for _, r := range recs {
		if len(recs) > 1 && r.Kind != record.KindPage && r.Title != "" && !strings.HasPrefix(r.Text, r.Title) {
			write(heading(r))
		}
		write(r.Text)
	}
	return b.String()
}

// heading returns the title of r as Text writes it.
func heading(r record.Record) string {
	if r.Kind == record.KindOrganization && r.Acronym != "" {
		return r.Title + " (" + r.Acronym + ")"
	}
	return r.Title
}
