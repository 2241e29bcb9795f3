package archive

import (
	"bufio"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"rankfile/internal/linesort"
)

// withJournalMax sets journalMax for one test.
func withJournalMax(t *testing.T, n int64) {
	old := journalMax
	journalMax = n
	t.Cleanup(func() { journalMax = old })
}

// writeVisits writes n pages, each URL twice (the second time a revisit),
// with URLs that are prefixes of others (p1, p10, p100), and returns the
// entries written by URL.
func writeVisits(t *testing.T, a *Archive, n int) map[string][]Entry {
	t.Helper()
	want := map[string][]Entry{}
	for round := range 2 {
		for i := range n {
			ex := page(fmtURL(7, i), 200, pageBody(7, i), `ETag: "e`+itoa(i)+`"`)
			ex.Date = testTime.Add(time.Duration(round) * 24 * time.Hour)
			e := mustWrite(t, a, ex).Entry
			want[e.URL] = append(want[e.URL], e)
		}
	}
	return want
}

// checkLookups looks up every URL written, and some never written.
func checkLookups(t *testing.T, a *Archive, want map[string][]Entry) {
	t.Helper()
	for url, es := range want {
		got, err := a.Lookup(url)
		if err != nil || !slices.Equal(got, es) {
			t.Fatalf("Lookup(%s) = %+v, %v; want %+v", url, got, err, es)
		}
	}
	for _, url := range []string{"http://example.test/w7/p", "http://example.test/w7/p1x", "http://a.test/", "http://zz.test/"} {
		if got, err := a.Lookup(url); err != nil || len(got) != 0 {
			t.Errorf("Lookup(%s) of a URL never written = %+v, %v", url, got, err)
		}
	}
}

// TestIndex_OnDisk writes enough captures that index.cdxj is searched by
// its binary search (well over its read-on window) and that the journal is
// merged into it several times while the archive is open: every capture is
// found, oldest first, before and after a reopen, the journal's table
// never holds more than the journal's entries, and a lookup reads only its
// part of the index.
func TestIndex_OnDisk(t *testing.T) {
	withJournalMax(t, 64<<10)
	dir := t.TempDir()
	a := mustOpen(t, dir, Options{})
	const n = 1500
	want := writeVisits(t, a, n)
	a.idx.mu.RLock()
	tableEntries, jsize := a.idx.count, a.idx.jsize
	a.idx.mu.RUnlock()
	if jsize > journalMax || tableEntries >= n {
		t.Errorf("the journal holds %d bytes, %d entries, after %d captures; want it merged past %d bytes", jsize, tableEntries, 2*n, journalMax)
	}
	if st, err := os.Stat(filepath.Join(dir, indexName)); err != nil || st.Size() < 4*searchWindow {
		t.Fatalf("index.cdxj: %v, %v; want one merged while open, over %d bytes", st, err, 4*searchWindow)
	}
	checkLookups(t, a, want)
	if s := a.Summary(); s.Captures != 2*n || s.Revisits != n || s.URLs != n {
		t.Errorf("Summary = %+v, want %d captures, %d revisits, %d URLs", s, 2*n, n, n)
	}
	allocs := testing.AllocsPerRun(20, func() { a.Lookup(fmtURL(7, 777)) })
	if allocs > 200 {
		t.Errorf("a lookup made %.0f allocations, want under 200: it reads only its part of the index", allocs)
	}
	mustClose(t, a)
	if _, err := os.Stat(filepath.Join(dir, journalName)); !os.IsNotExist(err) {
		t.Errorf("journal left after Close: %v", err)
	}
	assertSortedIndex(t, dir, 2*n)

	a = mustOpen(t, dir, Options{})
	defer mustClose(t, a)
	checkLookups(t, a, want)
	mustCheck(t, a)
}

// assertSortedIndex checks that index.cdxj holds n lines, sorted, each once.
func assertSortedIndex(t *testing.T, dir string, n int) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join(dir, indexName))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	if len(lines) != n || !slices.IsSorted(lines) || len(slices.Compact(slices.Clone(lines))) != n {
		t.Errorf("index.cdxj: %d lines (want %d), sorted %v", len(lines), n, slices.IsSorted(lines))
	}
}

