package pipeline

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"log/slog"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"runtime/metrics"
	"runtime/pprof"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/klauspost/compress/gzip"

	"rankfile/crawl"
	"rankfile/store"
)

// realPageSizes are the compressed sizes of real web pages, in bytes: the
// 5th, 15th, ... 95th percentiles of the 500 gzip-compressed HTML pages of
// WCXB's dev split (the Web Content eXtraction Benchmark by Murrough Foley,
// CC-BY-4.0), measured with `ls -l wcxb/dev/html/*.gz`. Their median is 24
// KB; one page in 500 is under 2.4 KB, the size of a fixture web page.
var realPageSizes = []int{6991, 10255, 13354, 16617, 20552, 27619, 37472, 54296, 74406, 181938}

// TestPipeline_RecrawlGrowthRealSizes recrawls an unchanged site whose pages
// compress to the sizes of real pages (two per decile above) and checks the
// archive target: the recrawl adds under 10% of the first crawl's bytes.
// Half the pages carry validators, so the recrawl gets 304 Not Modified
// (server-not-modified revisits); the other half answer 200 with the same
// body again (identical-payload-digest revisits).
//
// The fixture web itself (TestPipeline_RecrawlGrowth) grows by more: its
// pages compress to about 2.4 KB, while a revisit and its request record
// take about 1 KB whatever the page's size.
func TestPipeline_RecrawlGrowthRealSizes(t *testing.T) {
	pages := sizedPages(t, realPageSizes, 2)
	modified := time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch r.URL.Path {
		case "/robots.txt":
			http.NotFound(w, r)
			return
		case "/":
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			fmt.Fprint(w, "<!doctype html><title>Posts</title><ul>")
			for i := range pages {
				fmt.Fprintf(w, `<li><a href="/posts/%d">Post %d</a>`, i, i)
			}
			fmt.Fprint(w, "</ul>")
			return
		}
		var i int
		if _, err := fmt.Sscanf(r.URL.Path, "/posts/%d", &i); err != nil || i < 0 || i >= len(pages) {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		if i%2 == 0 {
			w.Header().Set("ETag", fmt.Sprintf(`"post-%d"`, i))
			http.ServeContent(w, r, "", modified, bytes.NewReader(pages[i]))
			return
		}
		w.Write(pages[i])
	}))
	defer srv.Close()
	sites := []byte("defaults: {delay: 0s, parallelism: 4}\nsites:\n  - name: Sized\n    kind: caucus\n    seeds: [" + srv.URL + "/]\n")

	p := &Pipeline{Dir: t.TempDir()}
	crawlOnce := func() crawlFiles {
		t.Helper()
		r, err := p.Crawl(context.Background(), CrawlOptions{SitesData: sites, NoIndex: true})
		if err != nil {
			t.Fatal(err)
		}
		return readCrawl(t, p.Dir, r.CrawlID)
	}
	first := crawlOnce()
	for i := range pages {
		if url := fmt.Sprintf("%s/posts/%d", srv.URL, i); len(first.responses[url]) != 1 {
			t.Fatalf("first crawl: %d responses for %s, want 1", len(first.responses[url]), url)
		}
	}
	before := archiveBytes(t, p.Dir)
	second := crawlOnce()
	growth := archiveBytes(t, p.Dir) - before
	share := float64(growth) / float64(first.bytes)
	t.Logf("first crawl: %d bytes for %d pages; unchanged recrawl: +%d bytes (%.2f%%), records %v",
		first.bytes, len(pages), growth, 100*share, second.types)
	if second.types["response"] != 0 {
		t.Errorf("the unchanged recrawl wrote %d response records, want revisits only", second.types["response"])
	}
	for i := range pages {
		if url := fmt.Sprintf("%s/posts/%d", srv.URL, i); len(second.revisits[url]) != 1 {
			t.Errorf("recrawl: %d revisits for %s, want 1", len(second.revisits[url]), url)
		}
	}
	if share >= 0.10 {
		t.Errorf("an unchanged recrawl grew the archive by %.1f%% of the first crawl, want under 10%%", 100*share)
	}
}

