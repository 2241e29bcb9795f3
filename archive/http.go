package archive

import (
	"bytes"
	"compress/flate"
	"compress/zlib"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httputil"
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

// Dechunk removes a chunked transfer coding. Data that is not chunked after
// all is returned as it is; a chunked body cut short keeps what was read.
func Dechunk(p []byte) []byte {
	out, err := io.ReadAll(httputil.NewChunkedReader(bytes.NewReader(p)))
	if err != nil && len(out) == 0 {
		return p
	}
	return out
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
