package archive

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/klauspost/compress/gzip"

	"rankfile/internal/warctest"
)

// corpusFile returns the interop corpus file named name.
func corpusFile(t *testing.T, name string) warctest.File {
	t.Helper()
	for _, f := range warctest.Corpus() {
		if f.Name == name {
			return f
		}
	}
	t.Fatalf("no corpus file %s", name)
	return warctest.File{}
}

// readLenient reads every record of data with a lenient Reader (or a
// strict one), as from a file, returning the blocks and every oddity
// forgiven.
func readLenient(data []byte, lenient bool) (blocks [][]byte, oddities []string, err error) {
	rd := NewReader(sectionOf(data))
	rd.Lenient = lenient
	for {
		rec, err := rd.Next()
		if err == io.EOF {
			return blocks, oddities, nil
		}
		if err != nil {
			return blocks, oddities, err
		}
		b, err := io.ReadAll(rec.Body)
		if err != nil {
			return blocks, oddities, err
		}
		if _, err := rd.Finish(); err != nil {
			return blocks, oddities, err
		}
		if int64(len(b)) != rec.ContentLength {
			return blocks, oddities, errors.New("ContentLength is not the block's length")
		}
		blocks = append(blocks, b)
		oddities = append(oddities, rec.Oddities...)
	}
}

// corpusDigest returns the WARC-Block-Digest of the second record of data.
func corpusDigest(data []byte) string {
	rd := NewReader(bytes.NewReader(data))
	rd.Lenient = true
	rd.Next()
	rec, _ := rd.Next()
	if rec == nil {
		return ""
	}
	return rec.Header.Get("WARC-Block-Digest")
}

// TestReader_Lenient reads the corpus files whose Content-Length is a byte
// or two off, or whose records lack the closing CRLF CRLF, as warcio does:
// the lenient Reader gives every record with the block the writer meant
// (its WARC-Block-Digest matches) and names the oddity; a strict Reader
// refuses each file, or reads a response block that fails its digest.
func TestReader_Lenient(t *testing.T) {
	for _, tt := range []struct{ name, oddity string }{
		{"cl-short.warc", "Content-Length"},
		{"cl-long.warc", "Content-Length"},
		{"cl-short.warc.gz", "Content-Length"},
		{"cl-long.warc.gz", "Content-Length"},
		{"no-crlf.warc", "not ended by CRLF CRLF"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			f := corpusFile(t, tt.name)
			blocks, oddities, err := readLenient(f.Data, true)
			if err != nil || len(blocks) != 3 {
				t.Fatalf("lenient read: %d records, %v; want 3", len(blocks), err)
			}
			rd := NewReader(bytes.NewReader(f.Data))
			rd.Lenient = true
			for i := 0; ; i++ {
				rec, err := rd.Next()
				if err != nil {
					break
				}
				b, _ := io.ReadAll(rec.Body)
				if d := rec.Header.Get("WARC-Block-Digest"); verifyDigest(d, b) != nil {
					t.Errorf("record %d: block of %d bytes does not match its digest", i, len(b))
				}
			}
			if len(oddities) == 0 || !strings.Contains(strings.Join(oddities, "; "), tt.oddity) {
				t.Errorf("oddities %q, want one naming %q", oddities, tt.oddity)
			}
			if blocks, _, err := readLenient(f.Data, false); err == nil && verifyDigest(corpusDigest(f.Data), blocks[1]) == nil {
				t.Errorf("a strict Reader read %s's response as it was meant, without an error", tt.name)
			}
		})
	}
}

// TestReader_LenientRefusesCut makes sure leniency does not take a file
// cut short for a miscounted one: an uncompressed file whose last block
// lacks its last bytes, and a gzip file whose last member is cut, are
// errors for the lenient Reader too.
func TestReader_LenientRefusesCut(t *testing.T) {
	f := corpusFile(t, "no-reason.warc.gz")
	rd := NewReader(bytes.NewReader(f.Data))
	var plain bytes.Buffer
	for {
		rec, err := rd.Next()
		if err != nil {
			break
		}
		b, _ := io.ReadAll(rec.Body)
		plain.WriteString(rec.Version + "\r\n")
		for _, fl := range rec.Header {
			plain.WriteString(fl.Name + ": " + fl.Value + "\r\n")
		}
		plain.WriteString("\r\n")
		plain.Write(b)
		plain.WriteString("\r\n\r\n")
	}
	data := plain.Bytes()
	for _, cut := range []int{5, 7, 12} { // the CRLF CRLF and 1, 3 or 8 bytes of the last block
		if _, _, err := readLenient(data[:len(data)-cut], true); !errors.Is(err, ErrTruncated) {
			t.Errorf("uncompressed file cut %d bytes short: %v, want ErrTruncated", cut, err)
		}
	}
	if _, _, err := readLenient(corpusFile(t, "cut-short.warc.gz").Data, true); err == nil {
		t.Error("a gzip file cut short read without an error")
	}
}

