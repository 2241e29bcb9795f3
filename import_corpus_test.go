package main

import (
	"bytes"
	"compress/gzip"
	"context"
	"io"
	"net/http/httptest"
	"os"
	"os/exec"
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
// after each import, and warcio.js finds nothing wrong with the copies that
// it does not find with their sources.
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
	var copies []string  // every file import made, for warcio.js
	datas := t.TempDir() // a data directory per file, kept till the end for warcio.js
	for _, f := range corpus {
		t.Run(f.Name, func(t *testing.T) {
			data := filepath.Join(datas, f.Name)
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
				if err != nil || at.Year() < 1996 {
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
			files, _ := filepath.Glob(filepath.Join(data, "archive", "*.warc.gz"))
			copies = append(copies, files...)
		})
	}
	// warcio.js, reading strictly (digests, revisits), finds nothing wrong
	// with the copies that it does not find with their sources: a copy is
	// the source made well-formed, its writer's conventions kept (Heritrix
	// digests a chunked body as received; a draft revisit profile).
	var sources []string
	for _, f := range corpus {
		if !f.Damaged {
			sources = append(sources, filepath.Join(src, f.Name))
		}
	}
	was := warcioComplaints(t, sources)
	for c := range warcioComplaints(t, copies) {
		if !was[c] {
			t.Errorf("warcio.js finds a copy wrong, and not its source: %s", c)
		}
	}
	t.Logf("interop corpus: %d files, %d imported, %d with every page searchable", len(corpus), imported, searchable)
}

// warcioComplaints runs archive/testdata/warcio-check.mjs (webrecorder's
// warcio.js, strict: digests and revisits checked) over files at once and
// returns what it finds wrong, each complaint without the file and record
// it names. Without node or the package it skips the test, or fails it
// when CI is set.
func warcioComplaints(t *testing.T, files []string) map[string]bool {
	t.Helper()
	node, err := exec.LookPath("node")
	if err == nil {
		_, err = os.Stat("tools/warcio/node_modules/warcio/package.json")
	}
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("warcio.js check needs node and `npm ci --prefix tools/warcio`: %v", err)
		}
		t.Skipf("warcio.js check needs node and `npm ci --prefix tools/warcio`: %v", err)
	}
	cmd := exec.Command(node, append([]string{"archive/testdata/warcio-check.mjs"}, files...)...)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if _, err := cmd.Output(); err != nil && stderr.Len() == 0 {
		t.Fatalf("warcio-check: %v", err)
	}
	got := map[string]bool{}
	for _, line := range strings.Split(stderr.String(), "\n") {
		if _, msg, ok := strings.Cut(line, "): "); ok {
			got[msg] = true
		} else if line != "" && !strings.HasPrefix(line, " ") {
			got[line] = true
		}
	}
	return got
}

