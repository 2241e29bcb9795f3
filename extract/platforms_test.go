package extract

import (
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"rankfile/fixtures"
	"rankfile/record"
)

// platformPage is a page of testdata/platforms: rankfile's own markup
// modelled on a platform caucus sites are built with, and what its main
// record must say.
type platformPage struct {
	name      string // file name without .html
	url       string
	platform  string // detectPlatform's name for it
	kind      record.Kind
	title     string
	authors   []string
	published string
	tags      []string
	comments  []record.Comment // Text holds each comment's start
	chrome    []string         // strings of the page's chrome no record may hold
}

var platformPages = []platformPage{
	{
		name: "wordpresscom", url: "https://riversiderankandfile.wordpress.test/2019/02/11/why-we-are-running/",
		platform: "wordpress.com", kind: record.KindPost, title: "Why We Are Running",
		authors: []string{"Teresa Okafor"}, published: "2019-02-11", tags: []string{"Elections", "REA elections", "slate"},
		comments: []record.Comment{
			{Author: "Marcus Bell", Date: "2019-02-12", Text: "Publishing the proposals before they go to the district"},
			{Author: "Riverside Rank and File", Date: "2019-02-12", Text: "Thank you, Marcus! Childcare will be provided"},
		},
		chrome: []string{"Recent Posts", "Open Meeting Notes", "Blog at WordPress.com", "Follow", "Post Comment",
			"Notify me of new comments", "2 thoughts on", "Reply", "says:"},
	},
	{
		name: "astra", url: "https://fightingunion.test/2023/05/02/statement-school-closure-plan/",
		platform: "wordpress", kind: record.KindPost, title: "Our Statement on the School Closure Plan",
		authors: []string{"Rosa Jimenez"}, published: "2023-05-02", tags: []string{"Statements"},
		comments: []record.Comment{
			{Author: "Alicia Moreno", Date: "2023-05-03", Text: "Hamilton Elementary is on the list."},
			{Author: "Tom Reilly", Date: "2023-05-05", Text: "Is there a sign-up sheet for testimony?"},
		},
		chrome: []string{"Related Posts", "What We Said at the Budget Hearing", "Leave a Comment", "Previous Post",
			"Save my name", "Post Comment", "Search for:", "Categories", "Copyright", "Astra WordPress Theme",
			"About Us", "Join Us", "2 thoughts on", "Reply"},
	},
	{
		name: "squarespace", url: "https://www.edu-caucus.test/blog/bargaining-common-good-springfield",
		platform: "squarespace", kind: record.KindPost, title: "Bargaining for the Common Good in Springfield",
		authors: []string{"Nadia Rahman"}, published: "2023-03-14", tags: []string{"News", "bargaining", "common good"},
		chrome: []string{"Skip to Content", "Donate", "Stay in the loop", "Sign up with your email", "We respect your privacy",
			"Listening Sessions", "Welcome, New Members", "Paid for by members", "Nadia teaches fourth grade",
			"Email Address", "Sign Up", "Facebook", "Previous"},
	},
	{
		name: "nationbuilder", url: "https://www.chicagoeducatorsunited.test/spring_organizing_update",
		platform: "nationbuilder", kind: record.KindPost, title: "Spring organizing update",
		authors: []string{"Maria Delgado"}, published: "2022-04-05", tags: []string{"staffing", "community schools"},
		comments: []record.Comment{
			{Author: "James Williams", Date: "2022-04-06", Text: "Dyett parents are ready."},
		},
		chrome: []string{"Log in", "Sign up", "Donate", "23 people like this", "Share this post", "Share on Facebook",
			"Tweet", "Get updates", "Upcoming events", "May 3 walk-ins", "Created with", "Showing 1 reaction",
			"Sign in with", "Chicago Educators United is a caucus", "Tagged:", "Flag"},
	},
	{
		name: "blogger", url: "https://rankandfileteachers.blogspot.test/2021/09/back-to-school-bargaining.html",
		platform: "blogger", kind: record.KindPost, title: "Back-to-school bargaining: what the tentative agreement says",
		authors: []string{"Ken Ito"}, published: "2021-09-07", tags: []string{"bargaining", "contract"},
		comments: []record.Comment{
			{Author: "Priya Natarajan", Date: "2021-09-07", Text: "Thank you for this."},
			{Author: "Ken Ito", Date: "2021-09-08", Text: "They are. Bring the numbers"},
		},
		chrome: []string{"Posted by", "Email This", "BlogThis!", "Share to X", "Labels:", "2 comments:", "Newer Post",
			"Older Post", "Subscribe to:", "Blog Archive", "View my complete profile", "Powered by",
			"Only a member of this blog", "Notes from a caucus", "Delete", "Add comment", "Load more"},
	},
	{
		name: "drupal", url: "https://www.educatorscaucus.test/news/solidarity-school-staff",
		platform: "drupal", kind: record.KindPost, title: "Solidarity with school support staff",
		authors: []string{"Dana Washington"}, published: "2023-03-14", tags: []string{"solidarity", "support staff"},
		comments: []record.Comment{
			{Author: "Lena Park", Date: "2023-03-15", Text: "My son's bus driver has been driving"},
		},
		chrome: []string{"Skip to main content", "Main navigation", "Breadcrumb", "Add new comment", "Your name",
			"Powered by", "Permalink", "Menu", "Tags", "Comments", "Our platform", "Sticky header"},
	},
}

