package extract

import (
	"iter"
	"strings"
	"unicode"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// guardShare is the share of the page's text above which an element marked
// as chrome by a weak sign is kept: a wrapper named "has-sidebar" that holds
// most of the page is not a sidebar.
const guardShare = 0.5

// pruner removes chrome from a page body before its text is cut into blocks.
type pruner struct {
	plat     *platform
	sizes    map[*html.Node]sizes // what each element holds
	holdMain map[*html.Node]bool  // elements holding a main-content marker
	total    int
	proseAll int
	names    map[string]chromeLevel // chromeName by class and id, as pages repeat them
	groups   map[itemKey]group      // the elements of each repeated kind, once asked for
	siblings map[siblingKey]bool    // siblingItem's answers
	parts    map[string]uint8       // itemPart's answers by class and id
	body     *html.Node
}

// group is what the elements of one kind hold together, how many they are
// and three of them: the first and the last two.
type group struct {
	sizes
	count   int
	largest int // the text of the largest
	sample  [3]*html.Node
}

// itemKey is the kind of an element as a page repeats it: its tag and a
// hash of its class names, less those with digits (per-item ids, layout
// sizes).
type itemKey struct {
	tag   atom.Atom
	class uint64
}

// keyOf returns n's itemKey, and false when n has no class to repeat.
func keyOf(n *html.Node) (itemKey, bool) {
	h := uint64(fnvOffset)
	kept := false
	for name := range stableClasses(attr(n, "class")) {
		h = (fnvAdd(h, name) ^ ' ') * fnvPrime
		kept = true
	}
	return itemKey{tag: n.DataAtom, class: h}, kept
}

// stableClasses yields the class names of a class attribute that hold no
// digits: those a page repeats on like items, not per-item ids or sizes.
func stableClasses(class string) iter.Seq[string] {
	return func(yield func(string) bool) {
		for i := 0; i < len(class); {
			for i < len(class) && class[i] <= ' ' {
				i++
			}
			j := i
			digits := false
			for j < len(class) && class[j] > ' ' {
				digits = digits || (class[j] >= '0' && class[j] <= '9')
				j++
			}
			if j > i && !digits && !yield(class[i:j]) {
				return
			}
			i = j
		}
	}
}

// FNV-1a, for hashing class names without allocating.
const fnvOffset, fnvPrime = 14695981039346656037, 1099511628211

func fnvAdd(h uint64, s string) uint64 {
	for k := 0; k < len(s); k++ {
		h = (h ^ uint64(s[k])) * fnvPrime
	}
	return h
}

// prune removes from body everything that is never writing (scripts,
// styles, form controls, hidden elements) and the chrome: the platform's
// chrome selectors, chrome tags and roles, and elements whose class or id
// names chrome, unless they hold the page's main content.
func prune(body *html.Node, plat *platform) {
	elements := stripNonText(body)
	p := newPruner(plat, elements)
	p.body = body
	p.total, _, p.proseAll = p.measure(body, false, false)
	p.markMain(body)
	p.walk(body, false)
}

// stripNonText removes comments and elements whose content is never text,
// and returns how many elements are left under n.
func stripNonText(n *html.Node) int {
	count := 0
	for c := n.FirstChild; c != nil; {
		next := c.NextSibling
		switch {
		case c.Type == html.CommentNode:
			remove(c)
		case c.Type == html.ElementNode && neverText(c.DataAtom):
			remove(c)
		case c.Type == html.ElementNode:
			count += 1 + stripNonText(c)
		}
		c = next
	}
	return count
}

// newPruner returns a pruner for a body of the given number of elements,
// its maps sized for them.
func newPruner(plat *platform, elements int) *pruner {
	return &pruner{plat: plat, sizes: make(map[*html.Node]sizes, elements), holdMain: map[*html.Node]bool{},
		names: map[string]chromeLevel{}}
}

// sizes is how much an element holds, in bytes: all its text, the text of
// its paragraphs outside links, and its prose (paragraph text and long runs
// of text outside links).
type sizes struct {
	text, para, prose int
}

// measure records the text, the paragraph text and the prose under n and
// returns them. Paragraph text is text outside links in <p>; prose adds the
// runs of text outside links long enough to be sentences wherever they
// stand (site builders write prose in <div>s).
func (p *pruner) measure(n *html.Node, inPara, inLink bool) (text, para, prose int) {
	if n.Type == html.TextNode {
		switch {
		case inLink:
			return len(n.Data), 0, 0
		case inPara:
			return len(n.Data), len(n.Data), len(n.Data)
		case len(n.Data) >= sentenceChars && len(strings.TrimSpace(n.Data)) >= sentenceChars:
			return len(n.Data), 0, len(n.Data)
		}
		return len(n.Data), 0, 0
	}
	inPara = inPara || n.DataAtom == atom.P
	inLink = inLink || n.DataAtom == atom.A
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		t, pa, pr := p.measure(c, inPara, inLink)
		text += t
		para += pa
		prose += pr
	}
	if n.Type == html.ElementNode {
		p.sizes[n] = sizes{text: text, para: para, prose: prose}
	}
	return text, para, prose
}

