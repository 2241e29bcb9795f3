package extract

import (
	"slices"
	"strings"
	"testing"

	"rankfile/record"
)

// shape is what a test expects of a record.
type shape struct {
	kind      record.Kind
	title     string
	acronym   string
	published string
	link      string
	text      string // a prefix of the record's text
}

func TestRecords(t *testing.T) {
	long := strings.Repeat(para+" ", 3)
	tests := []struct {
		name string
		url  string
		html string
		want []shape
	}{
		{"json-ld article", "http://news.test/story",
			`<script type="application/ld+json">{"@type":"NewsArticle","headline":"Strike vote","datePublished":"2023-03-01"}</script>
			<main><h1>Strike vote</h1><p>` + para + `</p></main>`,
			[]shape{{kind: record.KindPost, title: "Strike vote", published: "2023-03-01", text: para}}},
		{"dated teasers", "http://news.test/",
			`<main><h1>News</h1><p>` + para + `</p><div class="item"><h3><a href="/a">First post</a></h3><p>May 16, 2022 Summary one. <a href="/a">READ MORE</a></p></div>
			<div class="item"><h3><a href="/b">Second post</a></h3><p>November 23, 2021 Summary two.</p></div></main>`,
			[]shape{{kind: record.KindPage, title: "News", text: "News\n\n" + para},
				{kind: record.KindPost, title: "First post", published: "2022-05-16", link: "http://news.test/a", text: "May 16, 2022 Summary one."},
				{kind: record.KindPost, title: "Second post", published: "2021-11-23", link: "http://news.test/b", text: "November 23, 2021 Summary two."}}},
		{"teaser links with control characters", "http://news.test/",
			"<main><div><p>May 16, 2022</p><h3><a href=\"/a\x7fb\">First post</a></h3><p>Summary one.</p></div><div><p>May 1, 2022</p><h3><a href=\"\x01/b\n\">Second post</a></h3><p>Summary two.</p></div></main>",
			[]shape{{kind: record.KindPost, title: "First post", published: "2022-05-16", link: "http://news.test/a%7Fb"},
				{kind: record.KindPost, title: "Second post", published: "2022-05-01", link: "http://news.test/b"}}},
		{"date above the teaser title", "http://news.test/",
			`<main><div><p>May 16, 2022</p><h3><a href="/a">First post</a></h3><p>Summary one.</p></div><div><p>May 1, 2022</p><h3><a href="/b">Second post</a></h3><p>Summary two.</p></div></main>`,
			[]shape{{kind: record.KindPost, title: "First post", published: "2022-05-16", link: "http://news.test/a", text: "May 16, 2022\n\nSummary one."},
				{kind: record.KindPost, title: "Second post", published: "2022-05-01", link: "http://news.test/b", text: "May 1, 2022\n\nSummary two."}}},
		{"blog index entries", "http://blog.test/",
			`<body class="home blog"><main><article class="post hentry"><h2 class="entry-title"><a href="/2020/01/02/one/">One</a></h2><div class="entry-summary"><p>` + para + `</p></div>
			<footer class="entry-footer"><time class="entry-date published" datetime="2020-01-02T10:00:00Z">January 2, 2020</time></footer></article></main></body>`,
			[]shape{{kind: record.KindPost, title: "One", published: "2020-01-02", link: "http://blog.test/2020/01/02/one/", text: para}}},
		{"one story in a body classed blog", "http://news.test/2022/11/09/1135/meditation-study",
			`<head><meta property="og:type" content="article"><meta name="date" content="2022-11-09"></head>
			<body class="news blog story-layout"><main><article class="story"><h3>Your Health</h3><h1>Meditation may work as well as a drug</h1>
			<p>Updated November 11, 2022</p><p>` + long + `</p></article></main></body>`,
			[]shape{{kind: record.KindPost, title: "Meditation may work as well as a drug", published: "2022-11-09"}}},
		{"partners without acronyms", "http://caucus.test/partners",
			`<main><h1>Our Partners</h1><h2>Teachers for Justice</h2><p>` + para + `</p><h2>Parents United</h2><p>` + para + `</p></main>`,
			[]shape{{kind: record.KindPage, title: "Our Partners", text: "Our Partners"},
				{kind: record.KindOrganization, title: "Teachers for Justice", text: para},
				{kind: record.KindOrganization, title: "Parents United", text: para}}},
		{"bold names with acronyms", "http://caucus.test/network",
			`<main><p><strong>United Caucuses of Rank-and-File Educators (UCORE)</strong></p><p>` + para + `</p><p><b>Caucus of Working Educators (WE)</b></p><p>` + para + `</p></main>`,
			[]shape{{kind: record.KindOrganization, title: "United Caucuses of Rank-and-File Educators", acronym: "UCORE", text: para},
				{kind: record.KindOrganization, title: "Caucus of Working Educators", acronym: "WE", text: para}}},
		{"mission section on a home page", "http://caucus.test/",
			`<main><h1>Welcome</h1><p>` + para + `</p><h2>Our Mission</h2><p>We organize for schools our students deserve.</p><h2>Events</h2><p>` + para + `</p></main>`,
			[]shape{{kind: record.KindPage, title: "Welcome", text: "Welcome\n\n" + para + "\n\nEvents"},
				{kind: record.KindMission, title: "Our Mission", text: "We organize for schools our students deserve."}}},
		{"about page with member list", "http://coalition.test/about-us",
			`<title>About Us | Coalition</title><main><h1>About Us</h1><p>` + long + `</p><h2>Member Organizations</h2><ul><li><a href="http://a.test/">Teachers Association (TA)</a></li><li>Parents Union – parents of the district</li></ul></main>`,
			[]shape{{kind: record.KindMission, title: "About Us", text: para},
				{kind: record.KindPage, title: "About Us", text: "Member Organizations"},
				{kind: record.KindOrganization, title: "Teachers Association", acronym: "TA", link: "http://a.test/"},
				{kind: record.KindOrganization, title: "Parents Union", text: "parents of the district"}}},
		{"plain page", "http://caucus.test/join",
			`<main><h1>Join us</h1><p>` + para + `</p></main>`,
			[]shape{{kind: record.KindPage, title: "Join us", text: "Join us\n\n" + para}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			recs, err := New(Options{}).ExtractHTML(tt.url, []byte(tt.html), nil)
			if err != nil {
				t.Fatal(err)
			}
			var got []shape
			for _, r := range recs {
				got = append(got, shape{r.Kind, r.Title, r.Acronym, r.Published, r.Link, r.Text})
			}
			if len(got) != len(tt.want) {
				t.Fatalf("got %d records, want %d:\n%+v", len(got), len(tt.want), got)
			}
			for i, w := range tt.want {
				g := got[i]
				if g.kind != w.kind || g.title != w.title || g.acronym != w.acronym || g.published != w.published || g.link != w.link || !strings.HasPrefix(g.text, w.text) {
					t.Errorf("record %d = %+v\n want %+v", i, g, w)
				}
			}
			ids := map[string]bool{}
			for _, r := range recs {
				if ids[r.ID] {
					t.Errorf("repeated ID %s", r.ID)
				}
				ids[r.ID] = true
			}
		})
	}
}