// sizedPages returns perSize HTML pages for each compressed size in sizes:
// paragraphs of words in random order, long enough that gzip at the default
// level makes them about that size.
func sizedPages(t *testing.T, sizes []int, perSize int) [][]byte {
	t.Helper()
	words := strings.Fields(`the union caucus rank and file educators teachers members school district
		contract bargaining strike community partnership organizing democracy social justice public
		education students parents Baltimore Albuquerque Boston Philadelphia report meeting workers power
		racial equity funding classrooms solidarity we our their march vote elected members'`)
	rng := rand.New(rand.NewPCG(7, 11))
	page := func(n, want int) []byte {
		var b bytes.Buffer
		fmt.Fprintf(&b, "<!doctype html><html><head><title>Post %d</title></head><body><article>\n", n)
		for gzipSize(t, b.Bytes()) < want {
			for range 50 {
				b.WriteString("<p>")
				for range 40 + rng.IntN(40) {
					b.WriteString(words[rng.IntN(len(words))])
					b.WriteByte(' ')
				}
				b.WriteString("</p>\n")
			}
		}
		b.WriteString("</article></body></html>\n")
		return b.Bytes()
	}
	var pages [][]byte
	for _, size := range sizes {
		for range perSize {
			pages = append(pages, page(len(pages), size))
		}
	}
	return pages
}

func gzipSize(t *testing.T, b []byte) int {
	var out bytes.Buffer
	zw := gzip.NewWriter(&out)
	zw.Write(b)
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return out.Len()
}

// growthSite is a generated site of n pages of about 20 KB, as the crawl
// benchmark's: page i links to pages 10i+1 .. 10i+10. Each page has an
// ETag, so an unchanged recrawl is all 304s; change(gen) makes one page in
// a hundred answer with new writing.
type growthSite struct {
	n      int
	gen    atomic.Int64
	filler []byte
}

func newGrowthSite(n int) *growthSite {
	para := "<p>" + strings.Repeat("Rank-and-file educators organized in every building for the schools our students deserve. ", 8) + "</p>\n"
	return &growthSite{n: n, filler: []byte(strings.Repeat(para, (20<<10)/len(para)+1))}
}

// version is the version of page i: pages i%100 == 0 change with each
// generation.
func (s *growthSite) version(i int) int64 {
	if i%100 == 0 {
		return s.gen.Load()
	}
	return 0
}

func (s *growthSite) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path == "/robots.txt" || r.URL.Path == "/sitemap.xml" {
		http.NotFound(w, r)
		return
	}
	i := 0
	if r.URL.Path != "/" {
		var err error
		if i, err = strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/p/"), ".html")); err != nil || i >= s.n {
			http.NotFound(w, r)
			return
		}
	}
	v := s.version(i)
	etag := fmt.Sprintf(`"p%d-v%d"`, i, v)
	w.Header().Set("ETag", etag)
	if r.Header.Get("If-None-Match") == etag {
		w.WriteHeader(http.StatusNotModified)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	head := make([]byte, 0, 512)
	head = fmt.Appendf(head, "<html><head><title>Page %d</title></head><body><h1>Page %d</h1><p>Version %d of page %d: the caucus met on day %d.</p>", i, i, v, i, v)
	for j := 10*i + 1; j <= 10*i+10 && j < s.n; j++ {
		head = fmt.Appendf(head, `<a href="/p/%d.html">page %d</a> `, j, j)
	}
	w.Header().Set("Content-Length", strconv.Itoa(len(head)+len(s.filler)+len("</body></html>")))
	w.Write(head)
	w.Write(s.filler)
	io.WriteString(w, "</body></html>")
}

// stageFigures is what one stage of the growth benchmark cost.
type stageFigures struct {
	name      string
	wall, cpu time.Duration
	tail      time.Duration // of wall, after the crawl finished (derived work left)
	peakRSS   int64
	// peakAnon is the highest anonymous RSS sampled (every 50 ms): the
	// memory the stage needs, without the file pages it maps (bleve maps
	// its segments: those pages count in the RSS but are the kernel's
	// page cache, given back under pressure).
	peakAnon int64
	atPeak   memoryParts // what the anonymous RSS held at its peak
}

// memoryParts splits a sample of the process's memory: the Go heap's
// objects (live, and dead ones not yet swept), the heap's free pages not
// given back to the system, the rest the Go runtime maps (stacks, its own
// structures), and the mapped files resident (bleve's segments, the
// store's pages). The anonymous RSS less what Go keeps is memory allocated
// outside Go's heap (the SQLite driver's page cache, which modernc.org's C
// runtime allocates itself).
type memoryParts struct {
	heapObjects, heapFree, goOther, file int64
}

