package crawl

import (
	"bytes"
	"io"
	"net/http"
	"strconv"

	"rankfile/archive"
	"rankfile/record"
)

// History is what the crawler asks of earlier crawls for conditional
// requests: the captures of a URL, and the content of one of them.
type History interface {
	Lookup(url string) ([]archive.Entry, error)
	ReadCapture(e archive.Entry) (record.Capture, error)
}

var _ History = (*archive.Archive)(nil)

// previous is the last full capture of a URL: its validators and content.
type previous struct {
	etag, lastModified string
	entry              archive.Entry
}

// lastCapture returns the newest 200 response archived for url (revisits
// point back to one) and whether it has validators to send; known is
// whether the archive holds any capture of url.
func lastCapture(h History, url string) (p previous, conditional, known bool) {
	entries, err := h.Lookup(url)
	if err != nil || len(entries) == 0 {
		return previous{}, false, false
	}
	for i := len(entries) - 1; i >= 0; i-- {
		e := entries[i]
		if e.Status != http.StatusOK || e.Revisit() {
			continue
		}
		p := previous{etag: e.ETag, lastModified: e.LastModified, entry: e}
		// a later revisit of the same payload may carry newer validators
		for _, later := range entries[i+1:] {
			if later.Digest == e.Digest && (later.ETag != "" || later.LastModified != "") {
				p.etag, p.lastModified = later.ETag, later.LastModified
			}
		}
		return p, p.etag != "" || p.lastModified != "", true
	}
	return previous{}, false, true
}

// addConditions makes req conditional on the previous capture.
func addConditions(req *http.Request, p previous) {
	if p.etag != "" {
		req.Header.Set("If-None-Match", p.etag)
	}
	if p.lastModified != "" {
		req.Header.Set("If-Modified-Since", p.lastModified)
	}
}

// fromArchive turns a 304 answer into the page it stands for: the previous
// capture's status, headers and body, so colly follows its links as if the
// page had been sent again. The 304 itself is what the archive keeps.
func fromArchive(h History, resp *http.Response, p previous) (*http.Response, bool) {
	c, err := h.ReadCapture(p.entry)
	if err != nil {
		return nil, false
	}
	hdr := c.Header.Clone()
	hdr.Del("Content-Encoding") // the capture's body is decoded
	hdr.Set("Content-Length", strconv.Itoa(len(c.Body)))
	out := *resp
	out.StatusCode, out.Status = c.Status, strconv.Itoa(c.Status)+" "+http.StatusText(c.Status)
	out.Header = hdr
	out.Body = io.NopCloser(bytes.NewReader(c.Body))
	out.ContentLength = int64(len(c.Body))
	return &out, true
}
