package extract

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

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
		if strings.HasPrefix(page[i:], "<!--") {
			// a comment's "<script>" is text of the comment
			end := strings.Index(page[i+4:], "-->")
			if end < 0 {
				break
			}
			i += 4 + end + 3
			continue
		}
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
		if name == "script" {
			end = scriptEnd(page[i+tagEnd:])
		}
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

// scriptEnd returns where the script whose content starts s ends (the
// index of its "</script"), or -1. It follows HTML's script states: inside
// "<!--", a "<script" opens a double-escaped section whose "</script"
// does not end the script (document.write('<script ...></script>') as
// old forum software writes it), and "-->" leaves the escape.
func scriptEnd(s string) int {
	const (
		data = iota
		escaped
		doubleEscaped
	)
	state := data
	for i := 0; i < len(s); i++ {
		switch {
		case strings.HasPrefix(s[i:], "-->"):
			state = data
			i += 2
		case state == data && strings.HasPrefix(s[i:], "<!--"):
			state = escaped
			i += 3
		case s[i] != '<':
		case tagNamed(s[i:], "</script"):
			if state != doubleEscaped {
				return i
			}
			state = escaped
		case state == escaped && tagNamed(s[i:], "<script"):
			state = doubleEscaped
		}
	}
	return -1
}

// tagNamed reports whether s starts with tag (ASCII case ignored) followed
// by a character that ends a tag name.
func tagNamed(s, tag string) bool {
	if len(s) <= len(tag) || !strings.EqualFold(s[:len(tag)], tag) {
		return false
	}
	switch s[len(tag)] {
	case ' ', '\t', '\n', '\r', '\f', '/', '>':
		return true
	}
	return false
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
