package extract

import (
	"net/url"
	"sort"
	"strings"
	"time"
	"unicode/utf8"

	"golang.org/x/net/html"

	"rankfile/record"
)

// analysis is a page's main-content blocks and what is known of the page,
// from which its records are cut.
type analysis struct {
	url        string
	m          *meta
	blocks     []block
	entries    []entry          // the page's <article> and .hentry elements
	title      string           // the page's own title
	site       string           // the site's name
	lang       string           // the writing's language
	canonical  string           // the page's canonical URL
	tags       []string         // the page's tags, for its main records
	comments   []record.Comment // the page's reader comments
	isListing  bool             // the page lists posts: its metadata may be theirs
	markup     string           // the page's markup, decoded, as markupOf gives it
	pristine   *html.Node       // a copy of the page's tree as built, for one library to read (freshTree)
	captured   time.Time        // when the page was fetched, if known
	all        []block          // every block of the page left after pruning, in page order
	wider      string           // widerDate's answer, once widerAsked
	widerAsked bool
}

// part is a record with the index of its first block, for page order.
// A main part is the page's own writing (its article, page or mission
// record), which the page's metadata describes; the others (teasers,
// entries, organizations) are parts of it.
type part struct {
	at   int
	rec  record.Record
	main bool
}

// records cuts the page's blocks into records: one post for an article,
// a page and dated teaser posts for a listing, else organizations, a
// mission and a page for the rest of the writing.
func (a *analysis) records() []record.Record {
	if len(a.blocks) == 0 {
		return nil
	}
	strong, weak := a.articleSigns()
	if strong {
		a.blocks = a.secondOpinion(a.blocks)
		return a.finish([]part{{rec: a.post(), main: true}})
	}
	// one entry on a page hinting it is an article is that article,
	// whatever a body class borrowed from WordPress ("blog") says; a date
	// archive's URL (/2017/10/) is no such hint
	dateArchive := urlDate(a.url) != "" && !datedSlug(a.url)
	if es := listedEntries(a.entries, a.blocks, a.m.bodyClass); es != nil && !(len(es) == 1 && weak && !dateArchive) {
		return a.entryListing(es)
	}
	if ts := findTeasers(a.blocks); ts != nil {
		return a.listing(ts)
	}
	if weak && (a.published() != "" || a.words() >= widerDateWords && a.widerDate() != "") {
		a.blocks = a.secondOpinion(a.blocks)
		return a.finish([]part{{rec: a.post(), main: true}})
	}
	return a.sections()
}

// articleSigns returns whether the page says it is one article (JSON-LD
// article types, WordPress's single-post body class) and whether it
// hints so (og:type article, a dated URL, a visible date under the title
// of a long text), which counts when no teasers say otherwise.
func (a *analysis) articleSigns() (strong, weak bool) {
	classes := " " + a.m.bodyClass + " "
	strong = a.m.article || strings.Contains(classes, " single-post ") ||
		(strings.Contains(classes, " single ") && strings.Contains(classes, " postid-")) || postBody(classes)
	weak = a.m.ogType == "article" || urlDate(a.url) != "" ||
		(a.visibleDate() != "" && a.words() >= 80) ||
		(a.m.declaredDate != "" && len(a.m.declaredAuthors) > 0) // a dated, signed page: <meta name="author"> and article:published_time
	return strong, weak
}

// postBodyClasses are the body classes of single posts on Drupal
// (page-node-type-article, Drupal 8 on; node-type-article before),
// NationBuilder and Squarespace (a blog collection's item view).
var postBodyClasses = []string{" page-node-type-article ", " page-node-type-blog-post ", " page-node-type-blog_post ",
	" page-node-type-news ", " node-type-article ", " node-type-blog-post ", " node-type-blog ", " node-type-news ",
	" page-type-blog_post ", " page-type-news_post "}

// postBody reports whether the body classes (space-padded) say the page
// is one post.
func postBody(classes string) bool {
	for _, c := range postBodyClasses {
		if strings.Contains(classes, c) {
			return true
		}
	}
	return strings.Contains(classes, " view-item ") && strings.Contains(classes, " collection-type-blog ")
}

func (a *analysis) words() int {
	n := 0
	for _, b := range a.blocks {
		n += b.words()
	}
	return n
}

// topBlocks is how many blocks from the top a byline or date may stand.
const topBlocks = 8

// visibleDate returns a date written near the top of the writing, alone or
// leading a block, or "".
func (a *analysis) visibleDate() string {
	for i, b := range a.blocks {
		if i >= topBlocks {
			break
		}
		if d := lineDate(b); d != "" {
			return d
		}
	}
	return a.titleDate()
}

// lineDate returns the date a block leads with, or the date of a short
// block (a date line: "By Jane Doe | May 3, 2021"), or "".
func lineDate(b block) string {
	if d, _ := leadingDate(b.text); d != "" {
		return d
	}
	if b.words() <= 12 {
		return parseDate(b.text)
	}
	return ""
}