var memoryMetrics = []string{"/memory/classes/heap/objects:bytes", "/memory/classes/heap/free:bytes",
	"/memory/classes/heap/unused:bytes", "/memory/classes/total:bytes", "/memory/classes/heap/released:bytes"}

func sampleMemory() memoryParts {
	s := make([]metrics.Sample, len(memoryMetrics))
	for i, name := range memoryMetrics {
		s[i].Name = name
	}
	metrics.Read(s)
	v := func(i int) int64 { return int64(s[i].Value.Uint64()) }
	objects, free, unused, total, released := v(0), v(1), v(2), v(3), v(4)
	return memoryParts{heapObjects: objects, heapFree: free + unused,
		goOther: total - released - objects - free - unused, file: statusKB("RssFile:") << 10}
}

func (m memoryParts) String() string {
	mb := func(v int64) float64 { return float64(v) / (1 << 20) }
	return fmt.Sprintf("heap objects %.0f MB, heap free %.0f MB, Go other %.0f MB, files %.0f MB",
		mb(m.heapObjects), mb(m.heapFree), mb(m.goOther), mb(m.file))
}

// measureStage runs fn with the process's peak RSS reset first (after a
// collection that returns freed memory), and measures its wall and CPU
// time and the time after the crawl's "crawl finished" log line.
func measureStage(b *testing.B, name string, log *crawlEnd, fn func() error) stageFigures {
	b.Helper()
	runtime.GC()
	debug.FreeOSMemory()
	if err := os.WriteFile("/proc/self/clear_refs", []byte("5"), 0); err != nil {
		b.Logf("cannot reset the peak RSS (%v): figures are peaks since the start", err)
	}
	log.reset()
	stop := make(chan struct{})
	type peakSample struct {
		anon  int64
		parts memoryParts
	}
	anon := make(chan peakSample)
	profile := os.Getenv("RANKFILE_BENCH_HEAPPROFILE")
	go func() {
		var peak peakSample
		var profiled int64
		for {
			if a := statusKB("RssAnon:") << 10; a > peak.anon {
				peak = peakSample{a, sampleMemory()}
				if profile != "" && a > profiled+profiled/20 {
					profiled = a
					writeHeapProfile(b, fmt.Sprintf("%s-%s.pprof", profile, strings.NewReplacer(" ", "-", ",", "", "%", "pct", "+", "-").Replace(name)))
				}
			}
			select {
			case <-stop:
				anon <- peak
				return
			case <-time.After(50 * time.Millisecond):
			}
		}
	}()
	cpu0 := cpuTime()
	start := time.Now()
	if err := fn(); err != nil {
		b.Fatalf("%s: %v", name, err)
	}
	f := stageFigures{name: name, wall: time.Since(start), cpu: cpuTime() - cpu0, peakRSS: statusKB("VmHWM:") << 10}
	close(stop)
	peak := <-anon
	f.peakAnon, f.atPeak = peak.anon, peak.parts
	if end := log.at(); !end.IsZero() {
		f.tail = time.Since(end)
	}
	// each stage as it ends, for a long run cut short
	fmt.Fprintf(os.Stderr, "stage %q: wall %.1f s, CPU %.1f s, after crawl %.1f s, peak RSS %.0f MB, peak anon %.0f MB (then: %v)\n",
		name, f.wall.Seconds(), f.cpu.Seconds(), f.tail.Seconds(), float64(f.peakRSS)/(1<<20), float64(f.peakAnon)/(1<<20), f.atPeak)
	return f
}

// writeHeapProfile writes the heap profile (the live objects as of the
// last collection, where they were allocated) to path.
func writeHeapProfile(b *testing.B, path string) {
	f, err := os.Create(path)
	if err != nil {
		b.Logf("heap profile: %v", err)
		return
	}
	defer f.Close()
	if err := pprof.Lookup("heap").WriteTo(f, 0); err != nil {
		b.Logf("heap profile: %v", err)
	}
}

// crawlEnd is a log handler noting when the crawl logged its end.
type crawlEnd struct {
	mu  sync.Mutex
	end time.Time
}

