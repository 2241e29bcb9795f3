package extract

import (
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"rankfile/fixtures"
)

// parsedText returns the collapsed text of a page's body as the HTML5
// parser builds it, the reference for build.
func parsedText(tb testing.TB, page string) string {
	tb.Helper()
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		tb.Skipf("html.Parse refuses the page: %v", err)
	}
	return textOf(bodyOf(doc))
}

func TestBuild(t *testing.T) {
	tests := []struct {
		name, page, want string
	}{
		{"implied paragraph end", "<p>one<p>two<div>three</div>", "one two three"},
		{"list items", "<ul><li>a<li>b<li>c</ul>after", "a b c after"},
		{"table cells", "<table><tr><td>a<td>b<tr><td>c</table>", "a b c"},
		{"stray text in table", "<table>stray<tr><td>cell</td></tr></table>", "straycell"},
		{"stray div in table", "<table><div>moved</div><tr><td>cell</table>", "moved cell"},
		{"misnested formatting", "<p><b>bold <i>both</b> italic</i></p>", "bold both italic"},
		{"phrase end tag does not close blocks", "<span><div>in</span>still</div>", "instill"},
		{"unknown end tag", "<div>a</nope>b</div>", "ab"},
		{"head content moves to body", "<html><head><title>T</title></head>text<body>more", "textmore"},
		{"scripts and styles dropped", "<p>a<script>var x = '<p>no</p>';</script>b<style>p{}</style>c", "abc"},
		{"json-ld kept", `<script type="application/ld+json">{"a":1}</script><p>x`, "x"},
		{"script tag inside a comment", "<p>a</p><!-- blocks <script> here --><p>b</p><script>c</script><p>d", "a b d"},
		{"document.write of a script", "<p>a</p><script><!--\ndocument.write('<script src=x></script>');\nvar y = 1;\n--></script><p>b", "a b"},
		{"stray paragraph end", "<li><b>Uber</b></p><p>Uber drives</p>", "Uber Uber drives"},
		{"noembed template", "<p>a</p><noembed><img src=\"#{img_src}\"></noembed><p>b", "a b"},
		{"void elements", "<p>a<br>b<img src=x>c<hr>d", "a bc d"},
		{"svg self-closing", "<svg><path d=x /><text>t</text></svg><p>after", "tafter"},
		{"entities", "<p>caf&eacute; &amp; &lt;tea&gt; &#8212; &nbsp;x", "café & <tea> — x"},
		{"uppercase tags", "<DIV><P>Upper</P></DIV><SCRIPT>x</SCRIPT>", "Upper"},
		{"unclosed script", "<p>a</p><script>never closed", "a"},
		{"comment", "<p>a<!-- hidden <p>x</p> -->b", "ab"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := textOf(bodyOf(build(tt.page)))
			if got != tt.want {
				t.Errorf("build text = %q, want %q", got, tt.want)
			}
			if ref := parsedText(t, tt.page); got != ref && !strings.Contains(tt.page, "script") {
				t.Errorf("build text = %q, html.Parse's %q", got, ref)
			}
		})
	}
}

// TestBuild_SameText checks that build keeps the same text as the HTML5
// parser on the fixture pages and, when the dev set is present, real pages.
func TestBuild_SameText(t *testing.T) {
	pages := map[string]string{}
	for _, p := range fixtures.Pages() {
		pages[p.URL] = string(p.Body())
	}
	files, _ := filepath.Glob(filepath.Join(devDir, "html", "*.html.gz"))
	if testing.Short() || raceFactor > 1 {
		files = nil // 500 pages are a minute under the race detector; the fixtures stay
	}
	for _, f := range files {
		pages[filepath.Base(f)] = string(mustGunzip(t, f))
	}
	for name, page := range pages {
		t.Run(name, func(t *testing.T) {
			page, _ := decode([]byte(page), "")
			got, want := textOf(bodyOf(build(page))), parsedText(t, page)
			if got != want {
				t.Errorf("text differs from html.Parse's at %s", firstDiff(got, want))
			}
		})
	}
}

// firstDiff shows where two texts part.
func firstDiff(a, b string) string {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	from := max(0, i-60)
	return "\n got: …" + a[from:min(len(a), i+60)] + "…\nwant: …" + b[from:min(len(b), i+60)] + "…"
}

func TestUnfoldNoscript(t *testing.T) {
	post := strings.Repeat("<p>"+para+"</p>", 6)
	tests := []struct {
		name string
		page string
		want string // text of the body after unfolding
	}{
		{"script-built forum", `<div id="app"></div><noscript><div class="post">` + post + `</div></noscript>`, para},
		{"enable JavaScript notice", `<main>` + post + `</main><noscript><p>Please enable JavaScript to view this site.</p></noscript>`, para},
		{"tracking pixel", `<main>` + post + `</main><noscript><img src="pixel.gif"></noscript>`, para},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := bodyOf(build(tt.page))
			unfoldNoscript(body)
			got := textOf(body)
			if !strings.Contains(got, tt.want) {
				t.Errorf("text %.100q lacks %q", got, tt.want)
			}
			if strings.Contains(got, "enable JavaScript") {
				t.Errorf("a small <noscript> notice was unfolded: %.200q", got)
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

// TestBuild_NestedLink checks that a link opened inside a card wrapped in
// a link closes only the outer link: the card's blocks stay open, and the
// cards after it stay in their list, where html.Parse puts them.
func TestBuild_NestedLink(t *testing.T) {
	page := `<ul><li class=card><a href=/1><div><h3>One</h3><div><a href=/c>tag</a></div><p>first</p></div></a></li>` +
		`<li class=card><a href=/2><div><h3>Two</h3><p>second</p></div></a></li></ul><p>after</p>`
	doc := build(page)
	items := findAll(doc, func(n *html.Node) bool { return n.DataAtom == atom.Li })
	if len(items) != 2 {
		t.Fatalf("%d list items, want 2", len(items))
	}
	for _, li := range items {
		if li.Parent == nil || li.Parent.DataAtom != atom.Ul {
			t.Errorf("list item %q is not in the list", textOf(li))
		}
	}
	if got := textOf(items[0]); got != "One tag first" {
		t.Errorf("first card = %q, want %q", got, "One tag first")
	}
	if got, ref := textOf(bodyOf(doc)), parsedText(t, page); got != ref {
		t.Errorf("build text = %q, html.Parse's %q", got, ref)
	}
}
