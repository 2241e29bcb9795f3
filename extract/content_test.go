package extract

import (
	"fmt"
	"strings"

	"rankfile/record"
	"testing"
)

func TestMainRoots(t *testing.T) {
	long := strings.Repeat(para+" ", 8)
	links := strings.Repeat(`<p><a href="/x">A long linked title of another post on this site</a></p>`, 4)
	tests := []struct {
		name     string
		html     string
		want     []string // texts that must be kept
		unwanted []string
	}{
		{"article in a wrapper",
			`<div class="page"><div class="body"><h1>Title</h1><p>` + long + `</p><p>Second paragraph of the story, short.</p></div><div class="rail">` + links + `</div></div>`,
			[]string{long[:40], "Second paragraph"}, []string{"A long linked title"}},
		{"article split over two containers",
			`<div class="page"><div class="part-one"><p>` + long + `</p></div><div class="part-two"><p>` + strings.Repeat("The second part goes on with the story of the strike. ", 2) + `</p></div>` +
				`<div class="rail"><p><a href="/a">Home</a></p><p><a href="/b">About us</a></p><p>Follow the caucus on the radio, every single week</p></div></div>`,
			[]string{long[:40], "The second part goes on"}, []string{"Home", "About us", "Follow the caucus"}},
		{"spread writing keeps the whole page",
			`<section><h2>One</h2><p>` + para + `</p></section><section><h2>Two</h2><p>` + para + `</p></section><section><h2>Three</h2><p>` + para + `</p></section>`,
			[]string{"One", "Two", "Three"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			body := bodyOf(build(tt.html))
			prune(body, nil)
			all := render(body)
			text := joinBlocks(under(all, mainRoots(body, all)))
			for _, w := range tt.want {
				if !strings.Contains(text, w) {
					t.Errorf("text lacks %q:\n%s", w, text)
				}
			}
			for _, u := range tt.unwanted {
				if strings.Contains(text, u) {
					t.Errorf("text holds %q:\n%s", u, text)
				}
			}
		})
	}
}

// TestExtractor_standfirst checks that the opening paragraph a page's
// title header holds (documentation sites put the summary there, beside
// the body's sections) is kept with the body, and that the byline and the
// share links in the same header are not.
func TestExtractor_standfirst(t *testing.T) {
	intro := "The strike fund pays members a weekly benefit while they are out, from the dues every member pays each month."
	var body strings.Builder
	for i := 0; i < 6; i++ {
		fmt.Fprintf(&body, "<section><h2>Part %d</h2><p>%s</p><p>%s</p></section>", i+1, para, para)
	}
	page := `<html><head><title>Using the strike fund</title></head><body><main>
<div class="layout__header"><h1>Using the strike fund</h1><p>` + intro + `</p>
<p class="byline">By Jane Doe</p><p><a href="/share/a">Share on a site</a> <a href="/share/b">Share on another site</a></p></div>
<div class="layout__body">` + body.String() + `</div></main></body></html>`
	recs, err := New(Options{}).ExtractHTML("https://docs.example/fund", []byte(page), nil)
	if err != nil {
		t.Fatal(err)
	}
	text := Text(recs)
	if !strings.Contains(text, intro) {
		t.Errorf("the summary under the title is lost: %.300q", text)
	}
	if strings.Count(text, para) != 12 {
		t.Errorf("%d of the body's 12 paragraphs kept", strings.Count(text, para))
	}
	for _, chrome := range []string{"Share on", "By Jane Doe"} {
		if strings.Contains(text, chrome) {
			t.Errorf("%q kept", chrome)
		}
	}
}

// TestExtractor_navigationTree: a documentation site's navigation tree,
// nested lists of links holding more text than the page's own writing,
// is left out; the writing is kept.
func TestExtractor_navigationTree(t *testing.T) {
	var nav strings.Builder
	nav.WriteString(`<nav aria-label="Product"><ul>`)
	for i := 0; i < 12; i++ {
		fmt.Fprintf(&nav, `<li><button aria-expanded="false">Chapter %d of the handbook</button><ul>`, i+1)
		for j := 0; j < 8; j++ {
			fmt.Fprintf(&nav, `<li><a href="/handbook/%d/%d">Section %d.%d on organizing a building committee</a></li>`, i, j, i+1, j+1)
		}
		nav.WriteString(`</ul></li>`)
	}
	nav.WriteString(`</ul></nav>`)
	page := `<html><head><title>Filing a grievance</title></head><body><div class="layout"><div class="sidebar">` + nav.String() +
		`</div><div class="content"><h1>Filing a grievance</h1>` + strings.Repeat(`<p>`+para+`</p>`, 5) + `</div></div></body></html>`
	recs, err := New(Options{}).ExtractHTML("https://docs.example/grievance", []byte(page), nil)
	if err != nil {
		t.Fatal(err)
	}
	text := Text(recs)
	if strings.Count(text, para) != 5 {
		t.Errorf("%d of the 5 paragraphs kept: %.300q", strings.Count(text, para), text)
	}
	if strings.Contains(text, "Section ") || strings.Contains(text, "Chapter ") {
		t.Errorf("the navigation tree is kept: %.500q", text)
	}
}

