package extract

import (
	"net/url"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// blockKind says how a block of text is laid out.
type blockKind int

const (
	blockPara    blockKind = iota // a paragraph or any other run of text
	blockHeading                  // h1-h6
	blockItem                     // a list item, written with a "- " prefix
	blockTable                    // a data table, one row a line, cells separated by " | "
	blockPre                      // preformatted text, line breaks kept
)

// block is one block of a page's text: a paragraph, heading, list item,
// table or preformatted run.
type block struct {
	kind      blockKind
	level     int        // heading level, 1-6
	text      string     // the text, whitespace collapsed (line breaks kept for <br>, tables and pre)
	linkChars int        // characters of text inside links
	links     int        // number of links
	elem      *html.Node // the block-level element holding the text
	href      string     // the first link's target, as written
	more      string     // target of a "READ MORE" link that ended the block
	bold      bool       // all of the block's text is bold
	md        string     // the block as Markdown, with its heading, list and quote markers
	quote     int        // blockquote depth
}

// words counts the space-separated words of the block.
func (b block) words() int { return wordCount(b.text) }

// wordCount counts the space-separated words of s; in Chinese and
// Japanese, written without spaces, two characters count as a word (about
// the length of a word there), so that a page's length weighs alike in
// every script.
func wordCount(s string) int {
	n, ideo := 0, 0
	in := false
	for i := 0; i < len(s); {
		c := s[i]
		if c >= utf8.RuneSelf {
			r, size := utf8.DecodeRuneInString(s[i:])
			if unicode.Is(unicode.Han, r) || unicode.Is(unicode.Hiragana, r) || unicode.Is(unicode.Katakana, r) {
				ideo++
			}
			if !in {
				n++
			}
			in = true
			i += size
			continue
		}
		sp := c == ' ' || c == '\n' || c == '\t'
		if !sp && !in {
			n++
		}
		in = !sp
		i++
	}
	return n + ideo/2
}

// linkDensity is the share of the block's characters inside links.
func (b block) linkDensity() float64 {
	n := utf8.RuneCountInString(b.text)
	if n == 0 {
		return 0
	}
	return float64(b.linkChars) / float64(n)
}

// renderer walks a DOM subtree and cuts its text into blocks.
type renderer struct {
	blocks []block
	buf    strings.Builder
	links  int // characters inside links in buf
	nlinks int // links in buf
	inLink int
	bolds  int // characters inside bold elements in buf
	inBold int
	href   string
	more   string     // a "READ MORE" target for the block in buf
	prefix string     // "- " pending for the next block of a list item
	elem   *html.Node // block-level element the buffered text belongs to
	pre    int

	md       []byte   // the text in buf as Markdown
	gen      int      // blocks flushed so far: a wrapper whose block ended inside it is not wrapped
	base     *url.URL // base URL for Markdown links; nil leaves them as written
	quote    int      // blockquote depth
	lists    []bool   // open lists, true for ordered
	items    []int    // items seen in each open list
	lis      int      // open list items
	mdPrefix string   // the list marker pending for the next block of a list item
	heading  int      // inside a heading, where emphasis is not marked
	inEm     int
	skip     func(*html.Node) bool // elements left out, or nil
}

// render returns the blocks of text under the given roots, in order, with
// links in their Markdown left as written.
func render(roots ...*html.Node) []block {
	return (&renderer{}).run(roots...)
}

// run renders the roots and returns their blocks.
func (r *renderer) run(roots ...*html.Node) []block {
	for _, n := range roots {
		r.elem = n
		r.node(n)
		r.flush(blockPara, 0)
	}
	return r.blocks
}

// sub returns a renderer for part of the page (a table cell) that writes
// links and skips elements as r does.
func (r *renderer) sub() *renderer {
	return &renderer{base: r.base, skip: r.skip}
}

func (r *renderer) node(n *html.Node) {
	switch n.Type {
	case html.TextNode:
		r.text(n.Data)
		return
	case html.ElementNode:
	case html.DocumentNode:
		r.children(n)
		return
	default:
		return
	}
	if r.skip != nil && r.skip(n) {
		return
	}
	if n.DataAtom == atom.Button {
		// An accordion's question is a button; other buttons are labels.
		if t := textOf(n); strings.HasSuffix(t, "?") && wordCount(t) >= 3 {
			r.flush(blockPara, 0)
			r.within(n, func() { r.children(n); r.flush(blockPara, 0) })
		}
		return
	}
	if skipTag(n.DataAtom) {
		return
	}
	switch n.DataAtom {
	case atom.Br:
		if r.pre == 0 && r.afterBreak() {
			r.flush(blockPara, 0) // <br><br> ends a paragraph, as Blogger and old editors write them
			return
		}
		r.buf.WriteByte('\n')
		r.md = append(r.md, '\n')
		return
	case atom.Hr:
		r.flush(blockPara, 0)
		return
	case atom.Img:
		return
	case atom.A:
		r.link(n)
		return
	case atom.Table:
		r.table(n)
		return
	case atom.Pre:
		r.flush(blockPara, 0)
		r.pre++
		r.within(n, func() { r.children(n); r.flush(blockPre, 0) })
		r.pre--
		return
	case atom.Li:
		r.flush(blockPara, 0)
		r.prefix = "- "
		r.mdPrefix = r.listMarker()
		r.lis++
		r.within(n, func() { r.children(n); r.flush(blockItem, 0) })
		r.lis--
		r.prefix, r.mdPrefix = "", ""
		return
	case atom.Ul, atom.Ol, atom.Menu, atom.Dir:
		r.flush(blockPara, 0)
		r.lists = append(r.lists, n.DataAtom == atom.Ol)
		r.items = append(r.items, 0)
		r.within(n, func() { r.children(n); r.flush(blockPara, 0) })
		r.lists, r.items = r.lists[:len(r.lists)-1], r.items[:len(r.items)-1]
		return
	case atom.Blockquote:
		r.flush(blockPara, 0)
		r.quote++
		r.within(n, func() { r.children(n); r.flush(blockPara, 0) })
		r.quote--
		return
	case atom.B, atom.Strong:
		r.inBold++
		r.emphasis(n, "**")
		r.inBold--
		return
	case atom.Em, atom.I:
		r.emphasis(n, "*")
		return
	}
	if boldStyle(n) {
		r.inBold++
		defer func() { r.inBold-- }()
	}
	if lvl := headingLevel(n); lvl > 0 {
		r.flush(blockPara, 0)
		r.heading++
		r.within(n, func() { r.children(n); r.flush(blockHeading, lvl) })
		r.heading--
		return
	}
	if blockTags[n.DataAtom] {
		r.flush(blockPara, 0)
		r.within(n, func() { r.children(n); r.flush(blockPara, 0) })
		return
	}
	r.children(n)
}

// afterBreak reports whether the buffered text ends with a line break
// and white space: a <br> right after another.
func (r *renderer) afterBreak() bool {
	s := r.buf.String()
	for i := len(s) - 1; i >= 0; i-- {
		switch s[i] {
		case '\n':
			return true
		case ' ':
			continue
		}
		return false
	}
	return false
}

// boldStyle reports an element styled bold inline, as site builders write
// their headings.
func boldStyle(n *html.Node) bool {
	st := attr(n, "style")
	if st == "" {
		return false
	}
	st = strings.ReplaceAll(strings.ToLower(st), " ", "")
	return strings.Contains(st, "font-weight:bold") || strings.Contains(st, "font-weight:700") ||
		strings.Contains(st, "font-weight:800") || strings.Contains(st, "font-weight:900")
}

// within renders under n as the current block element.
func (r *renderer) within(n *html.Node, f func()) {
	saved := r.elem
	r.elem = n
	f()
	r.elem = saved
}

func (r *renderer) children(n *html.Node) {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		r.node(c)
	}
}

