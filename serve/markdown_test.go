package serve

import (
	"net/url"
	"regexp"
	"strings"
	"testing"

	"rankfile/record"
)

func TestRenderMarkdown(t *testing.T) {
	base, _ := url.Parse("http://albu-core.test/2017/10/23/ucore-report-back/")
	for _, c := range []struct {
		name, in, want string
	}{
		{"paragraphs", "One\ntwo\n\nThree", "<p>One\ntwo</p>\n<p>Three</p>\n"},
		{"heading shifted", "# Title\n## Part", "<h3>Title</h3>\n<h4>Part</h4>\n"},
		{"heading capped", "###### Deep", "<h6>Deep</h6>\n"},
		{"list", "- one\n- two\n\n- three", "<ul>\n<li>one</li>\n<li>two</li>\n<li>three</li>\n</ul>\n"},
		{"ordered list", "1. one\n2. two", "<ol>\n<li>one</li>\n<li>two</li>\n</ol>\n"},
		{"nested list", "- one\n  - inner\n- two", "<ul>\n<li>one\n<ul>\n<li>inner</li>\n</ul>\n</li>\n<li>two</li>\n</ul>\n"},
		{"table", "| A | B |\n|---|:-:|\n| 1 | 2 \\| 3 |\n| 4 |", "<table>\n<thead><tr><th scope=\"col\">A</th><th scope=\"col\">B</th></tr></thead>\n<tbody>\n<tr><td>1</td><td>2 | 3</td></tr>\n<tr><td>4</td><td></td></tr>\n</tbody>\n</table>\n"},
		{"quote", "> quoted\n> more", "<blockquote>\n<p>quoted\nmore</p>\n</blockquote>\n"},
		{"code block", "```\n<b>x</b>\n```", "<pre><code>&lt;b&gt;x&lt;/b&gt;</code></pre>\n"},
		{"rule", "a\n\n---\n\nb", "<p>a</p>\n<hr>\n<p>b</p>\n"},
		{"emphasis", "**bold** and *it* and `co<de>` and snake_case_name", "<p><strong>bold</strong> and <em>it</em> and <code>co&lt;de&gt;</code> and snake_case_name</p>\n"},
		{"link", "[report](http://x.test/a?b=1&c=2)", `<p><a href="http://x.test/a?b=1&amp;c=2">report</a></p>` + "\n"},
		{"relative link", "[back](/2017/)", `<p><a href="http://albu-core.test/2017/">back</a></p>` + "\n"},
		{"javascript link", "[x](javascript:alert(1))", "<p>x)</p>\n"},
		{"data link", "[x](data:text/html,hi)", "<p>x</p>\n"},
		{"image as alt", "![a <b>logo</b>](http://x.test/l.png)", "<p>a &lt;b&gt;logo&lt;/b&gt;</p>\n"},
		{"autolink", "<http://x.test/>", `<p><a href="http://x.test/">http://x.test/</a></p>` + "\n"},
		{"html escaped", `<script>alert("x")</script> & <img src=x onerror=alert(1)>`, "<p>&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; &lt;img src=x onerror=alert(1)&gt;</p>\n"},
		{"escapes", `\*not emphasis\* \<b\>`, "<p>*not emphasis* &lt;b&gt;</p>\n"},
		{"attribute breakout", `[x](http://x.test/"onmouseover="alert(1))`, `<p><a href="http://x.test/%22onmouseover=%22alert%281">x</a>)</p>` + "\n"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := renderMarkdown(c.in, base, 3); got != c.want {
				t.Errorf("got  %q\nwant %q", got, c.want)
			}
		})
	}
}

func TestRenderPlain(t *testing.T) {
	for _, c := range []struct{ name, in, want string }{
		{"paragraphs", "One\n\nTwo\nlines", "<p>One</p>\n<p>Two<br>\nlines</p>\n"},
		{"one list across paragraphs", "- a\n\n- b\n\nAfter", "<ul>\n<li>a</li>\n<li>b</li>\n</ul>\n<p>After</p>\n"},
		{"numbered", "1. a\n2. b", "<ol>\n<li>a</li>\n<li>b</li>\n</ol>\n"},
		{"tabbed table", "a\tb\nc\td", "<table>\n<tr><td>a</td><td>b</td></tr>\n<tr><td>c</td><td>d</td></tr>\n</table>\n"},
		{"escaped", "<script>x</script>", "<p>&lt;script&gt;x&lt;/script&gt;</p>\n"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := renderPlain(c.in); got != c.want {
				t.Errorf("got  %q\nwant %q", got, c.want)
			}
		})
	}
}

func TestRenderRecordText(t *testing.T) {
	r := record.Record{URL: "http://x.test/", Text: "plain <b>", Markdown: "**md** <b>"}
	if got := string(renderRecordText(r)); got != "<p><strong>md</strong> &lt;b&gt;</p>\n" {
		t.Errorf("with Markdown: %q", got)
	}
	r.Markdown = ""
	if got := string(renderRecordText(r)); got != "<p>plain &lt;b&gt;</p>\n" {
		t.Errorf("without: %q", got)
	}
}

// allowedTag matches the markup the renderers write; anything else in
// their output would have come from the input.
var allowedTag = regexp.MustCompile(`^</?(p|br|h[1-6]|ul|ol|li|table|thead|tbody|tr|th|td|blockquote|pre|code|hr|strong|em)>$|^<th scope="col">$|^</a>$|^<a href="[^"<>]*">$`)

var anyTag = regexp.MustCompile(`<[^>]*>`)

// FuzzRenderMarkdown checks that whatever the input, the output's tags
// are the renderer's own, every link is http, https or mailto, and no "<"
// stands outside a tag.
func FuzzRenderMarkdown(f *testing.F) {
	for _, s := range []string{
		"# T\n\n- a\n- b\n\n| a | b |\n|---|---|\n| 1 | 2 |", "[x](javascript:alert(1))", "<script>alert(1)</script>",
		"**[a](http://x/)**", "> > > deep", "`a` **b** _c_ ![i](x)", "<http://x.test/\"a>", "[a](<javascript:x>)", "*[x*](y)",
	} {
		f.Add(s)
	}
	base, _ := url.Parse("http://base.test/dir/page")
	f.Fuzz(func(t *testing.T, in string) {
		for _, out := range []string{renderMarkdown(in, base, 3), renderPlain(in)} {
			for _, tag := range anyTag.FindAllString(out, -1) {
				if !allowedTag.MatchString(tag) {
					t.Fatalf("input %q: output has tag %q", in, tag)
				}
				if strings.HasPrefix(tag, "<a ") {
					href := tag[len(`<a href="`) : len(tag)-2]
					if !strings.HasPrefix(href, "http://") && !strings.HasPrefix(href, "https://") && !strings.HasPrefix(href, "mailto:") {
						t.Fatalf("input %q: link %q", in, href)
					}
				}
			}
			if strings.Contains(anyTag.ReplaceAllString(out, ""), "<") {
				t.Fatalf("input %q: a bare < in %q", in, out)
			}
		}
	})
}
