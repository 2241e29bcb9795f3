package archive

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/klauspost/compress/gzip"
)

// testTime is the date of the first test capture.
var testTime = time.Date(2024, 3, 5, 14, 30, 15, 123456000, time.UTC)

// mustOpen opens an archive in dir with a fixed crawl ID, failing the test on error.
func mustOpen(tb testing.TB, dir string, opts Options) *Archive {
	tb.Helper()
	if opts.CrawlID == "" {
		opts.CrawlID = "test"
	}
	a, err := Open(dir, opts)
	if err != nil {
		tb.Fatalf("Open(%s): %v", dir, err)
	}
	return a
}

// mustWrite writes ex, failing the test on error.
func mustWrite(tb testing.TB, a *Archive, ex *Exchange) WriteResult {
	tb.Helper()
	res, err := a.Write(ex)
	if err != nil {
		tb.Fatalf("Write(%s): %v", ex.URL, err)
	}
	return res
}

// mustClose closes a, failing the test on error.
func mustClose(tb testing.TB, a *Archive) {
	tb.Helper()
	if err := a.Close(); err != nil {
		tb.Fatalf("Close: %v", err)
	}
}

// page builds an exchange for a GET of url answered with status, extra
// response header lines and body.
func page(url string, status int, body []byte, headers ...string) *Exchange {
	var head bytes.Buffer
	fmt.Fprintf(&head, "HTTP/1.1 %d %s\r\n", status, statusText(status))
	for _, h := range headers {
		head.WriteString(h + "\r\n")
	}
	head.WriteString("\r\n")
	return &Exchange{
		URL:          url,
		Date:         testTime,
		IP:           "127.0.0.1",
		Request:      fmt.Appendf(nil, "GET %s HTTP/1.1\r\nHost: example.test\r\nUser-Agent: rankfile-test\r\n\r\n", url),
		ResponseHead: head.Bytes(),
		Body:         body,
	}
}

func statusText(code int) string {
	switch code {
	case 200:
		return "OK"
	case 304:
		return "Not Modified"
	case 404:
		return "Not Found"
	}
	return "Status"
}

// gzipped returns p gzip-compressed, as a server sending
// Content-Encoding: gzip would.
func gzipped(tb testing.TB, p []byte) []byte {
	tb.Helper()
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zw.Write(p)
	if err := zw.Close(); err != nil {
		tb.Fatal(err)
	}
	return b.Bytes()
}

// readAll reads every record of a WARC file, returning them with their blocks.
func readAll(tb testing.TB, r io.Reader, name string) ([]readRecord, error) {
	tb.Helper()
	rd := NewReader(r)
	rd.File = name
	var recs []readRecord
	for {
		rec, err := rd.Next()
		if err == io.EOF {
			return recs, nil
		}
		if err != nil {
			return recs, err
		}
		block, err := io.ReadAll(rec.Body)
		if err != nil {
			return recs, err
		}
		end, err := rd.Finish()
		if err != nil {
			return recs, err
		}
		recs = append(recs, readRecord{Record: rec, File: name, Block: block, End: end})
	}
}

type readRecord struct {
	*Record
	File  string // the name given to readAll
	Block []byte
	End   int64 // offset just past the record
}

func itoa(i int) string { return fmt.Sprint(i) }

// reportsDamage reports whether err, or one of the errors joined in it,
// is a *RecordError at offset of file.
func reportsDamage(err error, file string, offset int64) bool {
	for _, e := range unjoin(err) {
		var re *RecordError
		if errors.As(e, &re) && re.File == file && re.Offset == offset {
			return true
		}
	}
	return false
}