// sentenceChars is the length from which a run of text outside a paragraph
// counts as prose.
const sentenceChars = 40

// markMain marks the elements holding the page's main content markers:
// <main>, role=main, itemprop=articleBody, the platform's content selectors,
// or, failing all these, the page's <h1>.
func (p *pruner) markMain(body *html.Node) {
	markers := findAll(body, func(n *html.Node) bool { return p.marker(n) && p.sizable(n) })
	if len(markers) == 0 {
		markers = findAll(body, func(n *html.Node) bool { return n.DataAtom == atom.H1 })
	}
	for _, m := range markers {
		for n := m; n != nil; n = n.Parent {
			p.holdMain[n] = true
		}
	}
}

// walk removes the chrome under n; inMain says n is inside the page's
// main-content marker, where only strong signs mark chrome.
func (p *pruner) walk(n *html.Node, inMain bool) {
	for c := n.FirstChild; c != nil; {
		next := c.NextSibling
		if c.Type == html.ElementNode {
			if p.chrome(c, inMain) {
				remove(c)
			} else {
				p.walk(c, inMain || p.marker(c) && p.sizable(c))
			}
		}
		c = next
	}
}

// chromeName is chromeName, remembered by class and id.
func (p *pruner) chromeName(n *html.Node) chromeLevel {
	class, id := attr(n, "class"), attr(n, "id")
	if class == "" && id == "" {
		return notChrome
	}
	key := class + "\x00" + id
	level, ok := p.names[key]
	if !ok {
		level = chromeName(n)
		p.names[key] = level
	}
	return level
}

// wrapper reports whether n only wraps one element holding all its text,
// which is checked for chrome phrases in its place.
func (p *pruner) wrapper(n *html.Node) bool {
	var only *html.Node
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		switch {
		case c.Type == html.ElementNode && only == nil:
			only = c
		case c.Type == html.ElementNode:
			return false
		}
	}
	return only != nil && p.sizes[only].text == p.sizes[n].text
}

// hiddenProse is the prose from which a hidden element is kept.
const hiddenProse = 100

// chromeTextLen bounds the text of an element checked against the chrome
// phrases, which are all shorter.
const chromeTextLen = 120

// proseVeto is the paragraph text (outside links) past which an element
// is kept whatever its class or id names say.
const proseVeto = 800

// markerShare is the share of the page's writing a main-content marker
// must hold to count: a <main> inside a pop-up does not.
const markerShare = 0.25

// sizable reports whether n holds markerShare of the page's paragraph text,
// or of its text when the page has few paragraphs.
func (p *pruner) sizable(n *html.Node) bool {
	if p.proseAll >= 500 {
		return float64(p.sizes[n].prose) >= markerShare*float64(p.proseAll)
	}
	return float64(p.sizes[n].text) >= markerShare*float64(p.total)
}

// marker reports the elements that mark the page's main content.
func (p *pruner) marker(n *html.Node) bool {
	return n.DataAtom == atom.Main || attr(n, "role") == "main" || attr(n, "itemprop") == "articleBody" ||
		(p.plat != nil && p.plat.isContent(n))
}

