package archive

import (
	"bytes"
	"compress/gzip"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"testing"
)

// writeExchanges writes n pages to a new archive in dir and returns their
// index entries; the archive is left open when keepOpen is set (the state a
// crash leaves), closed otherwise.
func writeExchanges(t *testing.T, dir string, n int, keepOpen bool) (*Archive, []Entry) {
	t.Helper()
	a := mustOpen(t, dir, Options{})
	var es []Entry
	for i := range n {
		es = append(es, mustWrite(t, a, page(fmtURL(4, i), 200, pageBody(4, i))).Entry)
	}
	if !keepOpen {
		mustClose(t, a)
	}
	return a, es
}

// readResyncing reads every record of the file at path with a Reader, calling
// Resync after each damaged record. It returns the target URIs of the
// response records read whole, the offsets of the damage met, and the error
// that ended the walk (io.EOF, or Resync's).
func readResyncing(t *testing.T, path string) (urls []string, damaged []int64, end error) {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rd := NewReader(f)
	for {
		rec, err := rd.Next()
		if err == nil {
			_, err = io.Copy(io.Discard, rec.Body)
		}
		if err == nil {
			_, err = rd.Finish()
		}
		if err == io.EOF {
			return urls, damaged, io.EOF
		}
		if err != nil {
			var re *RecordError
			if !errors.As(err, &re) {
				t.Fatalf("damage reported as %T %v, want a *RecordError", err, err)
			}
			damaged = append(damaged, re.Offset)
			if _, err := rd.Resync(); err != nil {
				return urls, damaged, err
			}
			continue
		}
		if rec.Type() == TypeResponse {
			urls = append(urls, rec.TargetURI())
		}
	}
}

// TestReader_Resync damages gzip-per-record files as disks and crashes do
// and reads them: past a damaged member the Reader goes on at the next
// record, so only the damaged records are lost.
func TestReader_Resync(t *testing.T) {
	dir := t.TempDir()
	_, es := writeExchanges(t, dir, 6, false)
	name := es[0].File
	whole, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Fatal(err)
	}
	var all []string
	for _, e := range es {
		all = append(all, e.URL)
	}
	without := func(skip ...int) []string {
		var urls []string
		for i, u := range all {
			if !slices.Contains(skip, i) {
				urls = append(urls, u)
			}
		}
		return urls
	}
	for _, tc := range []struct {
		name    string
		damage  func(b []byte) []byte
		urls    []string
		damaged []int64
		end     error
	}{
		{"intact", func(b []byte) []byte { return b }, all, nil, io.EOF},
		{"flipped byte", func(b []byte) []byte {
			b[es[2].Offset+es[2].Length/2] ^= 0x55
			return b
		}, without(2), []int64{es[2].Offset}, io.EOF},
		{"zeroed block across two captures", func(b []byte) []byte {
			// a power loss can leave a hole of zeros in data not yet synced
			clear(b[es[2].Offset+40 : es[3].Offset+es[3].Length/2])
			return b
		}, without(2, 3), []int64{es[2].Offset}, io.EOF}, // the hole swallows the next members' starts
		{"gzip header damaged", func(b []byte) []byte {
			b[es[4].Offset] = 'X'
			return b
		}, without(4), []int64{es[4].Offset}, io.EOF},
		{"cut short", func(b []byte) []byte {
			return b[:es[5].Offset+es[5].Length/2]
		}, without(5), []int64{es[5].Offset}, io.EOF},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := filepath.Join(t.TempDir(), name)
			if err := os.WriteFile(path, tc.damage(bytes.Clone(whole)), 0o644); err != nil {
				t.Fatal(err)
			}
			urls, damaged, end := readResyncing(t, path)
			if !slices.Equal(urls, tc.urls) {
				t.Errorf("responses read %q, want %q", urls, tc.urls)
			}
			if !slices.Equal(damaged, tc.damaged) {
				t.Errorf("damage at offsets %v, want at %v", damaged, tc.damaged)
			}
			if end != tc.end {
				t.Errorf("walk ended with %v, want %v", end, tc.end)
			}
		})
	}

	t.Run("uncompressed", func(t *testing.T) {
		zr, err := gzip.NewReader(bytes.NewReader(whole))
		if err != nil {
			t.Fatal(err)
		}
		plain, err := io.ReadAll(zr)
		if err != nil {
			t.Fatal(err)
		}
		i := bytes.Index(plain, []byte("Content-Length: "))
		i = bytes.Index(plain[i+1:], []byte("Content-Length: ")) + i + 1 // the first response's
		plain[i+len("Content-Length: ")] = '9'
		path := filepath.Join(t.TempDir(), "plain.warc")
		if err := os.WriteFile(path, plain, 0o644); err != nil {
			t.Fatal(err)
		}
		_, damaged, end := readResyncing(t, path)
		if len(damaged) != 1 || !errors.Is(end, ErrNoResync) {
			t.Errorf("uncompressed file: damage %v, walk ended with %v; want one damage and ErrNoResync", damaged, end)
		}
	})
	t.Run("not a file", func(t *testing.T) {
		b := bytes.Clone(whole)
		b[es[1].Offset+es[1].Length/2] ^= 0x55
		rd := NewReader(io.MultiReader(bytes.NewReader(b))) // no ReaderAt
		var err error
		for err == nil {
			_, err = rd.Next()
		}
		if _, rerr := rd.Resync(); !errors.Is(rerr, ErrNoResync) {
			t.Errorf("Resync on a stream after %v: %v, want ErrNoResync", err, rerr)
		}
	})
}

