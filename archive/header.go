package archive

import (
	"bufio"
	"crypto/rand"
	"crypto/sha1"
	"encoding/base32"
	"errors"
	"fmt"
	"hash"
	"io"
	"strconv"
	"strings"
	"time"
)

// WARC versions and record types used by this package.
const (
	Version11 = "WARC/1.1"
	Version10 = "WARC/1.0"

	TypeWarcinfo = "warcinfo"
	TypeResponse = "response"
	TypeRequest  = "request"
	TypeMetadata = "metadata"
	TypeRevisit  = "revisit"
	TypeResource = "resource"
)

// Revisit profiles of WARC/1.1 (and their WARC/1.0 spellings, which readers
// must still understand in imported files).
const (
	ProfileIdenticalPayload   = "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest"
	ProfileServerNotModified  = "http://netpreserve.org/warc/1.1/revisit/server-not-modified"
	profileIdenticalPayload10 = "http://netpreserve.org/warc/1.0/revisit/identical-payload-digest"
	profileNotModified10      = "http://netpreserve.org/warc/1.0/revisit/server-not-modified"
)

// maxHeaderBytes bounds a record's named fields, so that garbage mistaken for
// a record header cannot make the reader buffer without limit.
const maxHeaderBytes = 1 << 20

// Field is one named field of a WARC record header.
type Field struct {
	Name  string
	Value string
}

// Header is a WARC record's named fields in the order they appear.
type Header []Field

// Get returns the value of the first field named name (compared without
// regard to case), or "" when there is none.
func (h Header) Get(name string) string {
	for _, f := range h {
		if strings.EqualFold(f.Name, name) {
			return f.Value
		}
	}
	return ""
}

// Values returns the values of every field named name, in order.
func (h Header) Values(name string) []string {
	var vs []string
	for _, f := range h {
		if strings.EqualFold(f.Name, name) {
			vs = append(vs, f.Value)
		}
	}
	return vs
}

// Add appends a field.
func (h *Header) Add(name, value string) {
	*h = append(*h, Field{Name: name, Value: value})
}

// appendTo appends the version line and the fields to b, without the
// blank line that ends the header.
func (h Header) appendTo(b []byte, version string) []byte {
	b = append(b, version...)
	b = append(b, "\r\n"...)
	for _, f := range h {
		b = append(b, f.Name...)
		b = append(b, ": "...)
		b = append(b, f.Value...)
		b = append(b, "\r\n"...)
	}
	return b
}

// readHeader reads a record's version line and named fields up to and
// including the blank line that ends them. It returns io.EOF when r is at its
// end before any byte of a record, after skipping blank lines between records.
func readHeader(r *bufio.Reader) (version string, h Header, err error) {
	var line string
	for {
		line, err = readLine(r)
		if err == io.EOF && line == "" {
			return "", nil, io.EOF
		}
		if err != nil {
			return "", nil, fmt.Errorf("read version line: %w", truncated(err))
		}
		if line != "" {
			break
		}
	}
	if !strings.HasPrefix(line, "WARC/") {
		return "", nil, fmt.Errorf("%w: version line %.40q", ErrHeader, line)
	}
	version = line
	size := len(line)
	for {
		line, err = readLine(r)
		if err != nil {
			return "", nil, fmt.Errorf("read named fields: %w", truncated(err))
		}
		if line == "" {
			return version, h, nil
		}
		if size += len(line); size > maxHeaderBytes {
			return "", nil, fmt.Errorf("%w: named fields longer than %d bytes", ErrHeader, maxHeaderBytes)
		}
		if (line[0] == ' ' || line[0] == '\t') && len(h) > 0 {
			f := &h[len(h)-1] // a folded continuation line
			f.Value = strings.TrimSpace(f.Value + " " + strings.TrimSpace(line))
			continue
		}
		name, value, ok := strings.Cut(line, ":")
		if !ok || strings.TrimSpace(name) == "" {
			return "", nil, fmt.Errorf("%w: field without a name: %.40q", ErrHeader, line)
		}
		h.Add(strings.TrimSpace(name), strings.TrimSpace(value))
	}
}

// readLine reads one line without its CRLF or LF ending.
func readLine(r *bufio.Reader) (string, error) {
	line, err := r.ReadString('\n')
	if err != nil {
		if err == io.EOF && line != "" {
			return line, io.ErrUnexpectedEOF
		}
		return line, err
	}
	line = strings.TrimSuffix(line, "\n")
	return strings.TrimSuffix(line, "\r"), nil
}

// truncated turns an end of input in the middle of a record into
// ErrTruncated, keeping the cause.
func truncated(err error) error {
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return fmt.Errorf("%w: %w", ErrTruncated, err)
	}
	return err
}

// contentLength parses a record's Content-Length field.
func (h Header) contentLength() (int64, error) {
	v := h.Get("Content-Length")
	if v == "" {
		return 0, fmt.Errorf("%w: no Content-Length", ErrHeader)
	}
	n, err := strconv.ParseInt(v, 10, 64)
	if err != nil || n < 0 {
		return 0, fmt.Errorf("%w: Content-Length %q", ErrHeader, v)
	}
	return n, nil
}

// parseWARCDate parses a WARC-Date: second precision as WARC/1.0 requires,
// or finer as WARC/1.1 allows; also, as other tools have written it, an
// RFC 3339 time without its zone (read as UTC) or a 14-digit timestamp.
func parseWARCDate(v string) (time.Time, error) {
	t, err := time.Parse(time.RFC3339Nano, v)
	if err == nil {
		return t.UTC(), nil
	}
	for _, layout := range []string{"2006-01-02T15:04:05.999999999", timestamp14} {
		if t, err := time.Parse(layout, v); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("%w: WARC-Date %q", ErrHeader, v)
}

// oddDate reports whether a WARC-Date parses only leniently (see
// parseWARCDate).
func oddDate(v string) bool {
	if _, err := time.Parse(time.RFC3339Nano, v); err == nil {
		return false
	}
	_, err := parseWARCDate(v)
	return err == nil
}

// formatWARCDate writes t in UTC with microseconds, as WARC/1.1 permits.
func formatWARCDate(t time.Time) string {
	return t.UTC().Format("2006-01-02T15:04:05.000000Z")
}

// b32 is RFC 4648 base32, the encoding of WARC digests.
var b32 = base32.StdEncoding

// digestString labels a SHA-1 sum the way WARC digest fields are written.
func digestString(h hash.Hash) string {
	return "sha1:" + b32.EncodeToString(h.Sum(nil))
}

// sha1Digest returns the labelled SHA-1 digest of the concatenated parts.
func sha1Digest(parts ...[]byte) string {
	h := sha1.New()
	for _, p := range parts {
		h.Write(p)
	}
	return digestString(h)
}

// newRecordID returns a fresh <urn:uuid:...> record ID from a random
// (version 4) UUID.
func newRecordID() string {
	var u [16]byte
	rand.Read(u[:]) // never fails: crypto/rand crashes the program rather than return an error
	u[6] = u[6]&0x0f | 0x40
	u[8] = u[8]&0x3f | 0x80
	return fmt.Sprintf("<urn:uuid:%x-%x-%x-%x-%x>", u[0:4], u[4:6], u[6:8], u[8:10], u[10:16])
}
