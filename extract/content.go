package extract

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// rootShare is the share of the page's prose an element must hold for the
// detector to descend into it: the main-content root is the deepest element
// holding at least this much.
const rootShare = 0.85

// rescueShare is the prose, as a share of the root's, that a sibling of the
// root must hold to be kept with it, when it is plain writing (few links):
// an article split over two containers is kept whole.
const rescueShare = 0.1

// rescueLinks is the most link text a rescued sibling may hold.
const rescueLinks = 0.2

// proseWeight is how much a block counts as writing: its characters
// outside links, plus part of those inside long links (a teaser's title and
// summary wrapped in one link), for blocks of five words or more. Headings,
// menus and button labels weigh nothing.
func proseWeight(b block) float64 {
	if b.kind == blockHeading || b.words() < 5 {
		return 0
	}
	chars := float64(utf8.RuneCountInString(b.text))
	links := float64(b.linkChars)
	w := chars - links
	if b.links > 0 && links/float64(b.links) >= longLinkChars {
		w += longLinkWeight * links
	}
	return w
}

// longLinkChars is the average link text length from which links count as
// writing (teasers), not navigation (menus of one to three words).
const longLinkChars = 40

// longLinkWeight is how much the text of long links counts as writing.
const longLinkWeight = 0.7

// mainRoots returns the deepest element under body holding at least
// rootShare of the prose of the blocks rendered from body, with those of
// its siblings that hold plain writing, in document order.
func mainRoots(body *html.Node, blocks []block) []*html.Node {
	weight := map[*html.Node]float64{}
	chars := map[*html.Node]int{}
	links := map[*html.Node]int{}
	total := 0.0
	for _, b := range blocks {
		w := proseWeight(b)
		total += w
		for n := b.elem; n != nil; n = n.Parent {
			weight[n] += w
			chars[n] += len(b.text)
			links[n] += b.linkChars
			if n == body {
				break
			}
		}
	}
	root := body
	if total == 0 {
		return []*html.Node{root}
	}
	for {
		var next *html.Node
		for c := root.FirstChild; c != nil; c = c.NextSibling {
			if weight[c] >= rootShare*total && container(c) {
				next = c
				break
			}
		}
		if next == nil {
			break
		}
		root = next
	}
	if root == body || root.Parent == nil {
		return []*html.Node{root}
	}
	var roots []*html.Node
	for c := root.Parent.FirstChild; c != nil; c = c.NextSibling {
		plain := chars[c] > 0 && float64(links[c]) <= rescueLinks*float64(chars[c])
		if c == root || (weight[c] >= rescueShare*weight[root] && plain) {
			roots = append(roots, c)
		}
	}
	return roots
}

// gridItems is how many like children make an element a grid of items.
const gridItems = 6

// gridShare is the share of the page's text a grid of items outside the
// main-content root must hold to join it.
const gridShare = 0.3

// withGrid adds to the roots the grid of items (products, teasers, results:
// gridItems or more like children, each with a link) that holds more of the
// page's text than the roots and gridShare of it, when it lies outside
// them: the prose of a category's description can outweigh a grid of
// product names and prices, which weigh nothing as prose.
func withGrid(body *html.Node, blocks []block, roots []*html.Node) []*html.Node {
	chars := map[*html.Node]int{}
	total := 0
	for _, b := range blocks {
		total += len(b.text)
		for n := b.elem; n != nil; n = n.Parent {
			chars[n] += len(b.text)
			if n == body {
				break
			}
		}
	}
	in := 0
	for _, r := range roots {
		in += chars[r]
	}
	if total == 0 || float64(in) >= 0.5*float64(total) {
		return roots
	}
	var best *html.Node
	bestChars := 0
	var visit func(n *html.Node)
	visit = func(n *html.Node) {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type == html.ElementNode && chars[c] > 0 {
				if g := gridChars(c, chars); g > bestChars {
					best, bestChars = c, g
				}
				visit(c)
			}
		}
	}
	visit(body)
	if best == nil || bestChars <= in || float64(bestChars) < gridShare*float64(total) {
		return roots
	}
	for _, r := range roots {
		if ancestorOf(r, best) || ancestorOf(best, r) {
			return roots
		}
	}
	return append(append([]*html.Node{}, roots...), best)
}

