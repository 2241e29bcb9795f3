package serve_test

import (
	"encoding/json"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"
)

// TestServer_queryLanguage: the search page and the API take the command
// line's query language: quoted field values, AND, OR, NOT, parentheses,
// acronyms, and "did you mean" for a value no record has.
func TestServer_queryLanguage(t *testing.T) {
	d := mustData(t)
	ts := newServer(t, d.dir)
	fetch := func(p string) (int, http.Header, string) { return get(t, ts, p) }
	q := func(s string) string { return "/search?q=" + url.QueryEscape(s) }
	runChecks(t, fetch, []check{
		{"quoted author", q(`authors:"Amrita Dani"`), 200, []string{"Beginnings: A Social Justice Caucus"}, []string{"No hits"}},
		{"quoted site and kind", q(`site:"Teacher Union Reform Network" AND kind:"post"`), 200, []string{"Why Union-Led Reform?"}, []string{"Beginnings:", `<span class="kind">page</span>`}},
		{"acronym", q(`site:TURN AND kind:post`), 200, []string{"Why Union-Led Reform?"}, []string{"Beginnings:"}},
		{"NOT", q(`union NOT democracy`), 200, []string{"Hits 1–"}, []string{"Beginnings:"}},
		{"parentheses", q(`(vouchers OR "union democracy") AND kind:post`), 200, []string{"UCORE Report Back", "Beginnings:"}, []string{`<span class="kind">organization</span>`}},
		{"site filter by acronym", "/search?site=TURN", 200, []string{"Why Union-Led Reform?"}, []string{"Beginnings:"}},
		{"org filter with The", "/search?org=" + url.QueryEscape("Alliance to Reclaim Our Schools Louisville"), 200, []string{"Our Mission"}, []string{"No hits"}},
		{"unknown site", "/search?site=" + url.QueryEscape("Teacher Union Reform"), 400,
			[]string{`No such site &#34;Teacher Union Reform&#34;.`, `class="suggestion"`, `href="/search?site=Teacher&#43;Union&#43;Reform&#43;Network"`}, nil},
		{"unknown author in the query", q(`author:"Amrita Danni"`), 400,
			[]string{"No such author", `>Amrita Dani</a>`, `href="/search?q=author%3A%22Amrita&#43;Dani%22"`}, nil},
		{"operator without a term", q(`union AND`), 400, []string{"does not parse", "AND needs a term after it"}, nil},
	})
	t.Run("API", func(t *testing.T) {
		var res struct {
			Total int `json:"total"`
			Hits  []struct {
				Kind  string `json:"kind"`
				Title string `json:"title"`
			} `json:"hits"`
		}
		status, _, body := get(t, ts, "/api/search?size=50&q="+url.QueryEscape(`kind:"post" AND (union OR vouchers) NOT site:TURN`))
		if status != 200 {
			t.Fatalf("status %d: %s", status, body)
		}
		if err := json.Unmarshal([]byte(body), &res); err != nil {
			t.Fatal(err)
		}
		var titles []string
		for _, h := range res.Hits {
			if h.Kind != "post" {
				t.Errorf("hit %q is a %s", h.Title, h.Kind)
			}
			titles = append(titles, h.Title)
		}
		if !slices.Contains(titles, "UCORE Report Back") || slices.Contains(titles, "Why Union-Led Reform?") {
			t.Errorf("titles %q: want UCORE Report Back and no TURN post", titles)
		}
		var e struct {
			Error struct {
				Message     string   `json:"message"`
				Field       string   `json:"field"`
				Suggestions []string `json:"suggestions"`
			} `json:"error"`
		}
		status, _, body = get(t, ts, "/api/search?org=UCOREE")
		if status != 400 || json.Unmarshal([]byte(body), &e) != nil {
			t.Fatalf("unknown org: status %d: %s", status, body)
		}
		if e.Error.Field != "organization" || !slices.Contains(e.Error.Suggestions, "United Caucuses of Rank-and-File Educators") || !strings.Contains(e.Error.Message, "did you mean") {
			t.Errorf("unknown org: %+v", e.Error)
		}
	})
}

// TestServer_queryExamples: every example the search page shows finds
// something in the fixture web.
func TestServer_queryExamples(t *testing.T) {
	ts := newServer(t, mustData(t).dir)
	_, _, page := get(t, ts, "/")
	links := regexp.MustCompile(`<li><a href="([^"]+)"><code>([^<]+)</code></a>:`).FindAllStringSubmatch(page, -1)
	if len(links) < 5 {
		t.Fatalf("%d examples on the search page", len(links))
	}
	for _, l := range links {
		status, _, body := get(t, ts, html.UnescapeString(l[1]))
		if status != 200 || strings.Contains(body, "No hits") {
			t.Errorf("example %s: status %d, or no hits", html.UnescapeString(l[2]), status)
		}
	}
}
