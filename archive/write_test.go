package archive

import (
	"bytes"
	"context"
	"crypto/sha1"
	"encoding/base32"
	"errors"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"rankfile/record"
)

// wantSHA1 computes a labelled base32 SHA-1 digest independently of the
// package's own helper.
func wantSHA1(parts ...[]byte) string {
	h := sha1.New()
	for _, p := range parts {
		h.Write(p)
	}
	return "sha1:" + base32.StdEncoding.EncodeToString(h.Sum(nil))
}

var recordIDRE = regexp.MustCompile(`^<urn:uuid:[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}>$`)

// warcFilesIn lists the WARC files (finished or open) in dir.
func warcFilesIn(tb testing.TB, dir string) (finished, open []string) {
	tb.Helper()
	ents, err := os.ReadDir(dir)
	if err != nil {
		tb.Fatal(err)
	}
	for _, e := range ents {
		switch {
		case strings.HasSuffix(e.Name(), ".warc.gz"):
			finished = append(finished, e.Name())
		case strings.HasSuffix(e.Name(), ".open"):
			open = append(open, e.Name())
		}
	}
	return finished, open
}

// allCaptures collects every capture of the archive.
func allCaptures(tb testing.TB, a *Archive) []record.Capture {
	tb.Helper()
	var cs []record.Capture
	if err := a.Captures(context.Background(), func(c record.Capture) error {
		cs = append(cs, c)
		return nil
	}); err != nil {
		tb.Fatalf("Captures: %v", err)
	}
	return cs
}