// TestOpen_RecoversPastMidFileDamage crashes with an open file whose middle
// is damaged (a hole of zeros, as a power loss leaves in unsynced data) and
// whose last record is cut short. Recovery cuts the partial record at the
// end only: the whole records after the hole stay in the file and in the
// index, and Check reports the damaged capture and nothing else.
func TestOpen_RecoversPastMidFileDamage(t *testing.T) {
	live := t.TempDir()
	a, es := writeExchanges(t, live, 6, true)
	dir, path := crashCopy(t, live, a)
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	clear(b[es[2].Offset+40 : es[2].Offset+es[2].Length-40])
	b = b[:es[5].Offset+es[5].Length/2]
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}

	r := mustOpen(t, dir, Options{})
	defer mustClose(t, r)
	finished, stillOpen := warcFilesIn(t, dir)
	if len(stillOpen) != 0 || len(finished) != 1 {
		t.Fatalf("after recovery: finished %v, open %v", finished, stillOpen)
	}
	st, err := os.Stat(filepath.Join(dir, finished[0]))
	if err != nil {
		t.Fatal(err)
	}
	if st.Size() != es[5].Offset {
		t.Errorf("recovered file is %d bytes, want %d: cut at the partial last record, not at the damage before it", st.Size(), es[5].Offset)
	}
	for i, e := range es {
		if i == 2 || i == 5 {
			continue
		}
		got, err := r.Latest(e.URL)
		if err != nil {
			t.Errorf("capture %d (%s) lost in recovery: %v", i, e.URL, err)
			continue
		}
		c, err := r.readCapture(got)
		if err != nil || !bytes.Equal(c.Body, pageBody(4, i)) {
			t.Errorf("capture %d after recovery: %v", i, err)
		}
	}
	rep, err := r.Check(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Problems) == 0 {
		t.Fatal("Check found nothing wrong with a damaged record")
	}
	for _, p := range rep.Problems {
		if p.Offset != es[2].Offset {
			t.Errorf("Check: %s; want problems at the damaged capture (offset %d) only", p, es[2].Offset)
		}
	}
	// the warcinfo, the responses and requests of captures 0, 1, 3 and 4,
	// and the request of capture 2, whose response took the hole
	if rep.Records != 10 {
		t.Errorf("Check read %d whole records, want 10", rep.Records)
	}
}
