package extract

import (
	"fmt"
	"strconv"
	"strings"

	"golang.org/x/net/html"
)

// The renderer writes each block twice: as plain text, and as Markdown
// (CommonMark, with GitHub's tables). Text is escaped where Markdown would
// read it as markup; links become [text](absolute URL), <b>/<strong> and
// <em>/<i> become ** and *, headings "#"s, list items "- " or "1. " with
// four spaces a level of nesting, block quotes "> ", preformatted text a
// fenced block and data tables pipe tables, their first row the header.

// maxListIndent bounds the indentation of nested list items: deeper lists
// are written at this depth, so a page of thousands of nested lists cannot
// make each line of its Markdown kilobytes of spaces.
const maxListIndent = 8

// listMarker returns the Markdown marker of the next item of the innermost
// open list, indented for its depth.
func (r *renderer) listMarker() string {
	depth := len(r.lists)
	if depth == 0 {
		return "- "
	}
	indent := strings.Repeat("    ", min(depth-1, maxListIndent))
	r.items[depth-1]++
	if r.lists[depth-1] {
		return indent + strconv.Itoa(r.items[depth-1]) + ". "
	}
	return indent + "- "
}

// emphasis renders n's children, marked with mark in the Markdown when
// they stay within one block, outside headings and preformatted text, and
// not already inside the same emphasis.
func (r *renderer) emphasis(n *html.Node, mark string) {
	start, gen := len(r.md), r.gen
	nested := (mark == "**" && r.inBold > 1) || (mark == "*" && r.inEm > 0)
	if mark == "*" {
		r.inEm++
	}
	r.children(n)
	if mark == "*" {
		r.inEm--
	}
	if !nested && r.heading == 0 && r.pre == 0 && gen == r.gen {
		r.wrapMD(start, mark, mark)
	}
}

// wrapMD puts open and close around the Markdown written since start,
// leaving the white space at either end outside; it writes nothing around
// white space alone.
func (r *renderer) wrapMD(start int, open, close string) {
	seg := r.md[start:]
	i, j := 0, len(seg)
	for i < j && (seg[i] == ' ' || seg[i] == '\n') {
		i++
	}
	for j > i && (seg[j-1] == ' ' || seg[j-1] == '\n') {
		j--
	}
	if i == j {
		return
	}
	inner := string(seg[i:j])
	trail := string(seg[j:])
	r.md = append(r.md[:start+i], open...)
	r.md = append(r.md, inner...)
	r.md = append(r.md, close...)
	r.md = append(r.md, trail...)
}

// destEscaper makes a URL safe as a Markdown link destination.
var destEscaper = strings.NewReplacer(" ", "%20", "(", "%28", ")", "%29", "<", "%3C", ">", "%3E")

// linkDest returns a link's target as a Markdown destination, resolved
// against the page's URL, or "" for links that lead nowhere (empty, "#"
// anchors, javascript:).
func (r *renderer) linkDest(href string) string {
	href = browserHref(href)
	if href == "" || href[0] == '#' || strings.HasPrefix(strings.ToLower(href), "javascript:") {
		return ""
	}
	if r.base != nil {
		if u, err := r.base.Parse(href); err == nil {
			href = u.String()
		}
	}
	return destEscaper.Replace(href)
}

// browserHref reads an href as browsers do (the WHATWG URL standard):
// leading and trailing spaces and control characters trimmed, tabs and
// line breaks removed, other control characters percent-encoded.
func browserHref(href string) string {
	href = strings.TrimFunc(href, func(c rune) bool { return c <= ' ' || controlChar(c) })
	if strings.IndexFunc(href, controlChar) < 0 {
		return href
	}
	var b strings.Builder
	for _, c := range href {
		switch {
		case c == '\t' || c == '\n' || c == '\r':
		case controlChar(c):
			for _, x := range []byte(string(c)) {
				fmt.Fprintf(&b, "%%%02X", x)
			}
		default:
			b.WriteRune(c)
		}
	}
	return b.String()
}

// markdown returns the Markdown of a block of kind k whose Markdown text,
// as written, is raw: a heading's "#"s, a list item's marker (or its
// indentation, for the later blocks of an item), and the quote marks of a
// block quote.
func (r *renderer) markdown(k blockKind, level int, text, raw string) string {
	var md string
	switch k {
	case blockPre:
		md = fenced(text)
	case blockHeading:
		md = strings.Repeat("#", level) + " " + strings.Join(mdLines(raw), " ")
	default:
		md = strings.Join(mdLines(raw), "\\\n")
	}
	switch {
	case r.mdPrefix != "":
		md = r.mdPrefix + md
		r.mdPrefix = ""
	case r.lis > 0 && k != blockPre:
		md = strings.Repeat("    ", r.lis) + md
	}
	return quoted(md, r.quote)
}

