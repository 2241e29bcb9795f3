package archive

import (
	"bytes"
	stdgzip "compress/gzip"
	"io"
	"math/rand/v2"
	"strconv"
	"testing"
)

// TestCompressor_Record checks both compression paths, on each side of
// smallRecord, against the standard library's gzip reader: one member
// holding the record exactly, its size the one returned.
func TestCompressor_Record(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	random := func(n int) []byte {
		b := make([]byte, n)
		for i := range b {
			b[i] = byte(rng.IntN(256))
		}
		return b
	}
	h := Header{{"WARC-Type", TypeResource}, {"WARC-Record-ID", newRecordID()}}
	hdrLen := len(h.appendTo(nil, Version11)) + len("Content-Length: \r\n\r\n") + len("\r\n\r\n")
	tests := []struct {
		name  string
		block [][]byte
	}{
		{"empty block", nil},
		{"one byte", [][]byte{{'x'}}},
		{"text, small", [][]byte{[]byte("GET / HTTP/1.1\r\nHost: a.test\r\n\r\n")}},
		{"random, at the small limit", [][]byte{random(smallRecord - hdrLen - 4)}},
		{"random, just over", [][]byte{random(smallRecord - hdrLen)}},
		{"pieces, large", [][]byte{[]byte("HTTP/1.1 200 OK\r\n\r\n"), bytes.Repeat([]byte("caucus "), 20000), random(100)}},
		{"random, past a deflate window", [][]byte{random(100 << 10)}},
	}
	c := newCompressor()
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var dst bytes.Buffer
			dst.WriteString("before") // members are appended
			n, err := c.record(&dst, h, tt.block...)
			if err != nil {
				t.Fatal(err)
			}
			member := dst.Bytes()[len("before"):]
			if int(n) != len(member) {
				t.Errorf("record returned size %d, member is %d bytes", n, len(member))
			}
			zr, err := stdgzip.NewReader(bytes.NewReader(member))
			if err != nil {
				t.Fatal(err)
			}
			zr.Multistream(false)
			got, err := io.ReadAll(zr)
			if err != nil {
				t.Fatalf("gunzip: %v", err)
			}
			block := bytes.Join(tt.block, nil)
			want := h.appendTo(nil, Version11)
			want = append(want, "Content-Length: "+strconv.Itoa(len(block))+"\r\n\r\n"...)
			want = append(append(want, block...), "\r\n\r\n"...)
			if !bytes.Equal(got, want) {
				t.Errorf("member holds %d bytes, want the record's %d", len(got), len(want))
			}
		})
	}
}
