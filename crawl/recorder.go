package crawl

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptrace"
	"strings"
	"time"

	"rankfile/archive"
)

// Archiver receives every HTTP exchange the crawler makes.
type Archiver interface {
	Write(ex *archive.Exchange) (archive.WriteResult, error)
}

var _ Archiver = (*archive.Archive)(nil)

// ErrArchive marks a fetch the archive could not take (a full disk): the
// crawl stops at once.
var ErrArchive = errors.New("the archive cannot be written")

// archiveError is the error of the fetch whose exchange the archive could
// not take (the fetches the crawl's stop cancels have ErrArchive as their
// cause, but not this type).
type archiveError struct{ err error }

func (e *archiveError) Error() string { return e.err.Error() }
func (e *archiveError) Unwrap() error { return e.err }

// ErrBodyTooLarge marks a response cut at the maximum body size.
var ErrBodyTooLarge = errors.New("response body exceeds the maximum size")

// recorder is an http.RoundTripper that reads each response whole, hands the
// request as sent and the response as received to the archive, and only then
// gives the response to colly. Asking for gzip itself (with the base
// transport's own decompression off) keeps the payload as it came over the
// wire, so the WARC payload digest is of what the server sent; the
// recorder then decodes it, bounded, for colly and the link finder.
//
// The archive gets the capture's crawl context with it, for its metadata
// record: the URL's via and hop path from inflight, the fetch time, and
// the page's outlinks, which the recorder finds (once: follow queues the
// same links) on the decoded body of a 2xx response to a queued URL, or
// the Location of a redirect.
type recorder struct {
	base     http.RoundTripper
	archive  Archiver
	maxBody  int64
	now      func() time.Time
	history  History   // earlier captures, for conditional requests; nil sends none
	inflight *inflight // crawl context of the URLs queued; nil records none
	retries  int       // tries repeated after a failed one: a failed try before the last is not archived
	// written is called after each exchange is archived.
	// known says whether the archive held a capture of the URL before.
	written func(req *http.Request, resp *http.Response, ex *archive.Exchange, known bool, res archive.WriteResult, err error)
}

func (t *recorder) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Header.Get("Accept-Encoding") == "" {
		req.Header.Set("Accept-Encoding", "gzip")
	}
	var ip string
	trace := &httptrace.ClientTrace{GotConn: func(ci httptrace.GotConnInfo) {
		if addr := ci.Conn.RemoteAddr(); addr != nil {
			ip = hostOnly(addr.String())
		}
	}}
	req = req.WithContext(httptrace.WithClientTrace(req.Context(), trace))
	var prev previous
	var conditional, known bool
	if t.history != nil && req.Method == http.MethodGet {
		prev, conditional, known = lastCapture(t.history, req.URL.String())
		if conditional && req.Header.Get("If-None-Match") == "" && req.Header.Get("If-Modified-Since") == "" {
			addConditions(req, prev)
		} else {
			conditional = false
		}
	}
	date := t.now().UTC()
	start := time.Now()
	resp, err := t.base.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	body, truncated, readErr := readBody(resp.Body, resp.ContentLength, t.maxBody)
	fetchTime := time.Since(start)
	resp.Body.Close()
	u := req.URL.String()
	ex := &archive.Exchange{
		URL:          u,
		Date:         date,
		IP:           ip,
		Request:      dumpRequest(req),
		ResponseHead: dumpResponseHead(resp),
		Body:         body,
		Truncated:    truncated,
		FetchTime:    max(fetchTime, time.Nanosecond),
	}
	var uc *urlContext
	if t.inflight != nil {
		_, uc = t.inflight.context(u)
	}
	if uc != nil {
		ex.Via, ex.Hops = uc.via, uc.hops
	} else if hops, ok := req.Context().Value(hopsKey{}).(string); ok {
		ex.Hops = hops // a request outside the frontier (robots.txt), and the redirects it follows
		for prev := req.Response; prev != nil && prev.Request != nil; prev = prev.Request.Response {
			ex.Hops = appendHop(ex.Hops, hopRedirect)
			if ex.Via == "" {
				ex.Via = prev.Request.URL.String()
			}
		}
	}
	notModified := conditional && resp.StatusCode == http.StatusNotModified
	var decoded []byte
	var found *foundLinks
	if readErr == nil && !notModified {
		decoded = decodeBody(resp.Header, body, min(t.maxBody, maxLinkScan)) // after the head is dumped: it drops Content-Encoding
		switch {
		case uc != nil && resp.StatusCode >= 200 && resp.StatusCode < 300:
			ct := resp.Header.Get("Content-Type")
			found = findLinks(ct, utf8Body(ct, decoded), req.URL)
			ex.Outlinks = found.outlinks()
		case resp.StatusCode >= 300 && resp.StatusCode < 400:
			if loc := resp.Header.Get("Location"); loc != "" {
				if l, err := Normalize(req.URL, loc); err == nil && (l.Scheme == "http" || l.Scheme == "https") {
					ex.Outlinks = []string{l.String() + " R"}
				}
			}
		}
	}
	if t.retriedLater(req, uc, resp.StatusCode, readErr) {
		// a failed try that will be repeated: only the last try is
		// archived, so a page that never loads is one capture, not one per try
		if readErr != nil {
			return nil, fmt.Errorf("read body of %s: %w", req.URL, readErr)
		}
		resp.Body = io.NopCloser(bytes.NewReader(nil))
		return resp, nil
	}
	res, werr := t.archive.Write(ex)
	if t.written != nil {
		t.written(req, resp, ex, known, res, werr)
	}
	if werr != nil {
		return nil, &archiveError{err: fmt.Errorf("archive %s: %w: %w", req.URL, ErrArchive, werr)}
	}
	if readErr != nil {
		return nil, fmt.Errorf("read body of %s: %w", req.URL, readErr)
	}
	if notModified {
		if unchanged, ok := fromArchive(t.history, resp, prev); ok {
			return unchanged, nil // follow finds the links of the capture it stands for
		}
		decoded = decodeBody(resp.Header, body, t.maxBody)
	}
	if found != nil {
		t.inflight.pages.Store(u, found) // for follow, which forgets it
		// follow has the page's links: colly, which would read the body
		// again (a copy of up to maxBody), gets none
		decoded = nil
	}
	resp.Body = io.NopCloser(bytes.NewReader(decoded))
	resp.ContentLength = int64(len(decoded))
	return resp, nil
}

