package extract

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// entry is a post shown whole or in excerpt on a blog index or archive
// page, marked up as an <article> or a WordPress .hentry. Its date and
// byline are read before the chrome (where themes put them) is removed.
type entry struct {
	node      *html.Node
	title     string
	link      string
	published string
	authors   []string
	tags      []string
}

// readEntries returns the outermost entries of the page with their title,
// link, date, authors and tags (from the page's tag links).
func readEntries(body *html.Node, tagLinks []*html.Node) []entry {
	nodes := findAll(body, func(n *html.Node) bool {
		return n.DataAtom == atom.Article || hasClass(n, "hentry")
	})
	out := make([]entry, 0, len(nodes))
	for _, n := range nodes {
		e := entry{node: n}
		h := findFirst(n, func(e *html.Node) bool {
			return hasClass(e, "entry-title") || hasClass(e, "post-title") || isElem(e, atom.H1, atom.H2, atom.H3)
		})
		if h == nil {
			continue
		}
		e.title = textOf(h)
		if a := findFirst(h, func(e *html.Node) bool { return e.DataAtom == atom.A && attr(e, "href") != "" }); a != nil {
			e.link = strings.TrimSpace(attr(a, "href"))
		} else if h.Parent != nil && h.Parent.DataAtom == atom.A {
			e.link = strings.TrimSpace(attr(h.Parent, "href"))
		}
		e.published = entryDate(n)
		for _, a := range findAll(n, func(e *html.Node) bool { return markupAuthor(e) != "" }) {
			e.authors = append(e.authors, markupAuthor(a))
		}
		e.authors = dedupe(e.authors)
		e.tags = entryTags(tagLinks, n)
		out = append(out, e)
	}
	return out
}

// entryDate returns an entry's publication date: its published <time>,
// else its first <time>, else a date in an element named as a date.
func entryDate(n *html.Node) string {
	var first string
	for _, t := range findAll(n, func(e *html.Node) bool { return e.DataAtom == atom.Time }) {
		d := firstString(parseDate(attr(t, "datetime")), parseDate(textOf(t)))
		if d == "" {
			continue
		}
		if hasClass(t, "published") || attr(t, "itemprop") == "datePublished" {
			return d
		}
		if first == "" {
			first = d
		}
	}
	if first != "" {
		return first
	}
	if e := findFirst(n, func(e *html.Node) bool {
		return elementDate(e, "datePublished", "schema:dateCreated", "schema:datePublished") != ""
	}); e != nil {
		return elementDate(e, "datePublished", "schema:dateCreated", "schema:datePublished")
	}
	if e := findFirst(n, func(e *html.Node) bool {
		return hasClass(e, "posted-on") || hasClass(e, "entry-date") || hasClass(e, "date") || hasClass(e, "post-date")
	}); e != nil {
		return parseDate(textOf(e))
	}
	return ""
}

// listingClasses are WordPress body classes of pages that list posts.
var listingClasses = []string{"blog", "archive", "author", "category", "tag", "search", "date", "paged"}

// listingBody reports whether the body class says the page lists posts.
func listingBody(bodyClass string) bool {
	classes := " " + bodyClass + " "
	if strings.Contains(classes, " single ") || strings.Contains(classes, " page ") {
		return false
	}
	for _, c := range listingClasses {
		if strings.Contains(classes, " "+c+" ") {
			return true
		}
	}
	return false
}

// entryShare is the share of a page's words above which one entry among
// several is the page's own article and the others are extras (related
// posts) rather than a listing.
const entryShare = 0.6

// listedEntries returns the entries whose blocks are in the main content,
// when they make the page a listing: two or more entries none of which
// dominates, or one on a page whose body class says it lists posts.
func listedEntries(entries []entry, blocks []block, bodyClass string) []entry {
	var in []entry
	words := make([]int, 0, len(entries))
	total := 0
	for _, b := range blocks {
		total += b.words()
	}
	for _, e := range entries {
		w := 0
		for _, b := range blocks {
			if ancestorOf(e.node, b.elem) {
				w += b.words()
			}
		}
		if w > 0 {
			in = append(in, e)
			words = append(words, w)
		}
	}
	switch {
	case len(in) == 1 && listingBody(bodyClass):
		return in
	case len(in) >= 2:
		for _, w := range words {
			if float64(w) > entryShare*float64(total) && !listingBody(bodyClass) {
				return nil
			}
		}
		return in
	}
	return nil
}
