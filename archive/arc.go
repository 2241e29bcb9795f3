package archive

import (
	"bufio"
	"bytes"
	"crypto/sha1"
	"errors"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/klauspost/compress/gzip"
)

// ARC is the Internet Archive's format before WARC, which Heritrix 1 wrote
// and older collections hold: a file starts with a filedesc:// record
// (version block and XML metadata), then one record per URL, each a
// URL-record line and the content, then a newline. Version 1 lines are
// "URL IP-address Archive-date Content-type Archive-length"; version 2
// (Alexa) lines carry ten fields, the length last. Files are plain or
// gzip-compressed one record per member (.arc.gz).
//
// Import converts each ARC record to a WARC/1.0 record as Heritrix's and
// warcio's converters do: the filedesc record becomes a warcinfo record
// naming the ARC file, followed by a metadata record keeping its version
// block and XML as they were; a URL record whose content is an HTTP
// response becomes a response record; a dns: lookup a response of type
// text/dns; other content a resource record of its ARC content type. The
// converted records carry WARC-Block-Digest and WARC-Payload-Digest
// computed from their bytes and a WARC-Record-ID derived from the ARC file
// and offset, so the same ARC file converts to the same records.

// isARC reports whether the file at path is an ARC file, plain or gzip.
func isARC(path string) (bool, error) {
	f, err := os.Open(path)
	if err != nil {
		return false, err
	}
	defer f.Close()
	br := bufio.NewReader(f)
	var r io.Reader = br
	if magic, _ := br.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		zr, err := gzip.NewReader(br)
		if err != nil {
			return false, nil // the WARC reader reports it
		}
		r = zr
	}
	head := make([]byte, len("filedesc://"))
	if _, err := io.ReadFull(r, head); err != nil {
		return false, nil
	}
	return string(head) == "filedesc://", nil
}

// arcRecord is one ARC record as read.
type arcRecord struct {
	offset  int64 // where the record, or its gzip member, starts
	seq     int   // which record of its gzip member it is (a file gzipped whole holds all in one)
	url     string
	ip      string
	date    time.Time
	ctype   string
	length  int64
	content []byte
	oddity  string
}

// arcBuffer is the read buffer of an ARC file: it bounds a URL-record
// line, which must fit in it.
const arcBuffer = 64 << 10

// arcScanner reads the records of an ARC file.
type arcScanner struct {
	name       string
	cr         countingReader
	raw        *bufio.Reader
	gz         *gzip.Reader
	compressed bool
	major      int          // ARC version from the filedesc record: 1 or 2
	n          int          // records read
	queue      []*arcRecord // records of a member holding several, not yet returned
}

func newARCScanner(r io.Reader, name string) *arcScanner {
	s := &arcScanner{name: name, major: 1}
	s.cr.r = r
	s.raw = bufio.NewReaderSize(&s.cr, arcBuffer)
	if magic, _ := s.raw.Peek(2); len(magic) == 2 && magic[0] == 0x1f && magic[1] == 0x8b {
		s.compressed = true
	}
	return s
}

func (s *arcScanner) pos() int64 { return s.cr.n - int64(s.raw.Buffered()) }

func (s *arcScanner) fail(off int64, err error) error {
	return &RecordError{File: s.name, Offset: off, Err: err}
}

// next returns the next record, io.EOF at the end, or a *RecordError.
func (s *arcScanner) next() (*arcRecord, error) {
	if len(s.queue) > 0 {
		rec := s.queue[0]
		s.queue = s.queue[1:]
		return rec, nil
	}
	if !s.compressed {
		if err := skipNewlines(s.raw); err != nil {
			return nil, s.fail(s.pos(), err)
		}
		off := s.pos()
		if _, err := s.raw.Peek(1); err == io.EOF {
			return nil, io.EOF
		}
		rec, err := s.read(s.raw, off, false)
		if err != nil {
			return nil, s.fail(off, err)
		}
		return rec, nil
	}
	off := s.pos()
	if _, err := s.raw.Peek(1); err == io.EOF {
		return nil, io.EOF
	}
	var err error
	if s.gz == nil {
		s.gz, err = gzip.NewReader(s.raw)
	} else {
		err = s.gz.Reset(s.raw)
	}
	if err != nil {
		return nil, s.fail(off, fmt.Errorf("read gzip member header: %w", truncated(err)))
	}
	s.gz.Multistream(false)
	member, err := io.ReadAll(s.gz)
	if err != nil {
		return nil, s.fail(off, fmt.Errorf("read gzip member: %w", truncated(err)))
	}
	recs, err := s.readMember(member, off)
	if err != nil {
		return nil, s.fail(off, err)
	}
	s.queue = recs[1:]
	return recs[0], nil
}

