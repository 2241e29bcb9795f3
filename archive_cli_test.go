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
// which crawls the fixture web and then the changed web, `archive captures`
// lists a response capture and the second crawl's capture (a revisit when
// the page did not change), `archive get` prints the page as the changed
// web served it and `get --at` the first capture as the fixture web served
// it; --at before the crawl finds nothing; -o writes a file; a URL never
// crawled is an error.
func TestArchive_capturesAndGet(t *testing.T) {
	dir, _ := demo()
	var first string // the first crawl's timestamp
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
		if len(lines) != 2 || lines[0]["type"] != archive.TypeResponse || lines[0]["status"] != float64(200) || lines[0]["url"] != pg.URL {
			t.Errorf("captures %s: %s, want a 200 response, then the second crawl's capture", pg.URL, out)
			continue
		}
		first = str(lines[0]["timestamp"])
		out, errOut, code = rankfile(t, "--data", dir, "archive", "get", "--at", first, pg.URL)
		if code != 0 || out != string(want) {
			t.Errorf("get --at %s %s: exit %d %s; printed %d bytes, want the %d served", first, pg.URL, code, errOut, len(out), len(want))
		}
		latest, ok := fixtures.ChangedBody(pg.URL)
		if !ok {
			latest = []byte(out404(t, pg.URL))
		}
		out, errOut, code = rankfile(t, "--data", dir, "archive", "get", pg.URL)
		if code != 0 || out != string(latest) {
			t.Errorf("get %s: exit %d %s; printed %d bytes, want the %d the changed web served", pg.URL, code, errOut, len(out), len(latest))
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
	out, errOut, code = rankfile(t, "--data", dir, "archive", "get", "--warc", "--at", first, u)
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

// out404 returns the fixture web's 404 page, as it serves it for u.
func out404(t *testing.T, u string) string {
	t.Helper()
	srv := fixtures.Start()
	defer srv.Close()
	srv.Change()
	resp, err := srv.Client().Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != 404 {
		t.Fatalf("%s in the changed web: status %d", u, resp.StatusCode)
	}
	return string(b)
}