func (c *crawlEnd) Enabled(context.Context, slog.Level) bool { return true }
func (c *crawlEnd) Handle(_ context.Context, r slog.Record) error {
	if os.Getenv("RANKFILE_BENCH_LOG") != "" && r.Level >= slog.LevelInfo && r.Message != "progress" {
		var b strings.Builder
		r.Attrs(func(a slog.Attr) bool { fmt.Fprintf(&b, " %s=%v", a.Key, a.Value); return true })
		fmt.Fprintf(os.Stderr, "%s %s%s\n", r.Time.Format("15:04:05.000"), r.Message, b.String())
	}
	if r.Message == "crawl finished" {
		c.mu.Lock()
		c.end = time.Now()
		c.mu.Unlock()
	}
	return nil
}
func (c *crawlEnd) WithAttrs([]slog.Attr) slog.Handler { return c }
func (c *crawlEnd) WithGroup(string) slog.Handler      { return c }
func (c *crawlEnd) reset()                             { c.mu.Lock(); c.end = time.Time{}; c.mu.Unlock() }
func (c *crawlEnd) at() time.Time                      { c.mu.Lock(); defer c.mu.Unlock(); return c.end }

func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// statusKB reads a field of /proc/self/status given in kB (VmHWM: the
// peak RSS; RssAnon: the anonymous part of the RSS now); 0 when unknown.
func statusKB(field string) int64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, field); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return kb
		}
	}
	return 0
}

// growthSizes are the site sizes of BenchmarkPipeline_Growth:
// RANKFILE_BENCH_PAGES, a comma-separated list, or 2,000.
func growthSizes(b *testing.B) []int {
	v := os.Getenv("RANKFILE_BENCH_PAGES")
	if v == "" {
		return []int{2000}
	}
	var out []int
	for _, f := range strings.Split(v, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(f))
		if err != nil || n < 1 {
			b.Fatalf("RANKFILE_BENCH_PAGES: %q is not a page count", f)
		}
		out = append(out, n)
	}
	return out
}

// BenchmarkPipeline_Growth measures, on generated loopback sites, what a
// crawl with its derived work costs as the archive grows: the crawl alone
// (archive only), the crawl with extraction and indexing, an unchanged
// recrawl (all 304), a recrawl where 1% of pages changed, and a whole
// re-extract with an index rebuild; wall time, CPU time, the part of the
// wall time after the crawl ended, and the peak RSS (and peak anonymous
// RSS) of each stage; and wget's crawl of the same site in the same run.
// RANKFILE_BENCH_STAGES picks stages: crawl (the crawl alone and its
// unchanged recrawl), full (the crawl with its derived work, the recrawls,
// the re-extract), first (of full, the crawl with its derived work only),
// recrawl (of full, all but the re-extract) and wget. RANKFILE_BENCH_HEAPPROFILE=PREFIX writes, for each stage, the
// heap profile at its peak anonymous RSS to PREFIX-STAGE.pprof; each stage
// also prints what its memory held at that peak.
//
//	RANKFILE_BENCH_PAGES=2000,10000 nice -n 10 go test -run '^$' -bench Pipeline_Growth -benchtime 1x -timeout 2h ./pipeline/
func BenchmarkPipeline_Growth(b *testing.B) {
	for _, n := range growthSizes(b) {
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			for range b.N {
				benchGrowth(b, n)
			}
		})
	}
}