// gridChars returns the text held by n's largest run of like children
// (same tag and first class), if it is a grid of items, else 0.
func gridChars(n *html.Node, chars map[*html.Node]int) int {
	type kind struct {
		tag   atom.Atom
		class uint64
	}
	count := map[kind]int{}
	text := map[kind]int{}
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type != html.ElementNode || chars[c] == 0 {
			continue
		}
		h, _ := firstClass(c)
		k := kind{c.DataAtom, h}
		count[k]++
		text[k] += chars[c]
	}
	best := 0
	for k, c := range count {
		if c >= gridItems && text[k] > best {
			best = text[k]
		}
	}
	return best
}

// platformShare is the share of the page's prose a platform's content
// element must hold to be trusted.
const platformShare = 0.4

// proseShare returns the share of the blocks' prose that lies under the
// roots; 1 when the blocks hold no prose.
func proseShare(blocks []block, roots []*html.Node) float64 {
	if len(roots) == 0 {
		return 0
	}
	total, in := 0.0, 0.0
	for _, b := range blocks {
		w := proseWeight(b)
		total += w
		for _, r := range roots {
			if ancestorOf(r, b.elem) {
				in += w
				break
			}
		}
	}
	if total == 0 {
		return 1
	}
	return in / total
}

// container reports whether n can hold a page's main content: not a
// paragraph, heading, list item or phrase element, whose siblings would be
// lost with it.
func container(n *html.Node) bool {
	if n.Type != html.ElementNode {
		return false
	}
	switch n.DataAtom {
	case atom.P, atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6, atom.Pre, atom.Blockquote, atom.Li,
		atom.Dd, atom.Dt, atom.Figcaption, atom.Caption, atom.Address, atom.A, atom.B, atom.Strong, atom.Em,
		atom.I, atom.U, atom.Small, atom.Label, atom.Button, atom.Q, atom.Cite, atom.Code, atom.Summary:
		return false
	}
	return true
}

// withTitle puts the page's <h1> before the kept blocks when the main
// content starts below it: the page's title heads its writing.
func withTitle(kept, all []block) []block {
	if len(kept) == 0 {
		return kept
	}
	for _, b := range kept {
		if b.kind == blockHeading && b.level == 1 {
			return kept
		}
	}
	first := kept[0].elem
	title, at := -1, -1
	for i := range all {
		b := &all[i]
		if b.elem == first {
			at = i
			break
		}
		if b.kind == blockHeading && b.level == 1 {
			title = i
		}
	}
	if title < 0 {
		return kept
	}
	out := []block{all[title]}
	if at > title && all[title].elem.Parent != nil {
		// the title's own header may hold the opening paragraphs (a
		// standfirst, a documentation page's summary) before the part
		// chosen: they are the writing's, bylines and captions are not
		header := all[title].elem.Parent
		for _, b := range all[title+1 : at] {
			if b.kind == blockPara && b.words() >= standfirstWords && b.linkChars*2 < utf8.RuneCountInString(b.text) && ancestorOf(header, b.elem) {
				out = append(out, b)
			}
		}
	}
	return append(out, kept...)
}

// standfirstWords is how many words a paragraph between the title and the
// chosen writing needs to be taken for its opening.
const standfirstWords = 12

// under keeps the blocks whose element lies under one of the roots.
func under(blocks []block, roots []*html.Node) []block {
	out := make([]block, 0, len(blocks))
	for _, b := range blocks {
		for _, r := range roots {
			if ancestorOf(r, b.elem) {
				out = append(out, b)
				break
			}
		}
	}
	return out
}

// linkyWords is the most words a link-dense block may have and still be
// taken for navigation when it stands among other link-dense blocks.
const linkyWords = 5

// clean drops chrome blocks from the blocks of the main content: chrome
// phrases, and runs of short link-dense blocks (menus, tag lists, pagers)
// that the markup did not mark.
func clean(blocks []block) []block {
	linky := func(i int) bool {
		if i < 0 || i >= len(blocks) {
			return false
		}
		b := blocks[i]
		return b.linkDensity() >= 0.6 && b.words() <= linkyWords && b.kind != blockHeading
	}
	out := make([]block, 0, len(blocks))
	skipTo := -1
	for i, b := range blocks {
		if i < skipTo {
			continue
		}
		if b.kind == blockHeading && relatedHeading(b.text) {
			skipTo = relatedEnd(blocks, i)
			continue
		}
		if isChromeText(b.text) || signupText(b) || callToAction(b) || (len(b.text) < 40 && isMoreLink(b.text)) {
			continue
		}
		if linky(i) && (linky(i-1) || linky(i+1)) && !introduced(blocks, i) {
			continue
		}
		if n := len(out); n > 0 && continuedHeading(out[n-1], b) {
			out[n-1].text += " " + b.text
			out[n-1].md += " " + strings.TrimLeft(b.md, "# ")
			continue
		}
		out = append(out, b)
	}
	return out
}

