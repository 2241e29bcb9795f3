package main

import "testing"

func TestDirty(t *testing.T) {
	highlighted := `<html><body><pre><code><span class="p">&lt;</span><span class="t">img</span>
  className="avatar"<span>/&gt;</span></code></pre>
<p>Close tags like <code>&lt;br /&gt;</code>.</p><noscript><img src="/pixel.gif"></noscript></body></html>`
	for _, c := range []struct {
		name, text string
		want       bool
	}{
		{"a code sample the page shows, cut into highlighted spans", "<img\n\nclassName=\"avatar\"\n\n/>", false},
		{"a tag the page writes as text", "Close tags like <br />.", false},
		{"markup from a noscript", `<img src="/pixel.gif">`, true},
		{"a tag the page only has as markup", "<p>Close tags</p>", true},
		{"a comment", "<!-- preload -->", true},
		{"a NUL", "Close\x00tags", true},
		{"a DEL", "Close\x7ftags", true},
		{"clean text", "Close tags like this.\n\tIndented.", false},
	} {
		if got := dirty(c.text, &page{HTML: highlighted}); got != c.want {
			t.Errorf("%s: dirty(%q) = %v, want %v", c.name, c.text, got, c.want)
		}
	}
}
