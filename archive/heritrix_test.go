package archive

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"rankfile/internal/warctest"
	"rankfile/record"
)

// heritrixFile writes the Heritrix-style WARC file of warctest.Heritrix
// (its records as given) into dir, gzip per record or uncompressed, and
// returns its path and where each record starts.
func heritrixFile(t *testing.T, dir string, recs []warctest.Record, gz bool) (string, []int64) {
	t.Helper()
	data, offsets := warctest.Encode(recs, gz)
	name := warctest.HeritrixName + ".warc"
	if gz {
		name += ".gz"
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path, offsets
}

// heritrixVariants are the two forms Heritrix writes.
var heritrixVariants = []struct {
	name string
	gz   bool
}{{"warc.gz", true}, {"warc", false}}

func TestReader_Heritrix(t *testing.T) {
	recs, _ := warctest.Heritrix()
	for _, v := range heritrixVariants {
		t.Run(v.name, func(t *testing.T) {
			path, offsets := heritrixFile(t, t.TempDir(), recs, v.gz)
			got := readPath(t, path)
			if len(got) != len(recs) {
				t.Fatalf("read %d records, want %d", len(got), len(recs))
			}
			size, _ := os.Stat(path)
			for i, want := range recs {
				g := got[i]
				end := size.Size()
				if i+1 < len(offsets) {
					end = offsets[i+1]
				}
				if g.Type() != want.Type() || g.Offset != offsets[i] || g.End != end {
					t.Errorf("record %d: %s at %d-%d, want %s at %d-%d", i, g.Type(), g.Offset, g.End, want.Type(), offsets[i], end)
				}
				if g.Version != "WARC/1.0" || !bytes.Equal(g.Block, want.Block) || g.ContentLength != int64(len(want.Block)) {
					t.Errorf("record %d: %s, block of %d bytes (Content-Length %d), want WARC/1.0 and %d bytes",
						i, g.Version, len(g.Block), g.ContentLength, len(want.Block))
				}
				for _, f := range want.Fields {
					if v := g.Header.Get(f[0]); v != f[1] {
						t.Errorf("record %d: %s %q, want %q", i, f[0], v, f[1])
					}
				}
				if uri := want.Get("WARC-Target-URI"); g.TargetURI() != strings.Trim(uri, "<>") {
					t.Errorf("record %d: TargetURI %q, written %q", i, g.TargetURI(), uri)
				}
				if _, err := g.Date(); err != nil {
					t.Errorf("record %d: %v", i, err)
				}
			}
		})
	}
}

// TestCheck_Heritrix checks an archive holding the Heritrix file, imported
// or put in the archive directory as it is (and indexed by Reindex).
func TestCheck_Heritrix(t *testing.T) {
	recs, _ := warctest.Heritrix()
	for _, v := range heritrixVariants {
		t.Run("import "+v.name, func(t *testing.T) {
			path, _ := heritrixFile(t, t.TempDir(), recs, v.gz)
			a := mustOpen(t, t.TempDir(), Options{})
			defer mustClose(t, a)
			if _, err := a.Import(context.Background(), path); err != nil {
				t.Fatalf("Import: %v", err)
			}
			rep := mustCheck(t, a)
			if rep.Records != len(recs) || rep.Entries != 8 {
				t.Errorf("Check read %d records and %d index entries, want %d and 8 (DNS, robots.txt, 3 posts, image, 2 revisits)",
					rep.Records, rep.Entries, len(recs))
			}
		})
		t.Run("in place "+v.name, func(t *testing.T) {
			dir := t.TempDir()
			heritrixFile(t, dir, recs, v.gz)
			a := mustOpen(t, dir, Options{})
			defer mustClose(t, a)
			if err := a.Reindex(context.Background()); err != nil {
				t.Fatalf("Reindex: %v", err)
			}
			mustCheck(t, a)
		})
	}
}

// TestCheck_HeritrixDigests: the payload digest of a chunked response is
// accepted whether it was taken over the entity body as received (chunk
// markers included, as Heritrix does) or with the chunking removed (the
// payload as WARC 1.1 defines it); a response record that holds no HTTP
// message (a DNS lookup) has its block for payload, as writers that digest
// every record (warcio) compute it. Any other digest is a problem.
func TestCheck_HeritrixDigests(t *testing.T) {
	recs, _ := warctest.Heritrix()
	chunked := recordOf(t, recs, "response", warctest.ArbitrationURL)
	dns := recordOf(t, recs, "response", warctest.DNSURL)
	other := warctest.SHA1([]byte("another page"))
	tests := []struct {
		name    string
		rec     int
		digest  string
		problem bool
	}{
		{"chunked as received", chunked, recs[chunked].Get("WARC-Payload-Digest"), false},
		{"chunked dechunked", chunked, warctest.SHA1(warctest.ArbitrationHTML), false},
		{"chunked wrong", chunked, other, true},
		{"dns block", dns, warctest.SHA1(recs[dns].Block), false},
		{"dns wrong", dns, other, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			changed := cloneRecords(recs)
			changed[tt.rec].Set("WARC-Payload-Digest", tt.digest)
			if tt.rec == chunked { // its revisit carries its digest
				changed[recordOf(t, changed, "revisit", warctest.ArbitrationURL)].Set("WARC-Payload-Digest", tt.digest)
			}
			// Check reads the file as it stands in an archive; Import
			// refuses the file whose digest is wrong.
			dir := t.TempDir()
			path, offsets := heritrixFile(t, dir, changed, true)
			a := mustOpen(t, dir, Options{})
			defer mustClose(t, a)
			if err := a.Reindex(context.Background()); err != nil {
				t.Fatalf("Reindex: %v", err)
			}
			rep, err := a.Check(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			b := mustOpen(t, t.TempDir(), Options{})
			defer mustClose(t, b)
			_, importErr := b.Import(context.Background(), path)
			if !tt.problem {
				for _, p := range rep.Problems {
					t.Errorf("Check: %s", p)
				}
				if importErr != nil {
					t.Errorf("Import: %v", importErr)
				}
				return
			}
			if len(rep.Problems) != 1 || !errors.Is(rep.Problems[0].Err, ErrDigest) || rep.Problems[0].Offset != offsets[tt.rec] {
				t.Errorf("Check found %v, want one digest problem at record %d", rep.Problems, tt.rec)
			}
			if !errors.Is(importErr, ErrDigest) || !reportsDamage(importErr, filepath.Base(path), offsets[tt.rec]) {
				t.Errorf("Import: %v, want the digest fault of record %d refused", importErr, tt.rec)
			}
		})
	}
}

func recordOf(t *testing.T, recs []warctest.Record, typ, uri string) int {
	t.Helper()
	for i, r := range recs {
		if r.Type() == typ && strings.Trim(r.Get("WARC-Target-URI"), "<>") == uri {
			return i
		}
	}
	t.Fatalf("no %s record of %s", typ, uri)
	return -1
}

func cloneRecords(recs []warctest.Record) []warctest.Record {
	out := make([]warctest.Record, len(recs))
	for i, r := range recs {
		out[i] = r
		out[i].Fields = make([][2]string, len(r.Fields))
		copy(out[i].Fields, r.Fields)
	}
	return out
}

// TestImport_Heritrix imports the Heritrix file and reads its captures:
// each HTML page with its original WARC-Date, the chunked page dechunked,
// the gzip-encoded page decoded, the revisits resolved to their originals'
// bodies, and no HTML from the DNS lookup or the image.
func TestImport_Heritrix(t *testing.T) {
	recs, want := warctest.Heritrix()
	for _, v := range heritrixVariants {
		t.Run(v.name, func(t *testing.T) {
			path, _ := heritrixFile(t, t.TempDir(), recs, v.gz)
			a := mustOpen(t, t.TempDir(), Options{})
			defer mustClose(t, a)
			imps, err := a.Import(context.Background(), path)
			names := addedFiles(imps)
			if err != nil {
				t.Fatalf("Import: %v", err)
			}
			if len(names) != 1 || names[0] != warctest.HeritrixName+".warc.gz" {
				t.Fatalf("Import added %v", names)
			}
			got := allCaptures(t, a)
			if len(got) != len(want) {
				t.Fatalf("%d captures, want %d: %v", len(got), len(want), captureURLs(got))
			}
			for i, w := range want {
				checkCapture(t, got[i], w)
			}

			for _, tt := range []struct {
				url, mime string
				n         int
			}{
				{warctest.VentilationURL, "text/html", 1},
				{warctest.ArbitrationURL, "text/html", 2},
				{warctest.ImageURL, "image/jpeg", 1},
				{warctest.ShortlinkURL, revisitMime, 1},
				{warctest.DNSURL, "text/dns", 1}, // indexed as pywb does, with no status
			} {
				es, err := a.Lookup(tt.url)
				if err != nil || len(es) != tt.n || es[0].Mime != tt.mime || es[0].URL != tt.url || es[0].Time.Year() != 2024 {
					t.Errorf("Lookup(%s) = %+v, %v; want %d entries, the first %s", tt.url, es, err, tt.n, tt.mime)
				}
			}
			c, e, err := a.CaptureAt(warctest.ArbitrationURL, time.Date(2024, 3, 9, 0, 0, 0, 0, time.UTC))
			if err != nil || !c.Revisit || !e.Revisit() || !bytes.Equal(c.Body, warctest.ArbitrationHTML) {
				t.Errorf("CaptureAt after the recrawl: revisit %v, body %.60q, %v; want the revisit with the original's page", c.Revisit, c.Body, err)
			}
		})
	}
}

// checkCapture compares a capture with what warctest says it should be.
func checkCapture(t *testing.T, got record.Capture, w warctest.Capture) {
	t.Helper()
	if got.URL != w.URL || !got.Time.Equal(w.Time) || got.Revisit != w.Revisit {
		t.Errorf("capture %s at %s (revisit %v), want %s at %s (revisit %v)", got.URL, got.Time, got.Revisit, w.URL, w.Time, w.Revisit)
		return
	}
	if got.Status != w.Status || got.Header.Get("Content-Type") != w.ContentType || !bytes.Equal(got.Body, w.Body) {
		t.Errorf("%s at %s: status %d, Content-Type %q, body %.80q; want %d, %q, %.80q",
			got.URL, got.Time, got.Status, got.Header.Get("Content-Type"), got.Body, w.Status, w.ContentType, w.Body)
	}
}

func captureURLs(cs []record.Capture) []string {
	var urls []string
	for _, c := range cs {
		urls = append(urls, c.URL)
	}
	return urls
}
