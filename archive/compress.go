package archive

import (
	"bytes"
	"crypto/sha1"
	"encoding/binary"
	"fmt"
	"hash"
	"hash/crc32"
	"strconv"

	"github.com/klauspost/compress/flate"
	"github.com/klauspost/compress/gzip"
)

// smallRecord is the size up to which a record is compressed without
// building Huffman tables fitted to it. For a request, a revisit or a
// short error page, fitting the tables costs more CPU than compressing the
// bytes and saves almost nothing: klauspost's stateless encoder makes a
// 670-byte request record 3 bytes longer in less than two thirds of the
// time. Larger records (page bodies) go through the leveled encoder.
const smallRecord = 2 << 10

// gzipHeader starts every gzip member: deflate, no flags, no time, unknown
// OS. The small-record path writes it by hand.
var gzipHeader = [10]byte{0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255}

// compressor turns records into gzip members; it is pooled per Archive.
type compressor struct {
	zw  *gzip.Writer // leveled encoder, for records over smallRecord
	raw []byte       // a record's header, or a whole small record, reused
	out bytes.Buffer // a Write's members, reused
	sha hash.Hash    // reused for block digests
}

func newCompressor() *compressor {
	zw, _ := gzip.NewWriterLevel(nil, gzip.DefaultCompression) // the level is valid
	return &compressor{zw: zw, sha: sha1.New()}
}

// digest returns the labelled SHA-1 digest of the concatenated parts.
func (c *compressor) digest(parts ...[]byte) string {
	c.sha.Reset()
	for _, p := range parts {
		c.sha.Write(p)
	}
	return digestString(c.sha)
}

// record appends one WARC/1.1 record, gzip-compressed as its own member, to
// dst: h's fields, then Content-Length, then the block (the concatenation of
// block) and the CRLF CRLF that ends a record. It returns the member's size.
func (c *compressor) record(dst *bytes.Buffer, h Header, block ...[]byte) (int64, error) {
	return c.versioned(dst, Version11, h, block...)
}

// versioned is record with another version line, for imported records.
func (c *compressor) versioned(dst *bytes.Buffer, version string, h Header, block ...[]byte) (int64, error) {
	var n int
	for _, b := range block {
		n += len(b)
	}
	head := h.appendTo(c.raw[:0], version)
	head = append(head, "Content-Length: "...)
	head = strconv.AppendInt(head, int64(n), 10)
	head = append(head, "\r\n\r\n"...)
	c.raw = head
	start := dst.Len()
	var err error
	if len(head)+n+4 > smallRecord {
		err = c.compressLarge(dst, head, block)
	} else {
		err = c.compressSmall(dst, head, block)
	}
	if err != nil {
		return 0, fmt.Errorf("compress record: %w", err)
	}
	return int64(dst.Len() - start), nil
}

// recordEnd ends every WARC record.
var recordEnd = []byte("\r\n\r\n")

// compressLarge appends the record's header, block and end to dst as one
// gzip member, through the leveled encoder. The pieces are written as they
// are: the encoder gathers them in its window and compresses on Close.
func (c *compressor) compressLarge(dst *bytes.Buffer, head []byte, block [][]byte) error {
	c.zw.Reset(dst)
	c.zw.Write(head) // errors come back from Close: dst is a bytes.Buffer
	for _, b := range block {
		c.zw.Write(b)
	}
	c.zw.Write(recordEnd)
	return c.zw.Close()
}

// compressSmall appends a small record to dst as one gzip member, through
// klauspost's stateless encoder, writing the gzip header and trailer here.
func (c *compressor) compressSmall(dst *bytes.Buffer, head []byte, block [][]byte) error {
	p := head
	for _, b := range block {
		p = append(p, b...)
	}
	p = append(p, recordEnd...)
	c.raw = p
	dst.Write(gzipHeader[:])
	if err := flate.StatelessDeflate(dst, p, true, nil); err != nil {
		return err
	}
	var tail [8]byte
	binary.LittleEndian.PutUint32(tail[:4], crc32.ChecksumIEEE(p))
	binary.LittleEndian.PutUint32(tail[4:], uint32(len(p)))
	dst.Write(tail[:])
	return nil
}