// TestIndex_ReadOnlyBesideMerges opens the archive read-only while a
// writer goes on and merges its journal into index.cdxj twice: the reader
// keeps finding what the index held when it opened.
func TestIndex_ReadOnlyBesideMerges(t *testing.T) {
	withJournalMax(t, 16<<10)
	dir := t.TempDir()
	w := mustOpen(t, dir, Options{})
	defer mustClose(t, w)
	var first []Entry
	for i := range 30 {
		first = append(first, mustWrite(t, w, page(fmtURL(8, i), 200, pageBody(8, i))).Entry)
	}
	r, err := OpenReadOnly(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer r.Close()
	for i := 30; i < 300; i++ { // past journalMax: merged while the reader is open
		mustWrite(t, w, page(fmtURL(8, i), 200, pageBody(8, i)))
	}
	for _, e := range first {
		got, err := r.Lookup(e.URL)
		if err != nil || len(got) != 1 || got[0] != e {
			t.Errorf("read-only Lookup(%s) = %+v, %v; want %+v", e.URL, got, err, e)
		}
	}
	if s := r.Summary(); s.Captures != 30 {
		t.Errorf("read-only Summary: %d captures, want the 30 there when it opened", s.Captures)
	}
}

// TestIndex_OldIndexFile opens a data directory whose index.cdxj another
// tool or an older rankfile wrote: lines in no order, CRLF line ends, a
// "!" metadata line, a line twice, and a journal left beside it. Open
// sorts it on disk; every capture is found.
func TestIndex_OldIndexFile(t *testing.T) {
	dir := t.TempDir()
	a := mustOpen(t, dir, Options{})
	want := writeVisits(t, a, 200)
	mustClose(t, a)
	// index.cdxj as rankfile wrote it before (the whole index sorted in
	// memory): the same file, read as it is, read-only beside no writer.
	r, err := OpenReadOnly(dir)
	if err != nil {
		t.Fatal(err)
	}
	checkLookups(t, r, want)
	r.Close()
	data, err := os.ReadFile(filepath.Join(dir, indexName))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	journal := lines[:10]
	lines = append(slices.Clone(lines[10:]), lines[10]) // one line twice
	rand.New(rand.NewPCG(3, 4)).Shuffle(len(lines), func(i, j int) { lines[i], lines[j] = lines[j], lines[i] })
	old := "!meta 0 {\"format\": \"cdxj-1.0\"}\r\n" + strings.Join(lines, "\r\n") + "\r\n"
	if err := os.WriteFile(filepath.Join(dir, indexName), []byte(old), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, journalName), []byte(strings.Join(journal, "\n")+"\n"), 0o644); err != nil {
		t.Fatal(err)
	}

	a = mustOpen(t, dir, Options{})
	defer mustClose(t, a)
	assertSortedIndex(t, dir, 400)
	checkLookups(t, a, want)
	mustCheck(t, a)
}

// TestIndex_ReindexMatches rebuilds the index from the WARC files alone
// and gets index.cdxj back byte for byte.
func TestIndex_ReindexMatches(t *testing.T) {
	withJournalMax(t, 32<<10)
	dir := t.TempDir()
	a := mustOpen(t, dir, Options{MaxFileSize: 64 << 10})
	writeVisits(t, a, 300)
	mustClose(t, a)
	before, _ := os.ReadFile(filepath.Join(dir, indexName))
	a = mustOpen(t, dir, Options{})
	if err := a.Reindex(t.Context()); err != nil {
		t.Fatal(err)
	}
	mustClose(t, a)
	after, _ := os.ReadFile(filepath.Join(dir, indexName))
	if string(before) != string(after) {
		t.Errorf("Reindex wrote another index: %d bytes, was %d", len(after), len(before))
	}
	f, _ := os.Open(filepath.Join(dir, indexName))
	defer f.Close()
	n := 0
	for sc := bufio.NewScanner(f); sc.Scan(); n++ {
	}
	if n != 600 {
		t.Errorf("index.cdxj holds %d lines, want 600", n)
	}
}

