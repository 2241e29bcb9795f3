package extract

import (
	"net/url"
	"strings"

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
	ours, agreed := 0, 0
	keep := make([]bool, len(blocks))
	for i, bl := range blocks {
		w := bl.words()
		ours += w
		if bl.kind == blockHeading || strings.Contains(theirs, normPhrase(bl.text)) {
			keep[i] = true
			agreed += w
		}
	}
	if ours == 0 || agreed*10 < ours*7 {
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

// helperMarkup bounds the pages the field's libraries are asked about
// (readability here, htmldate in guessDate), which have no bound of their
// own: the dev set's pages hold at most about 1 MB of markup once their
// scripts are dropped, a hostile page up to maxMarkup.
const helperMarkup = 2 << 20
