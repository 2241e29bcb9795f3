package extract

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// strongChrome are words of class and id names that mark an element as
// chrome wherever they occur: comment sections and forms, share and like
// widgets, navigation, sidebars, footers, cookie banners, related posts.
var strongChrome = wordSet(`comment comments commentlist commentform respond reply replies disqus
	share sharing shares sharedaddy sharethis addtoany addthis shareaholic social socials follow likes like reactions
	nav navbar navigation subnav topnav menu menus megamenu submenu dropdown offcanvas hamburger drawer
	breadcrumb breadcrumbs crumbs sidebar sidebars widget widgets widgetarea
	footer colophon copyright cookie cookies consent gdpr cookiebar
	related relatedposts recommended trending popular newsletter subscribe subscription signup mailchimp
	login signin register adminbar wpadminbar toolbar skip skiplink masthead
	pagination pager paging paginate tags tagcloud tagged categories
	facet facets filters refinement refinements
	ad ads advert adverts advertisement advertising adsbygoogle sponsor sponsored promo
	popup modal lightbox cookiebanner cmplz onetrust optanon
	meta postmeta byline author authors avatar print rss search searchform
	jp wpcnt wpl actionbar btn btns button buttons cta`)

// chromeNames are whole class or id names of chrome that the word rules miss.
var chromeNames = wordSet(`sr-only screen-reader-text screen-reader-only visually-hidden visuallyhidden
	a2a_kit addthis_toolbox sd-like sd-sharing ssba cc-window cc-banner sfsi_plus`)

// weakChrome words mark chrome unless a content word is in the same name:
// "site-header" is chrome, "entry-header" holds the post's title.
var weakChrome = wordSet(`header topbar bar links icons badge`)

// contentWords keep a name with a weak chrome word in the content.
var contentWords = wordSet(`entry post article content story page archive hero title main body section card block text excerpt teaser`)

// builderWords are the words page builders put on every element (Elementor's
// "elementor-widget-text-editor", Divi's "et_pb_module"): on a name that
// starts with a builder prefix they are ignored.
var builderWords = wordSet(`elementor widget element et pb module wp block vc fl sqs wixui column section row container wrap inner`)

// builderPrefixes start the class names page builders generate.
var builderPrefixes = wordSet(`elementor et wp vc fl sqs wixui fusion brxe kt uagb`)

func wordSet(s string) map[string]bool {
	m := map[string]bool{}
	for _, w := range strings.Fields(s) {
		m[w] = true
	}
	return m
}

// nameWords splits a class or id name into lowercase words at dashes,
// underscores, digits and lower-to-upper case changes.
func nameWords(name string) []string {
	for i := 0; i < len(name); i++ {
		if name[i] >= utf8.RuneSelf {
			return nameWordsRunes(name)
		}
	}
	// ASCII, most names: words are substrings, lowered only when needed
	var words []string
	start, prevLower := -1, false
	for i := 0; i <= len(name); i++ {
		var c byte
		if i < len(name) {
			c = name[i]
		}
		lower, upper := 'a' <= c && c <= 'z', 'A' <= c && c <= 'Z'
		if (!lower && !upper) || (upper && prevLower) {
			if start >= 0 {
				words = append(words, strings.ToLower(name[start:i]))
				start = -1
			}
		}
		if lower || upper {
			if start < 0 {
				start = i
			}
		}
		prevLower = lower
	}
	return words
}

// nameWordsRunes is nameWords for names beyond ASCII.
func nameWordsRunes(name string) []string {
	var words []string
	var cur []rune
	prevLower := false
	flush := func() {
		if len(cur) > 0 {
			words = append(words, strings.ToLower(string(cur)))
			cur = cur[:0]
		}
	}
	for _, r := range name {
		switch {
		case unicode.IsLetter(r):
			if unicode.IsUpper(r) && prevLower {
				flush()
			}
			cur = append(cur, r)
			prevLower = unicode.IsLower(r)
		default:
			flush()
			prevLower = false
		}
	}
	flush()
	return words
}

// chromeLevel says how surely a class or id name marks chrome.
type chromeLevel int

const (
	notChrome  chromeLevel = iota
	weakName               // a weak word ("site-header"): chrome outside the main content
	strongName             // a strong word ("share-buttons"): chrome anywhere
)

// chromeName returns how surely an element's class or id names mark it as
// chrome: the surest of its names.
func chromeName(n *html.Node) chromeLevel {
	level := notChrome
	for _, key := range [...]string{"class", "id"} {
		for _, name := range strings.Fields(attr(n, key)) {
			level = max(level, chromeToken(name))
		}
	}
	return level
}

