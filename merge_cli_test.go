package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"rankfile/archive"
	"rankfile/fixtures"
)

// TestArchive_merge merges a copy of the demo's archive (two crawls: the
// second's unchanged pages are revisits of the first's, in other files)
// into a new data directory: every capture is there as in the source, a
// revisit resolves to its original in another file, merging again adds
// nothing, and an archive a crawl still writes to is refused.
func TestArchive_merge(t *testing.T) {
	src, _ := demo()
	worker := filepath.Join(t.TempDir(), "w1", "archive")
	if err := os.MkdirAll(worker, 0o755); err != nil {
		t.Fatal(err)
	}
	names, _ := filepath.Glob(filepath.Join(src, "archive", "*.warc.gz"))
	for _, n := range names {
		data, err := os.ReadFile(n)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(worker, filepath.Base(n)), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	dst := t.TempDir()
	if out, errOut, code := rankfile(t, "--data", dst, "archive", "merge", filepath.Dir(worker)); code != 0 {
		t.Fatalf("merge: exit %d\n%s\n%s", code, out, errOut)
	}
	revisits := 0
	for _, pg := range fixtures.Pages() {
		want, _, _ := rankfile(t, "--data", src, "archive", "captures", "--format", "json", pg.URL)
		got, errOut, code := rankfile(t, "--data", dst, "archive", "captures", "--format", "json", pg.URL)
		wl, gl := jsonLines(t, want), jsonLines(t, got)
		same := code == 0 && len(wl) == len(gl)
		for i := 0; same && i < len(wl); i++ {
			for _, k := range []string{"timestamp", "status", "type", "digest", "filename"} {
				same = same && wl[i][k] == gl[i][k]
			}
			if gl[i]["type"] == archive.TypeRevisit {
				revisits++
			}
		}
		if !same {
			t.Errorf("captures %s: merged (exit %d %s)\n%s\nwant as in the source\n%s", pg.URL, code, errOut, got, want)
		}
		// the latest capture, a revisit or not, gives the same page
		wantPage, _, _ := rankfile(t, "--data", src, "archive", "get", pg.URL)
		if page, errOut, code := rankfile(t, "--data", dst, "archive", "get", pg.URL); code != 0 || page != wantPage {
			t.Errorf("get %s: exit %d %s; %d bytes, want the source's %d", pg.URL, code, errOut, len(page), len(wantPage))
		}
	}
	if revisits == 0 {
		t.Error("no revisit in the merged archive: the test checks none resolving across files")
	}
	out, errOut, code := rankfile(t, "--data", dst, "archive", "merge", filepath.Dir(worker))
	if code != 0 || strings.Count(out, "imported before") != len(names) {
		t.Errorf("merge again: exit %d %s\n%s; want each of the %d files imported before", code, errOut, out, len(names))
	}
	arc, err := archive.Open(worker, archive.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer arc.Close()
	if _, errOut, code := rankfile(t, "--data", dst, "archive", "merge", filepath.Dir(worker)); code == 0 || !strings.Contains(errOut, "still writing") {
		t.Errorf("merge of an archive a crawl holds: exit %d %s; want refused", code, errOut)
	}
}
