package crawl

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/klauspost/compress/gzip"

	"rankfile/archive"
	"rankfile/record"
)

// faultServer serves a small site whose every page misbehaves in its own way.
type faultServer struct {
	mu    sync.Mutex
	hits  map[string]int
	bomb  []byte
	block chan struct{} // closed when the test ends: releases stalled handlers
}

const faultHome = `<html><body>
<a href="/burst">burst</a> <a href="/ratelimited">429</a> <a href="/reset">reset</a>
<a href="/stall">stall</a> <a href="/slow">slow</a> <a href="/loop1">loop</a> <a href="/big">big</a>
<a href="/bomb">bomb</a> <a href="/cp1252">cp1252</a> <a href="/binary">binary</a>
<a href="/calendar/2026-11/">calendar</a> <a href="/post/?replytocom=5">reply</a>
</body></html>`

func (f *faultServer) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.hits[r.URL.Path]++
	n := f.hits[r.URL.Path]
	f.mu.Unlock()
	html := func(s string) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		io.WriteString(w, s)
	}
	switch p := r.URL.Path; {
	case p == "/":
		html(faultHome)
	case p == "/burst" && n <= 2:
		http.Error(w, "overloaded", http.StatusServiceUnavailable)
	case p == "/ratelimited" && n == 1:
		w.Header().Set("Retry-After", "120")
		http.Error(w, "slow down", http.StatusTooManyRequests)
	case p == "/burst", p == "/ratelimited":
		html("<p>fine now</p>")
	case p == "/reset":
		w.Header().Set("Content-Length", "100000")
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusOK)
		io.WriteString(w, "<p>half a page")
		w.(http.Flusher).Flush()
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			conn.Close()
		}
	case p == "/stall":
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusOK)
		w.(http.Flusher).Flush()
		select {
		case <-r.Context().Done():
		case <-f.block:
		}
	case p == "/slow":
		w.Header().Set("Content-Type", "text/html")
		for i := range 5 {
			fmt.Fprintf(w, "<p>part %d</p>", i)
			w.(http.Flusher).Flush()
			t := time.NewTimer(5 * time.Millisecond) // latency of a slow server, not a wait for an event
			<-t.C
		}
	case p == "/loop1":
		http.Redirect(w, r, "/loop2", http.StatusFound)
	case p == "/loop2":
		http.Redirect(w, r, "/loop1", http.StatusFound)
	case p == "/big":
		w.Header().Set("Content-Type", "text/html")
		chunk := bytes.Repeat([]byte("<p>a big page of writing</p>\n"), 1<<12)
		for written := 0; written < 50<<20; written += len(chunk) {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	case p == "/bomb":
		w.Header().Set("Content-Type", "text/html")
		w.Header().Set("Content-Encoding", "gzip")
		w.Write(f.bomb)
	case p == "/cp1252":
		w.Header().Set("Content-Type", "text/html")
		w.Write([]byte("<html><body><p>Caf\xe9 meeting \x93union\x94 hall</p></body></html>"))
	case p == "/binary":
		w.Header().Set("Content-Type", "text/html")
		b := make([]byte, 64<<10)
		for i := range b {
			b[i] = byte(rand.N(256))
		}
		w.Write(b)
	case strings.HasPrefix(p, "/calendar/"):
		var y, m int
		fmt.Sscanf(strings.TrimPrefix(p, "/calendar/"), "%d-%d/", &y, &m)
		y, m = y+(m/12), m%12+1
		html(fmt.Sprintf(`<a href="/calendar/%04d-%02d/">next month</a>`, y, m))
	case p == "/post/":
		html(`<p>a post</p><a href="/post/?replytocom=6">reply</a>`)
	default:
		http.NotFound(w, r)
	}
}