func (r *renderer) link(n *html.Node) {
	if t := textOf(n); t != "" && len(t) < 80 && isMoreLink(t) {
		r.moreLink(strings.TrimSpace(attr(n, "href")))
		return
	}
	if r.inLink == 0 {
		r.nlinks++
	}
	if r.inLink == 0 && r.href == "" {
		r.href = strings.TrimSpace(attr(n, "href"))
	}
	start, gen := len(r.md), r.gen
	r.inLink++
	r.children(n)
	r.inLink--
	if r.inLink == 0 && gen == r.gen {
		if dest := r.linkDest(attr(n, "href")); dest != "" {
			r.wrapMD(start, "[", "]("+dest+")")
		}
	}
}

// moreLink keeps the target of a "READ MORE" link, whose text is chrome,
// with the block it ends: the one being written, or else the last one.
func (r *renderer) moreLink(href string) {
	if href == "" {
		return
	}
	if collapse(r.buf.String()) != "" || len(r.blocks) == 0 {
		r.more = href
		return
	}
	if r.blocks[len(r.blocks)-1].more == "" {
		r.blocks[len(r.blocks)-1].more = href
	}
}

func (r *renderer) text(s string) {
	if r.pre > 0 {
		s = strings.Map(preChar, s)
		r.buf.WriteString(s)
		r.md = append(r.md, s...)
		return
	}
	if r.inLink > 0 || r.inBold > 0 {
		n := utf8.RuneCountInString(collapse(s))
		if r.inLink > 0 {
			r.links += n
		}
		if r.inBold > 0 {
			r.bolds += n
		}
	}
	for _, c := range s {
		switch {
		case controlChar(c) || c == '\u00a0':
			c = ' ' // a control character (NUL, a vertical tab, C1) is never writing
		case c == '\\' || c == '`' || c == '*' || c == '_' || c == '[' || c == ']' || c == '<':
			r.md = append(r.md, '\\')
		}
		r.buf.WriteRune(c)
		r.md = utf8.AppendRune(r.md, c)
	}
}