// readMember reads the records of one gzip member: one, as ARC writers
// write them, whose end is the member's end whatever its Archive-length
// says; or several, for a file gzipped whole, each read as in a plain
// file.
func (s *arcScanner) readMember(member []byte, off int64) ([]*arcRecord, error) {
	br := bufio.NewReaderSize(bytes.NewReader(member), arcBuffer)
	var recs []*arcRecord
	for i := 0; ; i++ {
		if err := skipNewlines(br); err != nil {
			return nil, err
		}
		if _, err := br.Peek(1); err == io.EOF {
			if len(recs) == 0 {
				return nil, fmt.Errorf("%w: gzip member holds no ARC record", ErrHeader)
			}
			return recs, nil
		}
		rec, err := s.read(br, off, false)
		if err != nil {
			if len(recs) > 0 {
				return nil, err
			}
			// One record to the member: the member's end is its end.
			rec, err := s.read(bufio.NewReaderSize(bytes.NewReader(member), arcBuffer), off, true)
			if err != nil {
				return nil, err
			}
			return []*arcRecord{rec}, nil
		}
		rec.seq = i
		recs = append(recs, rec)
	}
}

// read reads one record from r; inMember says r is the whole of one gzip
// member, whose end is the record's end.
func (s *arcScanner) read(r *bufio.Reader, off int64, inMember bool) (*arcRecord, error) {
	if inMember {
		if err := skipNewlines(r); err != nil {
			return nil, err
		}
	}
	line, err := r.ReadSlice('\n')
	if err != nil {
		if err == bufio.ErrBufferFull {
			return nil, fmt.Errorf("%w: ARC URL-record line longer than %d bytes", ErrHeader, r.Size())
		}
		return nil, fmt.Errorf("read ARC URL-record line: %w", truncated(err))
	}
	rec, err := s.parseLine(strings.TrimRight(string(line), "\r\n"))
	if err != nil {
		return nil, err
	}
	rec.offset = off
	if inMember {
		rest, err := io.ReadAll(r)
		if err != nil {
			return nil, err
		}
		switch {
		case int64(len(rest)) >= rec.length && len(bytes.TrimRight(rest[rec.length:], "\r\n")) == 0:
			rest = rest[:rec.length]
		default:
			rest = bytes.TrimSuffix(rest, []byte("\n"))
			rec.oddity = fmt.Sprintf("Archive-length %d, but the record is %d bytes: it ends with its gzip member", rec.length, len(rest))
		}
		rec.content = rest
	} else {
		content, err := s.plainContent(r, rec)
		if err != nil {
			return nil, err
		}
		rec.content = content
	}
	if s.n == 0 {
		if !strings.HasPrefix(rec.url, "filedesc://") {
			return nil, fmt.Errorf("%w: ARC file does not start with a filedesc:// record", ErrHeader)
		}
		if v, _, _ := strings.Cut(string(rec.content), " "); v == "2" {
			s.major = 2
		}
	}
	s.n++
	return rec, nil
}