// TestArchive_ImportLenient imports the files a lenient reader forgives:
// each is taken, its oddities counted and kept in imports.jsonl with their
// source offsets, and the copy is well-formed: a strict Reader reads it,
// every block matching its digest, and Check finds nothing wrong.
func TestArchive_ImportLenient(t *testing.T) {
	names := []string{"cl-short.warc", "cl-long.warc", "cl-short.warc.gz", "cl-long.warc.gz", "no-crlf.warc", "bad-chunks.warc.gz", "wayback-extra.warc"}
	dir := t.TempDir()
	a := mustOpen(t, dir, Options{})
	defer mustClose(t, a)
	imps, err := a.Import(context.Background(), writeCorpus(t, names...)...)
	if err != nil || len(imps) != len(names) {
		t.Fatalf("Import: %d files, %v", len(imps), err)
	}
	ledger, err := os.ReadFile(filepath.Join(dir, "imports.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	for i, imp := range imps {
		if imp.Oddities == 0 {
			t.Errorf("%s: no oddity counted", names[i])
		}
		data, err := os.ReadFile(filepath.Join(dir, imp.File))
		if err != nil {
			t.Fatal(err)
		}
		rd := NewReader(bytes.NewReader(data))
		for {
			rec, err := rd.Next()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Fatalf("%s: strict read of the copy: %v", imp.File, err)
			}
			b, err := io.ReadAll(rec.Body)
			if err != nil {
				t.Fatalf("%s: strict read of the copy: %v", imp.File, err)
			}
			if d := rec.Header.Get("WARC-Block-Digest"); verifyDigest(d, b) != nil {
				t.Errorf("%s offset %d: block fails its digest", imp.File, rec.Offset)
			}
		}
	}
	for _, want := range []string{`"file":"cl-long.warc.gz"`, "Content-Length 1166, but the block is 1164 bytes", "not ended by CRLF CRLF", "chunk sizes are wrong"} {
		if !strings.Contains(string(ledger), want) {
			t.Errorf("imports.jsonl lacks %q:\n%s", want, ledger)
		}
	}
	mustCheck(t, a)
}

// TestReader_LenientSplitMembers reads a record its writer split across
// two gzip members as one, naming the oddity; but a member that ends a
// record short and is followed by a member starting a record of its own
// is a record cut short, not glued to the next.
func TestReader_LenientSplitMembers(t *testing.T) {
	f := corpusFile(t, "split-members.warc.gz")
	rd := NewReader(sectionOf(f.Data))
	rd.Lenient = true
	var n int
	var odd []string
	for {
		rec, err := rd.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("record %d: %v", n, err)
		}
		b, err := io.ReadAll(rec.Body)
		if err != nil {
			t.Fatalf("record %d: %v", n, err)
		}
		if d := rec.Header.Get("WARC-Block-Digest"); verifyDigest(d, b) != nil {
			t.Errorf("record %d: block fails its digest", n)
		}
		odd = append(odd, rec.Oddities...)
		n++
	}
	if n != 3 || !strings.Contains(strings.Join(odd, ";"), "split across gzip members") {
		t.Errorf("%d records, oddities %q; want 3 and the split named", n, odd)
	}
	if _, _, err := readLenient(f.Data, false); err == nil {
		t.Error("a strict Reader read the split record without an error")
	}

	// The response's head member followed by the request's: cut short.
	var cut bytes.Buffer
	rd = NewReader(bytes.NewReader(f.Data))
	for i := 0; ; i++ {
		rec, err := rd.Next()
		if err != nil {
			break
		}
		b, _ := io.ReadAll(rec.Body)
		var raw bytes.Buffer
		raw.WriteString(rec.Version + "\r\n")
		for _, fl := range rec.Header {
			raw.WriteString(fl.Name + ": " + fl.Value + "\r\n")
		}
		raw.WriteString("\r\n")
		raw.Write(b)
		raw.WriteString("\r\n\r\n")
		if i == 1 {
			gzipMember(t, &cut, raw.Bytes()[:raw.Len()/2])
			continue
		}
		gzipMember(t, &cut, raw.Bytes())
	}
	if _, _, err := readLenient(cut.Bytes(), true); !errors.Is(err, ErrTruncated) {
		t.Errorf("a record cut short before the next record's member: %v, want ErrTruncated", err)
	}
}

// sectionOf reads data at offsets, as a file is read.
func sectionOf(data []byte) *io.SectionReader {
	return io.NewSectionReader(bytes.NewReader(data), 0, int64(len(data)))
}

// gzipMember appends p to dst as one gzip member.
func gzipMember(t *testing.T, dst *bytes.Buffer, p []byte) {
	t.Helper()
	zw := gzip.NewWriter(dst)
	zw.Write(p)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
}
