package extract

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// maxDepth bounds the nesting of the tree build builds: what is nested
// deeper is flattened into the element at this depth, its text kept.
const maxDepth = 400

// maxMarkup bounds the markup build reads, after scripts and style sheets
// are dropped: the tree, and so the time and memory extraction takes, are
// bounded by it. Real pages hold far less (the dev set's largest, about
// 2 MB); what lies beyond it in a larger page is not read.
const maxMarkup = 8 << 20

// builder builds a DOM tree from HTML tokens the lenient way: it keeps every
// text in document order, closes the elements HTML closes implicitly
// (paragraphs, list items, table cells, options), moves stray table content
// before its table, and ignores end tags that would close more than they
// name. It does less than the HTML5 tree construction algorithm
// (golang.org/x/net/html.Parse), at twice its speed and without its
// nesting limit, and what it skips (reconstructing misnested formatting
// elements, the exact placement of stray tags) does not change the text.
type builder struct {
	doc, html, head, body *html.Node
	stack                 []*html.Node
	inBody                bool
}

// build parses page into a tree: a document holding <html>, <head> and
// <body>.
func build(page string) *html.Node {
	b := &builder{}
	b.doc = &html.Node{Type: html.DocumentNode}
	b.html = element(atom.Html, "html")
	b.head = element(atom.Head, "head")
	b.body = element(atom.Body, "body")
	b.doc.AppendChild(b.html)
	b.html.AppendChild(b.head)
	b.html.AppendChild(b.body)
	b.stack = []*html.Node{b.head}
	z := html.NewTokenizer(strings.NewReader(cutMarkup(dropScripts(page), maxMarkup)))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return b.doc
		case html.TextToken:
			b.text(string(z.Text()))
		case html.StartTagToken:
			b.start(z, false)
		case html.SelfClosingTagToken:
			b.start(z, true)
		case html.EndTagToken:
			name, _ := z.TagName()
			b.end(atom.Lookup(name), string(name))
		}
	}
}

// cutMarkup returns the first limit bytes of page or less, cut before a
// tag so that no tag or character reference is read half.
func cutMarkup(page string, limit int) string {
	if len(page) <= limit {
		return page
	}
	if i := strings.LastIndexByte(page[:limit], '<'); i > 0 {
		return page[:i]
	}
	return page[:limit]
}

func element(a atom.Atom, name string) *html.Node {
	return &html.Node{Type: html.ElementNode, DataAtom: a, Data: name}
}

func (b *builder) top() *html.Node { return b.stack[len(b.stack)-1] }

// headTags may stand in <head>; any other tag starts the body.
func headTag(a atom.Atom) bool {
	switch a {
	case atom.Meta, atom.Title, atom.Link, atom.Script, atom.Style, atom.Base, atom.Noscript, atom.Template:
		return true
	}
	return false
}

// enterBody moves building into <body>, where everything but head tags goes.
func (b *builder) enterBody() {
	if !b.inBody {
		b.inBody = true
		b.stack = []*html.Node{b.body}
	}
}

func (b *builder) text(s string) {
	if !b.inBody {
		if strings.TrimSpace(s) == "" {
			return
		}
		if b.top() == b.head {
			b.enterBody()
		}
	}
	parent := b.top()
	if tableContext(parent.DataAtom) {
		if strings.TrimSpace(s) == "" {
			return
		}
		b.fosterParent(&html.Node{Type: html.TextNode, Data: s})
		return
	}
	if last := parent.LastChild; last != nil && last.Type == html.TextNode {
		last.Data += s
		return
	}
	parent.AppendChild(&html.Node{Type: html.TextNode, Data: s})
}

// tableContext reports elements whose children must be table parts.
func tableContext(a atom.Atom) bool {
	switch a {
	case atom.Table, atom.Tbody, atom.Thead, atom.Tfoot, atom.Tr:
		return true
	}
	return false
}

