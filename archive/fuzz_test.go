package archive

import (
	"bytes"
	"errors"
	"io"
	"os"
	"path/filepath"
	"testing"

	"rankfile/internal/warctest"
)

// FuzzReader feeds the reader arbitrary input, seeded with the WARC files
// under testdata. Properties: it never panics; it fails only with io.EOF or
// a *RecordError; record offsets increase; and every record it returns whole
// survives a round trip through the writer's framing unchanged.
func FuzzReader(f *testing.F) {
	for _, name := range []string{"wget-sample.warc", "wget-sample-gz.warc.gz", "truncated.warc.gz", "bad-content-length.warc", "corrupt-member.warc.gz"} {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(data)
	}
	c := newCompressor() // fuzz inputs run one at a time in each worker process
	f.Fuzz(func(t *testing.T, data []byte) {
		rd := NewReader(bytes.NewReader(data))
		last := int64(-1)
		for range 1000 {
			rec, err := rd.Next()
			if err == io.EOF {
				return
			}
			var re *RecordError
			if err != nil {
				if !errors.As(err, &re) {
					t.Fatalf("error %v (%T) is not a *RecordError", err, err)
				}
				return
			}
			if rec.Offset < last {
				t.Fatalf("record at %d after one at %d", rec.Offset, last)
			}
			last = rec.Offset
			block, err := io.ReadAll(rec.Body)
			if err != nil {
				if !errors.As(err, &re) {
					t.Fatalf("body error %v (%T) is not a *RecordError", err, err)
				}
				return
			}
			if _, err := rd.Finish(); err != nil {
				return
			}
			roundTrip(t, c, rec, block)
		}
	})
}

// roundTrip writes a record with the writer's framing and reads it back.
func roundTrip(t *testing.T, c *compressor, rec *Record, block []byte) {
	t.Helper()
	var h Header
	for _, f := range rec.Header {
		if !equalFoldASCII(f.Name, "Content-Length") {
			h = append(h, f)
		}
	}
	var buf bytes.Buffer
	if _, err := c.versioned(&buf, rec.Version, h, block); err != nil {
		t.Fatal(err)
	}
	got, err := NewReader(&buf).Next()
	if err != nil {
		t.Fatalf("re-read: %v", err)
	}
	gotBlock, err := io.ReadAll(got.Body)
	if err != nil {
		t.Fatalf("re-read block: %v", err)
	}
	if got.Version != rec.Version || !bytes.Equal(gotBlock, block) || len(got.Header) != len(h)+1 {
		t.Fatalf("round trip changed the record: %q %v -> %q %v", rec.Version, rec.Header, got.Version, got.Header)
	}
	for i, f := range h {
		if got.Header[i] != f {
			t.Fatalf("round trip changed field %d: %q -> %q", i, f, got.Header[i])
		}
	}
}

func equalFoldASCII(a, b string) bool { return bytes.EqualFold([]byte(a), []byte(b)) }

// corpusSeeds adds the interop corpus's files as seeds.
func corpusSeeds(f *testing.F) {
	for _, c := range warctest.Corpus() {
		f.Add(c.Data)
	}
}

// FuzzReaderLenient is FuzzReader for a lenient Reader (import's), seeded
// with the interop corpus: never a panic, only io.EOF or *RecordErrors,
// offsets increasing, and a block whose length is the record's
// ContentLength, which survives the writer's framing.
func FuzzReaderLenient(f *testing.F) {
	corpusSeeds(f)
	c := newCompressor()
	f.Fuzz(func(t *testing.T, data []byte) {
		rd := NewReader(bytes.NewReader(data))
		rd.Lenient = true
		last := int64(-1)
		for range 1000 {
			rec, err := rd.Next()
			if err == io.EOF {
				return
			}
			var re *RecordError
			if err != nil {
				if !errors.As(err, &re) {
					t.Fatalf("error %v (%T) is not a *RecordError", err, err)
				}
				return
			}
			if rec.Offset < last {
				t.Fatalf("record at %d after one at %d", rec.Offset, last)
			}
			last = rec.Offset
			block, err := io.ReadAll(rec.Body)
			if err != nil {
				if !errors.As(err, &re) {
					t.Fatalf("body error %v (%T) is not a *RecordError", err, err)
				}
				return
			}
			if _, err := rd.Finish(); err != nil {
				return
			}
			if int64(len(block)) != rec.ContentLength {
				t.Fatalf("block of %d bytes, ContentLength %d", len(block), rec.ContentLength)
			}
			roundTrip(t, c, rec, block)
		}
	})
}

// FuzzARC feeds the ARC reader arbitrary input, seeded with the corpus:
// never a panic, only io.EOF or *RecordErrors, and every record converted
// to WARC records that survive the writer's framing.
func FuzzARC(f *testing.F) {
	corpusSeeds(f)
	c := newCompressor()
	f.Fuzz(func(t *testing.T, data []byte) {
		s := newARCScanner(bytes.NewReader(data), "fuzz.arc")
		for range 1000 {
			r, err := s.next()
			if err == io.EOF {
				return
			}
			if err != nil {
				var re *RecordError
				if !errors.As(err, &re) {
					t.Fatalf("error %v (%T) is not a *RecordError", err, err)
				}
				return
			}
			for _, w := range r.warcOf("fuzz.arc", "<urn:uuid:0>") {
				roundTrip(t, c, w.rec, w.block)
			}
		}
	})
}

// FuzzDechunk: Dechunk never panics and never makes a body longer than it
// was.
func FuzzDechunk(f *testing.F) {
	f.Add([]byte("5\r\n<p>Ca\r\n3\r\nucu\r\n0\r\n\r\n"))
	f.Add([]byte("3\r\nné \r\n3\r\nvé!\r\n0\r\n\r\n"))
	f.Add([]byte("not chunked"))
	f.Fuzz(func(t *testing.T, p []byte) {
		if out := Dechunk(p); len(out) > len(p) {
			t.Fatalf("Dechunk made %d bytes of %d", len(out), len(p))
		}
	})
}