// replayGet serves the data directory's web interface and gets path.
func replayGet(t *testing.T, data, path string) (int, string) {
	t.Helper()
	srv := replayServer(t, data)
	resp, err := srv.Client().Get(srv.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	body, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(body)
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

// writeCorpusFiles writes the named files of the interop corpus into a
// new directory and returns their paths.
func writeCorpusFiles(t *testing.T, names ...string) []string {
	t.Helper()
	dir := t.TempDir()
	var paths []string
	corpus := warctest.Corpus()
	for _, n := range names {
		for _, f := range corpus {
			if f.Name == n {
				p := filepath.Join(dir, n)
				if err := os.WriteFile(p, f.Data, 0o644); err != nil {
					t.Fatal(err)
				}
				paths = append(paths, p)
			}
		}
	}
	if len(paths) != len(names) {
		t.Fatalf("corpus files %v: found %d", names, len(paths))
	}
	return paths
}

// TestImport_twice imports the same file twice, and then a copy of it
// under another name, gunzipped: the second import says the file was
// imported before and adds nothing, the copy's records are all in the
// archive already and add nothing either; each exits 0 and the page is
// found once.
func TestImport_twice(t *testing.T) {
	src := writeCorpusFiles(t, "wpull.warc.gz")[0]
	data := t.TempDir()
	if _, errOut, code := rankfile(t, "--data", data, "import", src); code != 0 {
		t.Fatalf("first import: exit %d\n%s", code, errOut)
	}
	out, errOut, code := rankfile(t, "--data", data, "import", src)
	if code != 0 || !strings.Contains(out, "imported before as wpull.warc.gz; nothing added") {
		t.Errorf("second import: exit %d, %q; want 0 saying it was imported before\n%s", code, out, errOut)
	}
	zr, err := gzip.NewReader(bytes.NewReader(mustRead(t, src)))
	if err != nil {
		t.Fatal(err)
	}
	plain, err := io.ReadAll(zr)
	if err != nil {
		t.Fatal(err)
	}
	copyPath := filepath.Join(t.TempDir(), "wpull-copy.warc")
	if err := os.WriteFile(copyPath, plain, 0o644); err != nil {
		t.Fatal(err)
	}
	out, errOut, code = rankfile(t, "--data", data, "import", copyPath)
	if code != 0 || !strings.Contains(out, "all 4 records already in the archive; nothing added") {
		t.Errorf("import of a gunzipped copy: exit %d, %q; want 0 saying its records are all there\n%s", code, out, errOut)
	}
	if files, _ := filepath.Glob(filepath.Join(data, "archive", "*.warc.gz")); len(files) != 1 {
		t.Errorf("archive files %v, want the first import's alone", files)
	}
	out, _, _ = rankfile(t, "--data", data, "search", "--json", "Mondaywpull")
	if hits := jsonLines(t, out); len(hits) != 1 {
		t.Errorf("search after importing the file three times: %d hits, want 1", len(hits))
	}
}

// TestImport_digestDamaged imports an uncompressed WARC whose response
// fails its block digest (one flipped bit): import refuses it with exit
// 1, naming the record and --salvage, and leaves the archive as it was;
// import --salvage takes the file without the record, exits 3, and
// archive check passes.
func TestImport_digestDamaged(t *testing.T) {
	src := writeCorpusFiles(t, "digest-damaged.warc")[0]
	data := t.TempDir()
	_, errOut, code := rankfile(t, "--data", data, "import", src)
	if code != 1 || !strings.Contains(errOut, "digest mismatch") || !strings.Contains(errOut, "--salvage") {
		t.Errorf("import: exit %d, want 1 naming the digest mismatch and --salvage\n%s", code, errOut)
	}
	if files, _ := filepath.Glob(filepath.Join(data, "archive", "*.warc*")); len(files) != 0 {
		t.Errorf("refused import left %v", files)
	}
	out, errOut, code := rankfile(t, "--data", data, "import", "--salvage", src)
	if code != 3 || !strings.Contains(errOut, "digest mismatch") {
		t.Errorf("import --salvage: exit %d, want 3 naming the record left out\n%s%s", code, out, errOut)
	}
	if out, errOut, code := rankfile(t, "--data", data, "archive", "check"); code != 0 {
		t.Errorf("archive check after import --salvage: exit %d\n%s%s", code, out, errOut)
	}
}

// TestImport_revisitBeforeOriginal imports a recrawl before the crawl its
// revisit stands on: the import exits 0 and warns that the revisit waits,
// archive check exits 0 and lists it as waiting, and its replay is a 404;
// once the first crawl is imported the revisit's capture gives the
// original's page, in archive get and replay.
func TestImport_revisitBeforeOriginal(t *testing.T) {
	paths := writeCorpusFiles(t, "crawl-part2.warc.gz", "crawl-part1.warc.gz")
	data := t.TempDir()
	out, errOut, code := rankfile(t, "--data", data, "import", paths[0])
	if code != 0 || !strings.Contains(errOut, "waiting for its original") {
		t.Fatalf("import of the recrawl: exit %d, want 0 with a warning of the waiting revisit\n%s%s", code, out, errOut)
	}
	out, _, code = rankfile(t, "--data", data, "archive", "check")
	if code != 0 || !strings.Contains(out, "waiting: crawl-part2.warc.gz") {
		t.Errorf("archive check: exit %d, want 0 listing the waiting revisit\n%s", code, out)
	}
	const replay = "/capture/20240412080001/https://caucus-parts.example/campaign"
	if status, body := replayGet(t, data, replay); status != 404 {
		t.Errorf("replay of the waiting revisit: status %d, want 404 (not archived yet)\n%.300s", status, body)
	}
	if _, errOut, code := rankfile(t, "--data", data, "import", paths[1]); code != 0 {
		t.Fatalf("import of the first crawl: exit %d\n%s", code, errOut)
	}
	out, _, code = rankfile(t, "--data", data, "archive", "check")
	if code != 0 || strings.Contains(out, "waiting") {
		t.Errorf("archive check after the original arrived: exit %d\n%s", code, out)
	}
	out, errOut, code = rankfile(t, "--data", data, "archive", "get", "--at", "2024-04-12T09:00:00Z", "https://caucus-parts.example/campaign")
	if code != 0 || !strings.Contains(out, "Octoberpart") {
		t.Errorf("archive get of the revisit: exit %d, %d bytes without the original's page\n%s", code, len(out), errOut)
	}
	if status, body := replayGet(t, data, replay); status != 200 || !strings.Contains(body, "Octoberpart") {
		t.Errorf("replay of the revisit after its original arrived: status %d\n%.300s", status, body)
	}
}

func mustRead(t *testing.T, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestImport_waczRoundTrip exports an archive as WACZ and imports the
// package into another data directory: the same captures, the same pages
// found by search; importing the package again adds nothing.
func TestImport_waczRoundTrip(t *testing.T) {
	src := writeCorpusFiles(t, warctest.HeritrixName+".warc.gz")[0]
	first, second := t.TempDir(), t.TempDir()
	if _, errOut, code := rankfile(t, "--data", first, "import", src); code != 0 {
		t.Fatalf("import: exit %d\n%s", code, errOut)
	}
	wacz := filepath.Join(t.TempDir(), "caucus.wacz")
	if _, errOut, code := rankfile(t, "--data", first, "export", "--format", "wacz", "--output", wacz); code != 0 {
		t.Fatalf("export: exit %d\n%s", code, errOut)
	}
	if out, errOut, code := rankfile(t, "--data", second, "import", wacz); code != 0 {
		t.Fatalf("import of the WACZ: exit %d\n%s%s", code, out, errOut)
	}
	if a, b := countCaptures(t, filepath.Join(first, "archive")), countCaptures(t, filepath.Join(second, "archive")); a != b || a == 0 {
		t.Errorf("%d captures from the WACZ, %d in the archive it was exported from", b, a)
	}
	for _, word := range []string{"cafeteria", "arbitrator", "ventilation"} {
		out, _, _ := rankfile(t, "--data", second, "search", "--json", word)
		if hits := jsonLines(t, out); len(hits) != 1 {
			t.Errorf("search %s after importing the WACZ: %d hits, want 1", word, len(hits))
		}
	}
	out, errOut, code := rankfile(t, "--data", second, "import", wacz)
	if code != 0 || !strings.Contains(out, "imported before") {
		t.Errorf("the WACZ imported again: exit %d, %q; want it named as imported before\n%s", code, out, errOut)
	}
	if out, errOut, code := rankfile(t, "--data", second, "archive", "check"); code != 0 {
		t.Errorf("archive check: exit %d\n%s%s", code, out, errOut)
	}
}
