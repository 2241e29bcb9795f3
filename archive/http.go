package archive

import (
	"bytes"
	"compress/flate"
	"compress/zlib"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/textproto"
	"strconv"
	"strings"

	"github.com/klauspost/compress/gzip"
)

// httpMessage is an HTTP message split from a WARC block.
type httpMessage struct {
	StatusLine string
	Status     int // 0 for a request, or a status line that does not parse
	Header     http.Header
	Payload    []byte // entity body as stored, transfer encoding not yet removed
}

// splitHTTP splits a request or response block into its head and body. The
// head ends at the first blank line; a block without one is all head.
func splitHTTP(block []byte) (head, body []byte) {
	if i := bytes.Index(block, []byte("\r\n\r\n")); i >= 0 {
		return block[:i+4], block[i+4:]
	}
	if i := bytes.Index(block, []byte("\n\n")); i >= 0 {
		return block[:i+2], block[i+2:]
	}
	return block, nil
}

// parseHTTP parses an HTTP message block leniently: header lines that do not
// parse are skipped, since archived servers send all sorts.
func parseHTTP(block []byte) (*httpMessage, error) {
	head, body := splitHTTP(block)
	lines := strings.Split(strings.ReplaceAll(string(head), "\r\n", "\n"), "\n")
	m := &httpMessage{StatusLine: strings.TrimSpace(lines[0]), Header: http.Header{}, Payload: body}
	if m.StatusLine == "" {
		return nil, fmt.Errorf("http message: no start line")
	}
	if strings.HasPrefix(m.StatusLine, "HTTP/") {
		_, rest, _ := strings.Cut(m.StatusLine, " ")
		code, _, _ := strings.Cut(rest, " ")
		if n, err := strconv.Atoi(code); err == nil && n >= 100 && n <= 999 {
			m.Status = n
		}
	}
	var last string
	for _, line := range lines[1:] {
		if line == "" {
			continue
		}
		if (line[0] == ' ' || line[0] == '\t') && last != "" {
			vs := m.Header[last]
			vs[len(vs)-1] += " " + strings.TrimSpace(line)
			continue
		}
		name, value, ok := strings.Cut(line, ":")
		if !ok || strings.TrimSpace(name) == "" {
			continue
		}
		last = textproto.CanonicalMIMEHeaderKey(strings.TrimSpace(name))
		m.Header[last] = append(m.Header[last], strings.TrimSpace(value))
	}
	return m, nil
}

// isChunked reports whether h declares a chunked transfer coding.
func isChunked(h http.Header) bool {
	for _, v := range h.Values("Transfer-Encoding") {
		if strings.Contains(strings.ToLower(v), "chunked") {
			return true
		}
	}
	return false
}

// isHTTPBlock reports whether a response record's block is an HTTP
// message: its WARC Content-Type is application/http or missing, or
// (mislabelled) the block starts with an HTTP status line. A DNS lookup,
// which Heritrix writes as a response record of type text/dns, is not:
// its block is its payload.
func isHTTPBlock(h Header, block []byte) bool {
	switch warcMediaType(h) {
	case "application/http", "":
		return true
	}
	return bytes.HasPrefix(block, []byte("HTTP/"))
}

// warcMediaType returns a record's WARC Content-Type without parameters,
// lowercased.
func warcMediaType(h Header) string {
	t, _, _ := strings.Cut(h.Get("Content-Type"), ";")
	return strings.ToLower(strings.TrimSpace(t))
}

// mediaType returns the Content-Type of h without parameters, lowercased.
func mediaType(h http.Header) string {
	t, _, _ := strings.Cut(h.Get("Content-Type"), ";")
	return strings.ToLower(strings.TrimSpace(t))
}

// validators returns the ETag and Last-Modified values of a response head,
// as sent, for a conditional GET.
func validators(h http.Header) (etag, lastModified string) {
	return strings.TrimSpace(h.Get("ETag")), strings.TrimSpace(h.Get("Last-Modified"))
}

// Dechunk removes a chunked transfer coding, leniently, as warcio's and
// pywb's readers do: data that is not chunked after all is returned as it
// is, a chunked body cut short keeps what was read, and a chunk whose size
// is wrong (servers that count characters, not bytes) ends where the next
// chunk's size line is found instead.
func Dechunk(p []byte) []byte {
	out, _ := dechunk(p)
	return out
}

// maxChunkLine bounds a chunk size line, extensions included.
const maxChunkLine = 256

// dechunk removes a chunked transfer coding; exact is false when the
// chunking was not as its sizes say (see Dechunk).
func dechunk(p []byte) (out []byte, exact bool) {
	exact = true
	pos := 0
	for pos < len(p) {
		size, next, ok := chunkSize(p, pos)
		if !ok {
			if pos == 0 {
				return p, false // not chunked at all
			}
			return append(out, p[pos:]...), false // the rest is not chunked
		}
		if size == 0 {
			return out, exact
		}
		end := next + size
		if end <= len(p) && chunkEnds(p, end) {
			out = append(out, p[next:end]...)
			pos = end + crlfLen(p, end)
			continue
		}
		exact = false
		if q := nearestChunkEnd(p, next, end); q >= 0 {
			out = append(out, p[next:q]...)
			pos = q + crlfLen(p, q)
			continue
		}
		rest := p[min(next, len(p)):]
		rest = bytes.TrimSuffix(rest, []byte("\r\n0\r\n\r\n"))
		return append(out, rest...), false
	}
	return out, exact && len(p) > 0
}

