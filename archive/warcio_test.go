package archive

import (
	"bufio"
	"bytes"
	"crypto/sha1"
	"encoding/hex"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"testing"
	"time"
)

// warcioRecord is one line of testdata/warcio-check.mjs output.
type warcioRecord struct {
	File          string `json:"file"`
	Offset        int64  `json:"offset"`
	Type          string `json:"type"`
	ID            string `json:"id"`
	URI           string `json:"uri"`
	BlockOK       *bool  `json:"block_ok"`
	PayloadOK     *bool  `json:"payload_ok"`
	PayloadDigest string `json:"payload_digest"`
	Status        int    `json:"status"`
	ContentSHA1   string `json:"content_sha1_hex"`
	RefersOK      *bool  `json:"refers_ok"` // a revisit's original found and matching
}

// warcioCheck runs webrecorder's warcio.js over WARC files (all those a
// revisit may refer to) through testdata/warcio-check.mjs. Without node or
// the warcio package it skips the test, or fails it when the CI environment
// variable is set.
func warcioCheck(t *testing.T, files ...string) []warcioRecord {
	t.Helper()
	recs, stderr, err := runWarcio(t, files...)
	if err != nil {
		t.Fatalf("warcio-check %v: %v\n%s", files, err, stderr)
	}
	return recs
}

// runWarcio runs the check, returning its records, its complaints and its
// exit error.
func runWarcio(t *testing.T, files ...string) ([]warcioRecord, []byte, error) {
	t.Helper()
	modules, err := filepath.Abs(filepath.Join("..", "tools", "warcio", "node_modules"))
	if err != nil {
		t.Fatal(err)
	}
	node, err := exec.LookPath("node")
	if err == nil {
		_, err = os.Stat(filepath.Join(modules, "warcio", "package.json"))
	}
	if err != nil {
		msg := "warcio.js check needs node and `npm ci --prefix tools/warcio`: " + err.Error()
		if os.Getenv("CI") != "" {
			t.Fatal(msg)
		}
		t.Skip(msg)
	}
	cmd := exec.Command(node, append([]string{filepath.Join("testdata", "warcio-check.mjs")}, files...)...)
	cmd.Env = append(os.Environ(), "WARCIO_NODE_MODULES="+modules)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return nil, stderr.Bytes(), err
	}
	var recs []warcioRecord
	sc := bufio.NewScanner(bytes.NewReader(out))
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var r warcioRecord
		if err := json.Unmarshal(sc.Bytes(), &r); err != nil {
			t.Fatalf("warcio-check output %q: %v", sc.Text(), err)
		}
		recs = append(recs, r)
	}
	return recs, stderr.Bytes(), nil
}

// TestWarcioCheck_RejectsBroken makes sure the warcio.js check can fail: it
// must reject each damaged input under testdata.
func TestWarcioCheck_RejectsBroken(t *testing.T) {
	for _, name := range []string{"truncated.warc.gz", "corrupt-member.warc.gz", "bad-content-length.warc",
		"revisit-wrong-digest.warc.gz", "revisit-no-original.warc.gz"} {
		t.Run(name, func(t *testing.T) {
			if _, stderr, err := runWarcio(t, filepath.Join("testdata", name)); err == nil {
				t.Errorf("warcio-check accepted %s", name)
			} else if len(stderr) == 0 {
				t.Errorf("warcio-check rejected %s without saying why", name)
			}
		})
	}
}

