package extract

import (
	"reflect"
	"strings"
	"testing"
	"time"

	"rankfile/fixtures"
	"rankfile/record"
)

func TestURLKey(t *testing.T) {
	tests := []struct{ a, b string }{
		{"http://www.site.test/post/", "https://site.test/post"},
		{"http://site.test", "http://SITE.test/"},
		{"http://site.test:80/a#comments", "http://site.test/a"},
		{"http://site.test/?p=12", "http://site.test?p=12"},
	}
	for _, tt := range tests {
		if ka, kb := urlKey(tt.a), urlKey(tt.b); ka != kb || ka == "" {
			t.Errorf("urlKey(%q) = %q, urlKey(%q) = %q: want equal", tt.a, ka, tt.b, kb)
		}
	}
	for _, u := range []string{"", "/relative", "mailto:x@site.test"} {
		if k := urlKey(u); k != "" {
			t.Errorf("urlKey(%q) = %q, want \"\"", u, k)
		}
	}
	if urlKey("http://site.test/a?x=1") == urlKey("http://site.test/a?x=2") {
		t.Error("queries are part of the key")
	}
}

// teaserRec returns a teaser record on a listing page.
func teaserRec(title, link, date string) record.Record {
	return record.Record{ID: "t-" + title, Kind: record.KindPost, URL: "http://site.test/", Title: title, Link: link,
		Published: date, Text: date + " excerpt of " + title}
}

func TestResolveTeasers(t *testing.T) {
	post := func(url, title, date string) record.Record {
		return record.Record{ID: record.MakeID(record.KindPost, url, title), Kind: record.KindPost, URL: url, Title: title, Published: date, Text: "the post " + title}
	}
	page := func(url, title string) record.Record {
		return record.Record{ID: record.MakeID(record.KindPage, url, ""), Kind: record.KindPage, URL: url, Title: title, Text: "the page " + title}
	}
	dated := func(r record.Record, date string) record.Record { r.Published = date; return r }
	asPost := func(r record.Record, date string) record.Record {
		r.Kind, r.Published, r.ID = record.KindPost, date, record.MakeID(record.KindPost, r.URL, r.Title)
		return r
	}
	canon := func(r record.Record, c string) record.Record { r.Canonical = c; return r }
	tests := []struct {
		name string
		in   []record.Record
		want []record.Record
	}{
		{"undated post takes the teaser's date, teaser dropped",
			[]record.Record{teaserRec("A", "http://site.test/a", "2020-01-02"), post("http://site.test/a", "A", "")},
			[]record.Record{post("http://site.test/a", "A", "2020-01-02")}},
		{"dated post keeps its date",
			[]record.Record{teaserRec("A", "http://site.test/a", "2020-01-02"), post("http://site.test/a", "A", "2019-05-05")},
			[]record.Record{post("http://site.test/a", "A", "2019-05-05")}},
		{"teaser of a post not archived stays",
			[]record.Record{teaserRec("A", "http://site.test/a", "2020-01-02"), post("http://site.test/b", "B", "")},
			[]record.Record{teaserRec("A", "http://site.test/a", "2020-01-02"), post("http://site.test/b", "B", "")}},
		{"the only page record becomes a dated post",
			[]record.Record{page("http://site.test/a/", "A post"), teaserRec("A", "http://site.test/a", "2020-01-02")},
			[]record.Record{asPost(page("http://site.test/a/", "A post"), "2020-01-02")}},
		{"a page record among others stays a page unless titled as the teaser",
			[]record.Record{
				page("http://site.test/a", "Other"),
				{ID: "org", Kind: record.KindOrganization, URL: "http://site.test/a", Title: "Org", Text: "x"},
				teaserRec("A", "http://site.test/a", "2020-01-02"),
			},
			[]record.Record{page("http://site.test/a", "Other"), {ID: "org", Kind: record.KindOrganization, URL: "http://site.test/a", Title: "Org", Text: "x"}}},
		{"matched by canonical URL, scheme, www and slash aside",
			[]record.Record{
				canon(post("http://site.test/?p=12", "A", ""), "https://www.site.test/2020/a/"),
				teaserRec("A", "http://site.test/2020/a", "2020-01-02"),
			},
			[]record.Record{dated(canon(post("http://site.test/?p=12", "A", ""), "https://www.site.test/2020/a/"), "2020-01-02")}},
		{"every capture of the post is dated",
			[]record.Record{post("http://site.test/a", "A", ""), post("http://site.test/a", "A", ""), teaserRec("A", "http://site.test/a", "2020-01-02")},
			[]record.Record{post("http://site.test/a", "A", "2020-01-02"), post("http://site.test/a", "A", "2020-01-02")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := append([]record.Record(nil), tt.in...)
			got := ResolveTeasers(in)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("ResolveTeasers:\n got %+v\nwant %+v", got, tt.want)
			}
			if !reflect.DeepEqual(in, tt.in) {
				t.Error("ResolveTeasers modified its input")
			}
		})
	}
}

// TestResolveTeasers_Fixtures checks, over the whole fixture web, that no
// teaser of an archived post is left and that every post is dated.
func TestResolveTeasers_Fixtures(t *testing.T) {
	var all []record.Record
	for _, p := range fixtures.Pages() {
		all = append(all, mustExtractFixture(t, p)...)
	}
	teasers := 0
	for _, r := range all {
		if isTeaser(r) {
			teasers++
		}
	}
	if teasers == 0 {
		t.Fatal("the fixture web has no teasers")
	}
	for _, r := range ResolveTeasers(all) {
		if isTeaser(r) {
			if _, archived := fixtures.Body(r.Link); archived {
				t.Errorf("teaser %q on %s kept, though %s is a fixture page", r.Title, r.URL, r.Link)
			}
		}
		if r.Kind == record.KindPost && r.Published == "" {
			t.Errorf("post %q on %s has no date", r.Title, r.URL)
		}
	}
}