func TestArchive_Write(t *testing.T) {
	html := []byte("<html><body><p>Rank and file educators.</p></body></html>")
	latin1 := []byte("<p>Caf\xe9 con le\xf1a \xa9 2020</p>")
	noRequest := page("http://example.test/bare", 200, html, "Content-Type: text/html")
	noRequest.Request, noRequest.IP = nil, ""
	truncatedEx := page("http://example.test/big", 200, html[:20], "Content-Type: text/html", "Content-Length: 900")
	truncatedEx.Truncated = "length"
	tests := []struct {
		name       string
		ex         *Exchange
		wantBlock  []byte // response block as stored
		wantBody   []byte // decoded payload Captures returns
		wantMime   string
		wantStatus int
	}{
		{
			name:       "html",
			ex:         page("http://www.example.test/a?b=2&a=1", 200, html, "Content-Type: text/html; charset=utf-8"),
			wantBody:   html,
			wantMime:   "text/html",
			wantStatus: 200,
		},
		{
			name:       "gzip content encoding",
			ex:         page("http://example.test/gz", 200, gzipped(t, html), "Content-Type: text/html", "Content-Encoding: gzip"),
			wantBody:   html,
			wantMime:   "text/html",
			wantStatus: 200,
		},
		{
			name:       "non-UTF-8 body",
			ex:         page("http://example.test/latin1", 200, latin1, "Content-Type: text/html; charset=iso-8859-1"),
			wantBody:   latin1,
			wantMime:   "text/html",
			wantStatus: 200,
		},
		{
			name:       "chunked transfer re-chunked",
			ex:         page("http://example.test/chunked", 200, html, "Content-Type: text/html", "Transfer-Encoding: chunked"),
			wantBlock:  []byte("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nTransfer-Encoding: chunked\r\n\r\n39\r\n" + string(html) + "\r\n0\r\n\r\n"),
			wantBody:   html,
			wantMime:   "text/html",
			wantStatus: 200,
		},
		{
			name:       "truncated",
			ex:         truncatedEx,
			wantBody:   html[:20],
			wantMime:   "text/html",
			wantStatus: 200,
		},
		{
			name:       "empty 404",
			ex:         page("http://example.test/missing", 404, nil),
			wantBody:   nil,
			wantStatus: 404,
		},
		{
			name:       "no request, no IP",
			ex:         noRequest,
			wantBody:   html,
			wantMime:   "text/html",
			wantStatus: 200,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			a := mustOpen(t, dir, Options{Software: "rankfile/test", Operator: "tests", Settings: map[string]string{"robots": "obey"}})
			res := mustWrite(t, a, tt.ex)
			mustClose(t, a)

			finished, open := warcFilesIn(t, dir)
			if len(finished) != 1 || len(open) != 0 {
				t.Fatalf("files: finished %v, open %v; want one finished file", finished, open)
			}
			f, err := os.Open(filepath.Join(dir, finished[0]))
			if err != nil {
				t.Fatal(err)
			}
			defer f.Close()
			recs, err := readAll(t, f, finished[0])
			if err != nil {
				t.Fatalf("read back: %v", err)
			}
			wantTypes := []string{TypeWarcinfo, TypeResponse, TypeRequest}
			if tt.ex.Request == nil {
				wantTypes = wantTypes[:2]
			}
			if len(recs) != len(wantTypes) {
				t.Fatalf("read %d records, want %d", len(recs), len(wantTypes))
			}
			for i, r := range recs {
				if got := r.Type(); got != wantTypes[i] {
					t.Errorf("record %d type %q, want %q", i, got, wantTypes[i])
				}
				if r.Version != Version11 {
					t.Errorf("record %d version %q", i, r.Version)
				}
				if !recordIDRE.MatchString(r.ID()) {
					t.Errorf("record %d ID %q is not a v4 urn:uuid", i, r.ID())
				}
				if got, want := r.Header.Get("WARC-Block-Digest"), wantSHA1(r.Block); got != want {
					t.Errorf("record %d block digest %s, want %s", i, got, want)
				}
			}
			info := recs[0]
			if got := info.Header.Get("WARC-Filename"); got != finished[0] {
				t.Errorf("warcinfo WARC-Filename %q, want %q", got, finished[0])
			}
			for _, want := range []string{"software: rankfile/test\r\n", "format: WARC File Format 1.1\r\n", "operator: tests\r\n", "isPartOf: test\r\n", "robots: obey\r\n"} {
				if !bytes.Contains(info.Block, []byte(want)) {
					t.Errorf("warcinfo block lacks %q:\n%s", want, info.Block)
				}
			}

			resp := recs[1]
			wantBlock := tt.wantBlock
			if wantBlock == nil {
				wantBlock = append(append([]byte{}, tt.ex.ResponseHead...), tt.ex.Body...)
			}
			if !bytes.Equal(resp.Block, wantBlock) {
				t.Errorf("response block:\n%q\nwant\n%q", resp.Block, wantBlock)
			}
			checks := map[string]string{
				"WARC-Target-URI":     tt.ex.URL,
				"WARC-Date":           "2024-03-05T14:30:15.123456Z",
				"WARC-IP-Address":     tt.ex.IP,
				"WARC-Warcinfo-ID":    info.ID(),
				"Content-Type":        "application/http;msgtype=response",
				"WARC-Payload-Digest": wantSHA1(tt.ex.Body),
				"WARC-Truncated":      tt.ex.Truncated,
			}
			for name, want := range checks {
				if got := resp.Header.Get(name); got != want {
					t.Errorf("response %s = %q, want %q", name, got, want)
				}
			}
			if tt.ex.Request != nil {
				req := recs[2]
				if got := req.Header.Get("WARC-Concurrent-To"); got != resp.ID() {
					t.Errorf("request WARC-Concurrent-To %q, want %q", got, resp.ID())
				}
				if !bytes.Equal(req.Block, tt.ex.Request) {
					t.Errorf("request block %q, want %q", req.Block, tt.ex.Request)
				}
				if got, want := req.Header.Get("Content-Type"), "application/http;msgtype=request"; got != want {
					t.Errorf("request Content-Type %q, want %q", got, want)
				}
			}

			e := res.Entry
			if e.File != finished[0] || e.Offset != resp.Offset || e.Length != resp.End-resp.Offset {
				t.Errorf("entry at %s %d+%d, want %s %d+%d", e.File, e.Offset, e.Length, finished[0], resp.Offset, resp.End-resp.Offset)
			}
			if e.Status != tt.wantStatus || e.Mime != tt.wantMime || e.Digest != wantSHA1(tt.ex.Body) || e.Key != SURT(tt.ex.URL) {
				t.Errorf("entry %+v: want status %d, mime %q, digest of body", e, tt.wantStatus, tt.wantMime)
			}
			if res.Revisit {
				t.Error("first capture reported as a revisit")
			}

			// The index survives Close and reopening, and Captures decodes.
			a = mustOpen(t, dir, Options{})
			defer mustClose(t, a)
			got, err := a.Lookup(tt.ex.URL)
			if err != nil || len(got) != 1 || got[0] != e {
				t.Errorf("Lookup after reopening = %+v, %v; want [%+v]", got, err, e)
			}
			cs := allCaptures(t, a)
			if len(cs) != 1 {
				t.Fatalf("Captures gave %d captures, want 1", len(cs))
			}
			c := cs[0]
			if !bytes.Equal(c.Body, tt.wantBody) {
				t.Errorf("capture body %q, want %q", c.Body, tt.wantBody)
			}
			if c.URL != tt.ex.URL || c.Status != tt.wantStatus || c.File != e.File || c.Offset != e.Offset ||
				c.Digest != e.Digest || c.Revisit || !c.Time.Equal(testTime) {
				t.Errorf("capture %+v does not match entry %+v", c, e)
			}
		})
	}
}