// chrome reports whether the element n is to be removed.
func (p *pruner) chrome(n *html.Node, inMain bool) bool {
	if p.plat != nil && p.plat.isChrome(n) && !p.holdMain[n] {
		return true
	}
	big := float64(p.sizes[n].text) > guardShare*float64(p.total) ||
		float64(p.sizes[n].prose) > guardShare*float64(p.proseAll)
	if big && chromeTag(n) && p.proseAll >= 500 && float64(p.sizes[n].prose) <= guardShare*float64(p.proseAll) {
		// a navigation tree longer than the page's writing: most of the
		// text, little of the prose
		big = false
	}
	if hidden(n) {
		// Hidden prose is still the page's: accordion answers, tab panels,
		// server-rendered chunks a script moves into place.
		return !p.holdMain[n] && !big && p.sizes[n].prose < hiddenProse
	}
	if n.DataAtom == atom.Form {
		return chromeForm(n) && !p.holdMain[n] && !big
	}
	if inSentence(n) {
		return false // a word of a sentence, whatever its class ("meta-loc")
	}
	level := p.chromeName(n)
	if chromeTag(n) || level == strongName || (level == weakName && !inMain) {
		if p.holdMain[n] {
			return false
		}
		if commentName(n) || (consentName(n) && findFirst(n, isH1) == nil) {
			return true
		}
		if item, card := p.itemPart(n); !chromeTag(n) && (item && p.repeatedItem(n) || card && p.inRepeatedItem(n)) {
			return false
		}
		// Menus, banners and widgets hold little paragraph text; an element
		// named like them that holds a lot is writing in an odd wrapper.
		return !big && (chromeTag(n) || p.sizes[n].para < proseVeto)
	}
	if p.sizes[n].text < chromeTextLen && !p.wrapper(n) {
		if t := textOf(n); t != "" && isChromeText(t) && !(n.DataAtom == atom.A && isMoreLink(t)) {
			return true
		}
	}
	return false
}

// inSentence reports whether n is a link or phrase element standing
// between the words of a sentence: text runs on both sides of it.
func inSentence(n *html.Node) bool {
	switch n.DataAtom {
	case atom.A, atom.Span, atom.Em, atom.Strong, atom.B, atom.I, atom.Abbr, atom.Cite, atom.Q:
	default:
		return false
	}
	return wordsBeside(n.PrevSibling) && wordsBeside(n.NextSibling)
}

// wordsBeside reports whether s is a text node with a letter in it.
func wordsBeside(s *html.Node) bool {
	if s == nil || s.Type != html.TextNode {
		return false
	}
	for _, r := range s.Data {
		if unicode.IsLetter(r) {
			return true
		}
	}
	return false
}

// itemsMin is how many elements of one kind make a run of items (cards,
// teasers, products, results).
const itemsMin = 3

// itemsShare is the share of the page's text and of its prose that the
// items of one kind must hold together to be the page's content.
const itemsShare = 0.2

// repeatedItem reports whether n is one of a run of like elements (same
// tag and classes), none of which holds most of their text, that together
// hold much of the page's text and prose:
// the cards of a listing, whatever their class names say ("cartButton",
// "search_result_item", "elementor-cta"). Items that all say the same
// (a rating widget on every row) are not writing.
func (p *pruner) repeatedItem(n *html.Node) bool {
	k, ok := keyOf(n)
	if !ok {
		return false
	}
	if p.groups == nil {
		p.groups = map[itemKey]group{}
		p.group(p.body)
	}
	return p.items(p.groups[k]) || p.siblingItem(n)
}

// items reports whether a group of elements of one kind is a run of items.
func (p *pruner) items(g group) bool {
	return g.count >= itemsMin && 2*g.largest <= g.text && float64(g.text) >= itemsShare*float64(p.total) &&
		(float64(g.prose) >= itemsShare*float64(p.proseAll) || p.proseAll < 500) && distinct(g.sample[:])
}

