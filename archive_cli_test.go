package main

import (
	"bytes"
	"crypto/sha1"
	"encoding/base32"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"rankfile/archive"
	"rankfile/fixtures"
)

// TestArchive_capturesAndGet: for every fixture content page of the demo,
// `archive captures` lists one response capture and `archive get` prints
// the page as the fixture web served it; --at before the crawl finds
// nothing; -o writes a file; a URL never crawled is an error.
func TestArchive_capturesAndGet(t *testing.T) {
	dir, _ := demo()
	for _, pg := range fixtures.Pages() {
		want, ok := fixtures.Body(pg.URL)
		if !ok {
			t.Fatalf("%s: no fixture body", pg.URL)
		}
		out, errOut, code := rankfile(t, "--data", dir, "archive", "captures", "--format", "json", pg.URL)
		if code != 0 {
			t.Errorf("captures %s: exit %d %s", pg.URL, code, errOut)
			continue
		}
		lines := jsonLines(t, out)
		if len(lines) != 1 || lines[0]["type"] != archive.TypeResponse || lines[0]["status"] != float64(200) || lines[0]["url"] != pg.URL {
			t.Errorf("captures %s: %s, want one 200 response", pg.URL, out)
		}
		out, errOut, code = rankfile(t, "--data", dir, "archive", "get", pg.URL)
		if code != 0 || out != string(want) {
			t.Errorf("get %s: exit %d %s; printed %d bytes, want the %d served", pg.URL, code, errOut, len(out), len(want))
		}
	}

	u := fixtures.Pages()[0].URL
	out, _, code := rankfile(t, "--data", dir, "archive", "captures", u)
	if code != 0 || !strings.Contains(out, " 200  response  text/html") || !strings.Contains(out, ".warc.gz@") {
		t.Errorf("captures %s as text: exit %d, %q", u, code, out)
	}
	out, _, code = rankfile(t, "--data", dir, "archive", "get", "--head", u)
	if head, _, ok := strings.Cut(out, "\r\n\r\n"); code != 0 || !ok || !strings.HasPrefix(head, "HTTP/1.1 200 OK\r\n") || !strings.Contains(head, "Content-Type: text/html") {
		t.Errorf("get --head %s: exit %d, head %q", u, code, head)
	}
	_, errOut, code := rankfile(t, "--data", dir, "archive", "get", "--at", "2001-01-01", u)
	if code != exitFailure || !strings.Contains(errOut, "first captured") {
		t.Errorf("get --at before the crawl: exit %d %q, want failure naming the first capture", code, errOut)
	}
	file := filepath.Join(t.TempDir(), "page.html")
	if _, errOut, code := rankfile(t, "--data", dir, "archive", "get", "--at", "2999-01-01", "-o", file, u); code != 0 {
		t.Fatalf("get -o: exit %d %s", code, errOut)
	}
	want, _ := fixtures.Body(u)
	if got, err := os.ReadFile(file); err != nil || !bytes.Equal(got, want) {
		t.Errorf("get -o wrote %d bytes (%v), want the page's %d", len(got), err, len(want))
	}
	for _, args := range [][]string{{"captures", "http://nowhere.test/"}, {"get", "http://nowhere.test/"}} {
		if _, errOut, code := rankfile(t, append([]string{"--data", dir, "archive"}, args...)...); code != exitFailure || !strings.Contains(errOut, "no capture") {
			t.Errorf("%v: exit %d %q, want failure saying no capture", args, code, errOut)
		}
	}
	// --warc: the response record itself, a WARC reader's input, its block
	// digest intact
	out, errOut, code = rankfile(t, "--data", dir, "archive", "get", "--warc", u)
	if code != 0 {
		t.Fatalf("get --warc: exit %d %s", code, errOut)
	}
	rd := archive.NewReader(strings.NewReader(out))
	rec, err := rd.Next()
	if err != nil {
		t.Fatalf("get --warc printed no WARC record: %v\n%.300s", err, out)
	}
	block, _ := io.ReadAll(rec.Body)
	sum := sha1.Sum(block)
	if rec.Type() != archive.TypeResponse || rec.TargetURI() != u || rec.Header.Get("WARC-Block-Digest") != "sha1:"+base32.StdEncoding.EncodeToString(sum[:]) ||
		!bytes.HasSuffix(block, want) {
		t.Errorf("get --warc: a %s record of %s, block digest %s (block's %s)", rec.Type(), rec.TargetURI(),
			rec.Header.Get("WARC-Block-Digest"), base32.StdEncoding.EncodeToString(sum[:]))
	}
	if _, err := rd.Finish(); err != nil {
		t.Errorf("get --warc: the record does not end as a WARC record does: %v", err)
	}
	if _, _, code := rankfile(t, "--data", dir, "archive", "get"); code != exitUsage {
		t.Errorf("get without a URL: exit %d, want %d", code, exitUsage)
	}
}