func TestArchive_WarcioReadsOurFiles(t *testing.T) {
	html := []byte("<html><body><h1>Beginnings</h1><p>A social justice caucus in formation.</p></body></html>")
	latin1 := []byte("<p>\xa1Educaci\xf3n p\xfablica! \xa9 caf\xe9</p>")
	pages := []struct {
		ex   *Exchange
		want []byte // decoded content warcio must find
	}{
		{page("http://albu-core.test/", 200, html, "Content-Type: text/html; charset=UTF-8"), html},
		{page("http://albu-core.test/feed/", 200, gzipped(t, html), "Content-Type: application/rss+xml", "Content-Encoding: gzip"), html},
		{page("http://turnweb.test/posts/latin", 200, latin1, "Content-Type: text/html; charset=iso-8859-1"), latin1},
		{page("http://turnweb.test/posts/chunked", 200, html, "Content-Type: text/html", "Transfer-Encoding: chunked"), html},
		{page("http://turnweb.test/missing", 404, []byte("not here"), "Content-Type: text/plain"), []byte("not here")},
	}
	dir := t.TempDir()
	a := mustOpen(t, dir, Options{Software: "rankfile/test", Settings: map[string]string{"robots": "obey"}})
	entries := map[string]Entry{}
	for _, p := range pages {
		p.ex.Via, p.ex.Hops, p.ex.Outlinks = "http://albu-core.test/", "L", []string{"http://albu-core.test/feed/"}
		res := mustWrite(t, a, p.ex)
		entries[p.ex.URL] = res.Entry
	}
	// A second visit of the first page finds the same payload, and a third
	// gets 304 Not Modified: two revisit records, with no metadata record
	// though the crawler hands over their context too.
	again := page(pages[0].ex.URL, 200, html, "Content-Type: text/html; charset=UTF-8")
	again.Date = testTime.Add(time.Hour)
	notModified := page(pages[0].ex.URL, 304, nil)
	notModified.Date = testTime.Add(2 * time.Hour)
	var revisits []Entry
	for _, ex := range []*Exchange{again, notModified} {
		ex.Hops, ex.FetchTime = "L", time.Millisecond
		res := mustWrite(t, a, ex)
		if !res.Revisit {
			t.Fatalf("%s at %s not written as a revisit", ex.URL, ex.Date)
		}
		revisits = append(revisits, res.Entry)
	}
	mustClose(t, a)
	finished, _ := warcFilesIn(t, dir)
	if len(finished) != 1 {
		t.Fatalf("want one WARC file, have %v", finished)
	}
	path := filepath.Join(dir, finished[0])
	recs := warcioCheck(t, path)
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}

	// warcinfo; response, request and metadata per page; revisit and
	// request per revisit
	if got, want := len(recs), 1+3*len(pages)+2*len(revisits); got != want {
		t.Fatalf("warcio read %d records, want %d", got, want)
	}
	metadata := 0
	for i, r := range recs {
		if r.Type == TypeMetadata {
			metadata++
			if prev := recs[i-2]; prev.Type != TypeResponse || prev.URI != r.URI {
				t.Errorf("record %d: metadata of %s does not follow its response and request (%s %s)", i, r.URI, prev.Type, prev.URI)
			}
		}
		if r.BlockOK == nil || !*r.BlockOK {
			t.Errorf("record %d (%s %s): block digest not verified by warcio", i, r.Type, r.URI)
		}
		if (r.Type == TypeResponse || r.Type == TypeRequest) && (r.PayloadOK == nil || !*r.PayloadOK) {
			t.Errorf("record %d (%s %s): payload digest not verified by warcio", i, r.Type, r.URI)
		}
		if r.Type == TypeRevisit {
			if r.RefersOK == nil || !*r.RefersOK {
				t.Errorf("record %d: revisit of %s does not lead to its original", i, r.URI)
			}
			if r.Offset != revisits[0].Offset && r.Offset != revisits[1].Offset {
				t.Errorf("warcio found a revisit at %d; written at %d and %d", r.Offset, revisits[0].Offset, revisits[1].Offset)
			}
			revisits = slices.DeleteFunc(revisits, func(e Entry) bool { return e.Offset == r.Offset })
		}
		if r.Type != TypeResponse {
			continue
		}
		e, ok := entries[r.URI]
		if !ok {
			t.Errorf("warcio found a response for %s, which was not written", r.URI)
			continue
		}
		end := st.Size()
		if i+1 < len(recs) {
			end = recs[i+1].Offset
		}
		if e.Offset != r.Offset || e.Length != end-r.Offset || e.Status != r.Status || e.Digest != r.PayloadDigest {
			t.Errorf("%s: index entry %d+%d status %d %s; warcio %d+%d status %d %s",
				r.URI, e.Offset, e.Length, e.Status, e.Digest, r.Offset, end-r.Offset, r.Status, r.PayloadDigest)
		}
	}
	if len(revisits) != 0 {
		t.Errorf("warcio did not find revisits at %v", revisits)
	}
	if metadata != len(pages) {
		t.Errorf("warcio read %d metadata records, want one per response (%d) and none per revisit", metadata, len(pages))
	}
	for _, p := range pages {
		sum := sha1.Sum(p.want)
		var found bool
		for _, r := range recs {
			if r.Type == TypeResponse && r.URI == p.ex.URL {
				found = true
				if r.ContentSHA1 != hex.EncodeToString(sum[:]) {
					t.Errorf("%s: warcio decoded content sha1 %s, want %x", p.ex.URL, r.ContentSHA1, sum)
				}
			}
		}
		if !found {
			t.Errorf("%s: warcio found no response record", p.ex.URL)
		}
	}
}