// TestExtractor_linkInSentence: a link inside a sentence stays, whatever
// its class says ("meta-loc" names chrome elsewhere); a sentence with a
// word taken out is a misquotation.
func TestExtractor_linkInSentence(t *testing.T) {
	sentence := `LONDON — After nearly 20 years of hostile relations, the government plans to reverse its position on <a href="/topics/sudan" class="meta-loc">Sudan</a> and lift trade sanctions, officials said late Thursday.`
	page := `<html><body><article><h1>Sanctions on Sudan to be lifted</h1><p>` + sentence + `</p>` + strings.Repeat("<p>"+para+"</p>", 6) +
		`<div class="entry-meta"><a href="/category/world">World</a></div></article></body></html>`
	recs, err := New(Options{}).ExtractHTML("https://news.example/2017/01/13/sudan.html", []byte(page), nil)
	if err != nil {
		t.Fatal(err)
	}
	text := Text(recs)
	if !strings.Contains(text, "its position on Sudan and lift trade sanctions") {
		t.Errorf("the sentence lost its link's word: %.400q", text)
	}
	if strings.Contains(text, "World") {
		t.Errorf("the post's meta line is kept: %.400q", text)
	}
}

// TestExtractor_chineseArticle: a dated article written in Chinese, without
// spaces between words, is as long as its English peer and is read as an
// article (a post with its date), not as a page of undated writing.
func TestExtractor_chineseArticle(t *testing.T) {
	zh := "教师工会的基层成员周四开会，讨论春季争取小班教学、公平薪酬和学生应得的学校的行动计划。"
	page := `<html><head><title>教师工会基层会议</title></head><body><div class="nav"><a href="/">首页</a>|<a href="/news">新闻</a></div>
<div class="main"><h1>教师工会基层会议</h1><p>发稿时间：2017-03-10 08:42:00</p>` + strings.Repeat("<p>"+zh+zh+"</p>", 4) + `</div></body></html>`
	recs, err := New(Options{}).ExtractHTML("https://news.example.cn/edu/content_123.htm", []byte(page), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) == 0 || recs[0].Kind != record.KindPost || recs[0].Published != "2017-03-10" {
		for _, r := range recs {
			t.Logf("%s %q %s", r.Kind, r.Title, r.Published)
		}
		t.Fatalf("not read as a post of 2017-03-10")
	}
}

func TestWordCount(t *testing.T) {
	for _, c := range []struct {
		in   string
		want int
	}{
		{"the strike vote", 3},
		{"  spaced\tout\nwords ", 3},
		{"教师工会", 1 + 2},     // one run, four characters
		{"トレンドマイクロ", 1 + 4}, // katakana
		{"파업 투표", 2},        // Korean is written with spaces
	} {
		if got := wordCount(c.in); got != c.want {
			t.Errorf("wordCount(%q) = %d, want %d", c.in, got, c.want)
		}
	}
}

// TestTitleDate: the date line shown beside the title, in a header apart
// from the writing chosen, dates the page; a date far from the title (a
// teaser's, a footer's) does not.
func TestTitleDate(t *testing.T) {
	render := func(markup string) []block {
		return clean((&renderer{}).run(bodyOf(buildMarkup(markupOf(markup)))))
	}
	writing := strings.Repeat("<p>"+para+"</p>", 3)
	for _, c := range []struct{ name, page, want string }{
		{"under the title", `<div class="hero"><h1>What is a grievance?</h1><div><span>Posted on</span> <span>Nov 21, 2018</span></div></div>` + writing, "2018-11-21"},
		{"over the title", `<p>21 November 2018</p><h1>What is a grievance?</h1>` + writing, "2018-11-21"},
		{"far below", `<h1>What is a grievance?</h1>` + writing + writing + `<p>Nov 21, 2018</p>`, ""},
		{"no title", `<h2>What is a grievance?</h2><p>Nov 21, 2018</p>` + writing, ""},
	} {
		a := &analysis{all: render("<html><body>" + c.page + "</body></html>")}
		if got := a.titleDate(); got != c.want {
			t.Errorf("%s: got %q, want %q", c.name, got, c.want)
		}
	}
}

