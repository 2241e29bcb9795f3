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

// addedFiles returns the archive files an import added.
func addedFiles(imps []Imported) []string {
	var names []string
	for _, imp := range imps {
		if imp.File != "" && !imp.Repeat {
			names = append(names, imp.File)
		}
	}
	return names
}

// writeCorpus writes the named files of the interop corpus into a new
// directory and returns their paths.
func writeCorpus(t *testing.T, names ...string) []string {
	t.Helper()
	dir := t.TempDir()
	var paths []string
	for _, name := range names {
		f := corpusFile(t, name)
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, f.Data, 0o644); err != nil {
			t.Fatal(err)
		}
		paths = append(paths, p)
	}
	return paths
}

// TestArchive_ImportARC imports ARC files as Heritrix 1 (version 1.1,
// gzip per record), the Internet Archive (1.0, plain) and Alexa (2.0, ten
// fields a line) wrote them, and a plain one whose Archive-lengths are a
// little off: each URL record becomes a capture with its
// ARC date, status and body (a DNS lookup with no status and its block),
// the converted files pass Check and warcio.js, digests included.
func TestArchive_ImportARC(t *testing.T) {
	paths := writeCorpus(t, "IAH-20040302120000-00000-crawler.arc.gz", "IA-001102-19991201000000.arc", "DE_crawl6.20010801000000.arc.gz",
		"IA-001103-19991202000000.arc")
	dir := t.TempDir()
	a := mustOpen(t, dir, Options{})
	defer mustClose(t, a)
	imps, err := a.Import(context.Background(), paths...)
	names := addedFiles(imps)
	if err != nil {
		t.Fatalf("Import: %v", err)
	}
	if want := []string{"IAH-20040302120000-00000-crawler.warc.gz", "IA-001102-19991201000000.warc.gz", "DE_crawl6.20010801000000.warc.gz",
		"IA-001103-19991202000000.warc.gz"}; !equalStrings(names, want) {
		t.Fatalf("Import added %v, want %v", names, want)
	}
	type want struct {
		url    string
		at     string
		status int
		word   string
	}
	wants := []want{
		{"dns:caucus-arc.example", "2004-03-02T12:00:01Z", 0, "203.0.113.20"},
		{"http://caucus-arc.example/robots.txt", "2004-03-02T12:00:02Z", 200, "User-agent"},
		{"http://caucus-arc.example/strike-vote.html", "2004-03-02T12:00:03Z", 200, "Wednesdayarc"},
		{"http://caucus-arc.example/index.cfm?Action=Email&Title=Strike%20vote%20set", "2004-03-02T12:00:04Z", 200, "Spacedarc"}, // spaces in its URL, bare LFs in its head
		{"http://caucus-ia.example/letter.html", "1999-12-01T00:00:05Z", 200, "Thursdayarc"},
		{"http://caucus-alexa.example/about.html", "2001-08-01T00:00:12Z", 200, "Foundedalexa"},
		// Archive-lengths 2 too many and 1 too few: the whole page each, no more
		{"http://caucus-lengths.example/safety.html", "1999-12-02T00:00:01Z", 200, "Lengthsarcone"},
		{"http://caucus-lengths.example/grievance.html", "1999-12-02T00:00:02Z", 200, "Lengthsarctwo"},
	}
	caps := allCaptures(t, a)
	if len(caps) != len(wants) {
		t.Fatalf("%d captures, want %d", len(caps), len(wants))
	}
	byURL := map[string]int{}
	for i, c := range caps {
		byURL[c.URL] = i
	}
	for _, w := range wants {
		i, ok := byURL[w.url]
		if !ok {
			t.Errorf("no capture of %s", w.url)
			continue
		}
		c := caps[i]
		at, _ := time.Parse(time.RFC3339, w.at)
		if !c.Time.Equal(at) || c.Status != w.status || !strings.Contains(string(c.Body), w.word) ||
			(c.Status == 200 && strings.Contains(w.url, "html") && !strings.HasSuffix(strings.TrimSuffix(string(c.Body), "\n"), "</html>")) {
			t.Errorf("capture of %s: %s, status %d, body %.60q; want %s, %d, holding %q", w.url, c.Time, c.Status, c.Body, w.at, w.status, w.word)
		}
	}
	mustCheck(t, a)
	var files []string
	for _, n := range names {
		files = append(files, filepath.Join(dir, n))
	}
	warcioCheck(t, files...)
}

// TestArchive_ImportARCDamaged refuses ARC files damaged: a gzip member
// cut short, a plain file ending inside a record. Salvage keeps the
// records before the damage.
func TestArchive_ImportARCDamaged(t *testing.T) {
	paths := writeCorpus(t, "IAH-20040302120000-00000-crawler.arc.gz", "IA-001102-19991201000000.arc")
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, data[:len(data)-30], 0o644); err != nil {
			t.Fatal(err)
		}
	}
	a := mustOpen(t, t.TempDir(), Options{})
	defer mustClose(t, a)
	for _, p := range paths {
		imps, err := a.Import(context.Background(), p)
		names := addedFiles(imps)
		var re *RecordError
		if len(names) != 0 || !errors.As(err, &re) || !errors.Is(err, ErrTruncated) {
			t.Errorf("Import of %s cut short: added %v, %v; want a *RecordError wrapping ErrTruncated", filepath.Base(p), names, err)
		}
	}
	imps, err := a.Salvage(context.Background(), paths[0])
	names := addedFiles(imps)
	if len(names) != 1 || !errors.Is(err, ErrSalvaged) {
		t.Fatalf("Salvage: added %v, %v", names, err)
	}
	if es, _ := a.Lookup("http://caucus-arc.example/strike-vote.html"); len(es) != 1 {
		t.Errorf("Salvage kept %d captures of the last whole record, want 1", len(es))
	}
	if es, _ := a.Lookup("http://caucus-arc.example/index.cfm?Action=Email&Title=Strike%20vote%20set"); len(es) != 0 {
		t.Errorf("Salvage kept the damaged record: %v", es)
	}
	mustCheck(t, a)
}