func TestArchive_WriteInvalid(t *testing.T) {
	tests := []struct {
		name string
		ex   *Exchange
	}{
		{"relative URL", page("/relative", 200, nil)},
		{"no status line", &Exchange{URL: "http://example.test/", ResponseHead: []byte("garbage\r\n\r\n")}},
		{"empty head", &Exchange{URL: "http://example.test/"}},
		{"control character in URL", page("http://example.test/a\r\nWARC-Type: x", 200, nil)},
		{"IP not an address", func() *Exchange { ex := page("http://example.test/", 200, nil); ex.IP = "1.2.3.4\r\nX: y"; return ex }()},
		{"truncation reason not a token", func() *Exchange {
			ex := page("http://example.test/", 200, nil)
			ex.Truncated = "length\r\nX: y"
			return ex
		}()},
	}
	a := mustOpen(t, t.TempDir(), Options{})
	defer mustClose(t, a)
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if _, err := a.Write(tt.ex); !errors.Is(err, ErrExchange) {
				t.Errorf("Write = %v, want ErrExchange", err)
			}
		})
	}
}

func TestArchive_ConcurrentWrite(t *testing.T) {
	const writers, perWriter = 8, 25
	dir := t.TempDir()
	a := mustOpen(t, dir, Options{MaxFileSize: 16 << 10})
	var wg sync.WaitGroup
	errs := make(chan error, writers*perWriter)
	for w := range writers {
		wg.Go(func() {
			for i := range perWriter {
				u := fmtURL(w, i)
				if _, err := a.Write(page(u, 200, pageBody(w, i), "Content-Type: text/html")); err != nil {
					errs <- err
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Errorf("Write: %v", err)
	}
	mustClose(t, a)

	finished, open := warcFilesIn(t, dir)
	if len(open) != 0 || len(finished) < 2 {
		t.Fatalf("files: finished %v, open %v; want several finished files", finished, open)
	}
	a = mustOpen(t, dir, Options{})
	defer mustClose(t, a)
	for w := range writers {
		for i := range perWriter {
			es, err := a.Lookup(fmtURL(w, i))
			if err != nil || len(es) != 1 {
				t.Fatalf("Lookup(%s) = %v, %v; want one entry", fmtURL(w, i), es, err)
			}
			c, err := a.readCapture(es[0])
			if err != nil {
				t.Fatalf("read %s at %s %d: %v", fmtURL(w, i), es[0].File, es[0].Offset, err)
			}
			if c.URL != fmtURL(w, i) || !bytes.Equal(c.Body, pageBody(w, i)) {
				t.Errorf("entry for %s leads to %s with body %q", fmtURL(w, i), c.URL, c.Body)
			}
		}
	}
	if cs := allCaptures(t, a); len(cs) != writers*perWriter {
		t.Errorf("Captures gave %d captures, want %d", len(cs), writers*perWriter)
	}
}

func fmtURL(w, i int) string { return "http://example.test/w" + itoa(w) + "/p" + itoa(i) }

func pageBody(w, i int) []byte {
	return []byte(strings.Repeat("<p>writer "+itoa(w)+" page "+itoa(i)+"</p>", 40))
}
