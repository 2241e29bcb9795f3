package serve

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/textproto"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"rankfile/archive"
)

// maxBlock bounds the WARC record block read for replay.
const maxBlock = 256 << 20

// archived is an HTTP response read from a WARC response, revisit or resource record.
type archived struct {
	Type      string // WARC-Type
	URL       string // WARC-Target-URI
	Date      time.Time
	Status    int
	Header    http.Header
	Payload   []byte // entity body with the transfer coding removed, still content-encoded
	Digest    string // WARC-Payload-Digest
	RefTarget string // revisit: WARC-Refers-To-Target-URI
	RefDate   time.Time
}

// openWARC opens a WARC file of the archive directory by name, wherever
// it is: finished, or still being written under its .open name (and
// perhaps renamed between two tries).
func openWARC(dir, name string) (*os.File, error) {
	if !safeFileName(name) {
		return nil, fmt.Errorf("warc file name %q: %w", name, os.ErrNotExist)
	}
	for range 2 {
		for _, n := range []string{name, name + ".open"} {
			f, err := os.Open(filepath.Join(dir, n))
			if err == nil {
				return f, nil
			}
			if !errors.Is(err, os.ErrNotExist) {
				return nil, fmt.Errorf("open warc file: %w", err)
			}
		}
	}
	return nil, fmt.Errorf("open warc file %s: %w", name, os.ErrNotExist)
}

// readArchived reads the response or revisit record at offset off of the
// WARC file name in dir, without taking the archive's lock.
func readArchived(dir, name string, off int64) (*archived, error) {
	f, err := openWARC(dir, name)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	rd := archive.NewReader(io.NewSectionReader(f, off, 1<<62))
	rd.File = name
	rec, err := rd.Next()
	if err != nil {
		return nil, fmt.Errorf("read warc record %s@%d: %w", name, off, err)
	}
	if t := rec.Type(); t != archive.TypeResponse && t != archive.TypeRevisit && t != archive.TypeResource {
		return nil, fmt.Errorf("warc record %s@%d is a %q record", name, off, t)
	}
	if rec.ContentLength > maxBlock {
		return nil, fmt.Errorf("warc record %s@%d: block of %d bytes is too large to replay", name, off, rec.ContentLength)
	}
	block, err := io.ReadAll(rec.Body)
	if err != nil {
		return nil, fmt.Errorf("read warc record %s@%d: %w", name, off, err)
	}
	a := &archived{Type: rec.Type(), URL: rec.TargetURI(), Digest: rec.Header.Get("WARC-Payload-Digest"), Header: http.Header{}}
	if a.Date, err = rec.Date(); err != nil {
		return nil, fmt.Errorf("warc record %s@%d: %w", name, off, err)
	}
	a.RefTarget = strings.Trim(rec.Header.Get("WARC-Refers-To-Target-URI"), "<>")
	if v := rec.Header.Get("WARC-Refers-To-Date"); v != "" {
		a.RefDate, _ = time.Parse(time.RFC3339Nano, v)
	}
	switch {
	case a.Type == archive.TypeResource: // a page archived without HTTP (warcit, Webrecorder): a 200 of its type, as pywb replays it
		a.Status, a.Payload = 200, block
		a.Header.Set("Content-Type", rec.Header.Get("Content-Type"))
	case len(block) > 0:
		a.Status, a.Header, a.Payload = parseResponse(block)
	}
	if a.Type == archive.TypeResponse && a.Status == 0 {
		return nil, fmt.Errorf("warc record %s@%d: no HTTP status line", name, off)
	}
	if te := strings.ToLower(strings.Join(a.Header.Values("Transfer-Encoding"), ",")); strings.Contains(te, "chunked") {
		a.Payload = archive.Dechunk(a.Payload)
		a.Header.Del("Transfer-Encoding")
	}
	return a, nil
}

// parseResponse splits an HTTP response block leniently: archived servers
// send all sorts of header lines, and the ones that do not parse are
// skipped.
func parseResponse(block []byte) (status int, h http.Header, body []byte) {
	head := block
	h = http.Header{}
	if i := bytes.Index(block, []byte("\r\n\r\n")); i >= 0 {
		head, body = block[:i], block[i+4:]
	} else if i := bytes.Index(block, []byte("\n\n")); i >= 0 {
		head, body = block[:i], block[i+2:]
	}
	lines := strings.Split(strings.ReplaceAll(string(head), "\r\n", "\n"), "\n")
	if f := strings.Fields(lines[0]); len(f) >= 2 && strings.HasPrefix(f[0], "HTTP/") {
		if n, err := strconv.Atoi(f[1]); err == nil && n >= 100 && n <= 999 {
			status = n
		}
	}
	for _, line := range lines[1:] {
		name, value, ok := strings.Cut(line, ":")
		if !ok || strings.TrimSpace(name) == "" || strings.ContainsAny(name, " \t") {
			continue
		}
		h.Add(textproto.CanonicalMIMEHeaderKey(name), strings.TrimSpace(value))
	}
	return status, h, body
}