// siblingKey is the kind of an element among its siblings: its parent,
// tag and first class name, so that items marked apart by a modifier
// class ("new-listing-container feature pro") still make one run.
type siblingKey struct {
	parent *html.Node
	tag    atom.Atom
	class  uint64
}

// siblingItemsMin is how many like siblings make a run of items.
const siblingItemsMin = 5

// siblingSpread bounds the largest of a run of sibling items, as a
// multiple of their mean.
const siblingSpread = 3

// siblingItem reports whether n is one of a run of like siblings (same tag
// and first class name) that make a run of items.
func (p *pruner) siblingItem(n *html.Node) bool {
	k, ok := firstClass(n)
	if !ok || n.Parent == nil {
		return false
	}
	key := siblingKey{parent: n.Parent, tag: n.DataAtom, class: k}
	if v, seen := p.siblings[key]; seen {
		return v
	}
	var g group
	for c := n.Parent.FirstChild; c != nil; c = c.NextSibling {
		if c.Type != html.ElementNode || c.DataAtom != n.DataAtom {
			continue
		}
		if ck, ok := firstClass(c); !ok || ck != k {
			continue
		}
		g.add(c, p.sizes[c])
	}
	// Sections of a page share a class too: a run of items is longer and
	// more even.
	v := g.count >= siblingItemsMin && g.largest*g.count <= siblingSpread*g.text && p.items(g)
	if p.siblings == nil {
		p.siblings = map[siblingKey]bool{}
	}
	p.siblings[key] = v
	return v
}

// firstClass returns a hash of n's first class name without digits that
// a page builder does not put on every element ("wp-block-group").
func firstClass(n *html.Node) (uint64, bool) {
	for name := range stableClasses(attr(n, "class")) {
		if !builderPrefixes[leadingWord(name)] {
			return fnvAdd(fnvOffset, name), true
		}
	}
	return 0, false
}

// leadingWord returns the lowercase letters that start a class name
// ("wp" of "wp-block-group").
func leadingWord(name string) string {
	i := 0
	for i < len(name) && name[i] >= 'a' && name[i] <= 'z' {
		i++
	}
	return name[:i]
}

// add counts element n, of the given sizes, in the group.
func (g *group) add(n *html.Node, sz sizes) {
	g.text += sz.text
	g.para += sz.para
	g.prose += sz.prose
	g.count++
	g.largest = max(g.largest, sz.text)
	if g.count == 1 {
		g.sample[0] = n
	} else {
		g.sample[1], g.sample[2] = g.sample[2], n
	}
}

// group adds the elements under n to the groups of their kinds.
func (p *pruner) group(n *html.Node) {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type != html.ElementNode {
			continue
		}
		sz := p.sizes[c]
		if sz.text == 0 {
			continue
		}
		if k, ok := keyOf(c); ok {
			g := p.groups[k]
			g.add(c, sz)
			p.groups[k] = g
		}
		p.group(c)
	}
}

// itemDepth is how far above an element its item may stand.
const itemDepth = 6

// inRepeatedItem reports whether n is part of a repeated item: the heading
// or tag line of a card ("new-listing__header", "card__tags").
func (p *pruner) inRepeatedItem(n *html.Node) bool {
	a := n.Parent
	for i := 0; i < itemDepth && a != nil && a != p.body; i++ {
		if p.repeatedItem(a) {
			return true
		}
		a = a.Parent
	}
	return false
}

// distinct reports whether no two of the nodes hold the same text.
func distinct(nodes []*html.Node) bool {
	texts := make([]string, len(nodes))
	for i, n := range nodes {
		texts[i] = textOf(n)
		for _, t := range texts[:i] {
			if t == texts[i] {
				return false
			}
		}
	}
	return true
}

// itemWords are the chrome words that also name the parts of a listing's
// items (a product card's "cartButton", a result's "search_result_item",
// a teaser's "post-meta", Elementor's "elementor-cta"), unlike the words
// of page regions (sidebar, footer, menu, related, share).
var itemWords = wordSet(`button buttons btn btns cta meta search tags tagged categories widget widgets
	byline author authors avatar promo header bar links icons badge actionbar`)

