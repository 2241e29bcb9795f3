package extract

import (
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"

	"rankfile/fixtures"
	"rankfile/record"
)

// pathologicalAlloc bounds the bytes a pathological page may cost to
// extract: a multiple of its size, plus a fixed part for small pages.
// Work is bounded by what it allocates, which a busy machine does not
// change, not by the time it takes.
const pathologicalAlloc = 40

func TestExtractor_Pathological(t *testing.T) {
	deep := func(open, close string, n int) string {
		return "<html><body>" + strings.Repeat(open, n) + "<p>" + para + "</p>" + strings.Repeat(close, n) + "</body></html>"
	}
	big := "<html><body><main>" + strings.Repeat("<p>"+para+"</p>\n", 60000) + "</main></body></html>"
	tests := []struct {
		name string
		page string
		want string
	}{
		{"100000 nested divs", deep("<div>", "</div>", 100000), para},
		{"100000 unclosed divs", deep("<div>", "", 100000), para},
		{"100000 nested spans", deep("<span>", "</span>", 100000), para},
		{"100000 nested bold", deep("<b>", "", 100000), para},
		{"100000 nested tables", deep("<table><tr><td>", "</td></tr></table>", 100000), para},
		{"100000 nested lists", deep("<ul><li>", "</li></ul>", 100000), para},
		{"7 MB page", big, para},
		{"unclosed comment", "<html><body><p>" + para + "</p><!-- " + strings.Repeat("x", 100000), para},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var recs []record.Record
			var err error
			allocated := allocatedBy(func() {
				recs, err = New(Options{}).ExtractHTML("http://example.test/", []byte(tt.page), nil)
			})
			if err != nil {
				t.Fatal(err)
			}
			if limit := uint64(pathologicalAlloc*len(tt.page) + 16<<20); allocated > limit {
				t.Errorf("allocated %d MB for a %d KB page, want under %d MB", allocated>>20, len(tt.page)>>10, limit>>20)
			}
			t.Logf("%d KB page: %d MB allocated", len(tt.page)>>10, allocated>>20)
			text := Text(recs)
			if !strings.Contains(text, tt.want) {
				t.Errorf("text lacks %q (got %d bytes: %.200q)", tt.want, len(text), text)
			}
			if !utf8.ValidString(text) {
				t.Error("text is not valid UTF-8")
			}
		})
	}
}

func TestExtractor_Extract(t *testing.T) {
	page := []byte("<html><head><title>Spring plans</title></head><body><main><h1>Spring plans</h1><p>" + para + "</p></main></body></html>")
	captured := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC)
	capture := func(status int, contentType string, body []byte) record.Capture {
		h := http.Header{}
		if contentType != "" {
			h.Set("Content-Type", contentType)
		}
		return record.Capture{URL: "http://example.test/spring", Time: captured, Status: status, Header: h, Body: body,
			File: "rankfile-1.warc.gz", Offset: 1234, Digest: "sha1:ABC"}
	}
	tests := []struct {
		name    string
		capture record.Capture
		wantErr error
		records int
	}{
		{"html", capture(200, "text/html; charset=utf-8", page), nil, 1},
		{"xhtml", capture(200, "application/xhtml+xml", page), nil, 1},
		{"sniffed html", capture(200, "", page), nil, 1},
		{"no status known", capture(0, "text/html", page), nil, 1},
		{"feed", capture(200, "application/rss+xml", []byte("<rss><channel><title>x</title></channel></rss>")), ErrNotHTML, 0},
		{"image", capture(200, "image/png", []byte("\x89PNG\r\n\x1a\n")), ErrNotHTML, 0},
		{"unlabelled text", capture(200, "", []byte("just words")), ErrNotHTML, 0},
		{"not found", capture(404, "text/html", page), ErrStatus, 0},
		{"redirect", capture(301, "text/html", page), ErrStatus, 0},
		{"empty page", capture(200, "text/html", nil), nil, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			recs, err := New(Options{}).Extract(tt.capture)
			if !errors.Is(err, tt.wantErr) {
				t.Fatalf("err = %v, want %v", err, tt.wantErr)
			}
			if got := len(recs); got != tt.records {
				t.Fatalf("got %d records, want %d", got, tt.records)
			}
			for _, r := range recs {
				if r.Captured != captured || r.WARCFile != "rankfile-1.warc.gz" || r.WARCOffset != 1234 || r.Digest != "sha1:ABC" {
					t.Errorf("capture fields not copied: %+v", r)
				}
				if r.Site != "" || r.SiteKind != "" {
					t.Errorf("site fields are the caller's, got %q %q", r.Site, r.SiteKind)
				}
			}
		})
	}
}