func benchGrowth(b *testing.B, n int) {
	site := newGrowthSite(n)
	srv := httptest.NewServer(site)
	defer srv.Close()
	sites := []byte(fmt.Sprintf("defaults: {delay: 0s, parallelism: 8, max_depth: 0, max_pages: 0}\nsites:\n  - name: Bench\n    kind: caucus\n    seeds: [%s/]\n", srv.URL))
	log := &crawlEnd{}
	crawlInto := func(p *Pipeline, noIndex bool) func() error {
		return func() error {
			r, err := p.Crawl(context.Background(), CrawlOptions{SitesData: sites, NoIndex: noIndex})
			if err == nil && len(r.Totals().Failed) > 0 {
				err = fmt.Errorf("failed fetches: %v", r.Totals().Failed)
			}
			return err
		}
	}
	alone := &Pipeline{Dir: b.TempDir(), Logger: slog.New(log)}
	full := &Pipeline{Dir: b.TempDir(), Logger: slog.New(log)}
	var figs []stageFigures
	run := func(stages, name string, fn func() error) {
		want := os.Getenv("RANKFILE_BENCH_STAGES")
		for _, stage := range strings.Split(stages, ",") {
			if want == "" || slices.Contains(strings.Split(want, ","), stage) {
				figs = append(figs, measureStage(b, name, log, fn))
				return
			}
		}
	}
	run("crawl", "crawl alone", crawlInto(alone, true))
	run("crawl", "unchanged recrawl alone", crawlInto(alone, true))
	os.RemoveAll(alone.Dir)
	run("full,first,recrawl", "crawl+extract+index", crawlInto(full, false))
	run("full,recrawl", "unchanged recrawl", crawlInto(full, false))
	site.gen.Add(1)
	run("full,recrawl", "recrawl, 1% changed", crawlInto(full, false))
	run("full", "whole re-extract+index", func() error {
		if _, err := full.Extract(context.Background()); err != nil {
			return err
		}
		return full.Index(context.Background())
	})
	var records int
	if st, err := store.OpenExisting(full.path(recordStoreFile)); err == nil {
		st.View(context.Background(), func(tx *store.Tx) (err error) { records, err = tx.Count(); return err })
		st.Close()
	}
	b.Logf("%d pages, %d records, store %s, records file %s", n, records,
		crawl.ByteSize(fileSize(full.path(recordStoreFile))), crawl.ByteSize(fileSize(full.path(recordsFile))))
	b.Logf("%-24s %8s %8s %12s %8s %8s %10s %10s", "stage", "wall s", "CPU s", "after crawl", "peak MB", "anon MB", "ms/page", "CPU ms/page")
	for _, f := range figs {
		b.Logf("%-24s %8.1f %8.1f %12.1f %8.0f %8.0f %10.2f %10.2f", f.name, f.wall.Seconds(), f.cpu.Seconds(), f.tail.Seconds(),
			float64(f.peakRSS)/(1<<20), float64(f.peakAnon)/(1<<20), float64(f.wall.Milliseconds())/float64(n), float64(f.cpu.Milliseconds())/float64(n))
		b.ReportMetric(f.wall.Seconds(), strings.NewReplacer(" ", "-", "+", "-", ",", "", "%", "pct").Replace(f.name)+"-s")
	}
	if want := os.Getenv("RANKFILE_BENCH_STAGES"); want != "" && !slices.Contains(strings.Split(want, ","), "wget") {
		return
	}
	if w, err := wgetCrawl(b, srv.URL); err == nil {
		b.Logf("%-24s %8.1f %8s %12s %8.0f %8s %10.2f", "wget --mirror --warc", w.wall.Seconds(), "", "", float64(w.peakRSS)/(1<<20), "",
			float64(w.wall.Milliseconds())/float64(n))
		if len(figs) > 0 && figs[0].name == "crawl alone" {
			b.ReportMetric(figs[0].wall.Seconds()/w.wall.Seconds(), "crawl-x-wget-time")
		}
	} else {
		b.Logf("no wget yardstick: %v", err)
	}
}

func fileSize(path string) int64 {
	fi, err := os.Stat(path)
	if err != nil {
		return 0
	}
	return fi.Size()
}

// wgetCrawl mirrors the site with wget into a WARC file, as the crawl
// benchmark does, measuring its wall time and (through GNU time, which
// forks it from its own small process) its peak RSS.
func wgetCrawl(b *testing.B, url string) (stageFigures, error) {
	wget, err := exec.LookPath("wget")
	if err != nil {
		return stageFigures{}, err
	}
	timeCmd, err := exec.LookPath("time")
	if err != nil {
		return stageFigures{}, err
	}
	dir := b.TempDir()
	rssFile := filepath.Join(dir, "rss")
	cmd := exec.Command(timeCmd, "-f", "%M", "-o", rssFile, wget, "--mirror", "--quiet", "-e", "robots=off", "--no-host-directories",
		"--directory-prefix="+filepath.Join(dir, "files"), "--warc-file="+filepath.Join(dir, "site"), url+"/")
	cmd.Env = append(os.Environ(), "no_proxy=*", "http_proxy=", "https_proxy=")
	start := time.Now()
	if out, err := cmd.CombinedOutput(); err != nil && cmd.ProcessState.ExitCode() != 8 {
		return stageFigures{}, fmt.Errorf("wget: %v\n%s", err, out)
	}
	f := stageFigures{name: "wget", wall: time.Since(start)}
	if kb, err := os.ReadFile(rssFile); err == nil {
		v, _ := strconv.ParseInt(strings.TrimSpace(string(kb)), 10, 64)
		f.peakRSS = v << 10
	}
	return f, nil
}