// chunkSize parses the chunk size line at p[at:]: the size and where the
// chunk's data starts.
func chunkSize(p []byte, at int) (size, next int, ok bool) {
	line := p[at:min(len(p), at+maxChunkLine)]
	i := bytes.IndexByte(line, '\n')
	if i < 0 {
		return 0, 0, false
	}
	hexits := strings.TrimSpace(strings.SplitN(strings.TrimSuffix(string(line[:i]), "\r"), ";", 2)[0])
	n, err := strconv.ParseInt(hexits, 16, 32)
	if err != nil || n < 0 || hexits == "" {
		return 0, 0, false
	}
	return int(n), at + i + 1, true
}

// crlfLen returns the length of the line end at p[at:]: 2 for CRLF, 1 for
// a bare LF, 0 for none.
func crlfLen(p []byte, at int) int {
	switch {
	case bytes.HasPrefix(p[at:], []byte("\r\n")):
		return 2
	case bytes.HasPrefix(p[at:], []byte("\n")):
		return 1
	}
	return 0
}

// chunkEnds reports whether a chunk's data can end at p[at:]: a line end
// follows, then the next chunk's size line or the end of the body.
func chunkEnds(p []byte, at int) bool {
	n := crlfLen(p, at)
	if n == 0 {
		return at == len(p) // a body cut right after the data
	}
	if at+n == len(p) {
		return true
	}
	_, _, ok := chunkSize(p, at+n)
	return ok
}

// plausibleChunkEnd reports whether a chunk can end at p[at:] by stricter
// rules than chunkEnds, for searching: CRLF, then a size line of hex
// digits alone ended by CRLF, whose chunk fits in what is left.
func plausibleChunkEnd(p []byte, at int) bool {
	if !bytes.HasPrefix(p[at:], []byte("\r\n")) {
		return false
	}
	line := p[at+2 : min(len(p), at+2+18)]
	i := bytes.Index(line, []byte("\r\n"))
	if i <= 0 {
		return false
	}
	n, err := strconv.ParseUint(string(line[:i]), 16, 32)
	return err == nil && at+2+i+2+int(n) <= len(p)
}

// nearestChunkEnd returns the end of a chunk starting at from whose size
// line said it ends at want: the nearest offset where a line end and the
// next size line follow, or -1.
func nearestChunkEnd(p []byte, from, want int) int {
	want = min(want, len(p))
	for d := 1; want-d >= from || want+d <= len(p); d++ {
		for _, q := range []int{want + d, want - d} {
			if q >= from && q < len(p) && plausibleChunkEnd(p, q) {
				return q
			}
		}
	}
	return -1
}

// ErrEncoding marks a Content-Encoding that DecodeContent leaves in place.
var ErrEncoding = errors.New("archive: unsupported content encoding")

// MaxDecoded bounds what DecodeContent writes out: a gzip bomb archived as
// it was sent costs a reader no more than this.
const MaxDecoded = 256 << 20

// DecodeContent removes the Content-Encodings listed in h from p, last
// applied first, writing out at most MaxDecoded bytes. A body cut short
// (WARC-Truncated) keeps what decoded. An encoding it does not know (br)
// leaves the body as it is, with an error wrapping ErrEncoding.
func DecodeContent(h http.Header, p []byte) ([]byte, error) {
	var codings []string
	for _, v := range h.Values("Content-Encoding") {
		for _, c := range strings.Split(v, ",") {
			if c = strings.ToLower(strings.TrimSpace(c)); c != "" && c != "identity" {
				codings = append(codings, c)
			}
		}
	}
	for i := len(codings) - 1; i >= 0; i-- {
		out, err := decodeOne(codings[i], p)
		if err != nil {
			return p, err
		}
		p = out
	}
	return p, nil
}

func decodeOne(coding string, p []byte) ([]byte, error) {
	var r io.Reader
	switch coding {
	case "gzip", "x-gzip":
		zr, err := gzip.NewReader(bytes.NewReader(p))
		if err != nil {
			return nil, fmt.Errorf("gzip content: %w", err)
		}
		r = zr
	case "deflate":
		// "deflate" is meant to be zlib-wrapped, but many servers send raw
		// deflate data.
		if zr, err := zlib.NewReader(bytes.NewReader(p)); err == nil {
			r = zr
		} else {
			r = flate.NewReader(bytes.NewReader(p))
		}
	default:
		return nil, fmt.Errorf("%w: %q", ErrEncoding, coding)
	}
	out, err := io.ReadAll(io.LimitReader(r, MaxDecoded))
	if err != nil && !(errors.Is(err, io.ErrUnexpectedEOF) && len(out) > 0) {
		return nil, fmt.Errorf("%s content: %w", coding, err)
	}
	return out, nil
}