func TestSplitAcronym(t *testing.T) {
	tests := []struct{ in, name, acronym string }{
		{"United Caucuses of Rank-and-File Educators (UCORE)", "United Caucuses of Rank-and-File Educators", "UCORE"},
		{"Caucus of Working Educators (WE)", "Caucus of Working Educators", "WE"},
		{"Educators for a Democratic Union(EDU)", "Educators for a Democratic Union", "EDU"},
		{"Coalition for a Better BTU", "Coalition for a Better BTU", ""},
		{"Meeting (online)", "Meeting (online)", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			name, acr := splitAcronym(tt.in)
			if name != tt.name || acr != tt.acronym {
				t.Errorf("splitAcronym(%q) = %q, %q; want %q, %q", tt.in, name, acr, tt.name, tt.acronym)
			}
		})
	}
}

func TestIsMissionTitle(t *testing.T) {
	var got []string
	for _, s := range []string{"Our Mission", "Mission", "Mission Statement", "About", "About Us", "Who We Are", "Our Values",
		"Vision & Mission", "our mission:", "Missions abroad", "About the author", "News", "Our Mission Trip"} {
		if isMissionTitle(s) {
			got = append(got, s)
		}
	}
	want := []string{"Our Mission", "Mission", "Mission Statement", "About", "About Us", "Who We Are", "Our Values", "Vision & Mission", "our mission:"}
	if !slices.Equal(got, want) {
		t.Errorf("mission titles = %q, want %q", got, want)
	}
}
