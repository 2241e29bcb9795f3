package extract

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// maxDepth bounds the nesting of the tree build builds: what is nested
// deeper is flattened into the element at this depth, its text kept.
const maxDepth = 400

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
	z := html.NewTokenizer(strings.NewReader(dropScripts(page)))
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
		b.closeUntil(atom.A, atom.Td, atom.Th, atom.Table)
	case atom.H1, atom.H2, atom.H3, atom.H4, atom.H5, atom.H6:
		if headingLevel(b.top()) > 0 {
			b.pop()
		}
	}
	if closesParagraph(a) {
		b.closeUntil(atom.P, atom.Button, atom.Table, atom.Td, atom.Th, atom.Caption, atom.Object, atom.Template)
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
}

// dropScripts removes the scripts (but JSON-LD, which says what the page
// is) and style sheets from page before it is tokenized: they are often
// half of a page's bytes, and the tokenizer reads them slowly.
func dropScripts(page string) string {
	var b strings.Builder
	last := 0
	for i := 0; i < len(page); {
		j := strings.IndexByte(page[i:], '<')
		if j < 0 {
			break
		}
		i += j
		name := rawBlockAt(page, i)
		if name == "" {
			i++
			continue
		}
		tagEnd := strings.IndexByte(page[i:], '>')
		if tagEnd < 0 {
			break
		}
		if name == "script" && strings.Contains(strings.ToLower(page[i:i+tagEnd]), "ld+json") {
			i += tagEnd
			continue
		}
		end := indexFold(page[i+tagEnd:], "</"+name)
		if end < 0 {
			break // unclosed: leave it to the tokenizer
		}
		if b.Cap() == 0 {
			b.Grow(len(page))
		}
		b.WriteString(page[last:i])
		i += tagEnd + end
		last = i
	}
	if last == 0 {
		return page
	}
	b.WriteString(page[last:])
	return b.String()
}

// rawBlockAt returns "script" or "style" when page has that start tag at i.
func rawBlockAt(page string, i int) string {
	for _, name := range [...]string{"script", "style"} {
		end := i + 1 + len(name)
		if end < len(page) && strings.EqualFold(page[i+1:end], name) {
			if c := page[end]; c == '>' || c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '/' {
				return name
			}
		}
	}
	return ""
}

// indexFold is strings.Index ignoring ASCII case, for lowercase needles.
func indexFold(s, needle string) int {
	for i := 0; ; {
		j := strings.IndexByte(s[i:], '<')
		if j < 0 {
			return -1
		}
		i += j
		if i+len(needle) <= len(s) && strings.EqualFold(s[i:i+len(needle)], needle) {
			return i
		}
		i++
	}
}

// noscriptShare is how much more text a page's <noscript> elements must
// hold than the rest of its body for them to be read as its content.
const noscriptShare = 2

// unfoldNoscript replaces the <noscript> elements of body by their content,
// parsed, when they hold most of the page's text: script-built pages
// (forums, single-page apps) put their server-rendered writing there for
// readers without JavaScript. Otherwise <noscript> stays raw text, dropped
// with the scripts.
func unfoldNoscript(body *html.Node) {
	var inside int
	var boxes []*html.Node
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if c.Type == html.ElementNode && c.DataAtom == atom.Noscript {
				boxes = append(boxes, c)
				if c.FirstChild != nil {
					inside += len(c.FirstChild.Data)
				}
				continue
			}
			walk(c)
		}
	}
	walk(body)
	if len(boxes) == 0 || inside < 500 {
		return
	}
	outside := len(textOf(body)) // textOf skips <noscript>
	var parsed []*html.Node
	total := 0
	for _, box := range boxes {
		if box.FirstChild == nil {
			parsed = append(parsed, nil)
			continue
		}
		inner := bodyOf(build(box.FirstChild.Data))
		total += len(textOf(inner))
		parsed = append(parsed, inner)
	}
	if total < noscriptShare*outside {
		return
	}
	for i, box := range boxes {
		if parsed[i] == nil {
			continue
		}
		for c := parsed[i].FirstChild; c != nil; {
			next := c.NextSibling
			parsed[i].RemoveChild(c)
			box.Parent.InsertBefore(c, box)
			c = next
		}
		remove(box)
	}
}
