package crawl

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"rankfile/archive"
)

// benchPages is the size of the generated site: RANKFILE_BENCH_PAGES, or
// 2,000 so that `go test -bench` stays quick (the figure is 10,000).
func benchPages() int {
	if n, err := strconv.Atoi(os.Getenv("RANKFILE_BENCH_PAGES")); err == nil && n > 0 {
		return n
	}
	return 2000
}

// siteHandler serves a generated site of n pages of about 20 KB: page i
// links to pages 10i+1 .. 10i+10, so every page is reachable from /.
func siteHandler(n int) http.Handler {
	para := "<p>" + strings.Repeat("Rank-and-file educators organized in every building for the schools our students deserve. ", 8) + "</p>\n"
	filler := []byte(strings.Repeat(para, (20<<10)/len(para)+1)) // shared: the server must not cost the crawl GC work
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/robots.txt" || r.URL.Path == "/sitemap.xml" {
			http.NotFound(w, r)
			return
		}
		i := 0
		if r.URL.Path != "/" {
			var err error
			if i, err = strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/p/"), ".html")); err != nil || i >= n {
				http.NotFound(w, r)
				return
			}
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		head := make([]byte, 0, 512)
		head = fmt.Appendf(head, "<html><head><title>Page %d</title></head><body><h1>Page %d</h1>", i, i)
		for j := 10*i + 1; j <= 10*i+10 && j < n; j++ {
			head = fmt.Appendf(head, `<a href="/p/%d.html">page %d</a> `, j, j)
		}
		w.Header().Set("Content-Length", strconv.Itoa(len(head)+len(filler)+len("</body></html>")))
		w.Write(head)
		w.Write(filler)
		io.WriteString(w, "</body></html>")
	})
}

// peakRSS reads the process's peak resident set size (VmHWM) in bytes.
func peakRSS() int64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}

// BenchmarkCrawl crawls a generated loopback site with politeness off and,
// in the same run, `wget --mirror --warc-file` on the same site, reporting
// pages/s and peak RSS of each and the ratio of their rates.
//
//	RANKFILE_BENCH_PAGES=10000 go test -run '^$' -bench Crawl -benchtime 1x ./crawl/
func BenchmarkCrawl(b *testing.B) {
	n := benchPages()
	srv := httptest.NewServer(siteHandler(n))
	defer srv.Close()
	sites, err := ParseSites([]byte(fmt.Sprintf("defaults: {delay: 0s, parallelism: 8, max_depth: 0, max_pages: 0}\nsites:\n  - name: Bench\n    kind: caucus\n    seeds: [%s/]\n", srv.URL)))
	if err != nil {
		b.Fatal(err)
	}
	var rankfileRate, wgetRate float64
	for range b.N {
		dir := b.TempDir()
		arc, err := archive.Open(dir, archive.Options{})
		if err != nil {
			b.Fatal(err)
		}
		c, err := New(Options{Sites: sites, Archive: arc})
		if err != nil {
			b.Fatal(err)
		}
		start := time.Now()
		report, err := c.Run(context.Background())
		if err != nil {
			b.Fatal(err)
		}
		if err := arc.Close(); err != nil {
			b.Fatal(err)
		}
		elapsed := time.Since(start)
		if got := report.Totals().Status["200"]; got != n {
			b.Fatalf("crawled %d pages, want %d", got, n)
		}
		rankfileRate = float64(n) / elapsed.Seconds()

		wget, err := exec.LookPath("wget")
		timeCmd, terr := exec.LookPath("time")
		if err != nil || terr != nil {
			b.Log("wget or GNU time not installed: no yardstick")
			continue
		}
		wdir := b.TempDir()
		// GNU time forks wget from its own small process and reports wget's
		// peak RSS; the rusage of a child of this process would carry this
		// process's peak across fork and exec.
		rssFile := filepath.Join(wdir, "rss")
		cmd := exec.Command(timeCmd, "-f", "%M", "-o", rssFile, wget, "--mirror", "--quiet", "-e", "robots=off", "--no-host-directories",
			"--directory-prefix="+filepath.Join(wdir, "files"), "--warc-file="+filepath.Join(wdir, "site"), srv.URL+"/")
		cmd.Env = append(os.Environ(), "no_proxy=*", "http_proxy=", "https_proxy=")
		start = time.Now()
		if out, err := cmd.CombinedOutput(); err != nil && cmd.ProcessState.ExitCode() != 8 {
			b.Fatalf("wget: %v\n%s", err, out)
		}
		wgetRate = float64(n) / time.Since(start).Seconds()
		if kb, err := os.ReadFile(rssFile); err == nil {
			if v, err := strconv.ParseFloat(strings.TrimSpace(string(kb)), 64); err == nil {
				b.ReportMetric(v/1024, "wget-peak-MB")
			}
		}
	}
	b.ReportMetric(rankfileRate, "pages/s")
	b.ReportMetric(float64(peakRSS())/(1<<20), "peak-RSS-MB")
	if wgetRate > 0 {
		b.ReportMetric(wgetRate, "wget-pages/s")
		b.ReportMetric(rankfileRate/wgetRate, "x-wget")
	}
}
