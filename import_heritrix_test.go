package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"rankfile/internal/warctest"
)

// TestImport_heritrix imports a WARC file as Heritrix 3 writes it (WARC/1.0,
// gzip per record, a DNS record, a chunked page, a gzip-encoded page,
// revisits naming no original record, an image) and finds each of its
// pages by search with Heritrix's capture date; the DNS record, the image,
// robots.txt and the revisits yield no records, and the archive checks
// clean.
func TestImport_heritrix(t *testing.T) {
	recs, _ := warctest.Heritrix()
	file, _ := warctest.Encode(recs, true)
	src := filepath.Join(t.TempDir(), warctest.HeritrixName+".warc.gz")
	if err := os.WriteFile(src, file, 0o644); err != nil {
		t.Fatal(err)
	}
	data := t.TempDir()
	if out, errOut, code := rankfile(t, "--data", data, "import", src); code != 0 {
		t.Fatalf("import: exit %d\n%s%s", code, out, errOut)
	}
	for _, tt := range []struct {
		word, url, captured string
	}{
		{"cafeteria", warctest.HomeURL, "2024-03-01T12:00:02Z"},
		{"arbitrator", warctest.ArbitrationURL, "2024-03-01T12:00:04Z"},  // sent chunked
		{"ventilation", warctest.VentilationURL, "2024-03-01T12:00:06Z"}, // sent gzip-encoded
	} {
		out, errOut, code := rankfile(t, "--data", data, "search", "--json", tt.word)
		hits := jsonLines(t, out)
		if code != 0 || len(hits) != 1 {
			t.Errorf("search %s: exit %d, %d hits, want 1\n%s%s", tt.word, code, len(hits), out, errOut)
			continue
		}
		if got := hits[0]["url"]; got != tt.url {
			t.Errorf("search %s: hit %v, want %s", tt.word, got, tt.url)
		}
		captured, _ := hits[0]["captured"].(string)
		if at, err := time.Parse(time.RFC3339, captured); err != nil || !at.Equal(mustTime(t, tt.captured)) {
			t.Errorf("search %s: captured %q, want Heritrix's WARC-Date %s", tt.word, captured, tt.captured)
		}
	}
	out, errOut, code := rankfile(t, "--data", data, "export", "--format", "jsonl")
	if code != 0 {
		t.Fatalf("export: exit %d\n%s", code, errOut)
	}
	urls := map[string]bool{}
	for _, r := range jsonLines(t, out) {
		u, _ := r["url"].(string)
		urls[u] = true
		if strings.ContainsAny(u, "<>") || !strings.HasPrefix(u, "http://"+warctest.HeritrixHost+"/") {
			t.Errorf("record of %q", u)
		}
		if text, _ := r["text"].(string); u == warctest.ArbitrationURL {
			for _, p := range warctest.ArbitrationText { // whole: the chunk markers inside them removed
				if !strings.Contains(text, p) {
					t.Errorf("the chunked page's record lacks %q:\n%s", p, text)
				}
			}
		}
	}
	for _, u := range []string{warctest.DNSURL, warctest.ImageURL, warctest.RobotsURL, warctest.ShortlinkURL} {
		if urls[u] {
			t.Errorf("a record of %s, which is no HTML page of its own", u)
		}
	}
	if out, errOut, code := rankfile(t, "--data", data, "archive", "check"); code != 0 {
		t.Errorf("archive check after import: exit %d\n%s%s", code, out, errOut)
	}
}

func mustTime(t *testing.T, s string) time.Time {
	t.Helper()
	at, err := time.Parse(time.RFC3339, s)
	if err != nil {
		t.Fatal(err)
	}
	return at
}
