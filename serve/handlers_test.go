package serve_test

import (
	"encoding/json"
	"encoding/xml"
	"io"
	"net/http"
	"net/url"
	"path/filepath"
	"sort"
	"strings"
	"testing"

	"rankfile/index"
	"rankfile/record"
)

// versionsOf returns the record versions extracted from a page, oldest
// first, all of one record (the page's first).
func versionsOf(t *testing.T, dir, pageURL string) []record.Record {
	t.Helper()
	recs, err := record.ReadFile(filepath.Join(dir, "records/records.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	var id string
	var out []record.Record
	for _, r := range recs {
		if r.URL != pageURL || (id != "" && r.ID != id) {
			continue
		}
		id = r.ID
		out = append(out, r)
	}
	if len(out) == 0 {
		t.Fatalf("no record of %s", pageURL)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Captured.Before(out[j].Captured) })
	return out
}

func version(r record.Record) string {
	id := index.DocID(r)
	return id[strings.LastIndexByte(id, '@')+1:]
}

type check struct {
	name     string
	path     string
	status   int
	contains []string
	lacks    []string
}

func runChecks(t *testing.T, srvURL func(string) (int, http.Header, string), checks []check) {
	t.Helper()
	for _, c := range checks {
		t.Run(c.name, func(t *testing.T) {
			status, _, body := srvURL(c.path)
			if status != c.status {
				t.Errorf("GET %s: status %d, want %d\n%s", c.path, status, c.status, trim(body))
			}
			for _, s := range c.contains {
				if !strings.Contains(body, s) {
					t.Errorf("GET %s: body lacks %q\n%s", c.path, s, trim(body))
				}
			}
			for _, s := range c.lacks {
				if strings.Contains(body, s) {
					t.Errorf("GET %s: body holds %q", c.path, s)
				}
			}
		})
	}
}

func trim(s string) string {
	if len(s) > 3000 {
		return s[:3000] + "…"
	}
	return s
}

func TestServer_search(t *testing.T) {
	d := mustData(t)
	ts := newServer(t, d.dir)
	fetch := func(p string) (int, http.Header, string) { return get(t, ts, p) }
	long := strings.Repeat("union ", 300)
	runChecks(t, fetch, []check{
		{"home lists the latest records", "/", 200, []string{"<h1>Search the archive</h1>", `<label for="q">Query</label>`, "Narrow the search", "Hits 1–10 of"}, nil},
		{"hits highlighted", "/search?q=union+democracy", 200, []string{"<mark>", "Beginnings: A Social Justice Caucus", "published <time datetime=\"2020-10-29\">", "captured <time", "Archived page", `rel="next"`}, nil},
		{"site facet filters", "/search?q=union&site=Albuquerque+Caucus+of+Rank-and-File+Educators", 200, []string{"Filters in use", "UCORE Report Back", `aria-current="true">Albuquerque Caucus`}, []string{"Teacher Union Reform Network</h3>", "Beginnings:"}},
		{"year facet is a date filter", "/search?published_from=2017&published_to=2017", 200, []string{"UCORE Report Back", "Published from: <strong>2017</strong>"}, []string{"2020-10-29"}},
		{"kind filter", "/search?kind=organization", 200, []string{"Teachers&#39; Democracy Project"}, []string{`<span class="kind">post</span>`}},
		{"captured filter excludes the future", "/search?captured_to=2000-01-01", 200, []string{"No hits"}, nil},
		{"captured filter includes the old version", "/search?q=Monday&captured_to=2023-12&versions=all", 200, []string{"older version"}, nil},
		{"sort oldest first", "/search?q=union&sort=date", 200, []string{`<option value="date" selected>`}, nil},
		{"paging", "/search?q=union&page=2&size=5", 200, []string{`<ol class="hits" start="6">`, `rel="prev"`, `<span aria-current="page">2</span>`}, nil},
		{"page beyond the hits", "/search?q=union&page=900", 200, []string{"No hits"}, nil},
		{"bad query syntax", "/search?q=" + url.QueryEscape("title:/[/"), 400, []string{"does not parse", `role="alert"`}, nil},
		{"unknown sort", "/search?sort=shuffle", 400, []string{"Sort must be"}, nil},
		{"page zero", "/search?page=0", 400, []string{"page parameter"}, nil},
		{"page not a number", "/search?page=two", 400, []string{"page parameter"}, nil},
		{"huge page size", "/search?size=100000", 400, []string{"size parameter"}, nil},
		{"deep paging", "/search?page=5000&size=100", 400, []string{"Paging stops"}, nil},
		{"malformed date", "/search?published_from=2020-13-01", 400, []string{"published_from"}, nil},
		{"date with junk", "/search?captured_to=" + url.QueryEscape("2020<script>"), 400, []string{"captured_to", "2020&lt;script&gt;"}, []string{"2020<script>"}},
		{"oversized query", "/search?q=" + url.QueryEscape(long), 400, []string{"too long"}, nil},
		{"invalid utf-8", "/search?q=%ff%fe", 400, []string{"not valid text"}, nil},
		{"bad versions", "/search?versions=some", 400, []string{"Versions must be"}, nil},
		{"query string too long", "/search?q=a&x=" + strings.Repeat("a", 9000), 414, []string{"too long"}, nil},
		{"query echoed escaped", "/search?q=" + url.QueryEscape(`"><script>alert(1)</script>`), 400, []string{`value="&#34;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"`}, []string{"<script>alert"}},
		{"unknown page", "/nowhere", 404, []string{"There is no page at this address"}, nil},
		{"dot segments", "/static/../../etc/passwd", 400, []string{". or .. segments"}, []string{"root:"}},
		{"encoded dot segments", "/records/..%2f..%2fetc%2fpasswd", 400, nil, []string{"root:"}},
		{"style sheet", "/static/style.css", 200, []string{"--mark"}, nil},
	})
	t.Run("every search is one GET URL", func(t *testing.T) {
		_, _, body := get(t, ts, "/search?q=union&site=Albuquerque+Caucus+of+Rank-and-File+Educators&sort=-date")
		if !strings.Contains(body, `<form class="search" method="get" action="/search"`) || !strings.Contains(body, `<input type="hidden" name="site" value="Albuquerque Caucus of Rank-and-File Educators">`) {
			t.Error("the form does not carry the search's filters as GET parameters")
		}
		if !strings.Contains(body, `href="/search?q=union&amp;sort=-date"`) {
			t.Error("the remove-filter link does not keep the rest of the search")
		}
	})
	t.Run("headers", func(t *testing.T) {
		_, h, _ := get(t, ts, "/")
		if csp := h.Get("Content-Security-Policy"); !strings.Contains(csp, "default-src 'none'") || strings.Contains(csp, "script-src") {
			t.Errorf("page CSP %q", csp)
		}
		if h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Content-Type") != "text/html; charset=utf-8" {
			t.Errorf("headers %v", h)
		}
	})
	t.Run("methods", func(t *testing.T) {
		req, _ := http.NewRequest(http.MethodPost, ts.URL+"/search", strings.NewReader("q=x"))
		status, h, _ := do(t, ts, req)
		if status != http.StatusMethodNotAllowed || h.Get("Allow") != "GET, HEAD" {
			t.Errorf("POST: %d, Allow %q", status, h.Get("Allow"))
		}
	})
}

