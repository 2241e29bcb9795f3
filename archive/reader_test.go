package archive

import (
	"bytes"
	"errors"
	"flag"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/klauspost/compress/gzip"
)

var update = flag.Bool("update", false, "rewrite the generated files under testdata")

// fixedRecords are deterministic records (fixed IDs and dates) for the
// broken inputs under testdata.
func fixedRecords() []struct {
	h     Header
	block []byte
} {
	resp := []byte("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n\r\n<p>first page</p>")
	req := []byte("GET / HTTP/1.1\r\nHost: example.test\r\n\r\n")
	resp2 := []byte("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nsecond page, plain text")
	rec := func(typ, id, uri string, block []byte) struct {
		h     Header
		block []byte
	} {
		h := Header{{"WARC-Type", typ}, {"WARC-Record-ID", "<urn:uuid:00000000-0000-4000-8000-00000000000" + id + ">"},
			{"WARC-Date", "2024-03-05T14:30:15Z"}}
		if uri != "" {
			h.Add("WARC-Target-URI", uri)
		}
		h.Add("WARC-Block-Digest", sha1Digest(block))
		return struct {
			h     Header
			block []byte
		}{h, block}
	}
	return []struct {
		h     Header
		block []byte
	}{
		rec(TypeWarcinfo, "1", "", []byte("software: rankfile/test\r\n")),
		rec(TypeResponse, "2", "http://example.test/", resp),
		rec(TypeRequest, "3", "http://example.test/", req),
		rec(TypeResponse, "4", "http://example.test/two", resp2),
		rec(TypeRequest, "5", "http://example.test/two", req),
	}
}

// gzipRecord appends a WARC/1.1 record to dst as one gzip member at the
// default level, whatever its size. The broken inputs are made this way,
// not by the compressor, so that their offsets (checked with Python's zlib)
// stay put when the compressor changes.
func gzipRecord(t *testing.T, dst *bytes.Buffer, h Header, block []byte) {
	t.Helper()
	raw := h.appendTo(nil, Version11)
	raw = append(raw, "Content-Length: "+strconv.Itoa(len(block))+"\r\n\r\n"...)
	raw = append(append(raw, block...), "\r\n\r\n"...)
	zw, _ := gzip.NewWriterLevel(dst, gzip.DefaultCompression)
	zw.Write(raw)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
}

// generateBrokenInputs rewrites the damaged WARC files under testdata.
func generateBrokenInputs(t *testing.T) {
	t.Helper()
	recs := fixedRecords()
	var gz bytes.Buffer
	var starts []int
	for _, r := range recs {
		starts = append(starts, gz.Len())
		gzipRecord(t, &gz, r.h, r.block)
	}
	// The last gzip member loses its last 10 bytes (trailer and some data).
	write(t, "truncated.warc.gz", gz.Bytes()[:gz.Len()-10])
	// One byte in the middle of the second member's deflate data flipped.
	corrupt := bytes.Clone(gz.Bytes())
	corrupt[(starts[1]+starts[2])/2] ^= 0xff
	write(t, "corrupt-member.warc.gz", corrupt)

	var plain bytes.Buffer
	for i, r := range recs[:4] {
		var hdr bytes.Buffer
		hdr.WriteString(Version11 + "\r\n")
		for _, f := range r.h {
			hdr.WriteString(f.Name + ": " + f.Value + "\r\n")
		}
		n := len(r.block)
		if i == 2 {
			n -= 5 // the third record claims 5 bytes less than its block
		}
		hdr.WriteString("Content-Length: " + strconv.Itoa(n) + "\r\n\r\n")
		plain.Write(hdr.Bytes())
		plain.Write(r.block)
		plain.WriteString("\r\n\r\n")
	}
	write(t, "bad-content-length.warc", plain.Bytes())

	// Revisits of the first response: one whose WARC-Payload-Digest is not
	// its original's, one whose WARC-Refers-To names no record.
	orig := recs[1]
	head, body := splitHTTP(orig.block)
	revisit := func(id, refersTo, digest string) []byte {
		h := Header{{"WARC-Type", TypeRevisit}, {"WARC-Record-ID", "<urn:uuid:00000000-0000-4000-8000-00000000000" + id + ">"},
			{"WARC-Date", "2024-03-06T14:30:15Z"}, {"WARC-Target-URI", "http://example.test/"},
			{"WARC-Profile", ProfileIdenticalPayload}, {"WARC-Refers-To", refersTo},
			{"WARC-Refers-To-Target-URI", "http://example.test/"}, {"WARC-Refers-To-Date", "2024-03-05T14:30:15Z"},
			{"WARC-Block-Digest", sha1Digest(head)}, {"WARC-Payload-Digest", digest}, {"WARC-Truncated", "length"}}
		var gz bytes.Buffer
		for _, r := range recs[:2] {
			gzipRecord(t, &gz, r.h, r.block)
		}
		gzipRecord(t, &gz, h, head)
		return gz.Bytes()
	}
	write(t, "revisit-wrong-digest.warc.gz", revisit("6", orig.h.Get("WARC-Record-ID"), sha1Digest([]byte("another payload"))))
	write(t, "revisit-no-original.warc.gz", revisit("7", "<urn:uuid:00000000-0000-4000-8000-000000000099>", sha1Digest(body)))
}

