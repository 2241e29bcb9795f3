package extract

import (
	"slices"
	"strings"
	"testing"
)

func TestDeclaredLanguage(t *testing.T) {
	tests := []struct{ in, want string }{
		{"en", "en"}, {"en-US", "en"}, {"en_US", "en"}, {"EN", "en"}, {"es-419", "es"},
		{"fr-CA, en", "fr"}, {"", ""}, {"und", ""}, {"x-default", ""}, {"not a tag!", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := declaredLanguage(tt.in); got != tt.want {
				t.Errorf("declaredLanguage(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestPageLanguage(t *testing.T) {
	en := strings.Repeat("The union is the members and it will be strong when they are organized in their schools. ", 3)
	es := strings.Repeat("El sindicato es de los miembros y para las escuelas de la ciudad con todos los maestros. ", 3)
	tests := []struct {
		name, declared, text, want string
	}{
		{"declared and written", "en-US", en, "en"},
		{"declared, too little text to guess", "es", "Hola", "es"},
		{"undeclared, guessed", "", es, "es"},
		{"undeclared, English", "", en, "en"},
		{"template declares English, written in Spanish", "en", es, "es"},
		{"declared language the guess does not know", "ca", es, "ca"},
		{"nothing to go on", "", "Hello", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := pageLanguage(tt.declared, tt.text); got != tt.want {
				t.Errorf("pageLanguage = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestSummarize(t *testing.T) {
	long := strings.Repeat("word ", 100)
	tests := []struct {
		name, text, want string
	}{
		{"short paragraph whole", "By Jane Doe\n\nMay 1, 2020\n\nThe caucus met on Tuesday to plan the spring campaign.",
			"The caucus met on Tuesday to plan the spring campaign."},
		{"leading date dropped", "May 1, 2020 The caucus met on Tuesday to plan the spring campaign.",
			"The caucus met on Tuesday to plan the spring campaign."},
		{"sentences past the target", strings.Repeat("This sentence has some forty characters. ", 6),
			strings.TrimSpace(strings.Repeat("This sentence has some forty characters. ", 4))},
		{"no sentence end: cut at a word", long, strings.TrimSpace(long[:maxSummaryChars]) + "…"},
		{"table skipped", "A | B | C | D | E | F | G | H | I\n\nThe real first paragraph of the page is this one here.",
			"The real first paragraph of the page is this one here."},
		{"nothing long enough", "Home\n\nAbout us", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := summarize(tt.text); got != tt.want {
				t.Errorf("summarize = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestCanonicalURL(t *testing.T) {
	tests := []struct {
		name, link, og, want string
	}{
		{"link", "https://a.test/post/", "https://a.test/og/", "https://a.test/post/"},
		{"og:url when no link", "", "https://a.test/og/", "https://a.test/og/"},
		{"relative", "/post/#top", "", "http://page.test/post/"},
		{"not http", "ftp://a.test/x", "", ""},
		{"none", "", "", ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := &meta{linkCanonical: tt.link, ogURL: tt.og}
			m.canonical = firstString(m.linkCanonical, m.ogURL)
			if got := canonicalURL(m, "http://page.test/x/"); got != tt.want {
				t.Errorf("canonicalURL = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestMeta_TagsAndDates(t *testing.T) {
	page := `<html><head>
<meta property="article:modified_time" content="2021-02-03T10:00:00Z">
<script type="application/ld+json">{"@type":"BlogPosting","datePublished":"2021-01-02","keywords":"bargaining, strikes","articleSection":"News"}</script>
</head><body>
<nav><a href="/category/news/" rel="category tag">Menu News</a></nav>
<article><p>x</p><footer><span class="tags-links"><a href="/tag/a/">alpha</a>, <a href="/tag/b/" rel="tag">beta</a></span></footer></article>
</body></html>`
	m := readMeta(build(page))
	if got, want := m.tags, []string{"bargaining", "strikes", "News"}; !slices.Equal(got, want) {
		t.Errorf("tags = %q, want %q (JSON-LD first)", got, want)
	}
	if got, want := linkTags(m.tagLinks), []string{"alpha", "beta"}; !slices.Equal(got, want) {
		t.Errorf("tag links = %q, want %q (none from the menu)", got, want)
	}
	if got, want := m.modified, "2021-02-03"; got != want {
		t.Errorf("modified = %q, want %q", got, want)
	}
	if got, want := m.published, "2021-01-02"; got != want {
		t.Errorf("published = %q, want %q", got, want)
	}
}