func TestDedupe(t *testing.T) {
	at := func(h int) time.Time { return time.Date(2024, 1, 1, h, 0, 0, 0, time.UTC) }
	rec := func(kind record.Kind, url, canonical, title, text string, captured time.Time) record.Record {
		return record.Record{ID: record.MakeID(kind, url, title), Kind: kind, URL: url, Canonical: canonical, Title: title, Text: text, Captured: captured}
	}
	withDate := func(r record.Record, d string) record.Record { r.Published = d; return r }
	canonical := "http://site.test/2020/a/"
	tests := []struct {
		name string
		in   []record.Record
		want []record.Record
	}{
		{"same canonical: the canonical URL's record kept, fields filled",
			[]record.Record{
				withDate(rec(record.KindPost, "http://site.test/?p=1", canonical, "A", "text", at(1)), "2020-01-01"),
				rec(record.KindPost, canonical, canonical, "A", "text", at(2)),
			},
			[]record.Record{withDate(rec(record.KindPost, canonical, canonical, "A", "text", at(2)), "2020-01-01")}},
		{"same title and text at two URLs: the shorter kept, whichever came first",
			[]record.Record{
				rec(record.KindPost, "http://site.test/?p=1", "", "A", "text", at(1)),
				rec(record.KindPost, "http://site.test/a", "", "A", "text", at(2)),
			},
			[]record.Record{rec(record.KindPost, "http://site.test/a", "", "A", "text", at(2))}},
		{"same title and text at two URLs, found in the other order",
			[]record.Record{
				rec(record.KindPost, "http://site.test/a", "", "A", "text", at(2)),
				rec(record.KindPost, "http://site.test/?p=1", "", "A", "text", at(1)),
			},
			[]record.Record{rec(record.KindPost, "http://site.test/a", "", "A", "text", at(2))}},
		{"two captures of one version: the earliest kept",
			[]record.Record{rec(record.KindPage, "http://site.test/", "", "Home", "hello", at(5)), rec(record.KindPage, "http://site.test/", "", "Home", "hello", at(3))},
			[]record.Record{rec(record.KindPage, "http://site.test/", "", "Home", "hello", at(3))}},
		{"two versions of a page both kept",
			[]record.Record{rec(record.KindPage, "http://site.test/", "", "Home", "hello", at(1)), rec(record.KindPage, "http://site.test/", "", "Home", "hello again", at(2))},
			[]record.Record{rec(record.KindPage, "http://site.test/", "", "Home", "hello", at(1)), rec(record.KindPage, "http://site.test/", "", "Home", "hello again", at(2))}},
		{"one teaser per target and title, the longest excerpt",
			[]record.Record{
				{Kind: record.KindPost, URL: "http://site.test/", Link: "http://site.test/a", Title: "A", Text: "short", Published: "2020-01-01"},
				{Kind: record.KindPost, URL: "http://site.test/category/x/", Link: "http://site.test/a/", Title: "A", Text: "a longer excerpt"},
			},
			[]record.Record{{Kind: record.KindPost, URL: "http://site.test/", Link: "http://site.test/a", Title: "A", Text: "a longer excerpt", Published: "2020-01-01"}}},
		{"the same organization on two pages stays twice",
			[]record.Record{rec(record.KindOrganization, "http://site.test/a", "", "Org", "about", time.Time{}), rec(record.KindOrganization, "http://site.test/b", "", "Org", "about", time.Time{})},
			[]record.Record{rec(record.KindOrganization, "http://site.test/a", "", "Org", "about", time.Time{}), rec(record.KindOrganization, "http://site.test/b", "", "Org", "about", time.Time{})}},
		{"different kinds stay apart",
			[]record.Record{rec(record.KindPage, "http://site.test/a", "", "A", "x", time.Time{}), rec(record.KindMission, "http://site.test/a", "", "A", "x", time.Time{})},
			[]record.Record{rec(record.KindPage, "http://site.test/a", "", "A", "x", time.Time{}), rec(record.KindMission, "http://site.test/a", "", "A", "x", time.Time{})}},
		{"a chain of matches is one group",
			[]record.Record{
				rec(record.KindPost, "http://site.test/feed-link", canonical, "A", "text", at(3)),
				rec(record.KindPost, "http://site.test/?p=1", "", "A", "text", at(2)),
				rec(record.KindPost, canonical, canonical, "A", "text", at(4)),
			},
			[]record.Record{rec(record.KindPost, canonical, canonical, "A", "text", at(4))}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			in := append([]record.Record(nil), tt.in...)
			got := Dedupe(in)
			if !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Dedupe:\n got %+v\nwant %+v", got, tt.want)
			}
			if !reflect.DeepEqual(in, tt.in) {
				t.Error("Dedupe modified its input")
			}
		})
	}
}

// TestDedupe_Fixtures checks that extracting the fixture web twice (two
// crawls) and deduplicating leaves the records of one.
func TestDedupe_Fixtures(t *testing.T) {
	var once []record.Record
	for _, p := range fixtures.Pages() {
		once = append(once, mustExtractFixture(t, p)...)
	}
	got := Dedupe(append(append([]record.Record(nil), once...), once...))
	if len(got) > len(once) {
		t.Errorf("got %d records from two identical crawls, want at most %d", len(got), len(once))
	}
	seen := map[string]bool{}
	for _, r := range got {
		k := string(r.Kind) + r.URL + r.Title + r.Link + strings.Repeat("x", 0)
		if seen[k+r.Text] {
			t.Errorf("record %s (%s %q) kept twice", r.ID, r.Kind, r.Title)
		}
		seen[k+r.Text] = true
	}
}
