package archive

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// dirSum hashes every file's name and content under dir.
func dirSum(t *testing.T, dir string) [32]byte {
	t.Helper()
	h := sha256.New()
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		h.Write([]byte(path))
		h.Write(b)
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	var sum [32]byte
	copy(sum[:], h.Sum(nil))
	return sum
}

// TestOpenReadOnly reads an archive while a writer holds it: captures
// written so far are found, a revisit is read with its original's body, the
// writing methods are refused, and nothing in the directory changes.
func TestOpenReadOnly(t *testing.T) {
	dir := t.TempDir()
	w := mustOpen(t, dir, Options{CrawlID: "one"})
	url := "http://example.test/post"
	body := []byte("<html><body><p>The first version.</p></body></html>")
	first := page(url, 200, body, "Content-Type: text/html")
	mustWrite(t, w, first)
	again := page(url, 200, body, "Content-Type: text/html")
	again.Date = testTime.Add(24 * time.Hour)
	if res := mustWrite(t, w, again); !res.Revisit {
		t.Fatal("the second, identical capture is not a revisit")
	}
	defer mustClose(t, w)
	// a crawl killed mid-line leaves a torn journal line: read past, not cut
	f, err := os.OpenFile(filepath.Join(dir, journalName), os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString(`com,example)/torn 2024`)
	f.Close()
	before := dirSum(t, dir)

	r, err := OpenReadOnly(dir)
	if err != nil {
		t.Fatalf("OpenReadOnly beside a writer: %v", err)
	}
	es, err := r.Lookup(url)
	if err != nil || len(es) != 2 {
		t.Fatalf("Lookup: %d entries (%v), want 2", len(es), err)
	}
	c, e, err := r.CaptureAt(url, testTime.Add(25*time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if !e.Revisit() || !c.Revisit || !c.Time.Equal(again.Date.Truncate(time.Second)) || string(c.Body) != string(body) || c.Status != 200 {
		t.Errorf("CaptureAt a day and an hour later: revisit %v/%v, time %v, status %d, body %q; want the revisit of %v with the first body",
			e.Revisit(), c.Revisit, c.Time, c.Status, c.Body, again.Date)
	}
	c, e, err = r.CaptureAt(url, testTime.Add(time.Hour))
	if err != nil || e.Revisit() || c.Revisit || string(c.Body) != string(body) {
		t.Errorf("CaptureAt an hour later: revisit %v, body %q, err %v; want the first response", e.Revisit(), c.Body, err)
	}
	if c, e, err = r.CaptureAt(url, time.Time{}); err != nil || !e.Revisit() || string(c.Body) != string(body) {
		t.Errorf("CaptureAt the latest: revisit %v, body %q, err %v; want the revisit", e.Revisit(), c.Body, err)
	}
	if _, _, err := r.CaptureAt(url, testTime.Add(-time.Hour)); !errors.Is(err, ErrNotFound) {
		t.Errorf("CaptureAt before the first capture: %v, want ErrNotFound", err)
	}
	if _, _, err := r.CaptureAt("http://example.test/never", time.Time{}); !errors.Is(err, ErrNotFound) {
		t.Errorf("CaptureAt of a URL never captured: %v, want ErrNotFound", err)
	}
	for _, e := range es { // WriteRecord: the response, then the revisit itself, as a reader reads them
		var b bytes.Buffer
		if err := r.WriteRecord(&b, e); err != nil {
			t.Fatalf("WriteRecord %+v: %v", e, err)
		}
		rec, err := NewReader(&b).Next()
		wantType := TypeResponse
		if e.Revisit() {
			wantType = TypeRevisit
		}
		if err != nil || rec.Type() != wantType || rec.TargetURI() != url {
			t.Errorf("WriteRecord of the %s: %v, %v", wantType, rec, err)
		}
	}
	if _, err := r.Write(page("http://example.test/new", 200, body)); !errors.Is(err, ErrReadOnly) {
		t.Errorf("Write: %v, want ErrReadOnly", err)
	}
	if _, err := r.Import(t.Context(), "x.warc.gz"); !errors.Is(err, ErrReadOnly) {
		t.Errorf("Import: %v, want ErrReadOnly", err)
	}
	if err := r.Reindex(t.Context()); !errors.Is(err, ErrReadOnly) {
		t.Errorf("Reindex: %v, want ErrReadOnly", err)
	}
	if err := r.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	if dirSum(t, dir) != before {
		t.Error("the read-only archive changed files in its directory")
	}
	if _, err := OpenReadOnly(filepath.Join(dir, "missing")); err == nil {
		t.Error("OpenReadOnly of a missing directory: no error")
	}
}
