package serve

import (
	"html"
	"net/url"
	"regexp"
	"strings"
)

// The Markdown renderer reads the subset the extractor writes (headings,
// paragraphs, lists, tables, block quotes, code, rules, links, emphasis)
// and escapes everything else: its output holds no markup but its own, so
// it may go into a page as it is.

var (
	mdHeading  = regexp.MustCompile(`^(#{1,6})\s+(.*?)\s*#*\s*$`)
	mdRule     = regexp.MustCompile(`^(?:(?:\*\s*){3,}|(?:-\s*){3,}|(?:_\s*){3,})$`)
	mdItem     = regexp.MustCompile(`^(\s*)([-*+•]|\d{1,9}[.)])\s+(.*)$`)
	mdTableSep = regexp.MustCompile(`^\|?\s*:?-{1,}:?\s*(\|\s*:?-{1,}:?\s*)*\|?$`)
	mdFence    = regexp.MustCompile("^(```+|~~~+)")
)

// renderMarkdown renders Markdown as HTML; headings start at level
// minHeading (a record's h1 sits under the page's own headings).
func renderMarkdown(src string, base *url.URL, minHeading int) string {
	lines := strings.Split(strings.ReplaceAll(src, "\r\n", "\n"), "\n")
	var b strings.Builder
	renderBlocks(&b, lines, base, minHeading, 0)
	return b.String()
}

// maxNesting bounds block quotes and lists inside each other.
const maxNesting = 16

func renderBlocks(b *strings.Builder, lines []string, base *url.URL, minHeading, depth int) {
	for i := 0; i < len(lines); {
		t := strings.TrimSpace(lines[i])
		switch {
		case t == "":
			i++
		case mdFence.MatchString(t):
			fence := mdFence.FindString(t)
			j := i + 1
			for j < len(lines) && !strings.HasPrefix(strings.TrimSpace(lines[j]), fence) {
				j++
			}
			b.WriteString("<pre><code>" + html.EscapeString(strings.Join(lines[i+1:j], "\n")) + "</code></pre>\n")
			i = j + 1
		case mdHeading.MatchString(t):
			m := mdHeading.FindStringSubmatch(t)
			level := min(len(m[1])+minHeading-1, 6)
			tag := string(rune('0' + level))
			b.WriteString("<h" + tag + ">" + inline(m[2], base) + "</h" + tag + ">\n")
			i++
		case mdRule.MatchString(t):
			b.WriteString("<hr>\n")
			i++
		case strings.HasPrefix(t, ">") && depth < maxNesting:
			var inner []string
			for ; i < len(lines) && strings.HasPrefix(strings.TrimSpace(lines[i]), ">"); i++ {
				s := strings.TrimPrefix(strings.TrimSpace(lines[i]), ">")
				inner = append(inner, strings.TrimPrefix(s, " "))
			}
			b.WriteString("<blockquote>\n")
			renderBlocks(b, inner, base, minHeading, depth+1)
			b.WriteString("</blockquote>\n")
		case strings.HasPrefix(t, "|") && i+1 < len(lines) && mdTableSep.MatchString(strings.TrimSpace(lines[i+1])):
			i = renderTable(b, lines, i, base)
		case mdItem.MatchString(lines[i]) && depth < maxNesting:
			i = renderList(b, lines, i, base, minHeading, depth)
		default:
			j := i
			var para []string
			for ; j < len(lines) && strings.TrimSpace(lines[j]) != "" && (j == i || !blockStart(lines[j])); j++ {
				para = append(para, strings.TrimSpace(lines[j]))
			}
			b.WriteString("<p>" + inlineLines(para, base) + "</p>\n")
			i = j
		}
	}
}

// blockStart reports whether line begins a block other than a paragraph.
func blockStart(line string) bool {
	t := strings.TrimSpace(line)
	return mdHeading.MatchString(t) || mdFence.MatchString(t) || strings.HasPrefix(t, ">") ||
		mdItem.MatchString(line) || (mdRule.MatchString(t) && !strings.HasPrefix(t, "-")) || strings.HasPrefix(t, "|")
}

// inlineLines renders the lines of a paragraph, keeping hard breaks (two
// trailing spaces or a backslash) as <br>.
func inlineLines(lines []string, base *url.URL) string {
	var b strings.Builder
	for i, l := range lines {
		if i > 0 {
			b.WriteString("\n")
		}
		hard := strings.HasSuffix(l, "\\")
		b.WriteString(inline(strings.TrimSuffix(l, "\\"), base))
		if hard && i < len(lines)-1 {
			b.WriteString("<br>")
		}
	}
	return b.String()
}