// TestServer_escaping checks that the HTML in records (a title and text
// holding <script> and <img onerror>, a site name holding <i>) is shown as
// text everywhere.
func TestServer_escaping(t *testing.T) {
	d := mustData(t)
	ts := newServer(t, d.dir)
	post := versionsOf(t, d.dir, postURL)
	id := post[0].ID
	pages := []string{
		"/search?q=friends",
		"/search?q=" + url.QueryEscape("alert"),
		"/search?site=" + url.QueryEscape(scriptsSite),
		"/records/" + id,
		"/records/" + id + "?v=" + url.QueryEscape(version(post[0])),
		"/records/" + id + "/diff?from=" + url.QueryEscape(version(post[0])) + "&to=" + url.QueryEscape(version(post[len(post)-1])),
		"/timeline",
		"/timeline.svg",
		"/network",
		"/network.svg",
		"/api/search?q=friends",
		"/api/records/" + id,
	}
	for _, p := range pages {
		t.Run(p, func(t *testing.T) {
			status, _, body := get(t, ts, p)
			if status != 200 {
				t.Fatalf("status %d\n%s", status, trim(body))
			}
			for _, bad := range []string{"<script>alert", "<img src=x", "<i>Test</i>", "<b>Organizer"} {
				if strings.Contains(body, bad) {
					t.Errorf("%s shows %q unescaped", p, bad)
				}
			}
		})
	}
	t.Run("shown as text", func(t *testing.T) {
		_, _, body := get(t, ts, "/records/"+id)
		for _, want := range []string{"Hello &lt;script&gt;alert(1)&lt;/script&gt; &amp; &#34;friends&#34;", "&lt;img src=x onerror=alert(1)&gt;"} {
			if !strings.Contains(body, want) {
				t.Errorf("record page lacks %q", want)
			}
		}
		_, _, body = get(t, ts, "/search?q=friends")
		if !strings.Contains(body, "Script &lt;i&gt;Test&lt;/i&gt; Caucus") {
			t.Error("the site name is not shown escaped on the search page")
		}
	})
	t.Run("svg parses as XML", func(t *testing.T) {
		for _, p := range []string{"/timeline.svg", "/network.svg"} {
			_, h, body := get(t, ts, p)
			if ct := h.Get("Content-Type"); ct != "image/svg+xml; charset=utf-8" {
				t.Errorf("%s: Content-Type %q", p, ct)
			}
			dec := xml.NewDecoder(strings.NewReader(body))
			for {
				_, err := dec.Token()
				if err == io.EOF {
					break
				}
				if err != nil {
					t.Fatalf("%s: %v", p, err)
				}
			}
		}
	})
}

