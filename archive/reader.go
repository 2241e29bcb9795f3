package archive

import (
	"bufio"
	"bytes"
	"encoding"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"strings"
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
	// Oddities names what a lenient Reader forgave in the record (a
	// Content-Length a few bytes off, a missing CRLF CRLF at its end),
	// once its Body has been read to its end; ContentLength is then the
	// block's true length.
	Oddities []string
}

// Type returns the record's WARC-Type.
func (r *Record) Type() string { return r.Header.Get("WARC-Type") }

// ID returns the record's WARC-Record-ID, angle brackets included.
func (r *Record) ID() string { return r.Header.Get("WARC-Record-ID") }

// TargetURI returns the record's WARC-Target-URI, without the angle brackets
// some WARC/1.0 writers put around it (wget 1.14), and with any space in it
// escaped as %20 (warcit, Heritrix 1 wrote them), as warcio corrects both.
func (r *Record) TargetURI() string {
	return cleanURI(r.Header.Get("WARC-Target-URI"))
}

// cleanURI returns a URI field's value without angle brackets around it
// and with its spaces escaped as %20.
func cleanURI(v string) string { return strings.ReplaceAll(trimAngles(v), " ", "%20") }

// Date returns the record's WARC-Date; a missing or malformed date is an error
// wrapping ErrHeader.
func (r *Record) Date() (time.Time, error) { return parseWARCDate(r.Header.Get("WARC-Date")) }

