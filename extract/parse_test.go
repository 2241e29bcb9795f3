package extract

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// bounded is how long a pathological page may take to extract; real pages
// take milliseconds.
const bounded = 10 * time.Second

func TestExtractor_Pathological(t *testing.T) {
	deep := func(open, close string, n int) string {
		return "<html><body>" + strings.Repeat(open, n) + "<p>" + para + "</p>" + strings.Repeat(close, n) + "</body></html>"
	}
	big := "<html><body><main>" + strings.Repeat("<p>"+para+"</p>\n", 60000) + "</main></body></html>"
	tests := []struct {
		name string
		page string
		want string
	}{
		{"100000 nested divs", deep("<div>", "</div>", 100000), para},
		{"100000 unclosed divs", deep("<div>", "", 100000), para},
		{"100000 nested spans", deep("<span>", "</span>", 100000), para},
		{"100000 nested bold", deep("<b>", "", 100000), para},
		{"100000 nested tables", deep("<table><tr><td>", "</td></tr></table>", 100000), para},
		{"100000 nested lists", deep("<ul><li>", "</li></ul>", 100000), para},
		{"7 MB page", big, para},
		{"unclosed comment", "<html><body><p>" + para + "</p><!-- " + strings.Repeat("x", 100000), para},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			start := time.Now()
			recs, err := New(Options{}).ExtractHTML("http://example.test/", []byte(tt.page), nil)
			if err != nil {
				t.Fatal(err)
			}
			if d := time.Since(start); d > bounded {
				t.Errorf("took %v, want under %v", d, bounded)
			}
			text := Text(recs)
			if !strings.Contains(text, tt.want) {
				t.Errorf("text lacks %q (got %d bytes: %.200q)", tt.want, len(text), text)
			}
			if !utf8.ValidString(text) {
				t.Error("text is not valid UTF-8")
			}
		})
	}
}

func TestBuild_TooDeep(t *testing.T) {
	page := strings.Repeat("<div>", 1000) + "deep text" + strings.Repeat("</div>", 1000)
	doc := build(page)
	if got := textOf(doc); got != "deep text" {
		t.Errorf("text = %q, want %q", got, "deep text")
	}
	depth := 0
	for n := doc; n != nil; n = n.LastChild {
		depth++
	}
	if depth > maxDepth+3 {
		t.Errorf("tree is %d deep, want at most %d", depth, maxDepth+3)
	}
}