// retriedLater reports whether this try of req failed (status, or readErr
// while reading the body) in a way that the crawl tries again, and is not
// the last try.
func (t *recorder) retriedLater(req *http.Request, uc *urlContext, status int, readErr error) bool {
	if readErr != nil {
		status = 0
	}
	if !retryable(status, readErr) {
		return false
	}
	if last, ok := req.Context().Value(lastTryKey{}).(bool); ok {
		return !last
	}
	return uc != nil && int(uc.tries.Load()) < t.retries
}

// maxLinkScan bounds how much of a compressed body is decoded to find its
// links: a page's links lie in its first 16 MiB, and a gzip bomb (1 MiB on
// the wire, 1 GiB of zeros) then costs no more. The archive keeps the body
// as sent, whole up to the maximum body size.
const maxLinkScan = 16 << 20

// decodeBody removes a gzip or deflate Content-Encoding for the link finder
// (and colly, when the link finder did not run), decoding at most max
// bytes: the archive keeps the body as sent, and a gzip bomb costs no more
// memory than a page of max bytes.
// What cannot be decoded is passed on as far as it decoded.
func decodeBody(h http.Header, body []byte, max int64) []byte {
	var zr io.Reader
	switch strings.ToLower(strings.TrimSpace(h.Get("Content-Encoding"))) {
	case "gzip", "x-gzip":
		gz, err := gzip.NewReader(bytes.NewReader(body))
		if err != nil {
			return body
		}
		zr = gz
	case "deflate":
		zr = flate.NewReader(bytes.NewReader(body))
	default:
		return body
	}
	out, _ := io.ReadAll(io.LimitReader(zr, max))
	h.Del("Content-Encoding")
	h.Del("Content-Length")
	return out
}

// readBody reads up to max bytes; a longer body is cut and marked "length",
// a connection lost mid-body is kept as far as it came and marked "disconnect".
func readBody(r io.Reader, length, max int64) (body []byte, truncated string, err error) {
	var buf bytes.Buffer
	if length > 0 {
		buf.Grow(int(min(length, max)) + bytes.MinRead) // one allocation: ReadFrom wants MinRead spare to see EOF
	}
	_, err = buf.ReadFrom(io.LimitReader(r, max+1))
	body = buf.Bytes()
	switch {
	case err != nil:
		return body, "disconnect", err
	case int64(len(body)) > max:
		return body[:max], "length", nil
	}
	return body, "", nil
}

// dumpRequest renders the request as the transport sends it: request line,
// Host, the headers, and a blank line (the crawler only sends GET).
func dumpRequest(req *http.Request) []byte {
	var b bytes.Buffer
	uri := req.URL.RequestURI()
	fmt.Fprintf(&b, "%s %s HTTP/1.1\r\n", req.Method, uri)
	host := req.Host
	if host == "" {
		host = req.URL.Host
	}
	fmt.Fprintf(&b, "Host: %s\r\n", host)
	req.Header.WriteSubset(&b, map[string]bool{"Host": true})
	b.WriteString("\r\n")
	return b.Bytes()
}

// dumpResponseHead renders the status line and headers as received. Go has
// already removed chunked transfer coding from the body, so the
// Transfer-Encoding header (which Go does not keep) is not written either.
func dumpResponseHead(resp *http.Response) []byte {
	var b bytes.Buffer
	proto := resp.Proto
	if proto == "" {
		proto = "HTTP/1.1"
	}
	status := resp.Status
	if status == "" {
		status = fmt.Sprintf("%d %s", resp.StatusCode, http.StatusText(resp.StatusCode))
	}
	fmt.Fprintf(&b, "%s %s\r\n", proto, status)
	resp.Header.Write(&b)
	b.WriteString("\r\n")
	return b.Bytes()
}

func hostOnly(addr string) string {
	if i := strings.LastIndexByte(addr, ':'); i > 0 {
		return strings.Trim(addr[:i], "[]")
	}
	return addr
}