// quoted prefixes each line of md with depth quote marks.
func quoted(md string, depth int) string {
	if depth == 0 {
		return md
	}
	mark := strings.Repeat("> ", depth)
	return mark + strings.ReplaceAll(md, "\n", "\n"+mark)
}

// mdLines splits a block's raw Markdown at its line breaks, collapses the
// white space of each line, drops empty lines and escapes what would start
// a block at a line's start (#, >, -, +, =, "1.").
func mdLines(raw string) []string {
	var out []string
	for _, l := range strings.Split(raw, "\n") {
		if l = collapse(l); l != "" {
			out = append(out, escapeLineStart(l))
		}
	}
	return out
}

// escapeLineStart escapes a line's first character when Markdown would
// read it as a block marker.
func escapeLineStart(l string) string {
	switch l[0] {
	case '#', '>', '-', '+', '=', '~', '|':
		return "\\" + l
	}
	i := 0
	for i < len(l) && i < 9 && l[i] >= '0' && l[i] <= '9' {
		i++
	}
	if i > 0 && i < len(l) && (l[i] == '.' || l[i] == ')') {
		return l[:i] + "\\" + l[i:]
	}
	return l
}

// escapeText escapes the characters of s that Markdown reads as inline
// markup.
func escapeText(s string) string {
	if !strings.ContainsAny(s, "\\`*_[]<") {
		return s
	}
	var b strings.Builder
	for _, c := range s {
		switch c {
		case '\\', '`', '*', '_', '[', ']', '<':
			b.WriteByte('\\')
		}
		b.WriteRune(c)
	}
	return b.String()
}

// fenced returns preformatted text as a fenced code block, its fence
// longer than any run of backticks in it.
func fenced(text string) string {
	fence := "```"
	for strings.Contains(text, fence) {
		fence += "`"
	}
	return fence + "\n" + text + "\n" + fence
}

// tableMarkdown lays a table's rows out as a pipe table, the first row its
// header, short rows padded with empty cells.
func tableMarkdown(rows [][]string) string {
	cols := 0
	for _, row := range rows {
		cols = max(cols, len(row))
	}
	var b strings.Builder
	for i, row := range rows {
		if i > 0 {
			b.WriteByte('\n')
		}
		b.WriteByte('|')
		for c := range cols {
			b.WriteByte(' ')
			if c < len(row) {
				b.WriteString(row[c])
			}
			b.WriteString(" |")
		}
		if i == 0 {
			b.WriteString("\n|")
			b.WriteString(strings.Repeat(" --- |", cols))
		}
	}
	return b.String()
}

// cellMarkdown returns the Markdown of a table cell's blocks on one line,
// headings and list markers dropped, pipes escaped.
func cellMarkdown(bs []block) string {
	parts := make([]string, 0, len(bs))
	for _, b := range bs {
		md := b.md
		if b.kind == blockHeading {
			md = strings.TrimLeft(md, "# ")
		}
		md = strings.ReplaceAll(md, "\\\n", " ")
		parts = append(parts, strings.ReplaceAll(md, "\n", " "))
	}
	return strings.ReplaceAll(strings.Join(parts, " "), "|", "\\|")
}

// joinMarkdown lays blocks' Markdown out as a document: a blank line
// between blocks, but a line break between the items of a list, and a
// quote mark line between the blocks of a block quote.
func joinMarkdown(bs []block) string {
	var b strings.Builder
	n := 0
	for _, bl := range bs {
		n += len(bl.md) + 4
	}
	b.Grow(n)
	for i, bl := range bs {
		if i > 0 {
			prev := bs[i-1]
			switch {
			case prev.kind == blockItem && bl.kind == blockItem && prev.quote == bl.quote:
				b.WriteByte('\n')
			case prev.quote > 0 && bl.quote > 0:
				b.WriteString("\n" + strings.TrimSpace(strings.Repeat("> ", min(prev.quote, bl.quote))) + "\n")
			default:
				b.WriteString("\n\n")
			}
		}
		b.WriteString(bl.md)
	}
	return b.String()
}
