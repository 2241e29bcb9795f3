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