// titleDate returns a date line standing next to the page's title heading
// (its first <h1>) outside the writing chosen: the date a reader sees
// under or over the title, in a header the choice left out.
func (a *analysis) titleDate() string {
	for i, b := range a.all {
		if b.kind != blockHeading || b.level != 1 {
			continue
		}
		for j := max(0, i-titleDateBlocks); j <= min(len(a.all)-1, i+titleDateBlocks); j++ {
			c := a.all[j]
			if j == i || c.kind == blockHeading {
				continue
			}
			if d := lineDate(c); d != "" {
				return d
			}
		}
		break
	}
	return ""
}

// titleDateBlocks is how many blocks before and after the title a date
// line may stand.
const titleDateBlocks = 4

// published returns the page's publication date from its metadata, its
// URL or its visible text. A date shown beside the title that is earlier
// than the one these give is the original publication's: metadata
// re-dated on an update or a republishing says when the page changed.
func (a *analysis) published() string {
	d := firstString(a.m.threadDate, a.m.guessedDate, a.m.published, urlDate(a.url), a.visibleDate())
	if t := a.titleDate(); t != "" && t < d {
		return t
	}
	return d
}

// authors returns the page's authors from its metadata or a byline near
// the top of the writing.
func (a *analysis) authors() []string {
	if len(a.m.authors) > 0 {
		return a.m.authors
	}
	for i, b := range a.blocks {
		if i >= topBlocks {
			break
		}
		if names := parseByline(b.text); len(names) > 0 {
			return names
		}
	}
	return nil
}

// post returns the page as one post record; the title heading, kept in
// Title, is left out of Text.
func (a *analysis) post() record.Record {
	blocks := a.blocks
	for i, b := range blocks {
		if i >= 3 {
			break
		}
		if b.kind == blockHeading && strings.EqualFold(b.text, a.title) {
			blocks = append(append([]block{}, blocks[:i]...), blocks[i+1:]...)
			break
		}
	}
	published := firstString(a.published(), a.m.pageDate)
	if published == "" && a.widerAsked {
		published = a.wider // asked already: the page was taken for a post on it
	}
	return record.Record{
		Kind:      record.KindPost,
		URL:       a.url,
		Title:     a.title,
		Authors:   a.authors(),
		Published: published,
		Text:      joinBlocks(blocks),
		Markdown:  joinMarkdown(blocks),
	}
}

// listing returns a listing's records: a page record for its own writing
// and a post record for each teaser, with the teaser's title, date, link
// and summary.
func (a *analysis) listing(ts []teaser) []record.Record {
	used := make([]bool, len(a.blocks))
	var parts []part
	listed := 0 // the teasers' words
	for _, t := range ts {
		var body []block
		for j := t.first; j <= t.last; j++ {
			used[j] = true
			listed += a.blocks[j].words()
			if j != t.titleAt {
				body = append(body, a.blocks[j])
			}
		}
		parts = append(parts, part{at: t.first, rec: record.Record{
			Kind:      record.KindPost,
			URL:       a.url,
			Link:      a.resolve(t.link),
			Title:     t.title,
			Published: t.date,
			Text:      joinBlocks(body),
		}})
	}
	// a page whose own writing dwarfs its teasers is an article with a
	// rail of them: its metadata is its own
	a.isListing = a.words()-listed < ownWriting*listed || a.words()-listed < ownWritingMin
	parts = append(parts, a.rest(used)...)
	return a.finish(parts)
}

// ownWriting and ownWritingMin are how many times the words of its teasers
// and how many words a listing's own writing needs to make it an article
// beside them.
const (
	ownWriting    = 4
	ownWritingMin = 300
)

// entryListing returns a blog index's or archive's records: a post record
// for each entry, with its title, link, date, authors and the text shown
// (an excerpt or the whole post), and a page record for the rest.
func (a *analysis) entryListing(es []entry) []record.Record {
	a.isListing = true
	used := make([]bool, len(a.blocks))
	var parts []part
	for _, e := range es {
		var body []block
		at := -1
		titled := false
		for i, b := range a.blocks {
			if used[i] || !ancestorOf(e.node, b.elem) {
				continue
			}
			used[i] = true
			if at < 0 {
				at = i
			}
			if !titled && b.kind == blockHeading && b.text == e.title {
				titled = true
				continue
			}
			body = append(body, b)
		}
		parts = append(parts, part{at: at, rec: record.Record{
			Kind: record.KindPost, URL: a.url, Link: a.resolve(e.link), Title: e.title,
			Authors: e.authors, Published: e.published, Tags: e.tags, Text: joinBlocks(body), Markdown: joinMarkdown(body),
		}})
	}
	parts = append(parts, a.rest(used)...)
	return a.finish(parts)
}

