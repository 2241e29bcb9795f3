package serve

import (
	"html"
	"html/template"
	"net/url"
	"regexp"
	"strings"

	"rankfile/record"
)

// renderRecordText renders a record's writing for its page: the Markdown
// when the extractor wrote some (tables and lists kept), else the plain
// text. Everything from the record is escaped.
func renderRecordText(r record.Record) template.HTML {
	base, _ := url.Parse(r.URL)
	if strings.TrimSpace(r.Markdown) != "" {
		return template.HTML(renderMarkdown(r.Markdown, base, 3))
	}
	return template.HTML(renderPlain(r.Text))
}

var blankLine = regexp.MustCompile(`\n[ \t]*\n`)

var plainItem = regexp.MustCompile(`^\s*(?:[-*•–]|\d{1,4}[.)])\s+`)

// renderPlain renders plain text: paragraphs at blank lines, lines that
// start with a bullet or number as list items (consecutive paragraphs of
// items make one list), tab-separated lines as a table, and other line
// breaks kept.
func renderPlain(text string) string {
	var b strings.Builder
	openList := ""
	closeList := func() {
		if openList != "" {
			b.WriteString("</" + openList + ">\n")
			openList = ""
		}
	}
	for _, para := range paragraphs(text) {
		lines := strings.Split(para, "\n")
		switch {
		case allMatch(lines, plainItem):
			tag := "ul"
			if t := strings.TrimSpace(lines[0]); t[0] >= '0' && t[0] <= '9' {
				tag = "ol"
			}
			if openList != tag {
				closeList()
				b.WriteString("<" + tag + ">\n")
				openList = tag
			}
			for _, l := range lines {
				b.WriteString("<li>" + html.EscapeString(plainItem.ReplaceAllString(l, "")) + "</li>\n")
			}
		case len(lines) > 1 && allTabbed(lines):
			closeList()
			b.WriteString("<table>\n")
			for _, l := range lines {
				b.WriteString("<tr>")
				for _, c := range strings.Split(l, "\t") {
					b.WriteString("<td>" + html.EscapeString(strings.TrimSpace(c)) + "</td>")
				}
				b.WriteString("</tr>\n")
			}
			b.WriteString("</table>\n")
		default:
			closeList()
			for i, l := range lines {
				lines[i] = html.EscapeString(l)
			}
			b.WriteString("<p>" + strings.Join(lines, "<br>\n") + "</p>\n")
		}
	}
	closeList()
	return b.String()
}

// paragraphs splits text at blank lines, dropping empty ones.
func paragraphs(text string) []string {
	text = strings.ReplaceAll(text, "\r\n", "\n")
	var out []string
	for _, p := range blankLine.Split(text, -1) {
		if p = strings.Trim(p, "\n"); strings.TrimSpace(p) != "" {
			out = append(out, p)
		}
	}
	return out
}

func allMatch(lines []string, re *regexp.Regexp) bool {
	for _, l := range lines {
		if !re.MatchString(l) {
			return false
		}
	}
	return len(lines) > 0
}

func allTabbed(lines []string) bool {
	n := strings.Count(lines[0], "\t")
	for _, l := range lines {
		if c := strings.Count(l, "\t"); c == 0 || c != n {
			return false
		}
	}
	return n > 0
}