// renderList renders the list starting at lines[i] and returns the index
// of the first line after it. An item holds its first line, the indented
// lines after it (rendered as blocks, so lists nest) and lazy continuation
// lines; a blank line between items keeps the list going.
func renderList(b *strings.Builder, lines []string, i int, base *url.URL, minHeading, depth int) int {
	m := mdItem.FindStringSubmatch(lines[i])
	indent := len(m[1])
	ordered := m[2][0] >= '0' && m[2][0] <= '9'
	tag := "ul"
	if ordered {
		tag = "ol"
	}
	b.WriteString("<" + tag + ">\n")
	for i < len(lines) {
		m := mdItem.FindStringSubmatch(lines[i])
		if m == nil || len(m[1]) != indent || (m[2][0] >= '0' && m[2][0] <= '9') != ordered {
			break
		}
		body := []string{m[3]}
		i++
		for i < len(lines) {
			l := lines[i]
			t := strings.TrimSpace(l)
			if t == "" {
				// a blank line: the item goes on if indented text follows
				if i+1 < len(lines) && leadingSpaces(lines[i+1]) > indent && strings.TrimSpace(lines[i+1]) != "" {
					body = append(body, "")
					i++
					continue
				}
				break
			}
			if leadingSpaces(l) > indent {
				body = append(body, strings.TrimPrefix(l, strings.Repeat(" ", min(leadingSpaces(l), indent+2))))
				i++
				continue
			}
			if blockStart(l) {
				break
			}
			body = append(body, t) // lazy continuation
			i++
		}
		b.WriteString("<li>")
		if len(body) == 1 {
			b.WriteString(inline(body[0], base))
		} else {
			renderItemBody(b, body, base, minHeading, depth)
		}
		b.WriteString("</li>\n")
		// skip blank lines between items of this list
		j := i
		for j < len(lines) && strings.TrimSpace(lines[j]) == "" {
			j++
		}
		if j < len(lines) && j > i {
			if n := mdItem.FindStringSubmatch(lines[j]); n != nil && len(n[1]) == indent {
				i = j
			}
		}
	}
	b.WriteString("</" + tag + ">\n")
	return i
}

// renderItemBody renders a list item of several lines: its first lines
// inline, then any nested blocks.
func renderItemBody(b *strings.Builder, body []string, base *url.URL, minHeading, depth int) {
	j := 1
	for j < len(body) && strings.TrimSpace(body[j]) != "" && !blockStart(body[j]) {
		j++
	}
	b.WriteString(inlineLines(body[:j], base))
	if j < len(body) {
		b.WriteString("\n")
		renderBlocks(b, body[j:], base, minHeading, depth+1)
	}
}

func leadingSpaces(s string) int {
	n := 0
	for n < len(s) && (s[n] == ' ' || s[n] == '\t') {
		n++
	}
	return n
}

// renderTable renders a pipe table starting at lines[i] (header, then the
// separator line) and returns the index of the line after it.
func renderTable(b *strings.Builder, lines []string, i int, base *url.URL) int {
	head := splitRow(lines[i])
	b.WriteString("<table>\n<thead><tr>")
	for _, c := range head {
		b.WriteString("<th scope=\"col\">" + inline(c, base) + "</th>")
	}
	b.WriteString("</tr></thead>\n<tbody>\n")
	i += 2
	for ; i < len(lines) && strings.HasPrefix(strings.TrimSpace(lines[i]), "|"); i++ {
		cells := splitRow(lines[i])
		b.WriteString("<tr>")
		for k := range head {
			c := ""
			if k < len(cells) {
				c = cells[k]
			}
			b.WriteString("<td>" + inline(c, base) + "</td>")
		}
		b.WriteString("</tr>\n")
	}
	b.WriteString("</tbody>\n</table>\n")
	return i
}

// splitRow splits a table row at the pipes that are not escaped.
func splitRow(line string) []string {
	t := strings.TrimSpace(line)
	t = strings.TrimPrefix(t, "|")
	if strings.HasSuffix(t, "|") && !strings.HasSuffix(t, `\|`) {
		t = t[:len(t)-1]
	}
	var cells []string
	var cur strings.Builder
	for k := 0; k < len(t); k++ {
		switch {
		case t[k] == '\\' && k+1 < len(t) && t[k+1] == '|':
			cur.WriteByte('|')
			k++
		case t[k] == '|':
			cells = append(cells, strings.TrimSpace(cur.String()))
			cur.Reset()
		default:
			cur.WriteByte(t[k])
		}
	}
	return append(cells, strings.TrimSpace(cur.String()))
}

