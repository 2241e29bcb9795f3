package serve_test

import (
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// captureOf returns the replay path of the latest capture of a URL.
func captureOf(t *testing.T, dir, pageURL string) string {
	t.Helper()
	vs := versionsOf(t, dir, pageURL)
	return "/capture/" + vs[len(vs)-1].Captured.UTC().Format("20060102150405") + "/" + pageURL
}

func TestServer_replay(t *testing.T) {
	d := mustData(t)
	ts := newServer(t, d.dir)
	evil := captureOf(t, d.dir, evilURL)
	t.Run("as captured, sandboxed", func(t *testing.T) {
		status, h, body := get(t, ts, evil)
		if status != 200 {
			t.Fatalf("status %d: %s", status, trim(body))
		}
		csp := h.Get("Content-Security-Policy")
		for _, want := range []string{"sandbox", "default-src 'none'", "img-src 'self' data:", "style-src 'self' 'unsafe-inline'"} {
			if !strings.Contains(csp, want) {
				t.Errorf("CSP %q lacks %q", csp, want)
			}
		}
		if strings.Contains(csp, "allow-") || strings.Contains(csp, "script-src") {
			t.Errorf("CSP %q lets something run", csp)
		}
		if h.Get("Content-Type") != "text/html; charset=utf-8" || h.Get("Memento-Datetime") == "" || !strings.Contains(h.Get("Link"), evilURL) {
			t.Errorf("headers %v", h)
		}
		// the page's own markup, scripts included, is as captured
		for _, want := range []string{`<script>document.title = "pwned";`, `onerror="fetch(`, `href="javascript:fetch(`, `<body onload="fetch(`} {
			if !strings.Contains(body, want) {
				t.Errorf("replay lacks the captured %q", want)
			}
		}
	})
	t.Run("banner right after body", func(t *testing.T) {
		_, _, body := get(t, ts, evil)
		re := regexp.MustCompile(`<body[^>]*><div id="rankfile-banner"`)
		if !re.MatchString(body) {
			t.Fatalf("no banner right after <body>:\n%s", trim(body))
		}
		if !strings.Contains(body, "Archived page</strong> &#8212; captured <time") || !strings.Contains(body, `href="`+evilURL+`"`) {
			t.Error("the banner does not name the capture date and original URL")
		}
	})
	t.Run("links rewritten", func(t *testing.T) {
		_, _, body := get(t, ts, evil)
		ts14 := strings.Split(evil, "/")[2]
		for _, want := range []string{
			`id="post-link" href="/capture/` + ts14 + `/` + postURL + `"`, // archived: to its capture
			`href="/capture/` + ts14 + `/http://elsewhere.example/"`,      // not archived: the archive says so
			`href="/capture/` + ts14 + `/http://` + scriptsHost + `/style.css"`,
			`src="/capture/` + ts14 + `/http://` + scriptsHost + `/missing.png"`,
		} {
			if !strings.Contains(body, want) {
				t.Errorf("replay lacks %q", want)
			}
		}
	})
	t.Run("style sheet replayed", func(t *testing.T) {
		ts14 := strings.Split(evil, "/")[2]
		status, h, body := get(t, ts, "/capture/"+ts14+"/http://"+scriptsHost+"/style.css")
		if loc := h.Get("Location"); status == http.StatusFound && strings.HasPrefix(loc, "/capture/") {
			// captured in another second than the page: the nearest
			// capture, as the Wayback Machine redirects to it
			status, h, body = get(t, ts, loc)
		}
		if status != 200 || !strings.HasPrefix(h.Get("Content-Type"), "text/css") || !strings.Contains(body, "rgb(200, 0, 0)") || !strings.Contains(h.Get("Content-Security-Policy"), "sandbox") {
			t.Errorf("style sheet: %d %v %q", status, h, body)
		}
	})
	fetch := func(p string) (int, http.Header, string) { return get(t, ts, p) }
	runChecks(t, fetch, []check{
		{"older capture", "/capture/20230301120000/" + postURL, 200, []string{"Monday", "2023-03-01 12:00:00 UTC"}, nil},
		{"fixture page", captureOf(t, d.dir, "http://albu-core.test/2017/10/23/ucore-report-back/"), 200, []string{"UCORE", `id="rankfile-banner"`}, nil},
		{"not archived", "/capture/20240101000000/http://nowhere.test/page", 404, []string{"no capture"}, nil},
		{"timestamp not digits", "/capture/2024xx/" + postURL, 400, []string{"timestamp"}, nil},
		{"timestamp too long", "/capture/202401010000001234/" + postURL, 400, []string{"timestamp"}, nil},
		{"no URL", "/capture/20240101000000/", 400, []string{"absolute http"}, nil},
		{"file URL", "/capture/20240101000000/file:///etc/passwd", 400, []string{"absolute http"}, []string{"root:"}},
		{"relative path", "/capture/20240101000000/../../etc/passwd", 400, nil, []string{"root:"}},
		{"traversal as timestamp", "/capture/..%2f..%2fetc%2fpasswd/x", 400, nil, []string{"root:"}},
		{"oversized URL", "/capture/20240101000000/http://x.test/" + strings.Repeat("a", 5000), 400, []string{"too long"}, nil},
	})
	t.Run("nearest capture redirects", func(t *testing.T) {
		for _, c := range []struct{ ts, want string }{
			{"2023", "/capture/20230301120000/" + postURL},
			{"20230301120000", ""},
			{"2099", captureOf(t, d.dir, postURL)},
		} {
			status, h, _ := get(t, ts, "/capture/"+c.ts+"/"+postURL)
			switch {
			case c.want == "" && status != 200:
				t.Errorf("%s: status %d, want 200", c.ts, status)
			case c.want != "" && (status != http.StatusFound || h.Get("Location") != c.want):
				t.Errorf("%s: %d to %q, want 302 to %q", c.ts, status, h.Get("Location"), c.want)
			}
		}
	})
	t.Run("folded slashes", func(t *testing.T) {
		status, h, _ := get(t, ts, "/capture/2023/http:/"+scriptsHost+"/post/hello")
		if status != http.StatusFound || h.Get("Location") != "/capture/20230301120000/"+postURL {
			t.Errorf("%d %q", status, h.Get("Location"))
		}
	})
	t.Run("query of the archived URL", func(t *testing.T) {
		status, _, body := get(t, ts, "/capture/2023/"+postURL+"?share=x")
		if status != 404 || !strings.Contains(body, url.QueryEscape("?share=x")[3:]) && !strings.Contains(body, "share=x") {
			t.Errorf("%d: the archived URL's query is not part of the lookup", status)
		}
	})
}
