package pipeline

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"time"

	"rankfile/archive"
	"rankfile/record"
)

// openArchiveReadOnly opens the data directory's archive for lookups only:
// no lock, so it works beside a crawl, and nothing written.
func (p *Pipeline) openArchiveReadOnly() (*archive.Archive, error) {
	arc, err := archive.OpenReadOnly(p.path(archiveDir))
	if errors.Is(err, os.ErrNotExist) {
		return nil, ErrNoArchive
	}
	return arc, err
}

// captureLine is one capture as `rankfile archive captures --format json`
// prints it.
type captureLine struct {
	URL       string `json:"url"`
	Timestamp string `json:"timestamp"` // 14 digits, UTC, as in CDXJ and Wayback URLs
	Status    int    `json:"status"`
	Type      string `json:"type"` // response or revisit
	Mime      string `json:"mime,omitempty"`
	Digest    string `json:"digest,omitempty"`
	File      string `json:"filename"`
	Offset    int64  `json:"offset"`
	Length    int64  `json:"length"`
}

// Captures prints every capture of url the archive holds, oldest first, one
// line each (format "text") or one JSON object each ("json"): when, HTTP
// status, response or revisit, media type, payload digest, and where the
// record is. Captures are matched as the capture index matches them (SURT:
// http and https, "www." or not, query order alike).
func (p *Pipeline) Captures(ctx context.Context, url, format string) error {
	arc, err := p.openArchiveReadOnly()
	if err != nil {
		return err
	}
	defer arc.Close()
	url = archivedURL(arc, url) // turnweb.test/posts: http:// assumed
	es, err := arc.Lookup(url)
	if err != nil {
		return err
	}
	if len(es) == 0 {
		return fmt.Errorf("%s: %w", url, archive.ErrNotFound)
	}
	w := bufio.NewWriter(p.out())
	enc := json.NewEncoder(w)
	for _, e := range es {
		l := captureLine{URL: e.URL, Timestamp: e.Time.UTC().Format(ts14), Status: e.Status, Type: archive.TypeResponse,
			Mime: e.Mime, Digest: e.Digest, File: e.File, Offset: e.Offset, Length: e.Length}
		if e.Revisit() {
			l.Type, l.Mime = archive.TypeRevisit, ""
		}
		if format == "json" {
			if err := enc.Encode(l); err != nil {
				return err
			}
			continue
		}
		fmt.Fprintf(w, "%s  %3d  %-8s  %-24s  %s  %s@%d\n", l.Timestamp, l.Status, l.Type, dash(l.Mime), dash(l.Digest), l.File, l.Offset)
	}
	return w.Flush()
}

const ts14 = "20060102150405"

func dash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

// GetOptions says which capture Get writes and how.
type GetOptions struct {
	// AsOf picks the newest capture made by then: 14 digits, YYYY-MM-DD or
	// RFC 3339 (see parseAsOf); empty means the latest capture.
	AsOf string
	// Head writes the HTTP status line and headers as received, and a blank
	// line, before the payload; less Content-Encoding and Content-Length,
	// since the payload is written decoded.
	Head bool
	// WARC writes the capture's WARC record itself (a revisit's own
	// record), uncompressed, instead of the page.
	WARC bool
	// Output is the file to write, replaced whole when the capture is
	// read; empty or "-" means the pipeline's output.
	Output string
}

// Get writes what the archive held for url as of opts.AsOf: the
// payload as the server sent it, with any gzip or deflate Content-Encoding
// removed, taken from the original response when the capture is a
// revisit. It reports the capture it read on the pipeline's log output:
// time, status, WARC file and offset, so a citation can name it.
func (p *Pipeline) Get(ctx context.Context, url string, opts GetOptions) error {
	url, opts, err := p.pageRef(ctx, url, opts) // a record ID names its page
	if err != nil {
		return err
	}
	var at time.Time
	if opts.AsOf != "" {
		t, err := parseAsOf(opts.AsOf)
		if err != nil {
			return err
		}
		at = t
	}
	arc, err := p.openArchiveReadOnly()
	if err != nil {
		return err
	}
	defer arc.Close()
	url = archivedURL(arc, url)
	var c record.Capture
	var e archive.Entry
	if opts.WARC {
		e, err = arc.EntryAt(url, at) // the record itself: no payload to decode
	} else {
		c, e, err = arc.CaptureAt(url, at)
	}
	if err != nil {
		return err
	}
	p.logger().Info("capture", "url", e.URL, "captured", e.Time.UTC().Format(ts14), "status", e.Status,
		"revisit", e.Revisit(), "warc_file", e.File, "warc_offset", e.Offset)
	write := func(w io.Writer) error {
		bw := bufio.NewWriter(w)
		switch {
		case opts.WARC:
			if err := arc.WriteRecord(bw, e); err != nil {
				return err
			}
		case opts.Head:
			fmt.Fprintf(bw, "HTTP/1.1 %d %s\r\n", c.Status, http.StatusText(c.Status))
			h := c.Header.Clone()
			h.Del("Content-Encoding")
			h.Del("Content-Length")
			h.Write(bw)
			bw.WriteString("\r\n")
			fallthrough
		default:
			bw.Write(c.Body)
		}
		return bw.Flush()
	}
	if opts.Output == "" || opts.Output == "-" {
		return write(p.out())
	}
	return writeAtomic(opts.Output, write)
}
