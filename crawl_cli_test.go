package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseSize(t *testing.T) {
	for _, c := range []struct {
		in   string
		want int64
	}{{"1GB", 1e9}, {"500MB", 500e6}, {"64KiB", 64 << 10}, {"1.5 GiB", 3 << 29}, {"1048576", 1 << 20}, {"10kb", 10e3}, {"2M", 2e6}} {
		if got, err := parseSize(c.in); err != nil || got != c.want {
			t.Errorf("parseSize(%q) = %d, %v; want %d", c.in, got, err, c.want)
		}
	}
	for _, bad := range []string{"", "GB", "-1MB", "0", "ten MB", "1TB", "1e20"} {
		if got, err := parseSize(bad); err == nil {
			t.Errorf("parseSize(%q) = %d, want an error", bad, got)
		}
	}
}

// TestCrawl_warcSize crawls a site of thirteen pages of about 3 KB
// compressed with --warc-size 16KiB: the archive is split into WARC files,
// each closed at the first page that takes it past the limit (never
// before, and past it by no more than a page's records), and it passes
// archive check.
func TestCrawl_warcSize(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		var i int
		if _, err := fmt.Sscanf(r.URL.Path, "/p/%d", &i); err != nil && r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		fmt.Fprint(w, "<html><body>")
		for j := range 12 {
			fmt.Fprintf(w, `<a href="/p/%d">page %d</a> `, j, j)
		}
		for j := range 120 { // little repetition, so gzip leaves several KB
			fmt.Fprintf(w, "<p>Minutes %d of meeting %d: motion %x carried %d to %d.</p>", j, i, (i+1)*(j+7)*2654435761, j*i%17, (i+j)%13)
		}
		fmt.Fprint(w, "</body></html>")
	}))
	defer srv.Close()
	dir := t.TempDir()
	sites := filepath.Join(t.TempDir(), "sites.yaml")
	os.WriteFile(sites, []byte("defaults: {delay: 0s}\nsites:\n  - name: Split\n    kind: caucus\n    seeds: ["+srv.URL+"/]\n"), 0o644)
	if _, errOut, code := rankfile(t, "--data", dir, "crawl", "--sites", sites, "--warc-size", "bogus"); code != exitUsage || !strings.Contains(errOut, "--warc-size") {
		t.Errorf("--warc-size bogus: exit %d %q, want a usage error", code, errOut)
	}
	const limit = 16 << 10
	if _, errOut, code := rankfile(t, "--data", dir, "crawl", "--no-index", "--sites", sites, "--warc-size", "16KiB"); code != 0 {
		t.Fatalf("crawl: exit %d\n%s", code, errOut)
	}
	files, _ := filepath.Glob(filepath.Join(dir, "archive", "*.warc.gz")) // sorted: serials in order
	if len(files) < 2 {
		t.Fatalf("%d WARC file(s) with --warc-size 16KiB, want the archive split", len(files))
	}
	for i, f := range files {
		st, err := os.Stat(f)
		if err != nil {
			t.Fatal(err)
		}
		if i < len(files)-1 && st.Size() < limit {
			t.Errorf("%s: %d bytes, closed before reaching the %d limit", filepath.Base(f), st.Size(), limit)
		}
		if st.Size() > limit+8<<10 {
			t.Errorf("%s: %d bytes, past the %d limit by more than a page's records", filepath.Base(f), st.Size(), limit)
		}
	}
	if out, errOut, code := rankfile(t, "--data", dir, "archive", "check"); code != 0 {
		t.Errorf("archive check: exit %d\n%s%s", code, out, errOut)
	}
}

// TestCrawl_check validates a sites file and prints what a crawl of it
// would fetch, without creating the data directory; an invalid file gets
// the usage exit code and the line of the error.
func TestCrawl_check(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data")
	out, errOut, code := rankfile(t, "--data", data, "crawl", "--check", "--sites", "sites.example.yaml")
	if code != 0 || !strings.Contains(out, "Albuquerque Caucus of Rank-and-File Educators (AlbuCORE): caucus, Albuquerque, NM") ||
		!strings.Contains(out, "seeds     https://albu-core.org/") || strings.Contains(out, "warning:") {
		t.Errorf("crawl --check of the example sites file: exit %d\n%s%s", code, out, errOut)
	}
	if _, err := os.Stat(data); err == nil {
		t.Error("crawl --check created the data directory")
	}
	bad := filepath.Join(t.TempDir(), "sites.yaml")
	os.WriteFile(bad, []byte("sites:\n  - name: A\n    kind: caucus\n    seeds: [http://a.test/]\n    max_depth: deep\n"), 0o644)
	if _, errOut, code := rankfile(t, "--data", data, "crawl", "--check", "--sites", bad); code != exitUsage || !strings.Contains(errOut, "line 5") {
		t.Errorf("crawl --check of an invalid file: exit %d %q, want %d naming line 5", code, errOut, exitUsage)
	}
}

// TestCrawl_checkShared: crawl --check names a host two sites share, the
// site open to all of it, and exits 2 for a seed no site would fetch.
func TestCrawl_checkShared(t *testing.T) {
	sites := filepath.Join(t.TempDir(), "sites.yaml")
	os.WriteFile(sites, []byte(`sites:
  - name: Urban
    kind: partner
    seeds: [https://wp.towson.edu/urbanedemproj/]
  - name: Labor
    kind: partner
    seeds: [https://wp.towson.edu/laborstudies/, https://wp.towson.edu/urbanedemproj/labor/]
    include: ['^https://wp\.towson\.edu/laborstudies/']
`), 0o644)
	out, errOut, code := rankfile(t, "crawl", "--check", "--sites", sites)
	for _, want := range []string{
		`shared host wp.towson.edu: "Urban", "Labor"`,
		`"Urban" has no include patterns: it takes every URL of wp.towson.edu`,
		`problem: seed https://wp.towson.edu/urbanedemproj/labor/ of "Labor" is left out`,
	} {
		if !strings.Contains(out, want) {
			t.Errorf("crawl --check printed\n%s\nwant %q", out, want)
		}
	}
	if code != exitUsage || !strings.Contains(errOut, "1 seed(s) would not be fetched") {
		t.Errorf("crawl --check with a seed no site fetches: exit %d %q, want %d", code, errOut, exitUsage)
	}
}
