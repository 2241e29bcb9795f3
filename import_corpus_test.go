package main

import (
	"context"
	"io"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"rankfile/archive"
	"rankfile/internal/warctest"
	"rankfile/record"
	"rankfile/serve"
)

// TestImport_corpus imports each file of the interop corpus (archive files
// as Heritrix 1 and 3, the Internet Archive, wpull, warcit, Webrecorder and
// pywb write them, and the oddities warcio and pywb read leniently) into an
// archive of its own, after the file holding its revisits' originals, and
// checks that every file not damaged on purpose imports with exit 0, gives
// the captures it holds, and that each of its pages is found by search and
// replays;
// the damaged files are refused with exit 1. The archive checks clean
// after each import.
func TestImport_corpus(t *testing.T) {
	corpus := warctest.Corpus()
	src := t.TempDir()
	byName := map[string]warctest.File{}
	for _, f := range corpus {
		byName[f.Name] = f
		if err := os.WriteFile(filepath.Join(src, f.Name), f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	imported, searchable := 0, 0
	for _, f := range corpus {
		t.Run(f.Name, func(t *testing.T) {
			data := t.TempDir()
			captures := f.Captures
			if f.Needs != "" {
				if _, errOut, code := rankfile(t, "--data", data, "import", filepath.Join(src, f.Needs)); code != 0 {
					t.Fatalf("import %s first: exit %d\n%s", f.Needs, code, errOut)
				}
				captures += byName[f.Needs].Captures
			}
			out, errOut, code := rankfile(t, "--data", data, "import", filepath.Join(src, f.Name))
			if f.Damaged {
				if code != 1 {
					t.Errorf("import of %s (%s): exit %d, want 1\n%s%s", f.Name, f.Oddity, code, out, errOut)
				}
				return
			}
			if code != 0 {
				t.Fatalf("import %s (%s, %s): exit %d\n%s%s", f.Name, f.Tool, f.Oddity, code, out, errOut)
			}
			imported++
			if f.Warning != "" && !strings.Contains(errOut, f.Warning) {
				t.Errorf("import of %s (%s) warned nothing about %q:\n%s", f.Name, f.Oddity, f.Warning, errOut)
			}
			if got := countCaptures(t, filepath.Join(data, "archive")); got != captures {
				t.Errorf("%d captures, want %d", got, captures)
			}
			found := 0
			srv := replayServer(t, data)
			for _, p := range f.Pages {
				out, _, _ := rankfile(t, "--data", data, "search", "--json", p.Word)
				hits := jsonLines(t, out)
				if len(hits) != 1 || hits[0]["url"] != p.URL {
					t.Errorf("search %s: %v, want %s", p.Word, hits, p.URL)
					continue
				}
				captured, _ := hits[0]["captured"].(string)
				at, err := time.Parse(time.RFC3339, captured)
				if err != nil {
					t.Errorf("search %s: captured %q", p.Word, captured)
					continue
				}
				resp, err := srv.Client().Get(srv.URL + "/capture/" + at.UTC().Format("20060102150405") + "/" + p.URL)
				if err != nil {
					t.Fatal(err)
				}
				body, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != 200 || !strings.Contains(string(body), p.Word) {
					t.Errorf("replay of %s: status %d, %d bytes without %q", p.URL, resp.StatusCode, len(body), p.Word)
					continue
				}
				found++
			}
			if found == len(f.Pages) {
				searchable++
			}
			if out, errOut, code := rankfile(t, "--data", data, "archive", "check"); code != 0 {
				t.Errorf("archive check after import: exit %d\n%s%s", code, out, errOut)
			}
		})
	}
	t.Logf("interop corpus: %d files, %d imported, %d with every page searchable", len(corpus), imported, searchable)
}

// replayServer serves the web interface of the data directory on loopback.
func replayServer(t *testing.T, data string) *httptest.Server {
	t.Helper()
	s, err := serve.New(serve.Options{Dir: data})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(s.Handler())
	t.Cleanup(func() {
		srv.Close()
		s.Close()
	})
	return srv
}

// countCaptures counts the captures of the archive in dir.
func countCaptures(t *testing.T, dir string) int {
	t.Helper()
	a, err := archive.OpenReadOnly(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	n := 0
	err = a.Captures(context.Background(), func(c record.Capture) error {
		n++
		return nil
	})
	if err != nil && !strings.Contains(err.Error(), "revisit") {
		t.Errorf("captures: %v", err)
	}
	return n
}
