package extract

import (
	"net/url"
	"strings"

	"golang.org/x/net/html"

	readability "codeberg.org/readeck/go-readability/v2"
)

// secondOpinion asks go-readability (a port of Mozilla's Readability,
// which picks an article's one body by scoring paragraphs) which of an
// article's blocks are its body, and keeps those our own choice and its
// agree on: the blocks readability leaves out of a body that holds most
// of ours are the captions, player controls and teaser rails beside the
// article. When readability finds no body, or one much smaller than ours
// (it took a part of the article), our blocks stay as they are.
//
// A page of more than helperMarkup bytes of markup (scripts left out) is
// left to our choice alone: readability's parser has no bound of its own.
func (a *analysis) secondOpinion(blocks []block) []block {
	if len(a.markup) > helperMarkup {
		return blocks
	}
	doc := a.freshTree() // the page's own tree has lost its chrome
	u, err := url.Parse(a.url)
	if err != nil {
		return blocks
	}
	scope := articleScope(doc) // read before readability rewrites the tree
	parser := readability.NewParser()
	art, err := parser.ParseAndMutate(doc, u)
	if err != nil || art.Node == nil {
		return blocks
	}
	var b strings.Builder
	if art.RenderText(&b) != nil {
		return blocks
	}
	theirs := normPhrase(b.String())
	theirWords := wordCount(theirs)
	ours, agreed, prose := 0, 0, 0 // prose: our agreed words outside headings
	first, last := -1, -1          // our first and last agreed prose blocks
	firstLong, lastLong := -1, -1  // the same, of some length
	keep := make([]bool, len(blocks))
	for i, bl := range blocks {
		w := bl.words()
		ours += w
		if bl.kind == blockHeading {
			keep[i] = true
			agreed += w
			continue
		}
		if np := normPhrase(bl.text); strings.Contains(theirs, np) {
			keep[i] = true
			agreed += w
			prose += w
			if first < 0 {
				first = i
			}
			last = i
			if len(np) >= minAgreed { // "Back", "Low": in any text
				if firstLong < 0 {
					firstLong = i
				}
				lastLong = i
			}
		}
	}
	switch {
	case ours == 0:
		return blocks
	case agreed*10 >= ours*9 && theirWords >= 2*ours:
		// all of ours is in theirs, which is twice as long: we took a
		// part of the article (one section of many, between pictures);
		// theirs stands when it is prose, not a page of lists and links
		if theirBlocks := clean((&renderer{base: u}).run(art.Node)); len(theirBlocks) > 0 && paragraphShare(theirBlocks) >= 0.5 {
			return theirBlocks
		}
		return blocks
	case agreed*10 >= ours*7:
		// the two agree on most: keep what both chose
	case prose*10 >= theirWords*8 && theirWords*10 >= ours*3:
		// theirs lies inside ours, a smaller part of it: keep our blocks
		// from its first to its last, and the rails, players and teasers
		// before and after it go
		for i := range keep {
			keep[i] = i >= first && i <= last
		}
	case firstLong >= 0 && prose*10 >= theirWords*8 && theirWords*10 >= ours &&
		inScope(blocks[firstLong:lastLong+1], keep[firstLong:lastLong+1], scope):
		// a much smaller part is taken only when the page's markup says
		// so too: its one article element holds all of theirs
		for i := range keep {
			keep[i] = i >= firstLong && i <= lastLong
		}
	default:
		return blocks
	}
	out := blocks[:0:0]
	for i, bl := range blocks {
		if keep[i] {
			out = append(out, bl)
		}
	}
	return out
}

// minAgreed is how long a block must be for its standing in readability's
// text to tell where that text begins and ends.
const minAgreed = 20

// articleScope returns the words of the element the page's markup names
// as its article's body: its one itemprop=articleBody, else its one
// element typed as an article in microdata (schema.org's Article,
// NewsArticle, BlogPosting...), else its one <article>; "" when there is
// none or more than one of the first kind found.
func articleScope(doc *html.Node) string {
	for _, match := range []func(*html.Node) bool{
		func(n *html.Node) bool { return attr(n, "itemprop") == "articleBody" },
		func(n *html.Node) bool { return articleType(attr(n, "itemtype")) },
	} {
		switch found := findAll(doc, match); len(found) {
		case 0:
			continue
		case 1:
			return normPhrase(textOf(found[0]))
		default:
			return ""
		}
	}
	return ""
}

// articleType reports whether a microdata itemtype names an article:
// schema.org's Article and its kinds (NewsArticle, ScholarlyArticle...)
// and BlogPosting.
func articleType(t string) bool {
	t = strings.TrimRight(strings.TrimSpace(t), "/")
	if i := strings.LastIndexByte(t, '/'); i >= 0 && strings.Contains(t[:i], "schema.org") {
		name := t[i+1:]
		return strings.HasSuffix(name, "Article") || name == "BlogPosting"
	}
	return false
}

// inScope reports whether the agreed prose blocks among bs all stand in
// scope.
func inScope(bs []block, agreed []bool, scope string) bool {
	if scope == "" {
		return false
	}
	for i, b := range bs {
		if agreed[i] && b.kind != blockHeading && !strings.Contains(scope, normPhrase(b.text)) {
			return false
		}
	}
	return true
}

// helperMarkup bounds the pages the field's libraries are asked about
// (readability here, htmldate in guessDate), which have no bound of their
// own: the dev set's pages hold at most about 1 MB of markup once their
// scripts are dropped, a hostile page up to maxMarkup.
const helperMarkup = 2 << 20

// paragraphShare returns the share of blocks' words that stand in
// paragraphs of 40 words or more.
func paragraphShare(bs []block) float64 {
	all, prose := 0, 0
	for _, b := range bs {
		w := b.words()
		all += w
		if b.kind != blockHeading && w >= 40 {
			prose += w
		}
	}
	if all == 0 {
		return 0
	}
	return float64(prose) / float64(all)
}