// rest returns a page record for the blocks no other record took, if any.
func (a *analysis) rest(used []bool) []part {
	unused := 0
	for _, u := range used {
		if !u {
			unused++
		}
	}
	body := make([]block, 0, unused)
	at := -1
	for i, b := range a.blocks {
		if !used[i] {
			if at < 0 {
				at = i
			}
			body = append(body, b)
		}
	}
	if len(body) == 0 {
		return nil
	}
	return []part{{at: at, main: true, rec: record.Record{Kind: record.KindPage, URL: a.url, Title: a.title, Text: joinBlocks(body),
		Markdown: joinMarkdown(body)}}}
}

// finish orders the records as their writing stands on the page and gives
// each its ID; a page record's ID does not depend on its title, which may
// change between captures.
func (a *analysis) finish(parts []part) []record.Record {
	sort.SliceStable(parts, func(i, j int) bool { return parts[i].at < parts[j].at })
	seen := map[string]int{}
	out := make([]record.Record, 0, len(parts))
	for _, p := range parts {
		key := p.rec.Title
		if p.rec.Kind == record.KindPage {
			key = ""
		}
		id := record.MakeID(p.rec.Kind, a.url, key)
		if n := seen[id]; n > 0 {
			seen[id]++
			id = record.MakeID(p.rec.Kind, a.url, key+"\x00"+string(rune('0'+n)))
		} else {
			seen[id] = 1
		}
		p.rec.ID = id
		p.rec.Text = bound(p.rec.Text, maxText)
		p.rec.Markdown = bound(p.rec.Markdown, maxText)
		a.describe(&p.rec, p.main)
		scrub(&p.rec)
		out = append(out, p.rec)
	}
	a.commentsTo(out, parts)
	return out
}

// freshTree returns the page's tree as built from its markup, unpruned,
// for one caller that may change it: the copy kept before pruning the
// first time, a tree built anew after that.
func (a *analysis) freshTree() *html.Node {
	if t := a.pristine; t != nil {
		a.pristine = nil
		return t
	}
	return buildMarkup(a.markup)
}

// resolve makes a link absolute against the page's URL.
func (a *analysis) resolve(href string) string {
	href = browserHref(href)
	if href == "" || strings.HasPrefix(href, "#") || strings.HasPrefix(strings.ToLower(href), "javascript:") {
		return ""
	}
	base, err := url.Parse(a.url)
	if err != nil {
		return href
	}
	ref, err := url.Parse(href)
	if err != nil {
		return href
	}
	return base.ResolveReference(ref).String()
}

func lastPathSegment(u string) string {
	p, err := url.Parse(u)
	if err != nil {
		return ""
	}
	segs := strings.Split(strings.Trim(p.Path, "/"), "/")
	return strings.NewReplacer("-", " ", "_", " ").Replace(segs[len(segs)-1])
}

// maxText bounds a record's text and its Markdown: a hostile page (a
// gigabyte of zeros sent gzipped) must not become a record every reader
// of the archive's records chokes on. Real writing stays far below it: the
// longest text of the 1,497 dev pages is about 200 KB.
const maxText = 1 << 20

// bound cuts s to at most limit bytes, at the last block boundary (a
// blank line) before the limit, else at a rune boundary.
func bound(s string, limit int) string {
	if len(s) <= limit {
		return s
	}
	cut := s[:limit]
	if i := strings.LastIndex(cut, "\n\n"); i > limit/2 {
		return cut[:i]
	}
	for limit > 0 && !utf8.RuneStart(s[limit]) {
		limit--
	}
	return s[:limit]
}

// scrub drops the control characters that a page's metadata (a title, an
// author, a description) may hold from a record's fields; its text and
// Markdown, made by the renderer, hold none.
func scrub(r *record.Record) {
	for _, f := range []*string{&r.Title, &r.Acronym, &r.Organization, &r.Summary, &r.Published, &r.Modified, &r.Language, &r.Link, &r.Canonical} {
		*f = strings.Map(noControl, *f)
	}
	for _, l := range [][]string{r.Authors, r.Tags} {
		for i := range l {
			l[i] = strings.Map(noControl, l[i])
		}
	}
	for i := range r.Comments {
		r.Comments[i].Author = strings.Map(noControl, r.Comments[i].Author)
		r.Comments[i].Text = strings.Map(noControl, r.Comments[i].Text)
	}
}

// controlChar reports a C0 or C1 control character or DEL (line breaks
// and tabs included: callers keep those where they mean something).
func controlChar(c rune) bool {
	return c < ' ' || c == '\u007f' || c >= '\u0080' && c <= '\u009f'
}

// noControl maps a control character (but a line break or a tab) to a
// space.
func noControl(c rune) rune {
	if c != '\n' && c != '\t' && controlChar(c) {
		return ' '
	}
	return c
}

// joinBlocks lays blocks out as text, a blank line between blocks.
func joinBlocks(bs []block) string {
	var b strings.Builder
	n := 0
	for _, bl := range bs {
		n += len(bl.text) + 2
	}
	b.Grow(n)
	for i, bl := range bs {
		if i > 0 {
			b.WriteString("\n\n")
		}
		b.WriteString(bl.text)
	}
	return b.String()
}