func gzipBomb(t testing.TB, size int) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	zeros := make([]byte, 1<<20)
	for range size >> 20 {
		zw.Write(zeros)
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// TestCrawler_Run_faults crawls a site of faulty pages to the end in
// bounded time, retrying what may recover and recording the rest.
func TestCrawler_Run_faults(t *testing.T) {
	f := &faultServer{hits: map[string]int{}, bomb: gzipBomb(t, 128<<20), block: make(chan struct{})}
	srv := httptest.NewServer(f)
	defer srv.Close()
	defer close(f.block)
	sites, err := ParseSites([]byte("defaults: {delay: 0s, parallelism: 4, max_depth: 40}\nsites:\n  - name: Faults\n    kind: caucus\n    seeds: [" + srv.URL + "/]\n"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	arc, err := archive.Open(dir, archive.Options{})
	if err != nil {
		t.Fatal(err)
	}
	const maxBody = 4 << 20
	var last Progress
	var lastMu sync.Mutex
	progress := func(p Progress) {
		lastMu.Lock()
		if p.Finished >= last.Finished && p.Queued >= last.Queued {
			last = p
		}
		lastMu.Unlock()
	}
	c, err := New(Options{Sites: sites, Archive: arc, MaxBodySize: maxBody, Timeout: time.Second, // 4 MiB of /big in time under the race detector on a busy machine
		Progress: progress,
		Retries:  2, RetryBase: time.Millisecond, MaxRetryWait: 5 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	var before runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	report, err := c.Run(ctx)
	if err != nil {
		t.Fatalf("crawl did not finish: %v", err)
	}
	if c.leftover != 0 {
		t.Errorf("crawl left %d URL contexts or found links behind (retries, failures, redirect loops)", c.leftover)
	}
	var after runtime.MemStats
	runtime.ReadMemStats(&after)
	if err := arc.Close(); err != nil {
		t.Fatal(err)
	}
	if last.Finished != last.Queued || last.Failed != 2 || last.Queued < 20 {
		t.Errorf("last progress %+v: want every queued URL finished and the 2 given-up ones failed", last)
	}
	s := report.Sites[0]
	t.Logf("report: status %v failed %v %v dropped %v", s.Status, s.Failed, s.FailedURLs, s.Dropped)

	f.mu.Lock()
	hits := f.hits
	f.mu.Unlock()
	for path, want := range map[string]int{"/burst": 3, "/ratelimited": 2, "/reset": 3, "/loop1": 1, "/loop2": 1} {
		if hits[path] != want {
			t.Errorf("%s requested %d times, want %d", path, hits[path], want)
		}
	}
	if s.Failed["network"] != 1 || s.Failed["timeout"] != 1 {
		t.Errorf("failed %v: want the reset page as a network failure and the stalled one as a timeout", s.Failed)
	}
	if s.Dropped[DropTrap] == 0 {
		t.Errorf("dropped %v: want replytocom and far-future calendar pages dropped as traps", s.Dropped)
	}
	if cal := countPrefix(hits, "/calendar/"); cal > 40 {
		t.Errorf("%d calendar pages fetched: the calendar trap was not cut", cal)
	}
	if grew := int64(after.HeapAlloc) - int64(before.HeapAlloc); grew > 64<<20 {
		t.Errorf("heap grew by %d MiB over the crawl (a 50 MB page and a 128 MB gzip bomb must stay bounded)", grew>>20)
	}

	arc, err = archive.Open(dir, archive.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer arc.Close()
	bodies := map[string]int{}
	statuses := map[string][]int{}
	arc.Captures(context.Background(), func(c record.Capture) error {
		p := strings.TrimPrefix(c.URL, srv.URL)
		bodies[p] = len(c.Body)
		statuses[p] = append(statuses[p], c.Status)
		return nil
	})
	if got := bodies["/big"]; got != maxBody {
		t.Errorf("50 MB page archived with %d bytes, want cut at %d", got, maxBody)
	}
	for _, p := range []string{"/burst", "/ratelimited", "/slow", "/cp1252", "/binary", "/bomb"} {
		st := statuses[p]
		if len(st) == 0 || st[len(st)-1] != 200 {
			t.Errorf("%s: captures with status %v, want a final 200", p, st)
		}
	}
	if got := statuses["/reset"]; len(got) != 1 {
		t.Errorf("/reset: %d captures, want its last try archived as far as it came, and only that", len(got))
	}
}

func countPrefix(m map[string]int, prefix string) int {
	n := 0
	for k := range m {
		if strings.HasPrefix(k, prefix) {
			n++
		}
	}
	return n
}