// TestArchive_WarcioRevisitsAcrossFiles recrawls in a second session, so
// that the revisits sit in a file of their own and stand on records of the
// first: warcio.js must find every original when given both files, and
// reject the second file alone.
func TestArchive_WarcioRevisitsAcrossFiles(t *testing.T) {
	html := []byte("<html><body><h1>Report back</h1><p>Our caucus met.</p></body></html>")
	captures := func(day int) []*Exchange {
		at := testTime.Add(time.Duration(day) * 24 * time.Hour)
		exs := []*Exchange{
			page("http://albu-core.test/", 200, html, "Content-Type: text/html", "Last-Modified: Wed, 01 Jun 2022 12:00:00 GMT"),
			page("http://albu-core.test/feed/", 200, gzipped(t, html), "Content-Type: application/rss+xml", "Content-Encoding: gzip"),
			page("http://turnweb.test/posts/chunked", 200, html, "Content-Type: text/html", "Transfer-Encoding: chunked"),
			page("http://turnweb.test/missing", 404, []byte("not here"), "Content-Type: text/plain"),
		}
		if day > 0 { // the recrawl: a conditional request answered 304
			exs[0] = page(exs[0].URL, 304, nil, "Last-Modified: Wed, 01 Jun 2022 12:00:00 GMT")
		}
		for _, ex := range exs {
			ex.Date = at
		}
		return exs
	}
	dir := t.TempDir()
	var files []string
	for day, id := range []string{"first", "second"} {
		a := mustOpen(t, dir, Options{CrawlID: id})
		for _, ex := range captures(day) {
			if res := mustWrite(t, a, ex); res.Revisit != (day > 0) {
				t.Fatalf("%s on day %d: revisit %v", ex.URL, day, res.Revisit)
			}
		}
		mustClose(t, a)
		names, _ := filepath.Glob(filepath.Join(dir, "rankfile-"+id+"-*.warc.gz"))
		if len(names) != 1 {
			t.Fatalf("crawl %s wrote files %v, want one", id, names)
		}
		files = append(files, names[0])
	}

	recs := warcioCheck(t, files...)
	revisits := 0
	for _, r := range recs {
		if r.Type != TypeRevisit {
			continue
		}
		revisits++
		if r.File != files[1] || r.RefersOK == nil || !*r.RefersOK {
			t.Errorf("revisit of %s in %s: original found %v", r.URI, filepath.Base(r.File), r.RefersOK)
		}
	}
	if revisits != len(captures(1)) {
		t.Errorf("warcio found %d revisits, want %d", revisits, len(captures(1)))
	}
	if _, stderr, err := runWarcio(t, files[1]); err == nil || !bytes.Contains(stderr, []byte("names no record")) {
		t.Errorf("warcio-check accepted revisits without their originals: %v\n%s", err, stderr)
	}
}