// Reader reads the records of one WARC file in order: gzip-per-record
// (detected from the first bytes), or uncompressed; WARC/1.0 or WARC/1.1.
// After a damaged record, Next keeps returning the same *RecordError: the
// records before it have been returned whole. Resync goes on past the damage
// in a gzip-per-record file, at the next gzip member that holds a record.
type Reader struct {
	// File names the input in RecordErrors; set it before the first Next.
	File string
	// Lenient reads records as warcio and pywb read them, for files other
	// tools wrote: a Content-Length up to Leeway bytes off, or a record
	// not ended by CRLF CRLF, is forgiven when the record plainly ends
	// elsewhere (where the next record, or the gzip member, or the file,
	// begins or ends), and named in the record's Oddities. When the record
	// has a WARC-Block-Digest, the end that matches it wins. A record split
	// across gzip members is read on in the next member. Set it before
	// the first Next.
	Lenient bool

	ra   io.ReaderAt // the input, when it can be read at any offset (Resync)
	size int64       // its size, -1 when unknown

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

// NewReader returns a Reader for the WARC file read from r. When r is an
// *os.File or an *io.SectionReader (an io.ReaderAt that knows its size),
// Resync can go on past a damaged record.
func NewReader(r io.Reader) *Reader {
	rd := &Reader{size: -1}
	rd.cr.r = r
	rd.raw = bufio.NewReaderSize(&rd.cr, 64<<10)
	switch src := r.(type) {
	case *io.SectionReader:
		rd.ra, rd.size = src, src.Size()
	case *os.File:
		if st, err := src.Stat(); err == nil && st.Mode().IsRegular() {
			if off, err := src.Seek(0, io.SeekCurrent); err == nil && off == 0 {
				rd.ra, rd.size = src, st.Size()
			}
		}
	}
	return rd
}

// ErrNoResync means Resync cannot go on past a damaged record: the file is
// not gzip-per-record (an uncompressed file has no boundary to find again
// that a record's block could not also hold), or the Reader's input cannot
// be read at an offset.
var ErrNoResync = errors.New("archive: cannot read on past the damage")

// Resync goes on after Next (or a record's Body, or Finish) returned a
// *RecordError in a gzip-per-record file: it looks, past the start of the
// damaged record's member, for the next gzip member that decompresses to a
// WARC record, and returns its offset; the next call to Next reads the
// record there. Each record is its own gzip member, so damage to one (a
// flipped byte, a zeroed block after a power loss) loses that record only.
// It returns io.EOF when no such member follows (the damage runs to the end
// of the file: a record cut short, say), and an error wrapping ErrNoResync
// when the file is not gzip-per-record or the input cannot be read at an
// offset (see NewReader). Without damage to go past it is a no-op returning
// the offset of the end of the last record. One input can mislead it: a
// gzip-compressed WARC file archived as the payload of the damaged record
// (deflate stores such bytes as they are) reads as records of the file.
func (r *Reader) Resync() (int64, error) {
	var re *RecordError
	if !errors.As(r.err, &re) {
		return r.end, nil
	}
	if !r.compressed || r.ra == nil {
		return 0, fmt.Errorf("%w: %s is not gzip-per-record or not read from a file", ErrNoResync, re.fileName())
	}
	at, err := nextMember(r.ra, re.Offset+1, r.size)
	if err != nil {
		return 0, err
	}
	r.cr = countingReader{r: sectionFrom(r.ra, at, r.size), n: at}
	r.raw.Reset(&r.cr)
	r.inMember, r.cur, r.body, r.done, r.err, r.end = false, nil, nil, true, nil, at
	return at, nil
}

// nextMember returns the offset of the first gzip member at or after from
// whose decompressed bytes start a WARC record ("WARC/"), reading ra up to
// size (-1: to its end); io.EOF when there is none.
func nextMember(ra io.ReaderAt, from, size int64) (int64, error) {
	magic := []byte{0x1f, 0x8b, 8} // gzip, deflate
	buf := make([]byte, 64<<10)
	var zr *gzip.Reader
	for off := from; ; {
		n, err := ra.ReadAt(buf, off)
		if size >= 0 && off+int64(n) > size {
			n = int(max(0, size-off))
		}
		chunk := buf[:n]
		for i := 0; ; {
			j := bytes.Index(chunk[i:], magic)
			if j < 0 {
				break
			}
			at := off + int64(i+j)
			if startsRecord(ra, at, size, &zr) {
				return at, nil
			}
			i += j + 1
		}
		if err != nil || n < len(buf) {
			if err != nil && err != io.EOF {
				return 0, err
			}
			return 0, io.EOF
		}
		off += int64(n - len(magic) + 1) // a magic cut by the chunk's end is met again
	}
}

// sectionFrom reads ra from off to size (-1: to its end).
func sectionFrom(ra io.ReaderAt, off, size int64) *io.SectionReader {
	if size < 0 {
		return io.NewSectionReader(ra, off, 1<<62)
	}
	return io.NewSectionReader(ra, off, size-off)
}

// startsRecord reports whether a gzip member starting at off decompresses
// to bytes that begin a WARC record.
func startsRecord(ra io.ReaderAt, off, size int64, zr **gzip.Reader) bool {
	src := bufio.NewReaderSize(sectionFrom(ra, off, size), 4<<10)
	var err error
	if *zr == nil {
		*zr, err = gzip.NewReader(src)
	} else {
		err = (*zr).Reset(src)
	}
	if err != nil {
		return false
	}
	(*zr).Multistream(false)
	var head [5]byte
	if _, err := io.ReadFull(*zr, head[:]); err != nil {
		return false
	}
	return string(head[:]) == "WARC/"
}

// continueMember starts reading the gzip member after the current one as
// the rest of the current record, which its writer split across members
// (a lenient Reader's leniency; warcio's recompress reads such files as
// one stream). It reports whether a next member was there to read that
// does not start a record of its own; it needs an input read at offsets
// (see NewReader) to tell.
func (r *Reader) continueMember() bool {
	if _, err := r.raw.Peek(1); err != nil || r.ra == nil {
		return false
	}
	var zr *gzip.Reader
	if startsRecord(r.ra, r.pos(), r.size, &zr) {
		return false // the next member is a record of its own: this one was cut short
	}
	if err := r.gz.Reset(r.raw); err != nil {
		r.fail(r.cur.Offset, fmt.Errorf("read gzip member header: %w", truncated(err)))
		return false
	}
	r.gz.Multistream(false)
	r.zr.Reset(r.gz)
	return true
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
	if r.Lenient {
		if label := h.Get("WARC-Block-Digest"); newHash(label) != nil {
			r.body.hash, r.body.label = newHash(label), label
		}
	}
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
	if r.body != nil && r.body.settled && r.body.trail >= 0 {
		_, err := r.src.Discard(r.body.trail)
		if err != nil {
			return fmt.Errorf("read record end: %w", truncated(err))
		}
		return nil
	}
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
// *RecordError. A lenient Reader's bodyReader stops Leeway bytes short of
// the declared end to settle where the block really ends.
type bodyReader struct {
	rd      *Reader
	left    int64
	settled bool      // lenient: the block's end is decided
	trail   int       // lenient, settled: the newline bytes after the block, -1 when not found
	hash    hash.Hash // lenient: digest of the block read so far, nil without a WARC-Block-Digest to check
	label   string    // the WARC-Block-Digest hash checks
	split   bool      // lenient: the block went on in a further gzip member
}

func (b *bodyReader) Read(p []byte) (int, error) {
	if b.rd.Lenient && !b.settled && b.left <= Leeway && b.rd.err == nil {
		b.settle()
	}
	if b.left <= 0 {
		return 0, io.EOF
	}
	if b.rd.err != nil {
		return 0, b.rd.err
	}
	limit := b.left
	if b.rd.Lenient && !b.settled {
		limit -= Leeway
	}
	if int64(len(p)) > limit {
		p = p[:limit]
	}
	n, err := b.rd.src.Read(p)
	if err == io.EOF && n == 0 && b.left > 0 && b.rd.Lenient && b.rd.compressed && b.rd.continueMember() {
		// The writer split the record across gzip members: read on.
		if !b.split {
			b.split = true
			b.rd.cur.Oddities = append(b.rd.cur.Oddities, "record split across gzip members: read on in the next")
		}
		return 0, nil
	}
	b.left -= int64(n)
	if b.hash != nil {
		b.hash.Write(p[:n])
	}
	if err == io.EOF && b.left > 0 {
		err = fmt.Errorf("%w: block ends %d bytes short of its Content-Length", ErrTruncated, b.left)
	}
	if err != nil && err != io.EOF {
		off := b.rd.cur.Offset
		return n, b.rd.fail(off, truncated(err))
	}
	return n, nil
}

// Leeway is how many bytes a lenient Reader lets a Content-Length be off.
const Leeway = 16

// settle decides where a lenient Reader's block ends, Leeway bytes or
// less before its declared end: at the declared end when the CRLF CRLF and
// then the next record, or the end of the member or file, follow;
// otherwise at the nearest end within Leeway bytes that the next record
// (or the end of input) follows, after newline bytes. When the record has a
// WARC-Block-Digest, only an end whose block matches it, or the declared
// one, will do. Without any such end the declared one stands, and reading
// the record's end fails as a strict Reader's does. At the end of input,
// an end short of the declared one counts only when CRLF CRLF follows it:
// otherwise the input was cut short.
func (b *bodyReader) settle() {
	b.settled, b.trail = true, -1
	p, err := b.rd.src.Peek(int(b.left) + Leeway + 16)
	atEOF := err == io.EOF
	if err != nil && !atEOF {
		return // a read error: the strict path reports it
	}
	left := int(b.left)
	type cand struct {
		e, run      int
		exact, good bool
	}
	var best *cand
	rank := func(c cand) int {
		switch {
		case c.good:
			return 0
		case c.e == left && c.exact:
			return 1
		case c.exact:
			return 2
		case c.e == left:
			return 3
		}
		return 4
	}
	for e := max(0, left-Leeway); e <= min(len(p), left+Leeway); e++ {
		run := 0
		for e+run < len(p) && (p[e+run] == '\r' || p[e+run] == '\n') {
			run++
		}
		rest := p[e+run:]
		end := len(rest) == 0 && atEOF
		if !end && !bytes.HasPrefix(rest, []byte("WARC/")) {
			continue
		}
		exact := run >= 4 && string(p[e:e+4]) == "\r\n\r\n"
		if end && e < left && !exact {
			continue // the input ends inside the block: cut short, not miscounted
		}
		c := cand{e: e, run: run, exact: exact}
		if b.hash != nil {
			// With a digest to go by, only the block it names, or the
			// declared one (whose mismatch the digest check reports).
			if c.good = b.matches(p[:e]); !c.good && e != left {
				continue
			}
		}
		if best == nil || rank(c) < rank(*best) || (rank(c) == rank(*best) && absInt(c.e-left) < absInt(best.e-left)) {
			best = &c
		}
	}
	if best == nil {
		return
	}
	cur := b.rd.cur
	if best.e != left {
		declared := cur.ContentLength
		cur.ContentLength += int64(best.e - left)
		cur.Oddities = append(cur.Oddities, fmt.Sprintf("Content-Length %d, but the block is %d bytes: the record ends where the next one starts", declared, cur.ContentLength))
	}
	if !best.exact {
		cur.Oddities = append(cur.Oddities, "record not ended by CRLF CRLF")
	}
	b.left, b.trail = int64(best.e), best.run
}

// matches reports whether the block read so far followed by tail has the
// record's WARC-Block-Digest.
func (b *bodyReader) matches(tail []byte) bool {
	state, err := b.hash.(encoding.BinaryMarshaler).MarshalBinary()
	if err != nil {
		return false
	}
	h := newHash(b.label)
	if err := h.(encoding.BinaryUnmarshaler).UnmarshalBinary(state); err != nil {
		return false
	}
	h.Write(tail)
	return digestIs(b.label, h.Sum(nil))
}

func absInt(n int) int {
	if n < 0 {
		return -n
	}
	return n
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
