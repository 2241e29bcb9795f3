package main

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"rankfile/crawl"
	"rankfile/fixtures"
	"rankfile/pipeline"
)

// changingWeb serves the fixture web, with one page's text changed once
// change is set: a second crawl then captures a new version of it.
type changingWeb struct {
	srv      *httptest.Server
	change   atomic.Bool
	url      string // the page that changes
	old, new string // its text before and after
}

func newChangingWeb(t *testing.T, url, old, new string) *changingWeb {
	t.Helper()
	w := &changingWeb{url: url, old: old, new: new}
	fx := fixtures.Handler()
	w.srv = httptest.NewServer(http.HandlerFunc(func(rw http.ResponseWriter, r *http.Request) {
		if !w.change.Load() || "http://"+r.Host+r.URL.Path != w.url {
			fx.ServeHTTP(rw, r)
			return
		}
		// the changed page: served whole, whatever the crawler knew of it
		r.Header.Del("If-None-Match")
		r.Header.Del("If-Modified-Since")
		rec := httptest.NewRecorder()
		fx.ServeHTTP(rec, r)
		body := bytes.Replace(rec.Body.Bytes(), []byte(w.old), []byte(w.new), 1)
		for k, v := range rec.Header() {
			rw.Header()[k] = v
		}
		rw.Header().Del("Content-Length")
		rw.Header().Del("ETag")
		rw.Header().Set("Last-Modified", time.Now().UTC().Format(http.TimeFormat))
		rw.WriteHeader(rec.Code)
		rw.Write(body)
	}))
	t.Cleanup(w.srv.Close)
	if page, _ := fixtures.Body(url); !bytes.Contains(page, []byte(old)) {
		t.Fatalf("%s does not hold %q", url, old)
	}
	return w
}

// dial sends every *.test host to the server.
func (w *changingWeb) dial(ctx context.Context, network, addr string) (net.Conn, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil || !strings.HasSuffix(host, ".test") {
		return nil, &net.AddrError{Err: "not a fixture host", Addr: addr}
	}
	var d net.Dialer
	return d.DialContext(ctx, network, w.srv.Listener.Addr().String())
}

// crawl crawls the fixture web into dir; the label, a comment in the sites
// file, makes each crawl a new one whatever the crawl state file says.
func (w *changingWeb) crawl(t *testing.T, dir, label string) {
	t.Helper()
	p := &pipeline.Pipeline{Dir: dir}
	_, err := p.Crawl(context.Background(), pipeline.CrawlOptions{
		SitesData: append(fixtures.SitesFile(), "\n# "+label+"\n"...),
		Transport: crawl.DefaultTransport(w.dial),
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestRecrawl_versions crawls the fixture web twice, one post changing in
// between: show lists two versions of its record, diff shows the change.
func TestRecrawl_versions(t *testing.T) {
	const (
		post = "http://albu-core.test/2017/10/23/ucore-report-back/"
		old  = "Fighting Privatization and Vouchers"
		new  = "Fighting Privatization, Vouchers and Charter Expansion"
	)
	web := newChangingWeb(t, post, old, new)
	dir := t.TempDir()
	web.crawl(t, dir, "first")
	web.change.Store(true)
	web.crawl(t, dir, "second")

	out, errOut, code := rankfile(t, "--data", dir, "search", "--json", "--all-versions", "--kind", "post", `"UCORE Report Back"`)
	if code != 0 {
		t.Fatalf("search: exit %d: %s", code, errOut)
	}
	var id string
	for _, h := range jsonLines(t, out) {
		if h["url"] == post {
			id = str(h["record_id"])
		}
	}
	if id == "" {
		t.Fatalf("no hit for %s in\n%s", post, out)
	}

	out, errOut, code = rankfile(t, "--data", dir, "show", "--json", id)
	if code != 0 {
		t.Fatalf("show: exit %d: %s", code, errOut)
	}
	shown := jsonLines(t, out)[0]
	versions, _ := shown["versions"].([]any)
	if len(versions) != 2 {
		t.Fatalf("show lists %d versions, want 2: %v", len(versions), versions)
	}
	older, newer := versions[0].(map[string]any), versions[1].(map[string]any)
	if older["latest"] != false || newer["latest"] != true || newer["text_changed"] != true {
		t.Errorf("versions %v", versions)
	}
	if str(older["captured"]) > str(newer["captured"]) || older["warc_file"] == nil || newer["warc_offset"] == nil {
		t.Errorf("versions out of order or without WARC places: %v", versions)
	}
	if !strings.Contains(str(shown["text"]), new) {
		t.Errorf("show prints the old text, want the latest")
	}

	out, _, code = rankfile(t, "--data", dir, "show", id)
	if code != 0 || !strings.Contains(out, "Versions (2):") || !strings.Contains(out, "(latest, text changed)") {
		t.Errorf("show text output:\n%s", out)
	}

	out, errOut, code = rankfile(t, "--data", dir, "diff", id)
	if code != 0 {
		t.Fatalf("diff: exit %d: %s", code, errOut)
	}
	var removed, added bool
	for _, l := range strings.Split(out, "\n") {
		removed = removed || strings.HasPrefix(l, "-") && strings.Contains(l, old)
		added = added || strings.HasPrefix(l, "+") && strings.Contains(l, new)
	}
	if !removed || !added || !strings.Contains(out, "--- "+str(older["doc_id"])) {
		t.Errorf("diff does not show the change:\n%s", out)
	}

	// --from and --to by version and by time
	out, _, code = rankfile(t, "--data", dir, "diff", "--from", str(newer["doc_id"]), "--to", str(newer["doc_id"]), id)
	if code != 0 || !strings.Contains(out, "(the text is the same)") {
		t.Errorf("diff of a version with itself: exit %d\n%s", code, out)
	}
	_, errOut, code = rankfile(t, "--data", dir, "diff", "--to", "2001-01-01", id)
	if code != exitFailure || !strings.Contains(errOut, "no version") {
		t.Errorf("diff --to before the first capture: exit %d, %s", code, errOut)
	}

	// the default search sees the new text only; --all-versions both
	hits := func(args ...string) int {
		out, _, _ := rankfile(t, append([]string{"--data", dir, "search", "--json"}, args...)...)
		return len(jsonLines(t, out))
	}
	if got := hits(`"Charter Expansion"`); got != 1 {
		t.Errorf("new text: %d hits, want 1", got)
	}
	if got := hits("--kind", "post", `"Privatization and Vouchers"`); got != 0 {
		t.Errorf("old text, latest versions: %d hits, want 0", got)
	}
	if got := hits("--all-versions", "--kind", "post", "--site", "Albuquerque Caucus of Rank-and-File Educators", `"Privatization and Vouchers"`); got < 1 {
		t.Errorf("old text, all versions: %d hits, want the old version", got)
	}
}
