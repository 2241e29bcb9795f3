package archive

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"time"

	"github.com/klauspost/compress/gzip"
)

// Record is one WARC record as read by a Reader. Body reads the record's
// block; it is valid until the next call to Next or Finish.
type Record struct {
	Version       string    // version line, "WARC/1.1" or "WARC/1.0"
	Header        Header    // named fields in file order
	Offset        int64     // where the record, or the gzip member holding it, starts in the file
	ContentLength int64     // length of the block
	Body          io.Reader // the block; reading past it yields io.EOF
}

// Type returns the record's WARC-Type.
func (r *Record) Type() string { return r.Header.Get("WARC-Type") }

// ID returns the record's WARC-Record-ID, angle brackets included.
func (r *Record) ID() string { return r.Header.Get("WARC-Record-ID") }

// TargetURI returns the record's WARC-Target-URI, without the angle brackets
// some WARC/1.0 writers put around it.
func (r *Record) TargetURI() string { return trimAngles(r.Header.Get("WARC-Target-URI")) }

// Date returns the record's WARC-Date; a missing or malformed date is an error
// wrapping ErrHeader.
func (r *Record) Date() (time.Time, error) { return parseWARCDate(r.Header.Get("WARC-Date")) }

// Reader reads the records of one WARC file in order: gzip-per-record
// (detected from the first bytes), or uncompressed; WARC/1.0 or WARC/1.1.
// After a damaged record, Next keeps returning the same *RecordError: the
// records before it have been returned whole, and nothing after it is trusted.
type Reader struct {
	// File names the input in RecordErrors; set it before the first Next.
	File string

	cr          countingReader
	raw         *bufio.Reader // over cr; its Buffered bytes are not yet consumed
	gz          *gzip.Reader  // nil until a gzip member is seen
	zr          *bufio.Reader // over gz: the current member's decompressed bytes
	compressed  bool
	detected    bool
	inMember    bool  // zr holds a member not yet read to its end
	memberStart int64 // offset of the current gzip member
	src         *bufio.Reader
	cur         *Record
	body        *bodyReader
	done        bool // cur has been finished
	end         int64
	err         error
}

// NewReader returns a Reader for the WARC file read from r.
func NewReader(r io.Reader) *Reader {
	rd := &Reader{}
	rd.cr.r = r
	rd.raw = bufio.NewReaderSize(&rd.cr, 64<<10)
	return rd
}

// pos is the offset in the file of the next byte not yet consumed.
func (r *Reader) pos() int64 { return r.cr.n - int64(r.raw.Buffered()) }

// Next returns the next record, io.EOF at the end of the file, or a
// *RecordError for a damaged record. The previous record's body need not have
// been read.
func (r *Reader) Next() (*Record, error) {
	if r.err != nil {
		return nil, r.err
	}
	if _, err := r.Finish(); err != nil {
		return nil, err
	}
	if !r.detected {
		magic, _ := r.raw.Peek(2)
		r.compressed = len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b
		r.detected = true
	}
	var off int64
	if r.compressed {
		if !r.inMember {
			if err := r.nextMember(); err != nil {
				return nil, err
			}
		}
		off = r.memberStart
	} else {
		if err := skipNewlines(r.raw); err != nil {
			return nil, r.fail(r.pos(), err)
		}
		off = r.pos()
		r.src = r.raw
	}
	version, h, err := readHeader(r.src)
	if err == io.EOF {
		if r.compressed {
			return nil, r.fail(off, fmt.Errorf("%w: gzip member holds no record", ErrHeader))
		}
		r.err = io.EOF
		return nil, io.EOF
	}
	if err != nil {
		return nil, r.fail(off, err)
	}
	n, err := h.contentLength()
	if err != nil {
		return nil, r.fail(off, err)
	}
	r.body = &bodyReader{rd: r, left: n}
	r.cur = &Record{Version: version, Header: h, Offset: off, ContentLength: n, Body: r.body}
	r.done = false
	return r.cur, nil
}

