package extract

import (
	"slices"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// meta is what a page says about itself in its head, its JSON-LD and its
// byline markup, read before any chrome is removed.
type meta struct {
	title     string   // <title>
	ogTitle   string   // og:title or twitter:title
	ogType    string   // og:type
	siteName  string   // og:site_name, application-name or JSON-LD WebSite/Organization name
	generator string   // <meta name="generator">
	headline  string   // JSON-LD headline of the page's article
	article   bool     // JSON-LD says the page is an article
	thread    bool     // JSON-LD or microdata says the page is a forum thread or a question with its answers
	authors   []string // from JSON-LD, meta author, rel=author and byline markup
	published string   // YYYY-MM-DD from JSON-LD, meta tags or <time>
	pageDate  string   // YYYY-MM-DD: a JSON-LD WebPage's datePublished, which SEO plugins give every page
	// declaredDate and declaredAuthors are what the page's meta tags and
	// JSON-LD say, not its markup (which may be a listed post's)
	declaredDate    string
	declaredAuthors []string
	// threadDate is the opening post's date, as a thread's JSON-LD or its
	// microdata main entity gives it: the thread's, whatever else the page
	// dates (its last edit, its newest reply)
	threadDate  string
	guessedDate string            // YYYY-MM-DD that go-htmldate finds when the metadata gives none
	ldIDs       map[string]string // names of the JSON-LD people and organizations, by @id
	bodyClass   string            // the body's class attribute
	description string
	// longestDescription is the longest of the description, og:description
	// and twitter:description: one may be cut short ("…") where another
	// is whole.
	longestDescription string
	modified           string   // YYYY-MM-DD from JSON-LD, meta tags or <time class="updated">
	tags               []string // tags and categories: meta tags, JSON-LD, else tag links
	tagLinks           []*html.Node
	lang               string   // the declared language, as written
	canonical          string   // link rel=canonical, else og:url, as written
	h1s                []string // texts of the page's <h1> elements
	entryTitle         string   // text of the page's one .entry-title or .post-title, if exactly one
	entryTitles        int
	assets             strings.Builder // src and href of the page's scripts, styles and images, one a line
	wixSite            bool            // the page has Wix's #SITE_CONTAINER

	// what readMeta gathers from each source, before choosing
	ldModified, pageModified, metaModified, markupModified string
	ldTags, metaTags                                       []string
	ldLang, htmlLang, metaLang, locale                     string
	linkCanonical, ogURL                                   string
}

// readMeta gathers the page's metadata from the whole document.
func readMeta(doc *html.Node) *meta {
	m := &meta{}
	var ldAuthors, metaAuthors, markupAuthors []string
	var classAuthor string // the first name an author-named element or an author page's link gives
	var ldDate, metaDate, itemDate, timeDate, classDate string
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			switch n.DataAtom {
			case atom.Html:
				m.htmlLang = firstString(attr(n, "lang"), attr(n, "xml:lang"))
			case atom.A:
				if tagAnchor(n) {
					m.tagLinks = append(m.tagLinks, n)
				}
			case atom.Title:
				if m.title == "" && !insideSVG(n) {
					m.title = textOf(n)
				}
			case atom.Meta:
				m.metaTag(n, &metaAuthors, &metaDate)
			case atom.Script:
				m.asset(n)
				if strings.Contains(strings.ToLower(attr(n, "type")), "ld+json") && n.FirstChild != nil {
					a, d := m.jsonLD(n.FirstChild.Data)
					ldAuthors = append(ldAuthors, a...)
					if ldDate == "" {
						ldDate = d
					}
				}
				return
			case atom.Body:
				m.bodyClass = attr(n, "class")
			case atom.Time:
				if inComments(n) {
					break // a reader comment's date
				}
				if timeDate == "" || hasClass(n, "published") || attr(n, "itemprop") == "datePublished" {
					if d := parseDate(attr(n, "datetime")); d != "" {
						timeDate = d
					} else if d := parseDate(textOf(n)); d != "" && timeDate == "" {
						timeDate = d
					}
				}
				if m.markupModified == "" && (hasClass(n, "updated") || attr(n, "itemprop") == "dateModified") {
					m.markupModified = firstString(parseDate(attr(n, "datetime")), parseDate(textOf(n)))
				}
			case atom.Style, atom.Noscript, atom.Template:
				return
			case atom.Link:
				m.asset(n)
				if m.linkCanonical == "" && strings.EqualFold(strings.TrimSpace(attr(n, "rel")), "canonical") {
					m.linkCanonical = strings.TrimSpace(attr(n, "href"))
				}
			case atom.Img, atom.Source, atom.Iframe:
				m.asset(n)
			case atom.H1:
				if t := textOf(n); t != "" && len(m.h1s) < 8 {
					m.h1s = append(m.h1s, t)
				}
			}
			if m.threadDate == "" && threadItem(n) {
				m.thread = true
				m.threadDate = ownItemDate(n)
			}
			if attr(n, "id") == "SITE_CONTAINER" {
				m.wixSite = true
			}
			if classDate == "" && dateClass(n) && !textAtLeast(n, 80) && writingContext(n) {
				classDate = parseDate(textOf(n))
			}
			if n.DataAtom != atom.Meta && n.DataAtom != atom.Time && len(n.Attr) > 0 {
				if d := elementDate(n, "datePublished", "schema:dateCreated", "schema:datePublished", "dc:date", "dc:created"); d != "" && itemDate == "" {
					itemDate = d // Blogger's <abbr class="published" title="...">, Drupal's RDFa
				}
				if d := elementDate(n, "dateModified", "schema:dateModified", "dc:modified"); d != "" && m.markupModified == "" {
					m.markupModified = d
				}
			}
			if hasClass(n, "entry-title") || hasClass(n, "post-title") {
				m.entryTitles++
				m.entryTitle = textOf(n)
			}
			if hasClass(n, "byline") && !textAtLeast(n, 200) {
				if names := parseByline(textOf(n)); len(names) > 0 {
					if writingContext(n) {
						markupAuthors = append(markupAuthors, names...)
					}
					return
				}
			}
			if classAuthor == "" {
				if a := namedAuthor(n); a != "" && writingContext(n) && !inComments(n) {
					classAuthor = a
				}
			}
			if a := markupAuthor(n); a != "" {
				if writingContext(n) {
					markupAuthors = append(markupAuthors, a)
				}
				return
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	if m.entryTitles != 1 {
		m.entryTitle = ""
	}
	if len(markupAuthors) > 0 {
		// A site's name given as every page's author (Squarespace's
		// itemprop=author) gives way to the byline's names.
		ldAuthors = without(ldAuthors, m.siteName)
		metaAuthors = without(metaAuthors, m.siteName)
	}
	ldAuthors = m.resolveRefs(ldAuthors)
	var classAuthors []string
	if classAuthor != "" {
		classAuthors = []string{classAuthor}
	}
	m.authors = firstNonEmpty(ldAuthors, metaAuthors, markupAuthors, classAuthors)
	m.published = firstString(ldDate, metaDate, itemDate, timeDate, classDate)
	m.declaredDate = firstString(ldDate, metaDate)
	m.declaredAuthors = firstNonEmpty(ldAuthors, metaAuthors)
	m.modified = firstString(m.ldModified, m.metaModified, m.markupModified, m.pageModified)
	m.tags = firstNonEmpty(m.metaTags, m.ldTags, linkTags(m.tagLinks))
	m.lang = firstString(m.htmlLang, m.metaLang, m.ldLang, m.locale)
	m.canonical = firstString(m.linkCanonical, m.ogURL)
	return m
}

// threadItem reports whether n is the page's microdata main entity and a
// question or a forum post (Stack Exchange's, Discourse's): the thread.
func threadItem(n *html.Node) bool {
	if !hasAttr(n, "itemscope") || !slices.Contains(strings.Fields(attr(n, "itemprop")), "mainEntity") {
		return false
	}
	t := attr(n, "itemtype")
	t = t[strings.LastIndexByte(t, '/')+1:]
	return t == "Question" || t == "DiscussionForumPosting"
}

// ownItemDate returns the dateCreated or datePublished of the microdata
// item n itself, not of the items nested in it (its answers, comments).
func ownItemDate(n *html.Node) string {
	var date string
	var walk func(*html.Node)
	walk = func(e *html.Node) {
		for c := e.FirstChild; c != nil && date == ""; c = c.NextSibling {
			if c.Type != html.ElementNode {
				continue
			}
			date = elementDate(c, "dateCreated", "datePublished")
			if !hasAttr(c, "itemscope") && date == "" {
				walk(c)
			}
		}
	}
	walk(n)
	return date
}

// elementDate returns the date an element whose itemprop (microdata) or
// property (RDFa) is one of props gives in its datetime, content or title
// attribute, or in its text when it is short; "" for other elements.
func elementDate(n *html.Node, props ...string) string {
	prop := attr(n, "itemprop")
	if prop == "" {
		prop = attr(n, "property")
	}
	if prop == "" || !contains(props, prop) {
		return ""
	}
	if d := firstString(parseDate(attr(n, "datetime")), parseDate(attr(n, "content")), parseDate(attr(n, "title"))); d != "" {
		return d
	}
	if !textAtLeast(n, 80) {
		return parseDate(textOf(n))
	}
	return ""
}

// dateClasses name the elements holding a post's date in its byline.
var dateClasses = []string{"post-date", "entry-date", "date-published", "article-date", "posted-on", "byline-date",
	"post-meta-date", "publish-date", "published-date", "blog-date", "news-date"}

// dateClass reports an element named as a post's date.
func dateClass(n *html.Node) bool {
	class := attr(n, "class")
	if class == "" || !strings.Contains(class, "date") && !strings.Contains(class, "posted") {
		return false
	}
	for _, c := range dateClasses {
		if hasClass(n, c) {
			return true
		}
	}
	return false
}

// inComments reports whether n stands in reader comments.
func inComments(n *html.Node) bool {
	for p := n.Parent; p != nil; p = p.Parent {
		if p.Type == html.ElementNode && len(p.Attr) > 0 && commentName(p) {
			return true
		}
	}
	return false
}

// without returns names without name (compared case-insensitively).
func without(names []string, name string) []string {
	var out []string
	for _, n := range names {
		if !strings.EqualFold(n, name) {
			out = append(out, n)
		}
	}
	return out
}

// maxAssets bounds the asset URLs kept for recognising the platform.
const maxAssets = 64 << 10

// asset notes the URL an element loads, for recognising the platform by
// its asset paths.
func (m *meta) asset(n *html.Node) {
	if m.assets.Len() > maxAssets {
		return
	}
	for _, k := range [...]string{"src", "href", "srcset", "data-src"} {
		if v := attr(n, k); v != "" {
			m.assets.WriteString(v)
			m.assets.WriteByte('\n')
		}
	}
}

func insideSVG(n *html.Node) bool {
	for p := n.Parent; p != nil; p = p.Parent {
		if p.DataAtom == atom.Svg {
			return true
		}
	}
	return false
}

func (m *meta) metaTag(n *html.Node, authors *[]string, date *string) {
	key := strings.ToLower(firstString(attr(n, "property"), attr(n, "name"), attr(n, "itemprop"), attr(n, "http-equiv")))
	val := collapse(attr(n, "content"))
	if val == "" {
		return
	}
	switch key {
	case "article:modified_time", "og:updated_time", "datemodified", "dcterms.modified", "dc.date.modified", "last-modified":
		if m.metaModified == "" {
			m.metaModified = parseDate(val)
		}
	case "article:tag", "article:section":
		if len(val) <= maxTagLen && len(m.metaTags) < maxKeywords {
			m.metaTags = append(m.metaTags, val)
		}
	case "content-language", "language", "dc.language":
		if m.metaLang == "" {
			m.metaLang = val
		}
	case "og:locale":
		if m.locale == "" {
			m.locale = val
		}
	case "og:url":
		if m.ogURL == "" {
			m.ogURL = val
		}
	case "og:title", "twitter:title":
		if m.ogTitle == "" {
			m.ogTitle = val
		}
	case "og:type":
		m.ogType = strings.ToLower(val)
	case "og:site_name", "application-name":
		if m.siteName == "" {
			m.siteName = val
		}
	case "generator":
		if m.generator == "" {
			m.generator = val
		}
	case "description", "og:description", "twitter:description":
		if m.description == "" && key != "twitter:description" {
			m.description = val
		}
		if len(val) > len(m.longestDescription) {
			m.longestDescription = val
		}
	case "author", "article:author", "dc.creator", "parsely-author", "sailthru.author":
		if names := dataNames(val); len(names) > 0 {
			*authors = append(*authors, names...)
		}
	case "article:published_time", "datepublished", "date", "pubdate", "publishdate", "publish-date",
		"dc.date", "dc.date.issued", "dcterms.created", "dcterms.date", "sailthru.date", "parsely-pub-date":
		if *date == "" {
			*date = parseDate(val)
		}
	}
}

// authorPaths are the URL paths of author and contributor pages, as
// WordPress, news systems and forums make them.
var authorPaths = []string{"/author/", "/authors/", "/contributor/", "/contributors/", "/writer/", "/members/", "/users/", "/profile/"}

// namedAuthor returns the name an element gives as its page's author
// without byline markup: an element one of whose class names has the
// whole word "author" ("authorName", "post_author", "author-link"), or a
// link to an author's page, holding a short name. It is the last source
// of authors, after JSON-LD, meta tags and byline markup.
func namedAuthor(n *html.Node) string {
	if n.FirstChild == nil || len(n.Attr) == 0 {
		return ""
	}
	named := false
	if n.DataAtom == atom.A {
		href := strings.ToLower(attr(n, "href"))
		for _, p := range authorPaths {
			if strings.Contains(href, p) {
				named = true
				break
			}
		}
	}
	if !named {
		class := attr(n, "class")
		low := strings.ToLower(class)
		if !strings.Contains(low, "author") && !strings.Contains(low, "username") {
			class = "" // no class names the author: skip the word split
		}
		for _, c := range strings.Fields(class) {
			if stateName(strings.ToLower(c)) || taxonomyName(strings.ToLower(c)) {
				continue
			}
			for _, w := range nameWords(c) {
				if w == "author" || w == "username" {
					named = true
				}
			}
		}
	}
	if !named || textAtLeast(n, 60) {
		return ""
	}
	t := textOf(n)
	if names := parseByline(t); len(names) > 0 {
		return names[0]
	}
	if dataName(t) {
		return t
	}
	return ""
}

// markupAuthor returns the name in an author element of a byline: rel=author
// links, WordPress's .byline .author and .author.vcard, and itemprop=author.
func markupAuthor(n *html.Node) string {
	switch {
	case n.DataAtom == atom.A && strings.Contains(" "+attr(n, "rel")+" ", " author "):
	case attr(n, "itemprop") == "author":
		if nm := findFirst(n, func(e *html.Node) bool { return attr(e, "itemprop") == "name" }); nm != nil {
			if v := attr(nm, "content"); v != "" {
				return v
			}
			n = nm
		}
	case strings.Contains(attr(n, "rel"), "schema:author") || attr(n, "property") == "schema:author":
		// RDFa, as Drupal writes it
		if nm := findFirst(n, func(e *html.Node) bool { return attr(e, "property") == "schema:name" }); nm != nil {
			n = nm
		}
	case hasClass(n, "p-author"): // microformats2
	case hasClass(n, "author") && (hasClass(n, "vcard") || insideClass(n, "byline")):
		if fn := findFirst(n, func(e *html.Node) bool { return hasClass(e, "fn") || e.DataAtom == atom.A }); fn != nil {
			n = fn
		}
	default:
		return ""
	}
	t := textOf(n)
	if names := parseByline(t); len(names) > 0 {
		return names[0]
	}
	if plausibleName(t) {
		return t
	}
	return ""
}

func contains(list []string, s string) bool {
	for _, e := range list {
		if e == s {
			return true
		}
	}
	return false
}

func firstString(s ...string) string {
	for _, e := range s {
		if e != "" {
			return e
		}
	}
	return ""
}

func firstNonEmpty(lists ...[]string) []string {
	for _, l := range lists {
		if len(l) > 0 {
			return dedupe(l)
		}
	}
	return nil
}

// hasClass reports whether n's class attribute holds the class c.
func hasClass(n *html.Node, c string) bool {
	classes := attr(n, "class")
	for {
		i := strings.Index(classes, c)
		if i < 0 {
			return false
		}
		end := i + len(c)
		if (i == 0 || isSpaceByte(classes[i-1])) && (end == len(classes) || isSpaceByte(classes[end])) {
			return true
		}
		classes = classes[end:]
	}
}

func isSpaceByte(b byte) bool {
	return b == ' ' || b == '\t' || b == '\n' || b == '\r' || b == '\f'
}

// insideClass reports whether an ancestor of n has the class c.
func insideClass(n *html.Node, c string) bool {
	for p := n.Parent; p != nil; p = p.Parent {
		if hasClass(p, c) {
			return true
		}
	}
	return false
}
