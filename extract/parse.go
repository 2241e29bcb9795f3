package extract

import (
	"errors"
	"fmt"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// flattenDepth is the nesting kept when a page is too deep for the HTML
// parser, which refuses more than 512 open elements. Real pages nest a few
// dozen levels; what lies deeper is flattened, its text kept.
const flattenDepth = 256

// parse parses the decoded page. A page nested deeper than the parser
// accepts is flattened and parsed again; if even that fails, its text is
// kept as a plain sequence of paragraphs, so no page is lost to its markup.
func parse(page string) (*html.Node, error) {
	doc, err := html.Parse(strings.NewReader(page))
	if err == nil {
		return doc, nil
	}
	doc, err2 := html.Parse(strings.NewReader(flatten(page, flattenDepth)))
	if err2 == nil {
		return doc, nil
	}
	doc, err3 := html.Parse(strings.NewReader(textOnly(page)))
	if err3 == nil {
		return doc, nil
	}
	return nil, fmt.Errorf("parse html: %w", errors.Join(err, err2, err3))
}

// flatten re-serializes page with every start and end tag dropped while
// more than limit elements are open (counting as a naive reader would:
// void elements do not nest). Text and shallower markup are kept.
func flatten(page string, limit int) string {
	z := html.NewTokenizer(strings.NewReader(page))
	var b strings.Builder
	b.Grow(len(page))
	depth := 0
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return b.String()
		case html.StartTagToken:
			name, _ := z.TagName()
			if voidElement(atom.Lookup(name)) {
				b.Write(z.Raw())
				continue
			}
			depth++
			if depth <= limit {
				b.Write(z.Raw())
			}
		case html.EndTagToken:
			if depth <= limit {
				b.Write(z.Raw())
			}
			if depth > 0 {
				depth--
			}
		default:
			b.Write(z.Raw())
		}
	}
}

// textOnly keeps only the page's text, one paragraph per text run.
func textOnly(page string) string {
	z := html.NewTokenizer(strings.NewReader(page))
	var b strings.Builder
	b.WriteString("<!DOCTYPE html><html><body>")
	skip := 0
	for {
		switch z.Next() {
		case html.ErrorToken:
			b.WriteString("</body></html>")
			return b.String()
		case html.StartTagToken:
			if name, _ := z.TagName(); isRawText(atom.Lookup(name)) {
				skip++
			}
		case html.EndTagToken:
			if name, _ := z.TagName(); isRawText(atom.Lookup(name)) && skip > 0 {
				skip--
			}
		case html.TextToken:
			if skip > 0 {
				continue
			}
			if t := collapse(string(z.Text())); t != "" {
				b.WriteString("<p>")
				b.WriteString(html.EscapeString(t))
				b.WriteString("</p>")
			}
		}
	}
}

func isRawText(a atom.Atom) bool {
	switch a {
	case atom.Script, atom.Style, atom.Noscript, atom.Template, atom.Textarea, atom.Title, atom.Xmp, atom.Iframe, atom.Noembed, atom.Noframes:
		return true
	}
	return false
}

func voidElement(a atom.Atom) bool {
	switch a {
	case atom.Area, atom.Base, atom.Br, atom.Col, atom.Embed, atom.Hr, atom.Img, atom.Input,
		atom.Link, atom.Meta, atom.Param, atom.Source, atom.Track, atom.Wbr:
		return true
	}
	return false
}
