package main

import (
	"bytes"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"rankfile/archive"
)

// wgetSite archives a two-page loopback site with `wget --warc-file` and
// returns the WARC file and the site's URL.
func wgetSite(t *testing.T) (warc, site string) {
	t.Helper()
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
	t.Cleanup(srv.Close)
	work := t.TempDir()
	cmd := exec.Command(wget, "--quiet", "--recursive", "--level=1", "-e", "robots=off", "--no-directories",
		"--directory-prefix="+filepath.Join(work, "files"), "--warc-file="+filepath.Join(work, "site"), srv.URL+"/")
	cmd.Env = append(os.Environ(), "no_proxy=*", "http_proxy=", "https_proxy=")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("wget: %v\n%s", err, out)
	}
	return filepath.Join(work, "site.warc.gz"), srv.URL
}

// TestImport_wget archives a loopback site with `wget --warc-file`, imports
// the WARC, and finds its page by search, with wget's capture date.
func TestImport_wget(t *testing.T) {
	warc, site := wgetSite(t)
	data := t.TempDir()
	if out, errOut, code := rankfile(t, "--data", data, "import", warc); code != 0 {
		t.Fatalf("import: exit %d\n%s%s", code, out, errOut)
	}
	out, errOut, code := rankfile(t, "--data", data, "search", "--json", "sanctuary")
	hits := jsonLines(t, out)
	if code != 0 || len(hits) == 0 {
		t.Fatalf("search after import: exit %d, %d hits\n%s", code, len(hits), errOut)
	}
	if got := hits[0]["url"]; got != site+"/statement" {
		t.Errorf("first hit %v, want the imported statement page", got)
	}
	if captured, _ := hits[0]["captured"].(string); captured == "" || strings.HasPrefix(captured, "0001") {
		t.Errorf("hit has no capture date from the WARC: %v", hits[0])
	}
	if out, _, code := rankfile(t, "--data", data, "archive", "check"); code != 0 {
		t.Errorf("archive check after import: exit %d\n%s", code, out)
	}
}

// TestImport_salvage imports a wget WARC with its home page's record
// damaged (one flipped byte): import refuses the file, naming the damage
// and --salvage; import --salvage takes it without that record, exits 3,
// and the page after the damage is searchable.
func TestImport_salvage(t *testing.T) {
	warc, site := wgetSite(t)
	data, err := os.ReadFile(warc)
	if err != nil {
		t.Fatal(err)
	}
	rd := archive.NewReader(bytes.NewReader(data))
	var home, next int64 = -1, -1
	for {
		rec, err := rd.Next()
		if err != nil {
			break
		}
		if home >= 0 && next < 0 {
			next = rec.Offset
		}
		if rec.Type() == archive.TypeResponse && rec.TargetURI() == site+"/" {
			home = rec.Offset
		}
	}
	if home < 0 || next < 0 {
		t.Fatalf("no response record of %s/ followed by another record in wget's WARC", site)
	}
	data[(home+next)/2] ^= 0x55
	damaged := filepath.Join(t.TempDir(), "damaged.warc.gz")
	if err := os.WriteFile(damaged, data, 0o644); err != nil {
		t.Fatal(err)
	}

	dir := t.TempDir()
	_, errOut, code := rankfile(t, "--data", dir, "import", damaged)
	if code != 1 || !strings.Contains(errOut, fmt.Sprintf("offset %d", home)) || !strings.Contains(errOut, "--salvage") {
		t.Errorf("import of a damaged file: exit %d, want 1 with the damage's offset %d and --salvage\n%s", code, home, errOut)
	}
	if files, _ := filepath.Glob(filepath.Join(dir, "archive", "*.warc.gz")); len(files) != 0 {
		t.Errorf("refused import left %v", files)
	}

	out, errOut, code := rankfile(t, "--data", dir, "import", "--salvage", damaged)
	if code != 3 || !strings.Contains(errOut, fmt.Sprintf("offset %d", home)) {
		t.Errorf("import --salvage: exit %d, want 3 naming the damage at offset %d\n%s%s", code, home, out, errOut)
	}
	out, _, _ = rankfile(t, "--data", dir, "search", "--json", "sanctuary")
	if hits := jsonLines(t, out); len(hits) == 0 || hits[0]["url"] != site+"/statement" {
		t.Errorf("after import --salvage, search sanctuary: %v, want the statement page", hits)
	}
	out, _, _ = rankfile(t, "--data", dir, "search", "--json", "library")
	if hits := jsonLines(t, out); len(hits) != 0 {
		t.Errorf("the damaged home page was imported: %v", hits)
	}
	if out, _, code := rankfile(t, "--data", dir, "archive", "check"); code != 0 {
		t.Errorf("archive check after import --salvage: exit %d\n%s", code, out)
	}
}
