package archive

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestArchive_CheckRevisits checks that Check leads every revisit record to
// its original: across files when it holds, and with one problem per
// revisit when the original is gone or is not the one described.
func TestArchive_CheckRevisits(t *testing.T) {
	html := []byte("<p>Our caucus met in the library.</p>")
	recrawled := func(t *testing.T) (dir string, firstFile string) {
		dir = t.TempDir()
		for day, id := range []string{"first", "second"} {
			a := mustOpen(t, dir, Options{CrawlID: id})
			for _, ex := range []*Exchange{
				page("http://albu-core.test/", 200, html, "Content-Type: text/html"),
				page("http://albu-core.test/feed/", 200, gzipped(t, html), "Content-Type: application/rss+xml", "Content-Encoding: gzip"),
			} {
				ex.Date = testTime.Add(time.Duration(day) * 24 * time.Hour)
				mustWrite(t, a, ex)
			}
			mustClose(t, a)
		}
		names, _ := filepath.Glob(filepath.Join(dir, "rankfile-first-*.warc.gz"))
		return dir, names[0]
	}
	fromTestdata := func(name string) func(t *testing.T) (string, string) {
		return func(t *testing.T) (string, string) {
			dir := t.TempDir()
			data, err := os.ReadFile(filepath.Join("testdata", name))
			if err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
				t.Fatal(err)
			}
			return dir, ""
		}
	}
	tests := []struct {
		name      string
		setup     func(t *testing.T) (dir, firstFile string)
		dropFirst bool   // remove the first crawl's file (and reindex)
		want      int    // revisit problems
		wantText  string // in each
	}{
		{"recrawl across files", recrawled, false, 0, ""},
		{"originals removed", recrawled, true, 2, "names no response record"},
		{"wrong payload digest", fromTestdata("revisit-wrong-digest.warc.gz"), false, 1, "original's payload"},
		{"no original", fromTestdata("revisit-no-original.warc.gz"), false, 1, "names no response record"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir, first := tt.setup(t)
			if tt.dropFirst {
				if err := os.Remove(first); err != nil {
					t.Fatal(err)
				}
			}
			a := mustOpen(t, dir, Options{})
			defer mustClose(t, a)
			if err := a.Reindex(context.Background()); err != nil {
				t.Fatal(err)
			}
			rep, err := a.Check(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			var got []Problem
			for _, p := range rep.Problems {
				if errors.Is(p.Err, ErrRevisit) {
					got = append(got, p)
				} else {
					t.Errorf("unexpected problem %s", p)
				}
			}
			if len(got) != tt.want {
				t.Fatalf("%d revisit problems, want %d: %v", len(got), tt.want, got)
			}
			for _, p := range got {
				if !strings.Contains(p.Err.Error(), tt.wantText) {
					t.Errorf("problem %s, want it to say %q", p, tt.wantText)
				}
			}
		})
	}
}