func write(t *testing.T, name string, data []byte) {
	t.Helper()
	if err := os.WriteFile(filepath.Join("testdata", name), data, 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestReader_Damaged(t *testing.T) {
	if *update {
		generateBrokenInputs(t)
	}
	tests := []struct {
		file      string
		wantTypes []string // records read whole before the damage
		wantErr   error
		wantOff   int64 // where the damaged record (or its gzip member) starts, as found by Python zlib
	}{
		{"truncated.warc.gz", []string{TypeWarcinfo, TypeResponse, TypeRequest, TypeResponse}, ErrTruncated, 955},
		{"corrupt-member.warc.gz", []string{TypeWarcinfo}, nil, 209},
		{"bad-content-length.warc", []string{TypeWarcinfo, TypeResponse}, ErrLength, 551},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			f, err := os.Open(filepath.Join("testdata", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			recs, err := readAll(t, f, tt.file)
			var re *RecordError
			if !errors.As(err, &re) {
				t.Fatalf("read error %v, want a *RecordError", err)
			}
			if re.File != tt.file || re.Offset != tt.wantOff {
				t.Errorf("error at %s offset %d, want %s offset %d (%v)", re.File, re.Offset, tt.file, tt.wantOff, err)
			}
			if tt.wantErr != nil && !errors.Is(err, tt.wantErr) {
				t.Errorf("error %v, want one wrapping %v", err, tt.wantErr)
			}
			var types []string
			for _, r := range recs {
				types = append(types, r.Type())
				if got, want := r.Header.Get("WARC-Block-Digest"), wantSHA1(r.Block); got != want {
					t.Errorf("record at %d kept with block digest %s, want %s", r.Offset, got, want)
				}
			}
			if !equalStrings(types, tt.wantTypes) {
				t.Errorf("records kept %v, want %v", types, tt.wantTypes)
			}
		})
	}
}

// TestReader_Uncompressed reads a WARC/1.0 file as wget writes them: angle
// brackets around the target URI, LF line ends in the header, and extra
// blank lines between records.
func TestReader_Uncompressed(t *testing.T) {
	rec1 := "WARC/1.0\nWARC-Type: warcinfo\nWARC-Record-ID: <urn:uuid:1>\nWARC-Date: 2020-01-02T03:04:05Z\nContent-Length: 5\n\nhello\r\n\r\n"
	block := "HTTP/1.1 200 OK\r\n\r\nbody"
	rec2 := "WARC/1.0\r\nWARC-Type: response\r\nWARC-Target-URI: <http://example.test/x>\r\nWARC-Record-ID: <urn:uuid:2>\r\n" +
		"WARC-Date: 2020-01-02T03:04:06Z\r\nContent-Length: " + strconv.Itoa(len(block)) + "\r\n\r\n" + block + "\r\n\r\n"
	input := rec1 + "\r\n" + rec2
	recs, err := readAll(t, bytes.NewReader([]byte(input)), "wget.warc")
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != 2 {
		t.Fatalf("read %d records, want 2", len(recs))
	}
	if recs[0].Offset != 0 || recs[1].Offset != int64(len(rec1)+2) {
		t.Errorf("offsets %d, %d; want 0, %d", recs[0].Offset, recs[1].Offset, len(rec1)+2)
	}
	if recs[1].End != int64(len(input)) {
		t.Errorf("second record ends at %d, want %d", recs[1].End, len(input))
	}
	if got := recs[1].TargetURI(); got != "http://example.test/x" {
		t.Errorf("TargetURI %q", got)
	}
	if string(recs[1].Block) != block || recs[1].Version != Version10 {
		t.Errorf("record %q %q", recs[1].Version, recs[1].Block)
	}
}

func TestReader_SkipUnreadBody(t *testing.T) {
	a := mustOpen(t, t.TempDir(), Options{})
	for i := range 3 {
		mustWrite(t, a, page(fmtURL(0, i), 200, pageBody(0, i)))
	}
	dir := a.Dir()
	mustClose(t, a)
	finished, _ := warcFilesIn(t, dir)
	f, err := os.Open(filepath.Join(dir, finished[0]))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	rd := NewReader(f)
	var n int
	for {
		_, err := rd.Next() // bodies left unread
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	if n != 7 {
		t.Errorf("read %d records, want 7 (warcinfo and 3 response/request pairs)", n)
	}
}

func equalStrings(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}
