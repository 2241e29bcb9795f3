package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"

	"github.com/klauspost/compress/gzip"

	"rankfile/archive"
	"rankfile/record"
)

// faultWeb is a hostile web of three hosts. One host holds two sites
// (/urban/ and /labor/, a WordPress multisite): good posts, a gzip bomb
// (bombSize of zeros, gzip-encoded), an endless chunked body, a page of
// 100,000 links, a page that always answers 503, and a stylesheet under
// /wp-content/ outside both sites' include patterns. The second host's
// robots.txt answers 503; the third's hangs until its request ends.
type faultWeb struct {
	shared, down, hang *httptest.Server
	bomb               []byte
	mu                 sync.Mutex
	hits               map[string]int // path -> requests, on the shared host
}

const bombSize = 256 << 20

func newFaultWeb(t *testing.T) *faultWeb {
	t.Helper()
	var buf bytes.Buffer
	zw, _ := gzip.NewWriterLevel(&buf, gzip.BestCompression)
	zeros := make([]byte, 1<<20)
	for range bombSize >> 20 {
		zw.Write(zeros)
	}
	zw.Close()
	f := &faultWeb{bomb: buf.Bytes(), hits: map[string]int{}}
	f.shared = httptest.NewServer(http.HandlerFunc(f.serveShared))
	f.down = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			http.Error(w, "down for maintenance", http.StatusServiceUnavailable)
			return
		}
		fmt.Fprint(w, "<p>never fetched</p>")
	}))
	f.hang = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" {
			<-r.Context().Done()
			return
		}
		fmt.Fprint(w, "<p>never fetched</p>")
	}))
	t.Cleanup(func() { f.shared.Close(); f.down.Close(); f.hang.Close() })
	return f
}

// goodPages are the pages of the shared host that must be archived once,
// with the word a search should find each by.
var goodPages = map[string]string{
	"/urban/":                 "bargaining",
	"/urban/post-1":           "grievance",
	"/urban/post-2":           "walkout",
	"/urban/post-3":           "solidarity",
	"/labor/":                 "apprenticeship",
	"/labor/post-1":           "pension",
	"/wp-content/style.css":   "",
	"/urban/links":            "",
	"/urban/bomb":             "",
	"/labor/post-2-via-urban": "",
}