// platformBody reads the HTML of a platform page.
func platformBody(tb testing.TB, name string) []byte {
	tb.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", "platforms", name+".html"))
	if err != nil {
		tb.Fatal(err)
	}
	return b
}

func mustExtractPlatform(tb testing.TB, p platformPage) []record.Record {
	tb.Helper()
	recs, err := New(Options{}).ExtractHTML(p.url, platformBody(tb, p.name), nil)
	if err != nil {
		tb.Fatalf("extract %s: %v", p.name, err)
	}
	return recs
}

// testPage is any page the extractor's page-wide tests run on: the
// fixture web's and the platform pages.
type testPage struct {
	name, url string
	body      []byte
	chrome    []string
}

func allTestPages(tb testing.TB) []testPage {
	tb.Helper()
	var out []testPage
	for _, p := range fixtures.Pages() {
		out = append(out, testPage{name: strings.TrimPrefix(p.URL, "http://"), url: p.URL, body: p.Body()})
	}
	for _, p := range platformPages {
		out = append(out, testPage{name: "platforms/" + p.name, url: p.url, body: platformBody(tb, p.name), chrome: p.chrome})
	}
	return out
}

func TestExtractor_PlatformGolden(t *testing.T) {
	for _, p := range platformPages {
		t.Run(p.name, func(t *testing.T) {
			checkGolden(t, filepath.Join("testdata", "platforms", p.name+".golden.json"), mustExtractPlatform(t, p))
		})
	}
}

func TestExtractor_Platforms(t *testing.T) {
	for _, p := range platformPages {
		t.Run(p.name, func(t *testing.T) {
			body := platformBody(t, p.name)
			if got := platformName(detectPlatform(readMeta(build(string(body))))); got != p.platform {
				t.Errorf("platform = %q, want %q", got, p.platform)
			}
			recs := mustExtractPlatform(t, p)
			var main *record.Record
			for i := range recs {
				if recs[i].Kind == p.kind && recs[i].Title == p.title {
					main = &recs[i]
				}
			}
			if main == nil {
				t.Fatalf("no %s record titled %q among %d records", p.kind, p.title, len(recs))
			}
			if !slices.Equal(main.Authors, p.authors) {
				t.Errorf("authors = %q, want %q", main.Authors, p.authors)
			}
			if got, want := main.Published, p.published; got != want {
				t.Errorf("published = %q, want %q", got, want)
			}
			if !slices.Equal(main.Tags, p.tags) {
				t.Errorf("tags = %q, want %q", main.Tags, p.tags)
			}
			checkComments(t, recs, main.Comments, p.comments)
		})
	}
}

// checkComments checks a record's comments against the wanted ones and
// that no record's text holds a comment.
func checkComments(t *testing.T, recs []record.Record, got, want []record.Comment) {
	t.Helper()
	if len(got) != len(want) {
		t.Errorf("got %d comments, want %d: %+v", len(got), len(want), got)
		return
	}
	for i, w := range want {
		g := got[i]
		if g.Author != w.Author || g.Date != w.Date || !strings.HasPrefix(g.Text, w.Text) {
			t.Errorf("comment %d = %+v, want author %q, date %q, text starting %q", i, g, w.Author, w.Date, w.Text)
		}
		for _, r := range recs {
			if strings.Contains(r.Text, w.Text) || strings.Contains(r.Markdown, w.Text) || strings.Contains(r.Summary, w.Text) {
				t.Errorf("record %s (%s %q) holds comment %d", r.ID, r.Kind, r.Title, i)
			}
		}
	}
}
