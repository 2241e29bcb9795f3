package archive

import (
	"bytes"
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// Exchange is one HTTP request and response as the crawler saw them.
type Exchange struct {
	URL  string    // the URL requested (WARC-Target-URI)
	Date time.Time // when the request began; zero means now
	IP   string    // address of the server contacted, "" when unknown

	// Request is the raw request as sent: request line, headers, CRLF and
	// body. Empty means no request record is written.
	Request []byte
	// ResponseHead is the raw status line and headers as received, ending
	// with CRLF CRLF. If it declares Transfer-Encoding: chunked, the block
	// stores Body re-chunked as a single chunk, so the block stays a valid
	// HTTP message.
	ResponseHead []byte
	// Body is the payload as received: still Content-Encoded (gzip...),
	// with any chunked transfer coding removed.
	Body []byte
	// Truncated is the WARC-Truncated reason ("length", "time",
	// "disconnect"), "" when the body is complete.
	Truncated string

	// Optional crawl context, written in a metadata record when any is set
	// and the capture is a response (a revisit gets none: its outlinks are
	// those of the capture it stands on).
	Via       string        // the page whose link led here
	Hops      string        // hop path from the seed, Heritrix style: "L" per link, "R" per redirect...
	Outlinks  []string      // links found on the page, one outlink field each
	FetchTime time.Duration // time taken to fetch the response
}

// WriteResult says what Write stored.
type WriteResult struct {
	// Revisit is true when the payload was already in the archive and a
	// revisit record was written in place of the body.
	Revisit bool
	// Entry is the capture index entry of the response or revisit record.
	Entry Entry
	// RecordID is the WARC-Record-ID of the response or revisit record (the
	// WARC-Concurrent-To of the request and metadata records).
	RecordID string
}

// exchangeParts is an Exchange checked and prepared for writing.
type exchangeParts struct {
	date    time.Time
	key     string
	resp    *httpMessage
	head    []byte   // response head, ending CRLF CRLF
	block   [][]byte // response block: head, then the body as stored
	payload string   // payload digest of Body
}

// prepare checks ex and works out what the response record will hold,
// hashing with c.
func (a *Archive) prepare(ex *Exchange, c *compressor) (*exchangeParts, error) {
	u, err := url.Parse(ex.URL)
	if err != nil || !u.IsAbs() {
		return nil, fmt.Errorf("%w: URL %q is not absolute", ErrExchange, ex.URL)
	}
	if ex.IP != "" && net.ParseIP(ex.IP) == nil {
		return nil, fmt.Errorf("%w: IP %q of %s is not an IP address", ErrExchange, ex.IP, ex.URL)
	}
	if strings.ContainsFunc(ex.Truncated, func(r rune) bool { return r <= ' ' || r == 0x7f }) {
		return nil, fmt.Errorf("%w: truncation reason %q of %s is not a token", ErrExchange, ex.Truncated, ex.URL)
	}
	head := endHead(ex.ResponseHead)
	resp, err := parseHTTP(head)
	if err != nil || resp.Status == 0 {
		return nil, fmt.Errorf("%w: response head of %s has no status line", ErrExchange, ex.URL)
	}
	p := &exchangeParts{date: ex.Date, key: SURT(ex.URL), resp: resp, head: head, payload: c.digest(ex.Body)}
	if p.date.IsZero() {
		p.date = a.opts.Now()
	}
	p.date = p.date.UTC()
	p.block = [][]byte{head, ex.Body}
	if isChunked(resp.Header) {
		p.block = [][]byte{head, []byte(strconv.FormatInt(int64(len(ex.Body)), 16) + "\r\n"), ex.Body, []byte("\r\n0\r\n\r\n")}
		if len(ex.Body) == 0 {
			p.block = [][]byte{head, []byte("0\r\n\r\n")}
		}
	}
	return p, nil
}

// endHead makes sure an HTTP head ends with exactly one blank line.
func endHead(head []byte) []byte {
	if bytes.HasSuffix(head, []byte("\r\n\r\n")) {
		return head
	}
	h := bytes.TrimRight(head, "\r\n")
	return append(h[:len(h):len(h)], "\r\n\r\n"...)
}

// Write appends the exchange to the archive as a response record (or a
// revisit record, when the URL's payload is already archived with the same
// digest, or the server answered 304 Not Modified), a request record and,
// when ex carries crawl context and the capture is not a revisit, a
// metadata record, all in one WARC file, and adds the capture to the index.
// A revisit gets no metadata record, as in Heritrix: its outlinks are those
// of the capture it refers to, and a recrawl of an unchanged site stays
// small. It compresses in the caller's goroutine, so concurrent callers
// compress in parallel; the finished records are appended whole under a
// lock. Write does not keep ex.
func (a *Archive) Write(ex *Exchange) (WriteResult, error) {
	c := a.getCompressor()
	defer a.putCompressor(c)
	p, err := a.prepare(ex, c)
	if err != nil {
		return WriteResult{}, err
	}
	a.writeMu.RLock()
	defer a.writeMu.RUnlock()
	ref := a.referent(p, ex)
	wf, err := a.acquire()
	if err != nil {
		return WriteResult{}, err
	}
	defer a.release(wf)

	buf := &c.out
	buf.Reset()
	respID := newRecordID()
	date := formatWARCDate(p.date)
	h, block := a.responseRecord(c, p, ex, ref, respID, date, wf)
	respLen, err := c.record(buf, h, block...)
	if err == nil && len(ex.Request) > 0 {
		req := endHeadOnly(ex.Request)
		_, body := splitHTTP(req)
		h := a.captureHeader(TypeRequest, newRecordID(), date, ex, wf)
		h.Add("WARC-Concurrent-To", respID)
		h.Add("Content-Type", "application/http;msgtype=request")
		h.Add("WARC-Block-Digest", c.digest(req))
		h.Add("WARC-Payload-Digest", c.digest(body))
		_, err = c.record(buf, h, req)
	}
	if err == nil && ref == nil { // no metadata for a revisit
		if meta := metadataBlock(ex); meta != nil {
			h := a.captureHeader(TypeMetadata, newRecordID(), date, ex, wf)
			h.Add("WARC-Concurrent-To", respID)
			h.Add("Content-Type", "application/warc-fields")
			h.Add("WARC-Block-Digest", c.digest(meta))
			_, err = c.record(buf, h, meta)
		}
	}
	if err != nil {
		return WriteResult{}, fmt.Errorf("write %s: %w", ex.URL, err)
	}
	off, err := wf.append(buf.Bytes())
	if err != nil {
		return WriteResult{}, fmt.Errorf("write %s: %w", ex.URL, err)
	}
	e := Entry{
		Key: p.key, URL: ex.URL, Time: p.date.Truncate(time.Second), Status: p.resp.Status,
		Mime: mediaType(p.resp.Header), Digest: p.payload, Length: respLen, Offset: off, File: wf.name,
	}
	e.ETag, e.LastModified = validators(p.resp.Header)
	if ref != nil {
		e.Mime, e.Digest = revisitMime, ref.digest
	} else {
		a.remember(location{e.File, e.Offset}, recordInfo{id: respID, date: date})
	}
	if err := a.idx.add(e); err != nil {
		return WriteResult{}, fmt.Errorf("index %s: %w", ex.URL, err)
	}
	a.log.Info("url archived", "url", ex.URL, "status", e.Status, "revisit", ref != nil,
		"warc_file", e.File, "warc_offset", e.Offset, "bytes", len(ex.Body))
	return WriteResult{Revisit: ref != nil, Entry: e, RecordID: respID}, nil
}

// responseRecord returns the named fields and block of the capture's main
// record: a response, or a revisit of ref.
func (a *Archive) responseRecord(c *compressor, p *exchangeParts, ex *Exchange, ref *referent, id, date string, wf *warcFile) (Header, [][]byte) {
	if ref == nil {
		h := a.captureHeader(TypeResponse, id, date, ex, wf)
		h.Add("Content-Type", "application/http;msgtype=response")
		h.Add("WARC-Block-Digest", c.digest(p.block...))
		h.Add("WARC-Payload-Digest", p.payload)
		if ex.Truncated != "" {
			h.Add("WARC-Truncated", ex.Truncated)
		}
		return h, p.block
	}
	h := a.captureHeader(TypeRevisit, id, date, ex, wf)
	h.Add("WARC-Profile", ref.profile)
	if ref.info.id != "" {
		h.Add("WARC-Refers-To", ref.info.id)
	}
	h.Add("WARC-Refers-To-Target-URI", ref.entry.URL)
	h.Add("WARC-Refers-To-Date", ref.info.date)
	h.Add("Content-Type", "application/http;msgtype=response")
	h.Add("WARC-Block-Digest", c.digest(ref.block...))
	if ref.digest != "" {
		h.Add("WARC-Payload-Digest", ref.digest)
	}
	if ref.profile == ProfileIdenticalPayload {
		h.Add("WARC-Truncated", "length") // the spec's mark of a block cut to its head
	}
	return h, ref.block
}

// metadataBlock returns the crawl context of ex as application/warc-fields
// (the field names of the WARC 1.1 metadata record), or nil when ex has none.
// It is built in one allocation: every crawled page has one.
func metadataBlock(ex *Exchange) []byte {
	var fetch [20]byte
	var ms []byte
	if ex.FetchTime > 0 {
		ms = strconv.AppendInt(fetch[:0], ex.FetchTime.Milliseconds(), 10)
	}
	via, hops := oneLine(ex.Via), oneLine(ex.Hops)
	size := 0
	add := func(name, value string) {
		if value != "" {
			size += len(name) + len(value) + 4
		}
	}
	add("via", via)
	add("hopsFromSeed", hops)
	add("fetchTimeMs", string(ms))
	for _, l := range ex.Outlinks {
		add("outlink", l) // at least as long as oneLine(l)
	}
	if size == 0 {
		return nil
	}
	b := make([]byte, 0, size)
	field := func(name, value string) {
		if value != "" {
			b = append(b, name...)
			b = append(b, ": "...)
			b = append(b, value...)
			b = append(b, "\r\n"...)
		}
	}
	field("via", via)
	field("hopsFromSeed", hops)
	if len(ms) > 0 {
		b = append(b, "fetchTimeMs: "...)
		b = append(b, ms...)
		b = append(b, "\r\n"...)
	}
	for _, l := range ex.Outlinks {
		field("outlink", oneLine(l))
	}
	if len(b) == 0 {
		return nil
	}
	return b
}

// captureHeader starts the named fields common to a capture's records.
func (a *Archive) captureHeader(typ, id, date string, ex *Exchange, wf *warcFile) Header {
	h := Header{
		{"WARC-Type", typ},
		{"WARC-Record-ID", id},
		{"WARC-Date", date},
		{"WARC-Target-URI", ex.URL},
	}
	if ex.IP != "" {
		h.Add("WARC-IP-Address", ex.IP)
	}
	h.Add("WARC-Warcinfo-ID", wf.infoID)
	return h
}

// endHeadOnly makes sure a message with no body ends its head with a blank
// line; a message with a body is left as it is.
func endHeadOnly(msg []byte) []byte {
	if bytes.Contains(msg, []byte("\r\n\r\n")) || bytes.Contains(msg, []byte("\n\n")) {
		return msg
	}
	return endHead(msg)
}