// cardWords are the chrome words that name the parts of a card inside
// a listing's item: its header ("new-listing__header"), its tag line.
var cardWords = wordSet(`header bar links icons badge tags tagged categories cta meta widget widgets search`)

// itemPart returns whether every class or id name that marks n as chrome
// does so only by itemWords, and only by cardWords (remembered by class
// and id, as pages repeat them).
func (p *pruner) itemPart(n *html.Node) (item, card bool) {
	class, id := attr(n, "class"), attr(n, "id")
	key := class + "\x00" + id
	v, ok := p.parts[key]
	if !ok {
		item, card = true, true
		for _, names := range [...]string{class, id} {
			for _, name := range strings.Fields(names) {
				if chromeToken(name) == notChrome {
					continue
				}
				if chromeNames[strings.ToLower(name)] {
					item, card = false, false
					continue
				}
				for _, w := range nameWords(name) {
					if strongChrome[w] || weakChrome[w] {
						item = item && itemWords[w]
						card = card && cardWords[w]
					}
				}
			}
		}
		v = 0
		if item {
			v |= 1
		}
		if card {
			v |= 2
		}
		if p.parts == nil {
			p.parts = map[string]uint8{}
		}
		p.parts[key] = v
	}
	return v&1 != 0, v&2 != 0
}

// neverText reports elements whose content is never writing; form
// controls stay until the walk, which tells comment forms by them.
func neverText(a atom.Atom) bool {
	switch a {
	case atom.Script, atom.Style, atom.Noscript, atom.Noembed, atom.Noframes, atom.Template, atom.Svg, atom.Math,
		atom.Iframe, atom.Object, atom.Embed, atom.Canvas, atom.Video, atom.Audio,
		atom.Head, atom.Title, atom.Meta, atom.Link, atom.Map, atom.Picture, atom.Source:
		return true
	}
	return false
}

// chromeForm reports forms that are comment, search, log-in or sign-up
// forms rather than a page-wide ASP.NET wrapper: they hold a text area, a
// password or e-mail field, or a search field.
func chromeForm(n *html.Node) bool {
	if attr(n, "role") == "search" || chromeName(n) != notChrome {
		return true
	}
	return findFirst(n, func(e *html.Node) bool {
		switch e.DataAtom {
		case atom.Textarea:
			return true
		case atom.Input:
			switch attr(e, "type") {
			case "password", "email", "search":
				return true
			}
		}
		return false
	}) != nil
}

// consentName reports elements named as cookie and consent banners,
// whose long explanations of each kind of cookie are never the writing,
// however much of the page they make up (unless they hold its <h1>: a
// cookie policy page in a "cookie-policy" wrapper).
func consentName(n *html.Node) bool {
	if !consentHint(attr(n, "class")) && !consentHint(attr(n, "id")) {
		return false
	}
	for _, key := range [...]string{"class", "id"} {
		for _, name := range splitFields(attr(n, key)) {
			for _, w := range nameWords(name) {
				switch w {
				case "cookie", "cookies", "consent", "gdpr", "cookiebar", "cookiebanner", "cmplz", "onetrust", "optanon":
					return true
				}
			}
		}
	}
	return false
}

// consentHint reports whether a class or id value may hold a consent
// word, sparing most elements the split into words.
func consentHint(v string) bool {
	for _, w := range [...]string{"ookie", "OOKIE", "onsent", "ONSENT", "dpr", "DPR", "mplz", "netrust", "NETRUST", "ptanon"} {
		if strings.Contains(v, w) {
			return true
		}
	}
	return false
}

func isH1(n *html.Node) bool { return n.DataAtom == atom.H1 }

// commentName reports elements named as reader comments, which are never
// the body text even when they outweigh it.
func commentName(n *html.Node) bool {
	for _, key := range [...]string{"class", "id"} {
		for _, name := range splitFields(attr(n, key)) {
			for _, w := range nameWords(name) {
				switch w {
				case "comment", "comments", "commentlist", "respond", "disqus", "replies":
					return true
				}
			}
		}
	}
	return false
}
