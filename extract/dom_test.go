package extract

import (
	"strings"
	"testing"

	"golang.org/x/net/html"
)

// TestCloneTree checks that a copy renders as its original does, SVG's
// namespace included, and that changing the copy leaves the original be.
func TestCloneTree(t *testing.T) {
	doc := build(`<body><div class="post" id="a"><p>One <b>two</b></p><svg><title>chart</title></svg><!-- note --></div>` +
		strings.Repeat("<div>", 5000) + "deep" + strings.Repeat("</div>", 5000) + `</body>`)
	render := func(n *html.Node) string {
		var b strings.Builder
		if err := html.Render(&b, n); err != nil {
			t.Fatal(err)
		}
		return b.String()
	}
	want := render(doc)
	c := cloneTree(doc)
	if got := render(c); got != want {
		t.Fatalf("the copy renders differently:\n%.300s\nwant\n%.300s", got, want)
	}
	div := findFirst(c, func(n *html.Node) bool { return attr(n, "id") == "a" })
	div.Attr[0].Val = "changed"
	div.Parent.RemoveChild(div)
	if got := render(doc); got != want {
		t.Errorf("changing the copy changed the original")
	}
}