// preChar keeps a preformatted text's line breaks and tabs and drops its
// other control characters (carriage returns among them).
func preChar(c rune) rune {
	if c == '\n' || c == '\t' {
		return c
	}
	if controlChar(c) {
		return -1
	}
	return c
}

// flush ends the buffered block, if it holds any text, as a block of kind k.
func (r *renderer) flush(k blockKind, level int) {
	raw := r.buf.String()
	r.buf.Reset()
	rawMD := string(r.md)
	r.md = r.md[:0]
	r.gen++
	links, href, more, bolds, nlinks := r.links, r.href, r.more, r.bolds, r.nlinks
	r.links, r.href, r.more, r.bolds, r.nlinks = 0, "", "", 0, 0
	var text string
	if k == blockPre {
		text = tidyPre(raw)
	} else {
		text = tidyLines(raw)
	}
	if text == "" {
		if more != "" && len(r.blocks) > 0 && r.blocks[len(r.blocks)-1].more == "" {
			r.blocks[len(r.blocks)-1].more = more
		}
		return
	}
	plain := utf8.RuneCountInString(text)
	md := r.markdown(k, level, text, rawMD)
	if r.prefix != "" {
		text = r.prefix + text
		r.prefix = ""
		if k == blockPara {
			k = blockItem
		}
	}
	if links > 0 && nlinks == 0 {
		nlinks = 1 // the block lies inside a link opened in an earlier block
	}
	if links > utf8.RuneCountInString(text) {
		links = utf8.RuneCountInString(text)
	}
	r.blocks = append(r.blocks, block{kind: k, level: level, text: text, linkChars: links, links: nlinks, elem: r.elem, href: href, more: more,
		bold: bolds > 0 && bolds >= plain-1, md: md, quote: r.quote})
}

// tidyLines collapses the white space of each line (lines come from <br>)
// and drops empty lines.
func tidyLines(s string) string {
	if !strings.Contains(s, "\n") {
		return collapse(s)
	}
	var lines []string
	for _, l := range strings.Split(s, "\n") {
		if l = collapse(l); l != "" {
			lines = append(lines, l)
		}
	}
	return strings.Join(lines, "\n")
}

// tidyPre keeps preformatted text's lines, trimming trailing blanks and
// blank lines at either end.
func tidyPre(s string) string {
	lines := strings.Split(s, "\n")
	for i, l := range lines {
		lines[i] = strings.TrimRight(l, " \t\u00a0")
	}
	return strings.Trim(strings.Join(lines, "\n"), "\n")
}

// skipTag reports elements whose content is never text of the page.
func skipTag(a atom.Atom) bool {
	switch a {
	case atom.Script, atom.Style, atom.Noscript, atom.Noembed, atom.Noframes, atom.Template, atom.Svg, atom.Math,
		atom.Iframe, atom.Object, atom.Embed, atom.Canvas, atom.Video, atom.Audio,
		atom.Button, atom.Input, atom.Select, atom.Textarea, atom.Option, atom.Head,
		atom.Title, atom.Meta, atom.Link, atom.Map, atom.Picture, atom.Source, atom.Dialog:
		return true
	}
	return false
}