// fosterParent puts n before the table it was found in, as browsers do.
func (b *builder) fosterParent(n *html.Node) {
	for i := len(b.stack) - 1; i >= 0; i-- {
		if t := b.stack[i]; t.DataAtom == atom.Table && t.Parent != nil {
			t.Parent.InsertBefore(n, t)
			return
		}
	}
	b.top().AppendChild(n)
}

func (b *builder) start(z *html.Tokenizer, selfClosing bool) {
	name, more := z.TagName()
	a := atom.Lookup(name)
	var n *html.Node
	if a != 0 {
		n = element(a, a.String())
	} else {
		n = element(0, string(name))
	}
	for more {
		var k, v []byte
		k, v, more = z.TagAttr()
		n.Attr = append(n.Attr, html.Attribute{Key: string(k), Val: string(v)})
	}
	switch a {
	case atom.Html:
		if len(b.html.Attr) == 0 {
			b.html.Attr = n.Attr // lang, which says the page's language
		}
		return
	case atom.Head:
		return
	case atom.Body:
		b.enterBody()
		if len(b.body.Attr) == 0 {
			b.body.Attr = n.Attr
		}
		return
	}
	if !b.inBody && !headTag(a) && b.top() == b.head {
		b.enterBody()
	}
	b.closeImplied(a)
	parent := b.top()
	switch {
	case tableContext(parent.DataAtom) && !tablePart(a):
		b.fosterParent(n)
	case a == atom.Td || a == atom.Th:
		if parent.DataAtom != atom.Tr && tableContext(parent.DataAtom) {
			tr := element(atom.Tr, "tr")
			parent.AppendChild(tr)
			b.push(tr)
		}
		b.top().AppendChild(n)
	default:
		parent.AppendChild(n)
	}
	if voidElement(a) || (selfClosing && b.foreign()) {
		return
	}
	b.push(n)
}

// push opens n, unless the tree is already maxDepth deep.
func (b *builder) push(n *html.Node) {
	if len(b.stack) < maxDepth {
		b.stack = append(b.stack, n)
	}
}

// foreign reports whether building is inside SVG or MathML, where "/>"
// closes an element.
func (b *builder) foreign() bool {
	for i := len(b.stack) - 1; i >= 0; i-- {
		if a := b.stack[i].DataAtom; a == atom.Svg || a == atom.Math {
			return true
		}
	}
	return false
}

// tablePart reports elements that belong inside a table.
func tablePart(a atom.Atom) bool {
	switch a {
	case atom.Caption, atom.Colgroup, atom.Col, atom.Tbody, atom.Thead, atom.Tfoot, atom.Tr, atom.Td, atom.Th,
		atom.Script, atom.Style, atom.Template, atom.Form, atom.Input:
		return true
	}
	return false
}

// closeImplied closes the elements a start tag a closes in HTML: an open
// paragraph before a block, a list item before the next, a cell before the
// next cell or row, a heading before a heading, a link before a link.
func (b *builder) closeImplied(a atom.Atom) {
	switch a {
	case atom.Li:
		b.closeUntil(atom.Li, atom.Ul, atom.Ol, atom.Menu, atom.Table, atom.Td, atom.Th)
	case atom.Dt, atom.Dd:
		b.closeUntil(atom.Dt, atom.Dl, atom.Table, atom.Td, atom.Th)
		b.closeUntil(atom.Dd, atom.Dl, atom.Table, atom.Td, atom.Th)
	case atom.Option:
		b.closeUntil(atom.Option, atom.Select, atom.Datalist)
	case atom.Td, atom.Th:
		b.closeUntil(atom.Td, atom.Tr, atom.Table)
		b.closeUntil(atom.Th, atom.Tr, atom.Table)
	case atom.Tr:
		b.closeUntil(atom.Tr, atom.Table)
	case atom.Tbody, atom.Thead, atom.Tfoot:
		b.closeUntil(atom.Tr, atom.Table)
		b.closeUntil(atom.Tbody, atom.Table)
		b.closeUntil(atom.Thead, atom.Table)
		b.closeUntil(atom.Tfoot, atom.Table)
	case atom.A:
		b.closeLink()
	case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
		if headingLevel(b.top()) > 0 {
			b.pop()
		}
	}
	if closesParagraph(a) {
		b.closeUntil(atom.P, atom.Button, atom.Table, atom.Td, atom.Th, atom.Caption, atom.Object, atom.Template)
	}
}