func TestText(t *testing.T) {
	tests := []struct {
		name string
		recs []record.Record
		want string
	}{
		{"none", nil, ""},
		{"one post, title left out", []record.Record{{Kind: record.KindPost, Title: "T", Text: "a\n\nb"}}, "a\n\nb"},
		{"listing", []record.Record{
			{Kind: record.KindPage, Title: "Posts", Text: "Posts"},
			{Kind: record.KindPost, Title: "First", Text: "May 1, 2020 summary"},
		}, "Posts\n\nFirst\n\nMay 1, 2020 summary"},
		{"organizations", []record.Record{
			{Kind: record.KindOrganization, Title: "Caucus of Working Educators", Acronym: "WE", Text: "About WE."},
			{Kind: record.KindOrganization, Title: "Org B", Link: "http://b.test/"},
		}, "Caucus of Working Educators (WE)\n\nAbout WE.\n\nOrg B"},
		{"title already leads the text", []record.Record{
			{Kind: record.KindMission, Title: "Our Mission", Text: "Our Mission is to win."},
			{Kind: record.KindPage, Text: "More."},
		}, "Our Mission is to win.\n\nMore."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Text(tt.recs); got != tt.want {
				t.Errorf("Text = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestExtractor_Concurrent extracts the fixture pages from several
// goroutines with one Extractor (run with -race): it keeps no state.
func TestExtractor_Concurrent(t *testing.T) {
	e := New(Options{})
	pages := fixtures.Pages()
	want := make([]string, len(pages))
	for i, p := range pages {
		recs, err := e.ExtractHTML(p.URL, p.Body(), nil)
		if err != nil {
			t.Fatal(err)
		}
		want[i] = Text(recs)
	}
	var wg sync.WaitGroup
	errs := make(chan string, 4*len(pages))
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i, p := range pages {
				recs, err := e.ExtractHTML(p.URL, p.Body(), nil)
				if err != nil || Text(recs) != want[i] {
					errs <- p.URL
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for u := range errs {
		t.Errorf("concurrent extraction of %s differs", u)
	}
}

// TestExtractor_scriptShell: a page whose body is a shell a script fills in
// (forum and shop software serve such) gives one page record holding the
// longest of its descriptions, the one not cut short; a shell whose
// description is a few words gives nothing.
func TestExtractor_scriptShell(t *testing.T) {
	shell := func(desc, ogDesc string) []byte {
		return []byte(`<!doctype html><html><head><title>Where should I start? - Community</title>
<meta name="description" content="` + desc + `"><meta property="og:description" content="` + ogDesc + `">
</head><body><section id="d-splash"><div class="dots"></div></section>
<noscript><a href="/login">Log In</a></noscript><script>start()</script></body></html>`)
	}
	recs, err := New(Options{}).ExtractHTML("https://forum.example/t/start/1", shell(
		"I have nothing smart in my apartment. So I want to start. What is the&amp;hellip;",
		"I have nothing smart in my apartment. So I want to start. What is the best solution for a burglar alarm on the door?"), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 1 || recs[0].Text != "I have nothing smart in my apartment. So I want to start. What is the best solution for a burglar alarm on the door?" {
		t.Fatalf("records %+v, want one holding the whole og:description", recs)
	}
	if !strings.Contains(recs[0].Title, "Where should I start?") {
		t.Errorf("title %q", recs[0].Title)
	}
	if recs, _ := New(Options{}).ExtractHTML("https://forum.example/t/x/2", shell("Community forum.", ""), nil); len(recs) != 0 {
		t.Errorf("a shell with a four-word description gave %+v, want nothing", recs)
	}
}

// TestExtractor_CleanText checks that a record's text holds no control
// character and no markup, whatever the page holds, and that a page of
// megabytes of writing gives a bounded record.
func TestExtractor_CleanText(t *testing.T) {
	tests := []struct {
		name, page string
	}{
		{"NUL and vertical tab", "<main><p>" + para + "\x00 one\vtwo\u0085three</p></main>"},
		{"controls in preformatted text", "<main><p>" + para + "</p><pre>sudo\r\n\vdocker\x00 run</pre></main>"},
		{"noembed and noframes", "<main><p>" + para + "</p><noembed><span class=\"pin\"><img src=\"#{img_src}\"></span></noembed><noframes><p>frames</p></noframes></main>"},
		{"zeros", "<main><p>" + para + "</p><p>" + strings.Repeat("\x00", 1<<20) + "</p></main>"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			recs, err := New(Options{}).ExtractHTML("http://example.test/", []byte(tt.page), nil)
			if err != nil {
				t.Fatal(err)
			}
			text := Text(recs)
			if !strings.Contains(text, para) {
				t.Errorf("the writing is lost: %.200q", text)
			}
			for _, r := range recs {
				for _, s := range []string{r.Text, r.Markdown, r.Title, r.Summary} {
					if i := strings.IndexFunc(s, func(c rune) bool {
						return c < ' ' && c != '\n' && c != '\t' || c == 0x7f || c >= 0x80 && c <= 0x9f
					}); i >= 0 {
						t.Errorf("control character %q in %.80q", s[i], s[max(0, i-40):])
					}
					for _, m := range []string{"<img", "<span", "<p>", "#{img_src}", "frames"} {
						if strings.Contains(s, m) {
							t.Errorf("markup %q in %.200q", m, s)
						}
					}
				}
			}
		})
	}
	t.Run("megabytes of writing", func(t *testing.T) {
		page := "<main>" + strings.Repeat("<p>"+para+"</p>", (3<<20)/len(para)) + "</main>"
		recs, err := New(Options{}).ExtractHTML("http://example.test/", []byte(page), nil)
		if err != nil {
			t.Fatal(err)
		}
		for _, r := range recs {
			if len(r.Text) > maxText || len(r.Markdown) > maxText {
				t.Errorf("record of %d bytes of text, %d of Markdown; want at most %d", len(r.Text), len(r.Markdown), maxText)
			}
			if !strings.HasSuffix(r.Text, para) {
				t.Errorf("text cut inside a paragraph: %q", r.Text[len(r.Text)-80:])
			}
		}
	})
}

// TestExtractor_threadDate checks that a forum thread whose posts are
// listed as entries (XenForo's markup) is dated and signed as its opening
// post, which the page's JSON-LD gives as the main entity of the web page.
func TestExtractor_threadDate(t *testing.T) {
	var b strings.Builder
	b.WriteString(`<!doctype html><html><head><title>Contract vote: what now? | Caucus Forum</title>
<script type="application/ld+json">{"@context":"https://schema.org","@type":"WebPage","datePublished":"2025-11-30",
"mainEntity":{"@type":"DiscussionForumPosting","headline":"Contract vote: what now?","datePublished":"2022-07-09T22:10:31+00:00",
"author":{"@type":"Person","name":"felixen"}}}</script></head><body><h1>Contract vote: what now?</h1>`)
	for i, who := range []string{"felixen", "rosa", "marcus"} {
		fmt.Fprintf(&b, `<article class="message"><h4 class="message-name"><a href="/members/%[1]s.%[2]d/">%[1]s</a></h4>
<time class="u-dt" datetime="2022-07-%02[3]dT10:00:00+00:00">Jul %[3]d, 2022</time>
<div class="bbWrapper"><p>%[4]s Post %[2]d of the thread about the contract vote and the strike fund.</p></div></article>`, who, i+1, 9+i, para)
	}
	b.WriteString(`</body></html>`)
	recs, err := New(Options{}).ExtractHTML("https://forum.example/threads/contract-vote.2350553/", []byte(b.String()), nil)
	if err != nil {
		t.Fatal(err)
	}
	var page *record.Record
	for i := range recs {
		if recs[i].Kind == record.KindPage {
			page = &recs[i]
		}
	}
	if page == nil {
		t.Fatalf("no page record among %d records", len(recs))
	}
	if page.Published != "2022-07-09" || !slices.Equal(page.Authors, []string{"felixen"}) {
		t.Errorf("thread dated %q by %q, want 2022-07-09 by felixen (its opening post)", page.Published, page.Authors)
	}
}