// continuedHeading reports whether heading b continues heading prev: site
// builders write a heading broken over two lines as two headings, the first
// ending mid-phrase ("Community Partnerships &" / "National Network of
// Caucuses").
func continuedHeading(prev, b block) bool {
	if prev.kind != blockHeading || b.kind != blockHeading || prev.level != b.level {
		return false
	}
	t := strings.ToLower(prev.text)
	for _, end := range []string{"&", ",", "-", "–", "—", ":", " and", " of", " the", " for", " to", " in", " a"} {
		if strings.HasSuffix(t, end) {
			return true
		}
	}
	r, _ := utf8.DecodeRuneInString(b.text)
	return unicode.IsLower(r)
}

// introduced reports whether block i belongs to a run of blocks right
// after a heading: a list of links a heading introduces ("Coalition Member
// Organizations") is writing, not navigation. A list's items may be
// links or not ("- B", "- Bash", "- BASIC").
func introduced(blocks []block, i int) bool {
	for j := i - 1; j >= 0; j-- {
		if blocks[j].kind == blockHeading {
			return true
		}
		if blocks[j].kind != blocks[i].kind || (blocks[j].linkDensity() < 0.6 && blocks[i].kind != blockItem) {
			return false
		}
	}
	return false
}

// relatedHeadings head the lists of other posts a page shows beside its
// own writing.
var relatedHeadings = phraseSet("related", "related posts", "related articles", "related stories", "related content",
	"related reading", "more stories", "more posts", "more articles", "more news", "recent posts", "recent articles",
	"latest posts", "latest articles", "latest news", "popular posts", "popular articles", "most popular", "trending",
	"trending now", "you may also like", "you might also like", "read next", "read more", "keep reading",
	"recommended", "recommended for you", "recommended reading", "further reading on our site", "featured articles",
	"featured posts", "other posts", "other articles", "similar posts", "in case you missed it", "don t miss")

// relatedHeading reports whether a heading heads a list of other posts.
func relatedHeading(s string) bool {
	return len(s) < 60 && relatedHeadings[normPhrase(s)]
}

// relatedEnd returns the index of the first block after the related-posts
// list under the heading at i: the list runs over link-heavy or short
// blocks up to the next heading as high as its own.
func relatedEnd(blocks []block, i int) int {
	level := blocks[i].level
	j := i + 1
	for ; j < len(blocks); j++ {
		b := blocks[j]
		if b.kind == blockHeading && b.level <= level {
			break
		}
		if b.kind != blockHeading && b.linkDensity() < 0.5 && b.words() > 25 {
			break
		}
	}
	return j
}

// signupRE matches the calls to subscribe that pages put beside or inside
// their writing.
var signupRE = regexp.MustCompile(`(?i)^(?:(?:subscribe|sign up|signup|join|get|register)\b.{0,80}\b(?:newsletter|updates|inbox|latest posts|free)\b|.{0,80}\b(?:(?:delivered )?(?:straight |right )?(?:to|in) your inbox|subscribe to (?:our|the) newsletter)\b)`)

// signupText reports a short block asking the reader to subscribe.
func signupText(b block) bool {
	return len(b.text) < 400 && signupWords(b.text) && b.words() <= 25 && signupRE.MatchString(b.text)
}

// signupWords reports whether s holds one of the words signupRE needs,
// which spares most blocks the regular expression.
func signupWords(s string) bool {
	lower := strings.ToLower(s)
	for _, w := range [...]string{"newsletter", "updates", "inbox", "latest posts", "free"} {
		if strings.Contains(lower, w) {
			return true
		}
	}
	return false
}

// ctaVerbs start the labels of links that lead elsewhere rather than say
// something: "Read our mission", "Learn more about us", "Donate today".
var ctaVerbs = wordSet(`read view see learn visit go click explore discover find watch listen get join donate sign
	subscribe contact download shop buy book register apply start try request schedule call email follow`)

// callToAction reports a block that is one short link whose label starts
// with a call to action.
func callToAction(b block) bool {
	if b.kind == blockHeading || b.linkDensity() < 0.9 || b.words() > 5 {
		return false
	}
	first, _, _ := strings.Cut(strings.TrimPrefix(b.text, "- "), " ")
	return ctaVerbs[strings.ToLower(first)]
}
