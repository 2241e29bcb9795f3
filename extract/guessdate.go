package extract

import (
	"sync"
	"time"

	dps "github.com/markusmobius/go-dateparser"
	htmldate "github.com/markusmobius/go-htmldate"
	"golang.org/x/net/html"
)

// guessDate returns the page's publication date as go-htmldate, the
// field's date finder, reads it (meta tags, JSON-LD, the URL, date lines
// and date markup, weighed together), as YYYY-MM-DD, or "": in its fast
// mode (precise patterns), or with extensive set, also weighing every date
// in the text, at several times the cost. No date after the capture's is
// taken: a page cannot be older than what it holds.
//
// A page of more than maxDateNodes nodes is left to the extractor's own
// date sources: htmldate copies the tree and runs its patterns over all of
// it, whose cost a hostile page could make large.
func guessDate(doc *html.Node, pageURL string, captured time.Time, extensive bool, lang string) string {
	if !fewerNodes(doc, maxDateNodes) {
		return ""
	}
	opts := htmldate.Options{URL: pageURL, UseOriginalDate: true, SkipExtensiveSearch: !extensive, MaxDate: captured}
	if extensive {
		opts.DateParserConfig = dateConfig(lang)
	}
	res, err := htmldate.FromDocument(doc, opts)
	if err != nil || res.DateTime.IsZero() {
		return ""
	}
	return res.DateTime.Format(time.DateOnly)
}

// maxDateNodes bounds the pages guessDate reads; the dev set's real
// pages hold at most about 40,000 nodes.
const maxDateNodes = 60000

// fewerNodes reports whether the tree under n holds at most limit nodes.
func fewerNodes(n *html.Node, limit int) bool {
	count := 0
	var walk func(*html.Node) bool
	walk = func(n *html.Node) bool {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if count++; count > limit || !walk(c) {
				return false
			}
		}
		return true
	}
	return walk(n)
}

// dateConfigs holds the date parser's settings by page language.
var dateConfigs sync.Map

// dateConfig returns the settings htmldate's date parser reads a page's
// text dates with: its own (past dates, strict parsing) limited to the
// page's language and English, the language of most dates on the web
// whatever the page's, when the page's language is known; without a
// limit the parser tries each of its 200 locales on each text date,
// which is most of an extensive search's cost. Nil (every locale) when
// the language is not known.
func dateConfig(lang string) *dps.Configuration {
	if lang == "" {
		return nil
	}
	if c, ok := dateConfigs.Load(lang); ok {
		return c.(*dps.Configuration)
	}
	langs := []string{lang}
	if lang != "en" {
		langs = append(langs, "en")
	}
	c := &dps.Configuration{PreferredDateSource: dps.Past, StrictParsing: true, Languages: langs}
	if _, err := dps.Parse(c, "2 January 2020"); err != nil {
		c = nil // a language the parser does not know: every locale
	}
	c2, _ := dateConfigs.LoadOrStore(lang, c)
	return c2.(*dps.Configuration)
}