// plainContent reads a record's content from a plain ARC file, leniently:
// an Archive-length up to Leeway bytes off is forgiven (and named in the
// record's oddity) when a newline and the next URL-record line, or the end
// of the file, mark where the content really ends. At the end of the file
// only an end at or past the length counts: short of it, the file was cut.
func (s *arcScanner) plainContent(r *bufio.Reader, rec *arcRecord) ([]byte, error) {
	head := max(0, rec.length-Leeway)
	content, err := io.ReadAll(io.LimitReader(r, head))
	if err != nil {
		return nil, err
	}
	if int64(len(content)) < head {
		return nil, fmt.Errorf("%w: ARC record ends %d bytes short of its Archive-length %d", ErrTruncated, rec.length-int64(len(content)), rec.length)
	}
	want := int(rec.length - head)
	p, err := r.Peek(want + Leeway + 4096)
	atEOF := err == io.EOF
	if err != nil && !atEOF && err != bufio.ErrBufferFull {
		return nil, err
	}
	ends := func(e int) bool {
		if e < 0 || e > len(p) {
			return false
		}
		rest := p[e:]
		run := 0
		for run < len(rest) && (rest[run] == '\n' || rest[run] == '\r') {
			run++
		}
		rest = rest[run:]
		if len(rest) == 0 {
			return atEOF && e >= want
		}
		i := bytes.IndexByte(rest, '\n')
		if run == 0 || i < 0 {
			return false
		}
		_, err := s.parseLine(strings.TrimRight(string(rest[:i]), "\r"))
		return err == nil
	}
	e := -1
	for d := 0; d <= Leeway && e < 0; d++ {
		switch {
		case ends(want + d):
			e = want + d
		case d > 0 && ends(want-d):
			e = want - d
		}
	}
	if e < 0 {
		if len(p) < want {
			return nil, fmt.Errorf("%w: ARC record ends %d bytes short of its Archive-length %d", ErrTruncated, want-len(p), rec.length)
		}
		return nil, fmt.Errorf("%w: ARC record of %d bytes not followed by a newline and the next record", ErrLength, rec.length)
	}
	if e != want {
		rec.oddity = fmt.Sprintf("Archive-length %d, but the record is %d bytes: it ends where the next one starts", rec.length, int(head)+e)
	}
	content = append(content, p[:e]...)
	_, err = r.Discard(e)
	return content, err
}

// parseLine parses a URL-record line: five fields in version 1, ten in
// version 2, the length last. A URL holding spaces keeps them.
func (s *arcScanner) parseLine(line string) (*arcRecord, error) {
	f := strings.Fields(line)
	want := 5
	if len(f) >= 10 && (s.major == 2 || s.n == 0) { // version 2, or its filedesc line
		want = 10
	}
	if len(f) < want {
		return nil, fmt.Errorf("%w: ARC URL-record line %.80q", ErrHeader, line)
	}
	extra := len(f) - want
	url := strings.Join(f[:1+extra], "%20")
	f = append([]string{url}, f[1+extra:]...)
	n, err := strconv.ParseInt(f[len(f)-1], 10, 64)
	if err != nil || n < 0 {
		return nil, fmt.Errorf("%w: ARC Archive-length %q", ErrHeader, f[len(f)-1])
	}
	date, err := arcDate(f[2])
	if err != nil {
		return nil, err
	}
	ctype := f[3]
	if ctype == "-" || ctype == "no-type" || ctype == "unknown" {
		ctype = ""
	}
	return &arcRecord{url: f[0], ip: f[1], date: date, ctype: ctype, length: n}, nil
}

// arcDate parses an Archive-date: 14 digits, or fewer (a date cut after
// the minutes, say) read as far as they go, or more (fractions of a
// second), cut to 14.
func arcDate(v string) (time.Time, error) {
	if len(v) < 8 || len(v) > 20 || strings.Trim(v, "0123456789") != "" {
		return time.Time{}, fmt.Errorf("%w: ARC Archive-date %q", ErrHeader, v)
	}
	if len(v) > 14 {
		v = v[:14]
	}
	v += "00000101000000"[len(v):]
	t, err := time.Parse(timestamp14, v)
	if err != nil {
		return time.Time{}, fmt.Errorf("%w: ARC Archive-date %q", ErrHeader, v)
	}
	return t, nil
}

// arcRecordID derives a record ID from the ARC file's name, the record's
// place (offset, and which record of its gzip member it is) and which of
// its WARC records it is.
func arcRecordID(name string, off int64, seq, part int) string {
	sum := sha1.Sum([]byte(fmt.Sprintf("arc:%s:%d:%d:%d", name, off, seq, part)))
	sum[6] = sum[6]&0x0f | 0x50 // a name-based (version 5) UUID
	sum[8] = sum[8]&0x3f | 0x80
	return fmt.Sprintf("<urn:uuid:%x-%x-%x-%x-%x>", sum[0:4], sum[4:6], sum[6:8], sum[8:10], sum[10:16])
}