// TestParsePlain reads JSON blocks as encoding/json does, or leaves them
// to it.
func TestParsePlain(t *testing.T) {
	blocks := []string{
		`{"url": "http://example.com/", "mime": "text/html", "status": "200", "digest": "G7HR", "length": "1219", "offset": "771", "filename": "example.warc.gz"}`,
		`{"url":"http://example.com/","mime":"warc/revisit","length":12,"offset":0,"filename":"x.warc.gz"}`,
		`{"url":"http://example.com/é","status":"-","length":"9","offset":"0","filename":"x.warc.gz","etag":"W/1","last_modified":"Wed, 01 Jun 2022"}`,
		`{"url":"http://example.com/a\"b","length":"9","offset":"0","filename":"x"}`,
		`{"url":"a	tab","length":"9","offset":"0","filename":"x"}`,
		`{"URL":"upper","length":"9","offset":"0","filename":"x"}`,
		`{"url":"x","length":"9","offset":"0","filename":"x","source":"other tool"}`,
		`{"url":"x","length":true,"offset":"0","filename":"x"}`,
		`{"url":"x","length":1e3,"offset":"0","filename":"x"}`,
		`{"url":"x","length":"9","offset":"0","filename":"x",}`,
		`{"url":"x" "length":"9"}`,
		"{\"url\":\"\xff\",\"length\":\"9\",\"offset\":\"0\",\"filename\":\"x\"}", // not UTF-8
		`{"url":"a\\b\"c\n","etag":"\"p1\"","length":"9","offset":"0","filename":"x"}`,
		`{"url":"a\/b","length":"9","offset":"0","filename":"x"}`,
		`{"url":"a\u00e9\ud83d\ude00","length":"9","offset":"0","filename":"x"}`,
		`{"url":"a\x41","length":"9","offset":"0","filename":"x"}`,
		`{}`, `{`, `[]`, `{"url":"x","url":"y","length":"1","offset":"2","filename":"f"}`,
	}
	for _, js := range blocks {
		var plain, std cdxjFields
		ok := plain.parsePlain(js)
		stdErr := json.Unmarshal([]byte(js), &std)
		if ok && (stdErr != nil || plain != std) {
			t.Errorf("parsePlain(%s) = %+v; encoding/json: %+v, %v", js, plain, std, stdErr)
		}
	}
	e := Entry{URL: `http://example.test/a"b\c`, ETag: `W/"x"`, File: "f", Time: testTime}
	if !new(cdxjFields).parsePlain(blocks[0]) || !new(cdxjFields).parsePlain(blocks[1]) || !new(cdxjFields).parsePlain(strings.SplitN(e.Line(), " ", 3)[2]) {
		t.Error("parsePlain left the plain blocks to encoding/json")
	}
	for _, ts := range []string{"20240229120000", "20230229120000", "20241301000000", "2024010112000x", "99991231235959"} {
		got, ok := parseTimestamp(ts)
		want, err := time.Parse(timestamp14, ts)
		if ok && (err != nil || !got.Equal(want)) {
			t.Errorf("parseTimestamp(%s) = %v; time.Parse: %v, %v", ts, got, want, err)
		}
		if !ok && err == nil {
			t.Errorf("parseTimestamp(%s) refused what time.Parse reads", ts)
		}
	}
}

// TestOpen_RemovesMergeLeftovers opens an archive where a process was
// killed merging its index: the new index.cdxj not yet renamed and a sort
// run are removed; the index is whole.
func TestOpen_RemovesMergeLeftovers(t *testing.T) {
	dir := t.TempDir()
	a := mustOpen(t, dir, Options{})
	want := writeVisits(t, a, 20)
	mustClose(t, a)
	left := []string{"." + indexName + "-123.tmp", linesort.TempPrefix + "456"}
	for _, name := range left {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("com,cut) 2024"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	a = mustOpen(t, dir, Options{})
	defer mustClose(t, a)
	for _, name := range left {
		if _, err := os.Stat(filepath.Join(dir, name)); !os.IsNotExist(err) {
			t.Errorf("%s still there after Open: %v", name, err)
		}
	}
	checkLookups(t, a, want)
}

// TestIndex_ConcurrentMerges writes from four goroutines while four look
// up what was written, the journal merging into index.cdxj many times
// meanwhile: every capture written is found by the lookups after it (run
// with -race too).
func TestIndex_ConcurrentMerges(t *testing.T) {
	withJournalMax(t, 8<<10)
	a := mustOpen(t, t.TempDir(), Options{})
	defer mustClose(t, a)
	const writers, each = 4, 60
	var wg sync.WaitGroup
	errs := make(chan string, writers*each)
	for w := range writers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range each {
				ex := page(fmtURL(20+w, i), 200, pageBody(20+w, i))
				res, err := a.Write(ex)
				if err != nil {
					errs <- err.Error()
					return
				}
				got, err := a.Lookup(ex.URL)
				if err != nil || len(got) != 1 || got[0] != res.Entry {
					errs <- fmt.Sprintf("Lookup(%s) right after writing = %+v, %v", ex.URL, got, err)
				}
				if _, err := a.Lookup(fmtURL(20+(w+1)%writers, i)); err != nil {
					errs <- err.Error()
				}
			}
		}()
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	if s := a.Summary(); s.Captures != writers*each || s.URLs != writers*each {
		t.Errorf("Summary = %+v, want %d captures of as many URLs", s, writers*each)
	}
}