// TestExtractor_articleWithTeasers: a long page that ends with a few dated
// teasers of other posts keeps its own declared date: the teasers do not
// make it a listing whose metadata may be theirs.
func TestExtractor_articleWithTeasers(t *testing.T) {
	var rail strings.Builder
	rail.WriteString(`<h2>From the blog</h2>`)
	for i := 1; i <= 3; i++ {
		fmt.Fprintf(&rail, `<h3><a href="/blog/post-%d">Post %d from the blog</a></h3><p>March %d, 2024</p><p>A short teaser of post %d.</p>`, i, i, i, i)
	}
	page := `<html><head><title>A guide to organizing</title>
<script type="application/ld+json">{"@context":"https://schema.org","@type":"WebPage","datePublished":"2023-05-02T10:00:00+00:00"}</script></head>
<body><div class="content"><h1>A guide to organizing</h1>` + strings.Repeat("<p>"+para+" "+para+"</p>", 10) + rail.String() + `</div></body></html>`
	recs, err := New(Options{}).ExtractHTML("https://union.example/guide/", []byte(page), nil)
	if err != nil {
		t.Fatal(err)
	}
	posts := 0
	for _, r := range recs {
		if r.Kind == record.KindPost {
			posts++
		}
	}
	if posts != 3 {
		t.Errorf("%d teaser posts, want 3", posts)
	}
	for _, r := range recs {
		if r.Kind == record.KindPage && r.Published != "2023-05-02" {
			t.Errorf("the guide is dated %q, want its own 2023-05-02", r.Published)
		}
	}
}

// TestExtractor_originalDate: the date shown beside the title is the
// publication's when the metadata gives a later one (the page re-dated on
// an update), not when it is the later one ("Updated ...").
func TestExtractor_originalDate(t *testing.T) {
	for _, c := range []struct{ declared, shown, want string }{
		{"2025-06-01T09:00:00+00:00", "March 3, 2019", "2019-03-03"},
		{"2018-04-03T16:50:31Z", "Updated Dec 19, 2025", "2018-04-03"},
	} {
		page := `<html><head><title>Class sizes</title><script type="application/ld+json">{"@context":"https://schema.org","@type":"Article","headline":"Class sizes","datePublished":"` + c.declared + `"}</script></head>
<body><div class="hero"><h1>Class sizes</h1><p class="when">` + c.shown + `</p></div><div class="body">` + strings.Repeat("<p>"+para+" "+para+"</p>", 6) + `</div></body></html>`
		recs, err := New(Options{}).ExtractHTML("https://union.example/news/class-sizes", []byte(page), nil)
		if err != nil {
			t.Fatal(err)
		}
		if len(recs) == 0 || recs[0].Published != c.want {
			for _, r := range recs {
				t.Logf("%s %q %q", r.Kind, r.Title, r.Published)
			}
			t.Errorf("declared %s, shown %q: want %s", c.declared, c.shown, c.want)
		}
	}
}

// TestExtractor_widerDate: an article by og:type whose only date is in its
// text, far from its title, is still a dated post: htmldate's wider search
// finds the date, and the page is not left an undated page.
func TestExtractor_widerDate(t *testing.T) {
	body := strings.Repeat("<p>"+para+" "+para+"</p>", 4) + `<p>This statement was adopted by the membership on 14 March 2017 after a month of debate.</p>` + strings.Repeat("<p>"+para+" "+para+"</p>", 4)
	page := `<html><head><title>Our statement on testing</title><meta property="og:type" content="article"></head>
<body><div class="content"><h1>Our statement on testing</h1>` + body + `</div></body></html>`
	recs, err := New(Options{}).ExtractHTML("https://union.example/statement-on-testing", []byte(page), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) == 0 || recs[0].Kind != record.KindPost || recs[0].Published != "2017-03-14" {
		for _, r := range recs {
			t.Logf("%s %q %q", r.Kind, r.Title, r.Published)
		}
		t.Error("want one post dated 2017-03-14")
	}
}

// TestExtractor_questionDate: a Q&A page (Stack Exchange's microdata) is
// dated by its question's dateCreated, not by an answer's, a comment's or
// the question's last edit.
func TestExtractor_questionDate(t *testing.T) {
	page := `<!DOCTYPE html><html itemscope itemtype="https://schema.org/QAPage" lang="en"><head><title>Can a caucus endorse candidates?</title></head><body>
<div itemprop="mainEntity" itemscope itemtype="https://schema.org/Question">
<h1 itemprop="name">Can a caucus endorse candidates?</h1>
<div><span>Asked</span> <time itemprop="dateCreated" datetime="2014-03-28 10:01:21Z">11 years ago</time>
<a href="/posts/964/revisions">edited <span title='2017-04-13 19:57:15Z' class='relativetime'>Apr 13, 2017 at 19:57</span></a></div>
<div itemprop="text"><p>` + para + ` ` + para + `</p></div>
<div itemprop="acceptedAnswer" itemscope itemtype="https://schema.org/Answer"><time itemprop="dateCreated" datetime="2014-03-29 08:00:00Z"></time>
<div itemprop="text"><p>` + para + ` ` + para + ` ` + para + `</p></div>
<ul><li itemprop="comment" itemscope itemtype="https://schema.org/Comment"><div itemprop="datePublished">2016-01-02 10:00:00 +00:00</div> Thanks.</li></ul></div>
</div></body></html>`
	recs, err := New(Options{}).ExtractHTML("https://union.stackexchange.example/questions/964/can-a-caucus-endorse", []byte(page), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) == 0 || recs[0].Published != "2014-03-28" {
		for _, r := range recs {
			t.Logf("%s %q %q", r.Kind, r.Title, r.Published)
		}
		t.Error("want the question's date, 2014-03-28")
	}
}