// closeLink closes the innermost open link before a link starts (links do
// not nest). When blocks were opened inside it (a card wrapped in a link,
// holding links of its own), only the link is closed and the blocks stay
// open, as the HTML algorithm leaves them: closing them too would close
// the card early, and the card's end tags would then close the list or
// grid it stands in.
func (b *builder) closeLink() {
	for i := len(b.stack) - 1; i > 0; i-- {
		switch b.stack[i].DataAtom {
		case atom.A:
			for _, e := range b.stack[i+1:] {
				if blockTags[e.DataAtom] {
					b.stack = append(b.stack[:i], b.stack[i+1:]...)
					return
				}
			}
			b.stack = b.stack[:i]
			return
		case atom.Td, atom.Th, atom.Table:
			return
		}
	}
}

// closesParagraph reports the start tags that close an open <p>.
func closesParagraph(a atom.Atom) bool {
	switch a {
	case atom.Address, atom.Article, atom.Aside, atom.Blockquote, atom.Center, atom.Details, atom.Dialog,
		atom.Dir, atom.Div, atom.Dl, atom.Fieldset, atom.Figcaption, atom.Figure, atom.Footer, atom.Header,
		atom.Hgroup, atom.Main, atom.Menu, atom.Nav, atom.Ol, atom.P, atom.Section, atom.Summary, atom.Ul,
		atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6, atom.Pre, atom.Listing, atom.Form, atom.Li,
		atom.Dd, atom.Dt, atom.Plaintext, atom.Table, atom.Hr, atom.Xmp:
		return true
	}
	return false
}

// closeUntil closes the innermost open element a, unless one of the
// boundary elements stands above it.
func (b *builder) closeUntil(a atom.Atom, boundary ...atom.Atom) {
	for i := len(b.stack) - 1; i > 0; i-- {
		e := b.stack[i].DataAtom
		if e == a {
			b.stack = b.stack[:i]
			return
		}
		for _, s := range boundary {
			if e == s {
				return
			}
		}
	}
}

func (b *builder) pop() {
	if len(b.stack) > 1 {
		b.stack = b.stack[:len(b.stack)-1]
	}
}

// end closes the innermost open element the end tag names. An end tag of a
// phrase element (</b>, </span>) does not close the blocks opened inside
// it; an end tag with no open element is ignored.
func (b *builder) end(a atom.Atom, name string) {
	switch a {
	case atom.Html, atom.Body, atom.Head:
		return
	case atom.Br: // </br> is read as <br>, as browsers do
		b.top().AppendChild(element(atom.Br, "br"))
		return
	}
	phrase := !blockTags[a] && !tableContext(a) && a != atom.Td && a != atom.Th
	for i := len(b.stack) - 1; i > 0; i-- {
		e := b.stack[i]
		if e.DataAtom == a && e.Data == name {
			b.stack = b.stack[:i]
			return
		}
		if phrase && blockTags[e.DataAtom] {
			return
		}
	}
	if a == atom.P {
		b.top().AppendChild(element(atom.P, "p")) // a stray </p> is an empty paragraph, as HTML reads it
	}
}

// voidElement reports elements that have no content and no end tag.
func voidElement(a atom.Atom) bool {
	switch a {
	case atom.Area, atom.Base, atom.Br, atom.Col, atom.Embed, atom.Hr, atom.Img, atom.Input,
		atom.Link, atom.Meta, atom.Param, atom.Source, atom.Track, atom.Wbr:
		return true
	}
	return false
}
