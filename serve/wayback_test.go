package serve_test

import (
	"encoding/json"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// TestServer_wayback: browsing as the Wayback Machine does — a calendar of
// a URL's captures, previous and next capture from the replay banner,
// every URL under a prefix, URLs without a scheme, and a "not archived"
// page for links to pages never captured.
func TestServer_wayback(t *testing.T) {
	d := mustData(t)
	ts := newServer(t, d.dir)
	post := versionsOf(t, d.dir, postURL)
	if len(post) != 2 {
		t.Fatalf("%d versions of the post, want 2", len(post))
	}
	oldTS, newTS := version(post[0])[:14], version(post[1])[:14]
	bare := strings.TrimPrefix(postURL, "http://")

	t.Run("calendar", func(t *testing.T) {
		status, _, body := get(t, ts, "/captures?url="+url.QueryEscape(postURL))
		if status != 200 {
			t.Fatalf("status %d", status)
		}
		for _, want := range []string{`<h3 id="year-2023">2023`, `<caption>March <span class="count">(1)</span></caption>`,
			`href="/capture/` + oldTS + `/` + postURL + `"`, `href="/capture/` + newTS + `/` + postURL + `"`} {
			if !strings.Contains(body, want) {
				t.Errorf("calendar lacks %q", want)
			}
		}
		if n := strings.Count(body, `class="cal-capture"`); n != 2 {
			t.Errorf("%d days linked, want 2", n)
		}
		// March 2023 starts on a Wednesday: two empty days, then the 1st,
		// the day of the older capture
		if !regexp.MustCompile(`<caption>March <span class="count">\(1\)</span></caption>\s*<thead>.*?</thead>\s*<tbody><tr><td></td><td></td><td><a class="cal-capture"[^>]*>1</a></td><td>2</td>`).MatchString(body) {
			t.Error("March 2023 does not start on a Wednesday under Mo Tu We")
		}
	})
	t.Run("without a scheme", func(t *testing.T) {
		if status, _, body := get(t, ts, "/captures?url="+url.QueryEscape(bare)); status != 200 || !strings.Contains(body, "Captures of "+postURL) {
			t.Errorf("captures of %s: status %d", bare, status)
		}
		status, h, _ := get(t, ts, "/capture/"+oldTS+"/"+bare)
		if want := "/capture/" + oldTS + "/" + postURL; status != 302 || h.Get("Location") != want {
			t.Errorf("replay of %s: %d to %q, want 302 to %q", bare, status, h.Get("Location"), want)
		}
	})
	t.Run("previous and next capture", func(t *testing.T) {
		_, _, newer := get(t, ts, "/capture/"+newTS+"/"+postURL)
		if !strings.Contains(newer, `rel="prev" id="rankfile-prev" href="/capture/`+oldTS+`/`+postURL+`"`) || strings.Contains(newer, `rel="next"`) {
			t.Error("the latest capture's banner does not link the previous one, or links a next")
		}
		_, _, older := get(t, ts, "/capture/"+oldTS+"/"+postURL)
		if !strings.Contains(older, `rel="next" id="rankfile-next" href="/capture/`+newTS+`/`+postURL+`"`) || strings.Contains(older, `rel="prev"`) {
			t.Error("the first capture's banner does not link the next one, or links a previous")
		}
		if !strings.Contains(older, `id="rankfile-calendar" href="/captures?url=`) {
			t.Error("no calendar link in the banner")
		}
	})
	t.Run("prefix", func(t *testing.T) {
		status, _, body := get(t, ts, "/captures?url="+url.QueryEscape(scriptsHost+"/*"))
		if status != 200 {
			t.Fatalf("status %d", status)
		}
		for _, u := range []string{"http://" + scriptsHost + "/", postURL, evilURL, "http://" + scriptsHost + "/style.css"} {
			if !strings.Contains(body, `<a href="/captures?url=`+url.QueryEscape(u)+`">`+u+`</a>`) {
				t.Errorf("prefix listing lacks %s", u)
			}
		}
		if strings.Contains(body, "turnweb.test") {
			t.Error("prefix listing holds another site's URLs")
		}
		_, _, body = get(t, ts, "/captures?url="+url.QueryEscape("http://"+scriptsHost+"/post/*"))
		if !strings.Contains(body, postURL) || strings.Contains(body, evilURL) {
			t.Error("a path prefix lists URLs outside it")
		}
		if status, _, _ := get(t, ts, "/captures?url="+url.QueryEscape("http://nowhere.test/*")); status != 404 {
			t.Errorf("empty prefix: status %d", status)
		}
		var api struct {
			URLs []struct {
				URL      string `json:"url"`
				Captures int    `json:"captures"`
			} `json:"urls"`
		}
		_, _, body = get(t, ts, "/api/captures?url="+url.QueryEscape(scriptsHost+"/post/*"))
		if err := json.Unmarshal([]byte(body), &api); err != nil || len(api.URLs) != 1 || api.URLs[0].URL != postURL || api.URLs[0].Captures != 2 {
			t.Errorf("API prefix listing: %s", body)
		}
	})
	t.Run("not archived", func(t *testing.T) {
		_, _, evil := get(t, ts, "/capture/"+newTS+"/"+evilURL)
		m := regexp.MustCompile(`id="live-link" href="([^"]+)"`).FindStringSubmatch(evil)
		if m == nil || !strings.HasPrefix(m[1], "/capture/") {
			t.Fatalf("the link to a page never captured leaves the archive: %v", m)
		}
		status, _, body := get(t, ts, m[1])
		if status != 404 || !strings.Contains(body, "<h1>Not archived</h1>") || strings.Contains(body, `href="http://elsewhere.example/"`) {
			t.Errorf("GET %s: status %d, want the not-archived page without a live link:\n%s", m[1], status, trim(body))
		}
	})
}

// TestServer_searchOrder: the hits come before the facets in the page, so
// that a phone, which shows the page in one column, shows the hits first;
// the style sheet puts the facets on the left of wider screens.
func TestServer_searchOrder(t *testing.T) {
	ts := newServer(t, mustData(t).dir)
	_, _, body := get(t, ts, "/search?q=union")
	hits, facets := strings.Index(body, `id="hits-h"`), strings.Index(body, `id="facets-h"`)
	if hits < 0 || facets < 0 || hits > facets {
		t.Errorf("hits at %d, facets at %d: want the hits first", hits, facets)
	}
	_, _, css := get(t, ts, "/static/style.css")
	if !strings.Contains(css, `grid-template-areas: "facets hits"`) || !strings.Contains(css, `grid-template-areas: "hits" "facets"`) {
		t.Error("the style sheet does not place the facets left of the hits on wide screens and after them on narrow ones")
	}
}