// warcOf converts an ARC record to WARC records (see the ARC comment);
// infoID is the converted filedesc record's ID, for WARC-Warcinfo-ID.
func (r *arcRecord) warcOf(name string, infoID string) []scanned {
	date := r.date.UTC().Format(time.RFC3339)
	id := arcRecordID(name, r.offset, r.seq, 0)
	rec := func(typ, id string, h Header, block []byte) scanned {
		full := Header{{"WARC-Type", typ}, {"WARC-Record-ID", id}, {"WARC-Date", date}}
		full = append(full, h...)
		full = append(full, Field{"WARC-Block-Digest", sha1Digest(block)})
		return scanned{rec: &Record{Version: Version10, Header: full, Offset: r.offset, ContentLength: int64(len(block))}, block: block}
	}
	if strings.HasPrefix(r.url, "filedesc://") {
		info := "software: rankfile import, converted from ARC\r\nformat: WARC File Format 1.0\r\n" +
			"description: converted from the ARC file " + strings.TrimPrefix(r.url, "filedesc://") + "; its header follows in a metadata record\r\n"
		desc := r.ctype
		if desc == "" {
			desc = "text/plain"
		}
		return []scanned{
			rec(TypeWarcinfo, infoID, Header{{"Content-Type", "application/warc-fields"}}, []byte(info)),
			rec(TypeMetadata, arcRecordID(name, r.offset, r.seq, 1), Header{{"WARC-Target-URI", r.url}, {"WARC-Warcinfo-ID", infoID},
				{"WARC-Concurrent-To", infoID}, {"Content-Type", desc}}, r.content),
		}
	}
	h := Header{{"WARC-Target-URI", r.url}, {"WARC-Warcinfo-ID", infoID}}
	if r.ip != "" && r.ip != "0.0.0.0" && r.ip != "-" {
		h = append(h, Field{"WARC-IP-Address", r.ip})
	}
	typ, ctype, payload := TypeResource, r.ctype, r.content
	switch {
	case strings.HasPrefix(r.url, "dns:"):
		// As Heritrix writes a DNS lookup: no payload digest.
		typ, ctype, payload = TypeResponse, "text/dns", nil
	case bytes.HasPrefix(r.content, []byte("HTTP/")):
		typ, ctype, payload = TypeResponse, "application/http; msgtype=response", nil
		// A head ended by bare LFs (servers of the time sent them) is
		// read differently by other readers (warcio.js finds no
		// payload): no payload digest rather than one they dispute.
		if head, _ := splitHTTP(r.content); bytes.HasSuffix(head, []byte("\r\n\r\n")) {
			if msg, err := parseHTTP(r.content); err == nil {
				payload = msg.Payload
				if isChunked(msg.Header) {
					payload = Dechunk(payload)
				}
			}
		}
	}
	if ctype == "" {
		ctype = "application/octet-stream"
	}
	h = append(h, Field{"Content-Type", ctype})
	if payload != nil {
		h = append(h, Field{"WARC-Payload-Digest", sha1Digest(payload)})
	}
	return []scanned{rec(typ, id, h, r.content)}
}

// scanARC reads the ARC file at path and calls fn with each of its records
// converted to WARC records. Damage (a gzip member that does not
// decompress, a record shorter than its length) ends the reading: it is
// returned as damage, after the records before it.
func scanARC(path, name string, fn func(scanned) error) (damage, err error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	s := newARCScanner(f, name)
	infoID := ""
	for {
		r, err := s.next()
		if err == io.EOF {
			return nil, nil
		}
		var re *RecordError
		if errors.As(err, &re) {
			return re, nil
		}
		if err != nil {
			return nil, err
		}
		if infoID == "" {
			infoID = arcRecordID(name, r.offset, r.seq, 0)
		}
		for _, w := range r.warcOf(name, infoID) {
			if r.oddity != "" {
				w.rec.Oddities = append(w.rec.Oddities, r.oddity)
			}
			if err := fn(w); err != nil {
				return nil, err
			}
		}
	}
}
