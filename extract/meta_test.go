package extract

import (
	"slices"
	"testing"
)

func TestReadMeta(t *testing.T) {
	tests := []struct {
		name      string
		html      string
		authors   []string
		published string
		article   bool
		siteName  string
	}{
		{"json-ld graph", `<script type="application/ld+json">{"@context":"https://schema.org","@graph":[{"@type":"WebSite","name":"AlbuCORE"},
			{"@type":"BlogPosting","headline":"UCORE Report Back","datePublished":"2017-10-23T15:12:41-06:00","author":{"@type":"Person","name":"Jane Doe"}}]}</script>`,
			[]string{"Jane Doe"}, "2017-10-23", true, "AlbuCORE"},
		{"json-ld author list", `<script type="application/ld+json">{"@type":["NewsArticle"],"author":[{"name":"A. Smith"},{"name":"B. Jones"}],"datePublished":"2021-11-23"}</script>`,
			[]string{"A. Smith", "B. Jones"}, "2021-11-23", true, ""},
		{"broken json-ld is ignored", `<script type="application/ld+json">{"@type": "Article",</script><meta name="author" content="Jane Doe">`,
			[]string{"Jane Doe"}, "", false, ""},
		{"meta tags", `<meta property="og:site_name" content="TURN"><meta property="article:published_time" content="2022-05-16T09:00:00Z">
			<meta name="author" content="Amrita Dani and Chloe Asselin">`, []string{"Amrita Dani", "Chloe Asselin"}, "2022-05-16", false, "TURN"},
		{"wordpress byline markup", `<body class="single"><span class="byline"><span class="author vcard"><a class="url fn n" href="/author/a">Amrita Dani</a></span></span>
			<time class="entry-date published" datetime="2020-10-29T10:03:11-04:00">October 29, 2020</time><time class="updated" datetime="2020-11-02">Nov 2</time>`,
			[]string{"Amrita Dani"}, "2020-10-29", false, ""},
		{"rel author", `<a rel="author" href="/x">By Jane Doe</a>`, []string{"Jane Doe"}, "", false, ""},
		{"url author is not a name", `<meta property="article:author" content="https://facebook.com/someone">`, nil, "", false, ""},
		{"json-ld author by reference", `<script type="application/ld+json">{"@graph":[{"@type":"Article","author":{"@id":"https://x.test/#/person/1"},"datePublished":"2023-01-05"},
			{"@type":"Person","@id":"https://x.test/#/person/1","name":"Shivkumar M"}]}</script>`, []string{"Shivkumar M"}, "2023-01-05", true, ""},
		{"forum opening post", `<script type="application/ld+json">{"@type":"DiscussionForumPosting","author":{"@type":"Person","name":"felixen"},"datePublished":"2022-07-09T10:00:00Z"}</script>`,
			[]string{"felixen"}, "2022-07-09", false, ""},
		{"a web page's main entity: a forum thread", `<script type="application/ld+json">{"@type":"WebPage","datePublished":"2025-01-01","mainEntity":{"@type":"DiscussionForumPosting",
			"author":{"@type":"Person","name":"felixen"},"datePublished":"2022-07-09T22:10:31+00:00"}}</script>`, []string{"felixen"}, "2022-07-09", false, ""},
		{"a web page's main entity: an article", `<script type="application/ld+json">{"@type":"WebPage","mainEntity":{"@type":"NewsArticle",
			"author":{"name":"B. Jones"},"datePublished":"2021-11-23"}}</script>`, []string{"B. Jones"}, "2021-11-23", true, ""},
		{"author-named class", `<div class="_authorDetails_1r0t6_45"><a href="/blog/x" class="_authorName_1r0t6_51">Brian Becker</a></div>`,
			[]string{"Brian Becker"}, "", false, ""},
		{"author page link", `<p><span>Fact-checked by <a href="https://b.test/authors/oleg-parashchak/">Oleg Parashchak</a></span></p>`,
			[]string{"Oleg Parashchak"}, "", false, ""},
		{"author-named class holding a sentence", `<div class="author-bio">Jane writes about schools and unions in three cities for many years now.</div>`,
			nil, "", false, ""},
		{"entities in a meta author", `<meta name="author" content="Maria &amp;amp; Katerina">`, []string{"Maria", "Katerina"}, "", false, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m := readMeta(build(tt.html))
			if !slices.Equal(m.authors, tt.authors) {
				t.Errorf("authors = %q, want %q", m.authors, tt.authors)
			}
			if m.published != tt.published {
				t.Errorf("published = %q, want %q", m.published, tt.published)
			}
			if m.article != tt.article {
				t.Errorf("article = %v, want %v", m.article, tt.article)
			}
			if m.siteName != tt.siteName {
				t.Errorf("site name = %q, want %q", m.siteName, tt.siteName)
			}
		})
	}
}

func TestPageTitle(t *testing.T) {
	tests := []struct {
		name       string
		m          meta
		h1s        []string
		entryTitle string
		want       string
		site       string
	}{
		{"entry title wins", meta{title: "UCORE Report Back – AlbuCORE"}, []string{"AlbuCORE"}, "UCORE Report Back", "UCORE Report Back", "AlbuCORE"},
		{"h1 repeated by title", meta{title: "Our Mission - ARoS Louisville"}, []string{"Our Mission"}, "", "Our Mission", "ARoS Louisville"},
		{"site name dropped from title", meta{title: "Community Partnerships | BMORE", siteName: "BMORE"}, []string{"Community Partnerships &", "National Network"}, "", "Community Partnerships", "BMORE"},
		{"only h1", meta{title: "Home"}, []string{"Welcome to the caucus"}, "", "Welcome to the caucus", "example.test"},
		{"no h1", meta{title: "Posts – TURN"}, nil, "", "Posts", "TURN"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := pageTitle(&tt.m, tt.h1s, tt.entryTitle)
			if got != tt.want {
				t.Errorf("pageTitle = %q, want %q", got, tt.want)
			}
			if site := siteName(&tt.m, got, "http://www.example.test/x"); site != tt.site {
				t.Errorf("siteName = %q, want %q", site, tt.site)
			}
		})
	}
}