// inline renders a run of inline Markdown: code spans, strong and
// emphasis, links, images (as their alt text) and autolinks; all other text
// is escaped.
func inline(s string, base *url.URL) string {
	var b strings.Builder
	inlineTo(&b, s, base, 0)
	return b.String()
}

const punct = "\\`*_{}[]()#+-.!|<>~\"'"

func inlineTo(b *strings.Builder, s string, base *url.URL, depth int) {
	var text strings.Builder
	flush := func() {
		b.WriteString(html.EscapeString(text.String()))
		text.Reset()
	}
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == '\\' && i+1 < len(s) && strings.IndexByte(punct, s[i+1]) >= 0:
			text.WriteByte(s[i+1])
			i += 2
			continue
		case c == '`':
			n := runOf(s[i:], '`')
			if end := strings.Index(s[i+n:], strings.Repeat("`", n)); end >= 0 {
				flush()
				b.WriteString("<code>" + html.EscapeString(strings.TrimSpace(s[i+n:i+n+end])) + "</code>")
				i += n + end + n
				continue
			}
		case (c == '*' || c == '_') && depth < maxNesting:
			n := min(runOf(s[i:], c), 2)
			delim := strings.Repeat(string(c), n)
			if c == '_' && i > 0 && isWordByte(s[i-1]) {
				break // snake_case is not emphasis
			}
			if end := strings.Index(s[i+n:], delim); end > 0 && s[i+n] != ' ' && s[i+n+end-1] != ' ' {
				flush()
				tag := "em"
				if n == 2 {
					tag = "strong"
				}
				b.WriteString("<" + tag + ">")
				inlineTo(b, s[i+n:i+n+end], base, depth+1)
				b.WriteString("</" + tag + ">")
				i += n + end + n
				continue
			}
		case c == '!' && i+1 < len(s) && s[i+1] == '[':
			if label, _, n, ok := linkAt(s[i+1:]); ok {
				text.WriteString(label) // an image: its alt text
				i += 1 + n
				continue
			}
		case c == '[' && depth < maxNesting:
			if label, dest, n, ok := linkAt(s[i:]); ok {
				flush()
				if href := safeHref(dest, base); href != "" {
					b.WriteString(`<a href="` + html.EscapeString(href) + `">`)
					inlineTo(b, label, base, depth+1)
					b.WriteString("</a>")
				} else {
					inlineTo(b, label, base, depth+1)
				}
				i += n
				continue
			}
		case c == '<':
			if end := strings.IndexByte(s[i:], '>'); end > 0 {
				if href := safeHref(s[i+1:i+end], nil); href != "" && !strings.ContainsAny(s[i+1:i+end], " \t") {
					flush()
					b.WriteString(`<a href="` + html.EscapeString(href) + `">` + html.EscapeString(s[i+1:i+end]) + "</a>")
					i += end + 1
					continue
				}
			}
		}
		text.WriteByte(c)
		i++
	}
	flush()
}

func isWordByte(c byte) bool {
	return c == '_' || c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z'
}

func runOf(s string, c byte) int {
	n := 0
	for n < len(s) && s[n] == c {
		n++
	}
	return n
}

// linkAt parses "[label](dest "title")" at the start of s, returning the
// label, the destination and the bytes taken.
func linkAt(s string) (label, dest string, n int, ok bool) {
	depth := 0
	end := -1
	for k := 0; k < len(s) && end < 0; k++ {
		switch s[k] {
		case '\\':
			k++
		case '[':
			depth++
		case ']':
			depth--
			if depth == 0 {
				end = k
			}
		}
	}
	if end < 0 || end+1 >= len(s) || s[end+1] != '(' {
		return "", "", 0, false
	}
	close := strings.IndexByte(s[end+2:], ')')
	if close < 0 {
		return "", "", 0, false
	}
	inner := strings.TrimSpace(s[end+2 : end+2+close])
	dest, _, _ = strings.Cut(inner, " ") // drop a "title"
	dest = strings.Trim(dest, "<>")
	return s[1:end], dest, end + 2 + close + 1, true
}

// safeHref returns dest as an absolute http, https or mailto URL (resolved
// against base when relative), or "" for anything else: javascript:,
// data: and the like never become links.
func safeHref(dest string, base *url.URL) string {
	u, err := url.Parse(strings.TrimSpace(dest))
	if err != nil {
		return ""
	}
	if !u.IsAbs() {
		if base == nil || dest == "" {
			return ""
		}
		u = base.ResolveReference(u)
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "https":
		if u.Host == "" {
			return ""
		}
		return u.String()
	case "mailto":
		return u.String()
	}
	return ""
}