func chromeToken(name string) chromeLevel {
	lower := strings.ToLower(name)
	if chromeNames[lower] {
		return strongName
	}
	if stateName(lower) || taxonomyName(lower) || utilityName(lower) || lower == "header-footer-group" { // Twenty Twenty's colour scheme class
		return notChrome
	}
	words := nameWords(name)
	if len(words) == 0 {
		return notChrome
	}
	if strongChrome[strings.Join(words, "")] {
		return strongName
	}
	if contains(words, "sidebar") && contains(words, "content") && (contains(words, "wrap") || contains(words, "wrapper")) {
		return notChrome // a layout wrapper ("content-sidebar-wrap") holding the content beside its sidebar
	}
	if contains(words, "accordion") || contains(words, "faq") {
		return notChrome // an accordion's answers ("accordion-item__dropdown") are writing
	}
	builder := builderPrefixes[words[0]] && len(words) > 1
	results := searchResults(words)
	weak, content := false, false
	for _, w := range words {
		if builder && builderWords[w] {
			continue
		}
		if results && w == "search" {
			continue
		}
		if contentWords[w] {
			content = true
		}
		if strongChrome[w] {
			if content && (w == "meta" || w == "author") {
				return notChrome
			}
			return strongName
		}
		if weakChrome[w] {
			weak = true
		}
	}
	if weak && !content {
		return weakName
	}
	return notChrome
}

// resultWords name what a search found, not the search box.
var resultWords = wordSet(`result results grid page listing list items products`)

// searchResults reports whether a name's words name search results
// ("search-results", "c-search-grid", "search-page-wrapper"): the content
// of a search or catalogue page.
func searchResults(words []string) bool {
	if !contains(words, "search") {
		return false
	}
	for _, w := range words {
		if resultWords[w] {
			return true
		}
	}
	return false
}

// utilityName reports utility-first CSS classes ("print:hidden",
// "md:w-[240px]", "w-1/2"), which say how an element looks, not what it is.
func utilityName(name string) bool {
	return strings.ContainsAny(name, ":[/.")
}

// stateName reports class names that state something of the element
// ("has-sidebar", "no-comments", "is-menu-open") rather than name it.
func stateName(name string) bool {
	for _, p := range []string{"has-", "no-", "is-", "show-", "hide-", "with-", "without-", "not-", "enable-", "disable-"} {
		if strings.HasPrefix(name, p) {
			return true
		}
	}
	return false
}

// taxonomyName reports class names that WordPress and other systems make
// from a post's categories, tags and type ("category-social-media",
// "tag-comments", "resources_categories-guides"): their words are the
// site's topics, not the element's role.
func taxonomyName(name string) bool {
	for _, p := range []string{"category-", "tag-", "tax-", "term-", "format-", "type-", "status-", "post-", "postid-", "page-id-", "author-"} {
		if strings.HasPrefix(name, p) && name != "post-navigation" && name != "post-meta" && name != "post-comments" && name != "author-bio" {
			return true
		}
	}
	return strings.Contains(name, "categories-") || strings.Contains(name, "_tag-") || strings.Contains(name, "-tag-")
}

// chromeTag reports elements that are chrome by their tag or role.
func chromeTag(n *html.Node) bool {
	switch n.DataAtom {
	case atom.Nav, atom.Aside, atom.Footer, atom.Menu, atom.Dialog:
		return true
	case atom.Header:
		return !insideContent(n)
	}
	switch attr(n, "role") {
	case "navigation", "banner", "contentinfo", "complementary", "search", "menu", "menubar", "dialog", "alertdialog", "toolbar":
		return true
	}
	return false
}

// insideContent reports whether n is inside an article or main element,
// where a <header> holds the article's title.
func insideContent(n *html.Node) bool {
	for p := n.Parent; p != nil; p = p.Parent {
		if isElem(p, atom.Article, atom.Main) || attr(p, "role") == "main" {
			return true
		}
	}
	return false
}

// hidden reports elements a reader never sees.
func hidden(n *html.Node) bool {
	if hasAttr(n, "hidden") || attr(n, "aria-hidden") == "true" {
		return true
	}
	st := attr(n, "style")
	if st == "" || !(strings.Contains(st, "none") || strings.Contains(st, "hidden") ||
		strings.Contains(st, "NONE") || strings.Contains(st, "HIDDEN")) {
		return false
	}
	st = strings.ToLower(strings.ReplaceAll(st, " ", ""))
	return strings.Contains(st, "display:none") || strings.Contains(st, "visibility:hidden")
}