func TestServer_record(t *testing.T) {
	d := mustData(t)
	ts := newServer(t, d.dir)
	post := versionsOf(t, d.dir, postURL)
	if len(post) != 2 {
		t.Fatalf("%d versions of the post, want 2", len(post))
	}
	id, oldV, newV := post[0].ID, version(post[0]), version(post[1])
	fetch := func(p string) (int, http.Header, string) { return get(t, ts, p) }
	runChecks(t, fetch, []check{
		{"latest", "/records/" + id, 200, []string{
			"<h2 id=\"meta-h\">About this record</h2>", "Captured versions (2)", "2023-03-01 12:00:00 UTC",
			"Cite this", "&#34;type&#34;: &#34;", "&#34;archive_location&#34;: &#34;http://127.0.0.1:",
			"<li>A nurse in every building</li>", "Tuesday", "/capture/", "Original URL", "changes since the previous",
		}, []string{"You are reading an older version"}},
		{"older version", "/records/" + id + "?v=" + url.QueryEscape(oldV), 200, []string{"You are reading an older version", "Monday"}, []string{"Tuesday"}},
		{"version by second", "/records/" + id + "?v=20230301120000", 200, []string{"Monday"}, nil},
		{"unknown version", "/records/" + id + "?v=19990101000000", 404, []string{"no version"}, nil},
		{"unknown record", "/records/0000000000000000", 404, []string{"no record"}, nil},
		{"malformed id", "/records/" + url.PathEscape("<script>"), 404, []string{"no record"}, []string{"<script>"}},
		{"oversized version", "/records/" + id + "?v=" + strings.Repeat("9", 3000), 400, []string{"too long"}, nil},
		{"diff", "/records/" + id + "/diff?from=" + url.QueryEscape(oldV) + "&to=" + url.QueryEscape(newV), 200, []string{
			"<del>Monday</del>", "<ins>Tuesday</ins>", "<span class=\"tag\">Added:</span>", "1 paragraph changed, 1 added, 0 removed",
		}, nil},
		{"diff with itself", "/records/" + id + "/diff?from=" + url.QueryEscape(newV) + "&to=" + url.QueryEscape(newV), 200, []string{"The text is the same in both versions"}, nil},
		{"diff without versions", "/records/" + id + "/diff", 400, []string{"Say which versions"}, nil},
		{"diff of an unknown version", "/records/" + id + "/diff?from=1&to=2", 404, nil, nil},
		{"captures of a URL", "/captures?url=" + url.QueryEscape(postURL), 200, []string{"2 captures", "2023-03-01 12:00:00 UTC", "/capture/20230301120000/" + postURL}, nil},
		{"captures of nothing archived", "/captures?url=" + url.QueryEscape("http://nowhere.test/"), 404, []string{"no capture"}, nil},
		{"captures of a non-http URL", "/captures?url=" + url.QueryEscape("file:///etc/passwd"), 400, []string{"absolute http"}, nil},
	})
	t.Run("citation", func(t *testing.T) {
		_, _, body := get(t, ts, "/records/"+id)
		want := "Pat &lt;b&gt;Organizer&lt;/b&gt;."
		if len(post[1].Authors) == 0 {
			want = "“Hello &lt;script&gt;"
		}
		if !strings.Contains(body, `<p id="cite-text">`+want) {
			t.Errorf("citation does not start with %q", want)
		}
	})
}