// nextMember starts reading the next gzip member, or returns io.EOF at the
// end of the file.
func (r *Reader) nextMember() error {
	start := r.pos()
	if _, err := r.raw.Peek(1); err == io.EOF {
		r.err = io.EOF
		return io.EOF
	}
	var err error
	if r.gz == nil {
		r.gz, err = gzip.NewReader(r.raw)
	} else {
		err = r.gz.Reset(r.raw)
	}
	if err != nil {
		return r.fail(start, fmt.Errorf("read gzip member header: %w", truncated(err)))
	}
	r.gz.Multistream(false)
	if r.zr == nil {
		r.zr = bufio.NewReaderSize(r.gz, 32<<10)
	} else {
		r.zr.Reset(r.gz)
	}
	r.memberStart, r.inMember, r.src = start, true, r.zr
	return nil
}

// Finish reads the rest of the current record (its unread body and the
// CRLF CRLF after it) and returns the offset just past the record: for a
// gzip-per-record file, the end of the gzip member holding it. Without a
// current record it returns the offset of the end of the last one.
func (r *Reader) Finish() (int64, error) {
	if r.cur == nil || r.done {
		if r.err != nil && r.err != io.EOF {
			return 0, r.err
		}
		return r.end, nil
	}
	r.done = true
	if _, err := io.Copy(io.Discard, r.body); err != nil {
		return 0, err // already a *RecordError
	}
	if err := r.trailer(); err != nil {
		return 0, r.fail(r.cur.Offset, err)
	}
	if r.compressed {
		// The member should end right after the record; if it holds more
		// records (a whole file gzipped as one stream), they follow in it.
		if _, err := r.zr.Peek(1); err == io.EOF {
			r.inMember = false
		} else if err != nil {
			return 0, r.fail(r.memberStart, fmt.Errorf("read gzip member: %w", truncated(err)))
		}
	}
	r.end = r.pos()
	return r.end, nil
}

// trailer consumes the CRLF CRLF that ends a record's block.
func (r *Reader) trailer() error {
	var got []byte
	for len(got) < 4 {
		c, err := r.src.ReadByte()
		if err == io.EOF {
			break
		}
		if err != nil {
			return fmt.Errorf("read record end: %w", truncated(err))
		}
		if c != '\r' && c != '\n' {
			r.src.UnreadByte()
			break
		}
		got = append(got, c)
	}
	if len(got) < 2 {
		return fmt.Errorf("%w: block of %d bytes not followed by CRLF CRLF", ErrLength, r.cur.ContentLength)
	}
	return nil
}

// fail records err as the reader's sticky error, located at off.
func (r *Reader) fail(off int64, err error) error {
	var re *RecordError
	if !errors.As(err, &re) {
		re = &RecordError{File: r.File, Offset: off, Err: err}
	}
	r.err = re
	return re
}

// bodyReader reads a record's block, turning an early end of input into a
// *RecordError.
type bodyReader struct {
	rd   *Reader
	left int64
}

func (b *bodyReader) Read(p []byte) (int, error) {
	if b.left <= 0 {
		return 0, io.EOF
	}
	if b.rd.err != nil {
		return 0, b.rd.err
	}
	if int64(len(p)) > b.left {
		p = p[:b.left]
	}
	n, err := b.rd.src.Read(p)
	b.left -= int64(n)
	if err == io.EOF && b.left > 0 {
		err = fmt.Errorf("%w: block ends %d bytes short of its Content-Length", ErrTruncated, b.left)
	}
	if err != nil && err != io.EOF {
		off := b.rd.cur.Offset
		return n, b.rd.fail(off, truncated(err))
	}
	return n, nil
}

// skipNewlines discards CR and LF bytes before a record.
func skipNewlines(r *bufio.Reader) error {
	for {
		c, err := r.ReadByte()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
		if c != '\r' && c != '\n' {
			return r.UnreadByte()
		}
	}
}

// countingReader counts the bytes read through it.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// trimAngles removes the angle brackets around a URI, as in WARC/1.0 files
// that wrote WARC-Target-URI: <http://...>.
func trimAngles(s string) string {
	if len(s) >= 2 && s[0] == '<' && s[len(s)-1] == '>' {
		return s[1 : len(s)-1]
	}
	return s
}
