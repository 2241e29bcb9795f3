package extract

import (
	"net/url"
	"strings"
	"testing"
)

func TestRenderer_Markdown(t *testing.T) {
	tests := []struct {
		name, html, want string
	}{
		{"paragraphs", "<p>one</p><p>two</p>", "one\n\ntwo"},
		{"headings", "<h1>Title</h1><h3>Part <b>one</b></h3><p>x</p>", "# Title\n\n### Part one\n\nx"},
		{"list", "<ul><li>a</li><li>b</li></ul>", "- a\n- b"},
		{"ordered list", "<ol><li>a</li><li>b</li></ol>", "1. a\n2. b"},
		{"nested list", "<ul><li>a<ul><li>a1</li></ul></li><li>b</li></ul>", "- a\n    - a1\n- b"},
		{"item of paragraphs", "<ul><li><p>a</p><p>more</p></li></ul>", "- a\n\n    more"},
		{"quote", "<blockquote><p>one</p><p>two</p></blockquote>", "> one\n>\n> two"},
		{"link resolved", `<p>See <a href="/platform/">our platform</a>.</p>`, "See [our platform](http://site.test/platform/)."},
		{"link with spaces kept outside", `<p>See<a href="/p"> it </a>now</p>`, "See [it](http://site.test/p) now"},
		{"anchor link is text", `<p><a href="#top">top</a> x</p>`, "top x"},
		{"javascript link is text", `<p><a href="javascript:void(0)">go</a> x</p>`, "go x"},
		{"link destination escaped", `<p><a href="/a b(c)">x</a></p>`, "[x](http://site.test/a%20b%28c%29)"},
		// as browsers read an href: tabs and line breaks dropped, other control characters percent-encoded
		{"control characters in a link", "<p><a href=\"\x7f\">0</a> <a href=\"/a\tb\nc\x01d\u0085e\x7f\">x</a></p>",
			"0 [x](http://site.test/abc%01d%C2%85e)"},
		{"emphasis", "<p>a <strong>bold</strong> and <em>soft</em> word</p>", "a **bold** and *soft* word"},
		{"nested bold once", "<p><b>a <strong>b</strong></b></p>", "**a b**"},
		{"emphasis of space alone", "<p>a<b> </b>b</p>", "a b"},
		{"escapes", "<p>2 * 3 = 6_ [x] &lt;y&gt;</p>", "2 \\* 3 = 6\\_ \\[x\\] \\<y>"},
		{"line start escapes", "<p># not a heading</p><p>1. not a list</p><p>- nor this</p>", "\\# not a heading\n\n1\\. not a list\n\n\\- nor this"},
		{"line breaks", "<p>one<br>two</p>", "one\\\ntwo"},
		{"preformatted", "<pre>a *b*\n  c</pre>", "```\na *b*\n  c\n```"},
		{"preformatted with fence", "<pre>```\nx</pre>", "````\n```\nx\n````"},
		{"table", "<table><tr><th>A</th><th>B|C</th></tr><tr><td><a href='/x'>1</a></td><td>2</td></tr><tr><td>3</td></tr></table>",
			"| A | B\\|C |\n| --- | --- |\n| [1](http://site.test/x) | 2 |\n| 3 |  |"},
		{"table in quote", "<blockquote><table><tr><td>1</td><td>2</td></tr></table></blockquote>", "> | 1 | 2 |\n> | --- | --- |"},
		{"layout table", "<table><tr><td><h2>Side</h2></td></tr></table>", "## Side"},
	}
	base, _ := url.Parse("http://site.test/post/")
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := bodyOf(build("<html><body>" + tt.html + "</body></html>"))
			got := joinMarkdown((&renderer{base: base}).run(body))
			if got != tt.want {
				t.Errorf("Markdown = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestTableMarkdown(t *testing.T) {
	got := tableMarkdown([][]string{{"a"}, {"b", "c"}})
	want := "| a |  |\n| --- | --- |\n| b | c |"
	if got != want {
		t.Errorf("tableMarkdown = %q, want %q", got, want)
	}
	if strings.Count(got, "\n") != 2 {
		t.Errorf("want header, rule and one row")
	}
}