func TestServer_api(t *testing.T) {
	d := mustData(t)
	ts := newServer(t, d.dir)
	post := versionsOf(t, d.dir, postURL)
	id := post[0].ID
	decode := func(t *testing.T, p string, wantStatus int) map[string]any {
		t.Helper()
		status, h, body := get(t, ts, p)
		if status != wantStatus {
			t.Fatalf("GET %s: status %d, want %d: %s", p, status, wantStatus, trim(body))
		}
		if ct := h.Get("Content-Type"); ct != "application/json; charset=utf-8" {
			t.Errorf("GET %s: Content-Type %q", p, ct)
		}
		var v map[string]any
		if err := json.Unmarshal([]byte(body), &v); err != nil {
			t.Fatalf("GET %s: %v", p, err)
		}
		return v
	}
	t.Run("search", func(t *testing.T) {
		v := decode(t, "/api/search?q=union+democracy&size=3", 200)
		hits := v["hits"].([]any)
		if len(hits) == 0 || len(hits) > 3 {
			t.Fatalf("%d hits", len(hits))
		}
		h := hits[0].(map[string]any)
		for _, k := range []string{"record_id", "title", "url", "snippet", "record_page", "capture_page", "captured"} {
			if h[k] == nil || h[k] == "" {
				t.Errorf("hit lacks %s: %v", k, h)
			}
		}
		if f := v["facets"].(map[string]any); f["site"] == nil || f["year"] == nil {
			t.Errorf("facets %v", f)
		}
	})
	t.Run("record", func(t *testing.T) {
		v := decode(t, "/api/records/"+id, 200)
		if v["id"] != id || v["title"] != postTitle {
			t.Errorf("record %v", v)
		}
		v = decode(t, "/api/records/"+id+"?v="+url.QueryEscape(version(post[0])), 200)
		if !strings.Contains(v["text"].(string), "Monday") {
			t.Errorf("old version text %q", v["text"])
		}
	})
	t.Run("versions", func(t *testing.T) {
		v := decode(t, "/api/records/"+id+"/versions", 200)
		vs := v["versions"].([]any)
		if len(vs) != 2 || vs[1].(map[string]any)["latest"] != true || vs[0].(map[string]any)["captured"] != "2023-03-01T12:00:00Z" {
			t.Errorf("versions %v", vs)
		}
	})
	t.Run("captures", func(t *testing.T) {
		v := decode(t, "/api/captures?url="+url.QueryEscape(postURL), 200)
		cs := v["captures"].([]any)
		if len(cs) != 2 || cs[0].(map[string]any)["timestamp"] != "20230301120000" {
			t.Errorf("captures %v", cs)
		}
	})
	for _, c := range []struct {
		name, path string
		status     int
	}{
		{"unknown record", "/api/records/ffffffffffffffff", 404},
		{"malformed record id", "/api/records/" + url.PathEscape("a b"), 404},
		{"versions of an unknown record", "/api/records/ffffffffffffffff/versions", 404},
		{"bad sort", "/api/search?sort=x", 400},
		{"bad query", "/api/search?q=" + url.QueryEscape("title:/[/"), 400},
		{"oversized query", "/api/search?q=" + strings.Repeat("x", 1500), 400},
		{"captures without url", "/api/captures", 400},
		{"captures of a relative url", "/api/captures?url=/etc/passwd", 400},
		{"unknown endpoint", "/api/nothing", 404},
		{"query string too long", "/api/search?q=" + strings.Repeat("x", 9000), 414},
	} {
		t.Run(c.name, func(t *testing.T) {
			v := decode(t, c.path, c.status)
			e, ok := v["error"].(map[string]any)
			if !ok || e["status"] != float64(c.status) || e["message"] == "" {
				t.Errorf("error body %v", v)
			}
		})
	}
	t.Run("post", func(t *testing.T) {
		req, _ := http.NewRequest(http.MethodPost, ts.URL+"/api/search", nil)
		status, _, body := do(t, ts, req)
		if status != 405 || !strings.Contains(body, `"status": 405`) {
			t.Errorf("POST: %d %s", status, body)
		}
	})
}

func TestServer_pictures(t *testing.T) {
	d := mustData(t)
	ts := newServer(t, d.dir)
	fetch := func(p string) (int, http.Header, string) { return get(t, ts, p) }
	runChecks(t, fetch, []check{
		{"timeline", "/timeline", 200, []string{"<h1>Timeline</h1>", "<svg", `role="img"`, "Teacher Union Reform Network", "2017-10: 1 record<", "published_from=2017-10"}, nil},
		{"network", "/network", 200, []string{"<h1>Network</h1>", "<svg", "marker-end", "Baltimore Movement of Rank-and-File Educators", "United Caucuses of Rank-and-File Educators"}, nil},
	})
}