func (f *faultWeb) serveShared(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	f.hits[r.URL.Path]++
	f.mu.Unlock()
	page := func(title, word, body string) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<html><head><title>%s</title><link rel="stylesheet" href="/wp-content/style.css"></head><body><article><h1>%s</h1>
<p>The rank-and-file caucus met on Tuesday about %s, and the members voted to take the %s plan to the whole local.</p>%s</article></body></html>`,
			title, title, word, word, body)
	}
	switch p := r.URL.Path; {
	case p == "/robots.txt", p == "/sitemap.xml":
		http.NotFound(w, r)
	case p == "/wp-content/style.css":
		w.Header().Set("Content-Type", "text/css")
		fmt.Fprint(w, "article { max-width: 40em }")
	case p == "/urban/":
		page("Urban Caucus", goodPages[p], `<a href="post-1">1</a> <a href="post-2">2</a> <a href="post-3">3</a> <a href="bomb">bomb</a>
<a href="endless">endless</a> <a href="links">links</a> <a href="flaky">flaky</a> <a href="/labor/post-2-via-urban">labor</a>`)
	case p == "/labor/":
		page("Labor Studies", goodPages[p], `<a href="post-1">1</a> <a href="/urban/post-1">urban</a>`)
	case goodPages[p] != "":
		page("Post "+p, goodPages[p], "")
	case p == "/labor/post-2-via-urban":
		page("Labor post linked from Urban", "arbitration", "")
	case p == "/urban/bomb":
		w.Header().Set("Content-Type", "text/html")
		w.Header().Set("Content-Encoding", "gzip")
		w.Write(f.bomb)
	case p == "/urban/endless":
		w.Header().Set("Content-Type", "text/html")
		chunk := bytes.Repeat([]byte("<p>more and more</p>\n"), 1<<10)
		for {
			if _, err := w.Write(chunk); err != nil {
				return
			}
		}
	case p == "/urban/links":
		w.Header().Set("Content-Type", "text/html")
		for i := range 100_000 {
			fmt.Fprintf(w, `<a href="/urban/l/%d">%d</a>`, i, i)
		}
	case p == "/urban/flaky":
		w.Header().Set("Retry-After", "0")
		http.Error(w, "overloaded", http.StatusServiceUnavailable)
	case strings.HasPrefix(p, "/urban/l/"):
		page("Link page", "linkpage", "")
	default:
		http.NotFound(w, r)
	}
}

// childMemStats is what TestRankfileChild writes at exit for a parent that
// measures it.
type childMemStats struct {
	HeapSys, TotalAlloc uint64
}

// TestCrawl_faultWeb crawls the hostile web with the installed command,
// in a process of its own (archive only: extraction and search are the
// derived side's): the crawl ends (exit 3: some fetches failed), every good
// page is archived once, under its own site, the process's heap and RSS
// stay under 300 MB, and the report names each fault.
func TestCrawl_faultWeb(t *testing.T) {
	if raceEnabled {
		t.Skip("measures the memory of a crawl: not under the race detector, which multiplies it (go test -race ./crawl/ runs the crawler's concurrency)")
	}
	f := newFaultWeb(t)
	root := t.TempDir()
	bin := installRankfile(t, root)
	sites := filepath.Join(root, "sites.yaml")
	os.WriteFile(sites, []byte(fmt.Sprintf(`defaults: {delay: 0s, parallelism: 2}
sites:
  - name: Urban
    kind: caucus
    seeds: [%[1]s/urban/]
    include: ['^%[1]s/urban/']
    max_pages: 60
  - name: Labor
    kind: partner
    seeds: [%[1]s/labor/]
    include: ['^%[1]s/labor/']
  - name: Down
    kind: partner
    seeds: [%[2]s/]
  - name: Hang
    kind: partner
    seeds: [%[3]s/]
`, f.shared.URL, f.down.URL, f.hang.URL)), 0o644)
	data := filepath.Join(root, "data")
	mem := filepath.Join(root, "memstats.json")
	cmd := exec.Command(bin, "--data", data, "crawl", "--no-index", "--sites", sites, "--timeout", "3s", "--retries", "1")
	cmd.Env = append(os.Environ(), "RANKFILE_CHILD_MEMSTATS="+mem, "RANKFILE_DATA=")
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	code := exitStatus(t, cmd.Run())
	if code != exitPartial {
		t.Fatalf("crawl of the fault web: exit %d, want %d\n%s%s", code, exitPartial, stdout.String(), stderr.String())
	}
	var ms childMemStats
	if data, err := os.ReadFile(mem); err != nil || json.Unmarshal(data, &ms) != nil {
		t.Fatalf("the crawl wrote no memory figures: %v", err)
	}
	rss := cmd.ProcessState.SysUsage().(*syscall.Rusage).Maxrss << 10
	t.Logf("heap obtained from the OS %d MiB, %d MiB allocated in all, peak RSS %d MiB", ms.HeapSys>>20, ms.TotalAlloc>>20, rss>>20)
	if ms.HeapSys > 300<<20 || rss > 300<<20 {
		t.Errorf("the crawl's heap grew to %d MiB, its RSS to %d MiB; want both under 300 MiB whatever one page holds", ms.HeapSys>>20, rss>>20)
	}

	arc, err := archive.Open(filepath.Join(data, "archive"), archive.Options{})
	if err != nil {
		t.Fatal(err)
	}
	captures := map[string]int{}
	arc.Captures(context.Background(), func(c record.Capture) error {
		captures[strings.TrimPrefix(c.URL, f.shared.URL)]++
		return nil
	})
	arc.Close()
	for p := range goodPages {
		if captures[p] != 1 {
			t.Errorf("%s archived %d times, want once", p, captures[p])
		}
	}
	if captures["/urban/flaky"] != 1 || captures["/urban/endless"] != 1 {
		t.Errorf("the failing page archived %d times, the endless one %d: want each once, its last try", captures["/urban/flaky"], captures["/urban/endless"])
	}
	// the bomb's and the endless page's captures must not keep the good
	// pages from being extracted, indexed and found
	if out, errOut, code := rankfile(t, "--data", data, "extract"); code != 0 {
		t.Logf("extract: exit %d %s %s", code, out, errOut)
	}
	for p, word := range goodPages {
		if word == "" {
			continue
		}
		site := "Urban"
		if strings.HasPrefix(p, "/labor/") {
			site = "Labor"
		}
		out, errOut, code := rankfile(t, "--data", data, "search", "--json", "--site", site, word)
		if code != 0 || !strings.Contains(out, f.shared.URL+p+`"`) {
			t.Errorf("search --site %s %s: exit %d, want %s found\n%s%s", site, word, code, p, out, errOut)
		}
	}
	reports, _ := filepath.Glob(filepath.Join(data, "reports", "*.json"))
	if len(reports) != 1 {
		t.Fatalf("%d reports, want 1", len(reports))
	}
	var report struct {
		Sites []struct {
			Site      string
			Fetched   int
			Failed    []struct{ URL, Reason, Detail string } `json:"failed_urls"`
			Dropped   []struct{ URL, Reason, Detail string } `json:"dropped_urls"`
			Truncated []struct{ URL, Reason, Detail string } `json:"truncated_urls"`
		}
	}
	raw, _ := os.ReadFile(reports[0])
	if err := json.Unmarshal(raw, &report); err != nil {
		t.Fatal(err)
	}
	named := map[string]string{} // URL -> reason, over failed, dropped and truncated
	bySite := map[string]int{}
	for _, s := range report.Sites {
		bySite[s.Site] = s.Fetched
		for _, l := range [][]struct{ URL, Reason, Detail string }{s.Failed, s.Dropped, s.Truncated} {
			for _, p := range l {
				named[p.URL] = p.Reason
			}
		}
	}
	for url, want := range map[string][]string{
		f.shared.URL + "/urban/flaky":   {"http_503"},
		f.shared.URL + "/urban/endless": {"length", "disconnect", "timeout"}, // cut at the maximum size, or by the timeout
		f.shared.URL + "/urban/l/99999": {"max_pages"},
		f.down.URL + "/":                {"robots_unreachable"},
		f.hang.URL + "/":                {"robots_unreachable"},
	} {
		if got, ok := named[url]; !ok || !strings.Contains(strings.Join(want, " "), got) {
			t.Errorf("the report names %s as %q, want one of %v", url, got, want)
		}
	}
	if bySite["Urban"] < 60 || bySite["Labor"] < 2 || bySite["Down"] > 1 || bySite["Hang"] > 0 {
		t.Errorf("fetched by site %v: want Urban's pages and Labor's each under their own site, nothing of Down and Hang but robots.txt", bySite)
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	if n := f.hits["/urban/flaky"]; n != 2 {
		t.Errorf("/urban/flaky requested %d times, want 2 (--retries 1)", n)
	}
}
