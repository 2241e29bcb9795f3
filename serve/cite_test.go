package serve_test

import (
	"encoding/json"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"rankfile/serve"
)

const beginningsURL = "http://wp.towson.test/urbanedemproj/2020/10/29/beginnings-a-social-justice-caucus-in-formation-in-boston/"

// metaTags reads a page's <meta name content> tags back, as a reference
// manager's connector does.
func metaTags(t *testing.T, page string) map[string][]string {
	t.Helper()
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode && n.Data == "meta" {
			var name, content string
			for _, a := range n.Attr {
				switch a.Key {
				case "name":
					name = a.Val
				case "content":
					content = a.Val
				}
			}
			if name != "" {
				out[name] = append(out[name], content)
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return out
}

// TestServer_citations: a record page carries the citation metadata
// Zotero's connector reads (Highwire citation_* tags), and its citation
// names the archived copy at the configured base URL, which the server
// answers with the capture.
func TestServer_citations(t *testing.T) {
	d := mustData(t)
	id := versionsOf(t, d.dir, beginningsURL)[0].ID
	const base = "https://archive.example.org/rankfile"
	s, err := serve.New(serve.Options{Dir: d.dir, BaseURL: base + "/"})
	if err != nil {
		t.Fatal(err)
	}
	ts := httptest.NewServer(s.Handler())
	defer ts.Close()
	defer s.Close()

	_, _, page := get(t, ts, "/records/"+id)
	m := metaTags(t, page)
	for name, want := range map[string][]string{
		"citation_title":            {"Beginnings: A Social Justice Caucus in Formation in Boston"},
		"citation_author":           {"Dani, Amrita", "Asselin, Chloe"},
		"citation_publication_date": {"2020/10/29"},
		"citation_publisher":        {"Urban Education and Democracy Project"},
		"citation_public_url":       {beginningsURL},
		"DC.type":                   {"blogPost"},
	} {
		if got := m[name]; !slices.Equal(got, want) {
			t.Errorf("meta %s: %q, want %q", name, got, want)
		}
	}
	archived := regexp.MustCompile(`https://archive\.example\.org/rankfile/capture/(\d{14})/` + regexp.QuoteMeta(beginningsURL)).FindStringSubmatch(page)
	if archived == nil {
		t.Fatalf("the citation does not give the archived copy under %s", base)
	}
	if !strings.Contains(page, `&#34;archive_location&#34;: &#34;`+archived[0]) {
		t.Error("the CSL-JSON does not give the archived copy")
	}
	var api struct {
		ArchivedURL string `json:"archived_url"`
		Citation    string `json:"citation"`
		Title       string `json:"title"`
	}
	if _, _, body := get(t, ts, "/api/records/"+id); json.Unmarshal([]byte(body), &api) != nil ||
		api.ArchivedURL != archived[0] || !strings.Contains(api.Citation, archived[0]) || api.Title == "" {
		t.Errorf("API record: %+v, want the archived copy %s", api, archived[0])
	}
	// the server answers the archived copy's path (a proxy strips /rankfile)
	status, _, body := get(t, ts, strings.TrimPrefix(archived[0], base))
	if status != 200 || !strings.Contains(body, "Beginnings") {
		t.Errorf("GET the archived copy: status %d", status)
	}
}

// TestServer_export: the search page links to the export of its hits in
// CSV, JSON Lines, RIS and CSL-JSON, with the search's filters, and each
// export holds the hits with citations a reader can follow.
func TestServer_export(t *testing.T) {
	d := mustData(t)
	ts := newServer(t, d.dir)
	_, _, page := get(t, ts, "/search?q="+url.QueryEscape(`authors:"Amrita Dani"`))
	links := regexp.MustCompile(`<a href="(/export\?[^"]+)" download>([^<]+)</a>`).FindAllStringSubmatch(page, -1)
	if len(links) != 4 {
		t.Fatalf("%d export links, want 4", len(links))
	}
	for _, l := range links {
		href := html.UnescapeString(l[1])
		t.Run(l[2], func(t *testing.T) {
			status, h, body := get(t, ts, href)
			if status != 200 {
				t.Fatalf("GET %s: %d %s", href, status, trim(body))
			}
			if !strings.Contains(h.Get("Content-Disposition"), "attachment") {
				t.Errorf("Content-Disposition %q", h.Get("Content-Disposition"))
			}
			if !strings.Contains(body, "Beginnings") || strings.Contains(body, "Why Union-Led Reform") {
				t.Errorf("export does not hold the search's hits only:\n%s", trim(body))
			}
			if !strings.Contains(body, ts.URL+"/capture/") {
				t.Errorf("export does not cite the archived copy:\n%s", trim(body))
			}
			switch {
			case strings.Contains(href, "format=ris") && !strings.Contains(body, "AU  - Dani, Amrita\r\n"):
				t.Errorf("RIS authors not split:\n%s", body)
			case strings.Contains(href, "format=csl") && !strings.Contains(body, `"family": "Dani"`):
				t.Errorf("CSL authors not split:\n%s", body)
			}
		})
	}
	if status, _, _ := get(t, ts, "/export?format=pdf"); status != 400 {
		t.Errorf("unknown format: status %d", status)
	}
}
