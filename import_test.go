package main

import (
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestImport_wget archives a loopback site with `wget --warc-file`, imports
// the WARC, and finds its page by search, with wget's capture date.
func TestImport_wget(t *testing.T) {
	wget, err := exec.LookPath("wget")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("the import test needs wget (Debian package wget, installed by .ci/run)")
		}
		t.Skip("wget not installed")
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Write([]byte(`<html><head><title>Caucus news</title></head><body><nav><a href="/statement">Statement</a></nav>
<main><h1>Caucus news</h1><p>Our caucus met in the library to plan the contract campaign.</p></main></body></html>`))
		case "/statement":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			w.Write([]byte(`<html><head><title>Statement on sanctuary schools</title></head><body><article>
<h1>Statement on sanctuary schools</h1><p>The rank-and-file caucus stands for sanctuary schools where every
student is safe from immigration raids, and calls on the district to adopt the policy this spring.</p>
<p>Members will speak at the school board meeting.</p></article></body></html>`))
		default:
			http.NotFound(w, r)
		}
	}))
	defer srv.Close()
	work := t.TempDir()
	cmd := exec.Command(wget, "--quiet", "--recursive", "--level=1", "-e", "robots=off", "--no-directories",
		"--directory-prefix="+filepath.Join(work, "files"), "--warc-file="+filepath.Join(work, "site"), srv.URL+"/")
	cmd.Env = append(os.Environ(), "no_proxy=*", "http_proxy=", "https_proxy=")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("wget: %v\n%s", err, out)
	}
	data := t.TempDir()
	if out, errOut, code := rankfile(t, "--data", data, "import", filepath.Join(work, "site.warc.gz")); code != 0 {
		t.Fatalf("import: exit %d\n%s%s", code, out, errOut)
	}
	out, errOut, code := rankfile(t, "--data", data, "search", "--json", "sanctuary")
	hits := jsonLines(t, out)
	if code != 0 || len(hits) == 0 {
		t.Fatalf("search after import: exit %d, %d hits\n%s", code, len(hits), errOut)
	}
	if got := hits[0]["url"]; got != srv.URL+"/statement" {
		t.Errorf("first hit %v, want the imported statement page", got)
	}
	if captured, _ := hits[0]["captured"].(string); captured == "" || strings.HasPrefix(captured, "0001") {
		t.Errorf("hit has no capture date from the WARC: %v", hits[0])
	}
	if out, _, code := rankfile(t, "--data", data, "archive", "check"); code != 0 {
		t.Errorf("archive check after import: exit %d\n%s", code, out)
	}
}
