package extract

import (
	"strings"
	"testing"
)

func TestChromeToken(t *testing.T) {
	tests := []struct {
		name string
		want chromeLevel
	}{
		{"site-footer", strongName},
		{"comments-area", strongName},
		{"sharedaddy", strongName},
		{"jp-relatedposts", strongName},
		{"widget_recent_entries", strongName},
		{"main-navigation", strongName},
		{"cookie-banner", strongName},
		{"wixui-button", strongName},
		{"site-header", weakName},
		{"topbar", weakName},
		{"entry-header", notChrome},
		{"entry-content", notChrome},
		{"entry-meta", notChrome},
		{"post-author", notChrome},
		{"elementor-widget-text-editor", notChrome},
		{"elementor-widget-nav-menu", strongName},
		{"elementor-top-section", notChrome},
		{"category-social-media", notChrome},
		{"tag-comments", notChrome},
		{"resources_categories-guides", notChrome},
		{"has-sidebar", notChrome},
		{"no-comments", notChrome},
		{"print:hidden", notChrome},
		{"md:w-[240px]", notChrome},
		{"header-footer-group", notChrome},
		{"sr-only", strongName},
		{"wp-block-group", notChrome},
		{"archive-header", notChrome},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := chromeToken(tt.name); got != tt.want {
				t.Errorf("chromeToken(%q) = %d, want %d", tt.name, got, tt.want)
			}
		})
	}
}

func TestNameWords(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"site-footer", "site footer"},
		{"widget_recent_entries", "widget recent entries"},
		{"InterstitialModal", "interstitial modal"},
		{"jp-relatedposts", "jp relatedposts"},
		{"h2col", "h col"},
		{"HTMLParser", "htmlparser"},
		{"postAuthor__Name", "post author name"},
		{"--", ""},
		{"Entête-Article", "entête article"},
		{"autorÜberschrift", "autor überschrift"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := strings.Join(nameWords(tt.in), " "); got != tt.want {
				t.Errorf("nameWords(%q) = %q, want %q", tt.in, got, tt.want)
			}
			// the ASCII fast path splits as the general one does
			if a, b := strings.Join(nameWords(tt.in), " "), strings.Join(nameWordsRunes(tt.in), " "); a != b {
				t.Errorf("nameWords(%q) = %q, nameWordsRunes %q", tt.in, a, b)
			}
		})
	}
}

func TestClean(t *testing.T) {
	p := func(s string) block { return block{kind: blockPara, text: s} }
	h := func(level int, s string) block { return block{kind: blockHeading, level: level, text: s} }
	link := func(s string) block {
		return block{kind: blockItem, text: s, linkChars: len(s), links: 1}
	}
	tests := []struct {
		name string
		in   []block
		want []string
	}{
		{"chrome phrases", []block{p(para), p("Share this:"), p("READ MORE »"), p("Please reload")}, []string{para}},
		{"related posts section",
			[]block{h(2, "Spring plans"), p(para), h(3, "Related posts"), link("- Another post"), link("- A third post"), h(2, "Comments policy"), p(para)},
			[]string{"Spring plans", para, "Comments policy", para}},
		{"related heading stops at prose", []block{h(3, "Related"), p(para + " " + para)}, []string{para + " " + para}},
		{"newsletter call", []block{p(para), p("Subscribe to our newsletter for the latest updates."), p("Get the latest posts delivered right to your inbox")}, []string{para}},
		{"prose about subscribing stays", []block{p("I subscribe to 28 newsletters, a small subset of the ones I read, and I keep them all.")},
			[]string{"I subscribe to 28 newsletters, a small subset of the ones I read, and I keep them all."}},
		{"menu run", []block{link("- Home"), link("- About"), link("- Contact"), p(para)}, []string{para}},
		{"links under a heading stay", []block{h(2, "Coalition Member Organizations"), link("- Org A"), link("- Org B")},
			[]string{"Coalition Member Organizations", "- Org A", "- Org B"}},
		{"calls to action", []block{p(para), link("Read our mission"), p(para), link("Donate today"), p(para), link("The Fight for Fair Pay"), p(para)},
			[]string{para, para, para, "The Fight for Fair Pay", para}},
		{"split heading joined", []block{h(1, "Community Partnerships &"), h(1, "National Network of Caucuses")},
			[]string{"Community Partnerships & National Network of Caucuses"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, b := range clean(tt.in) {
				got = append(got, b.text)
			}
			if strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("clean = %q, want %q", got, tt.want)
			}
		})
	}
}
