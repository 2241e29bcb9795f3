package archive

import (
	"bytes"
	stdgzip "compress/gzip"
	"context"
	"crypto/sha1"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/klauspost/compress/gzip"
	"golang.org/x/sys/unix"

	"rankfile/internal/warctest"
)

// benchPageSize is the size of a benchmark page body.
const benchPageSize = 20 << 10

var benchWords = strings.Fields(`the union caucus rank and file educators teachers members
	school district contract bargaining strike community partnership organizing democracy
	social justice public education students parents Baltimore Albuquerque Boston Louisville
	report back meeting workers power racial equity funding classrooms, "solidarity". we our`)

// benchPages returns n distinct HTML pages of about benchPageSize bytes:
// paragraphs of words in random order, which gzip about as well as real
// article text.
func benchPages(n int) [][]byte {
	rng := rand.New(rand.NewPCG(1, 2))
	pages := make([][]byte, n)
	for i := range pages {
		var b bytes.Buffer
		fmt.Fprintf(&b, "<!doctype html><html><head><title>Post %d</title></head><body><article>\n", i)
		for b.Len() < benchPageSize-200 {
			b.WriteString("<p>")
			for range 40 + rng.IntN(40) {
				b.WriteString(benchWords[rng.IntN(len(benchWords))])
				b.WriteByte(' ')
			}
			b.WriteString("</p>\n")
		}
		b.WriteString("</article></body></html>\n")
		pages[i] = b.Bytes()
	}
	return pages
}

// BenchmarkWriter measures Write of 20 KB pages: digests, WARC framing, a
// gzip member per record (response, request), the file append and the index
// journal. Compare with BenchmarkGzipOnly.
func BenchmarkWriter(b *testing.B) {
	pages := benchPages(64)
	for _, mode := range []string{"serial", "parallel"} {
		b.Run(mode, func(b *testing.B) {
			a := mustOpen(b, b.TempDir(), Options{MaxFileSize: 256 << 20})
			var n atomic.Int64
			write := func() {
				i := n.Add(1)
				ex := page(fmt.Sprintf("http://bench.test/posts/%d", i), 200, pages[i%int64(len(pages))], "Content-Type: text/html; charset=utf-8")
				if _, err := a.Write(ex); err != nil {
					b.Error(err)
				}
			}
			b.SetBytes(benchPageSize)
			b.ResetTimer()
			if mode == "serial" {
				for b.Loop() {
					write()
				}
			} else {
				b.RunParallel(func(pb *testing.PB) {
					for pb.Next() {
						write()
					}
				})
			}
			b.StopTimer()
			// a page makes two records (response, request)
			b.ReportMetric(2*float64(b.N)/b.Elapsed().Seconds(), "records/s")
			mustClose(b, a)
		})
	}
}

// BenchmarkGzipOnly gzips the same pages the same way as the Writer (one
// gzip member each, same level, appended to a file under a lock) without
// WARC framing, digests or index.
func BenchmarkGzipOnly(b *testing.B) {
	pages := benchPages(64)
	for _, mode := range []string{"serial", "parallel"} {
		b.Run(mode, func(b *testing.B) {
			f, err := os.Create(filepath.Join(b.TempDir(), "gzip-only.gz"))
			if err != nil {
				b.Fatal(err)
			}
			defer f.Close()
			wf := &warcFile{f: f, name: "gzip-only.gz"}
			var n atomic.Int64
			gz := func(zw *gzip.Writer, buf *bytes.Buffer) {
				i := n.Add(1)
				buf.Reset()
				zw.Reset(buf)
				zw.Write(pages[i%int64(len(pages))])
				if err := zw.Close(); err != nil {
					b.Error(err)
				}
				if _, err := wf.append(buf.Bytes()); err != nil {
					b.Error(err)
				}
			}
			newWriter := func() *gzip.Writer {
				zw, _ := gzip.NewWriterLevel(nil, gzip.DefaultCompression)
				return zw
			}
			b.SetBytes(benchPageSize)
			b.ResetTimer()
			if mode == "serial" {
				zw, buf := newWriter(), new(bytes.Buffer)
				for b.Loop() {
					gz(zw, buf)
				}
			} else {
				b.RunParallel(func(pb *testing.PB) {
					zw, buf := newWriter(), new(bytes.Buffer)
					for pb.Next() {
						gz(zw, buf)
					}
				})
			}
		})
	}
}

// BenchmarkWriterOverGzip interleaves a Write and gzip-only compressions of
// the same 20 KB page on one locked OS thread and reports the CPU time each
// took on that thread (CLOCK_THREAD_CPUTIME_ID), and their ratios, measured
// in a way other processes' load does not skew as much as wall time. The
// steps take turns going first, since the first to read a page pays for
// bringing it into the CPU cache (about 15% of gzip's time here): in a crawl
// the body was just read, so it is warm for the writer.
//
// Two gzips are measured: klauspost's, at the level the writer uses
// (writer/gzip: what the WARC framing, digests, request record, file and
// index cost over the writer's own compressor), and the standard library's
// compress/gzip at its default level, in a pass of its own (writer/stdgzip: the writer against
// plain gzip as most Go programs, and gzip(1) at level 6, compress). The
// compressed sizes of each are reported too (writer-B/page is the response
// record alone, WARC and HTTP headers included).
//
// A third peer is gzip(1), the command, at its default level 6, given
// every page the writer wrote as a file of its own in one run (`gzip -c
// FILE...` writes one member per file, as the writer does per record);
// its CPU time is the child process's (writer/gzip1). It is skipped when
// gzip is not installed, unless CI is set.
//
// It also reports the CPU time of the two SHA-1 passes over the page every
// response record needs (payload digest of the body, block digest of head
// and body), as a share of klauspost gzip's: the part of the overhead no
// framing or buffering change can remove.
func BenchmarkWriterOverGzip(b *testing.B) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	pages := benchPages(64)
	a := mustOpen(b, b.TempDir(), Options{MaxFileSize: 256 << 20})
	defer mustClose(b, a)
	f, err := os.Create(filepath.Join(b.TempDir(), "gzip-only.gz"))
	if err != nil {
		b.Fatal(err)
	}
	defer f.Close()
	wf := &warcFile{f: f, name: "gzip-only.gz"}
	zw, _ := gzip.NewWriterLevel(nil, gzip.DefaultCompression)
	std, _ := stdgzip.NewWriterLevel(nil, stdgzip.DefaultCompression)
	var buf bytes.Buffer
	var writerNs, gzipNs, stdNs, shaNs int64
	var writerBytes, gzipBytes, stdBytes int64
	writeOne := func(ex *Exchange) {
		t0 := threadCPU(b)
		res, err := a.Write(ex)
		if err != nil {
			b.Fatal(err)
		}
		writerNs += threadCPU(b) - t0
		writerBytes += res.Entry.Length
	}
	// compressOne gzips body with zw into a member appended to a file, as
	// the writer appends its records, adding its CPU time and size to ns
	// and size.
	compressOne := func(zw resettableWriter, body []byte, ns, size *int64) {
		t0 := threadCPU(b)
		buf.Reset()
		zw.Reset(&buf)
		zw.Write(body)
		if err := zw.Close(); err != nil {
			b.Fatal(err)
		}
		if _, err := wf.append(buf.Bytes()); err != nil {
			b.Fatal(err)
		}
		*ns += threadCPU(b) - t0
		*size += int64(buf.Len())
	}
	gzipOne := func(body []byte) { compressOne(zw, body, &gzipNs, &gzipBytes) }
	stdOne := func(body []byte) { compressOne(std, body, &stdNs, &stdBytes) }
	shaTwice := func(ex *Exchange) {
		t0 := threadCPU(b)
		sha1.Sum(ex.Body)
		h := sha1.New()
		h.Write(ex.ResponseHead)
		h.Write(ex.Body)
		h.Sum(nil)
		shaNs += threadCPU(b) - t0
	}
	b.SetBytes(benchPageSize)
	i := 0
	for b.Loop() {
		i++
		body := pages[i%len(pages)]
		ex := page(fmt.Sprintf("http://bench.test/posts/%d", i), 200, body, "Content-Type: text/html; charset=utf-8")
		steps := []func(){func() { writeOne(ex) }, func() { gzipOne(body) }, func() { shaTwice(ex) }}
		for k := range steps {
			steps[(k+i)%len(steps)]()
		}
	}
	// compress/gzip goes through the pages on its own, after: interleaved,
	// its large tables would evict the others' from the CPU caches.
	for k := range i {
		stdOne(pages[(k+1)%len(pages)])
	}
	if ns, ok := gzipCommand(b, pages, i); ok {
		b.ReportMetric(ns/float64(i)/1e3, "gzip1-cpu-µs/page")
		b.ReportMetric(float64(writerNs)/ns, "writer/gzip1")
	}
	b.ReportMetric(float64(writerNs)/float64(i)/1e3, "writer-cpu-µs/page")
	b.ReportMetric(float64(gzipNs)/float64(i)/1e3, "gzip-cpu-µs/page")
	b.ReportMetric(float64(stdNs)/float64(i)/1e3, "stdgzip-cpu-µs/page")
	b.ReportMetric(float64(writerNs)/float64(gzipNs), "writer/gzip")
	b.ReportMetric(float64(writerNs)/float64(stdNs), "writer/stdgzip")
	b.ReportMetric(float64(shaNs)/float64(gzipNs), "sha1x2/gzip")
	b.ReportMetric(float64(writerBytes)/float64(i), "writer-B/page")
	b.ReportMetric(float64(gzipBytes)/float64(i), "gzip-B/page")
	b.ReportMetric(float64(stdBytes)/float64(i), "stdgzip-B/page")
}

// gzipCommand runs gzip(1) over n pages (pages in turn, as the writer
// took them) and returns the CPU time it used, user and system. Each page
// is a file of its own, so gzip writes one member per page.
func gzipCommand(b *testing.B, pages [][]byte, n int) (float64, bool) {
	path, err := exec.LookPath("gzip")
	if err != nil {
		if os.Getenv("CI") != "" {
			b.Fatal("gzip(1) is not installed")
		}
		b.Log("gzip(1) not installed: no gzip1 peer")
		return 0, false
	}
	dir := b.TempDir()
	files := make([]string, len(pages))
	for k, p := range pages {
		files[k] = filepath.Join(dir, fmt.Sprintf("page-%02d.html", k))
		if err := os.WriteFile(files[k], p, 0o644); err != nil {
			b.Fatal(err)
		}
	}
	devNull, err := os.OpenFile(os.DevNull, os.O_WRONLY, 0)
	if err != nil {
		b.Fatal(err)
	}
	defer devNull.Close()
	var cpu time.Duration
	const batch = 1000 // files per run, well under the argument list limit
	for start := 0; start < n; start += batch {
		args := []string{"-6", "-c"}
		for k := start; k < min(n, start+batch); k++ {
			args = append(args, files[(k+1)%len(files)])
		}
		cmd := exec.Command(path, args...)
		var stderr bytes.Buffer
		cmd.Stdout, cmd.Stderr = devNull, &stderr
		if err := cmd.Run(); err != nil {
			b.Fatalf("gzip: %v\n%s", err, stderr.Bytes())
		}
		cpu += cmd.ProcessState.UserTime() + cmd.ProcessState.SystemTime()
	}
	return float64(cpu.Nanoseconds()), true
}

// resettableWriter is a gzip writer of either package.
type resettableWriter interface {
	io.WriteCloser
	Reset(io.Writer)
}

// threadCPU returns the CPU time the current OS thread has used.
func threadCPU(b *testing.B) int64 {
	var ts unix.Timespec
	if err := unix.ClockGettime(unix.CLOCK_THREAD_CPUTIME_ID, &ts); err != nil {
		b.Fatal(err)
	}
	return ts.Nano()
}

// BenchmarkImportOverGzip measures Import of a gzip-per-record WARC file
// of 20 KB pages (a response and a request record each, as wget writes
// them) into an empty archive: the source's SHA-256 for imports.jsonl, the
// lenient read (a SHA-1 of each block as it is read), the block and
// payload digests checked, each record recompressed as its own member,
// and the index. Its peer is gzip(1), measured in the same run: `gzip -dc`
// of the source, then `gzip -6` of what that gave, the least a tool that
// decompresses and recompresses the file does (import/gzip1, CPU time of
// each: the import's thread, gzip's processes). Run it with
// go test ./archive -run X -bench ImportOverGzip -benchtime 5x
func BenchmarkImportOverGzip(b *testing.B) {
	runtime.LockOSThread()
	defer runtime.UnlockOSThread()
	pages := benchPages(64)
	var recs []warctest.Record
	for i := range 256 {
		uri := fmt.Sprintf("http://bench.test/posts/%d", i)
		body := pages[i%len(pages)]
		block := append([]byte("HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: "+fmt.Sprint(len(body))+"\r\n\r\n"), body...)
		date := time.Date(2024, 3, 1, 12, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Second).Format(time.RFC3339)
		req := []byte("GET /posts/" + fmt.Sprint(i) + " HTTP/1.1\r\nHost: bench.test\r\n\r\n")
		recs = append(recs,
			warctest.Record{Version: Version10, Block: req, Fields: [][2]string{{"WARC-Type", "request"}, {"WARC-Target-URI", uri},
				{"WARC-Date", date}, {"WARC-Record-ID", fmt.Sprintf("<urn:uuid:00000000-0000-4000-8000-%012d>", 2*i)},
				{"Content-Type", "application/http;msgtype=request"}, {"WARC-Block-Digest", warctest.SHA1(req)}}},
			warctest.Record{Version: Version10, Block: block, Fields: [][2]string{{"WARC-Type", "response"}, {"WARC-Target-URI", uri},
				{"WARC-Date", date}, {"WARC-Record-ID", fmt.Sprintf("<urn:uuid:00000000-0000-4000-8000-%012d>", 2*i+1)},
				{"Content-Type", "application/http;msgtype=response"}, {"WARC-Block-Digest", warctest.SHA1(block)},
				{"WARC-Payload-Digest", warctest.SHA1(body)}}})
	}
	data, _ := warctest.Encode(recs, true)
	src := filepath.Join(b.TempDir(), "bench.warc.gz")
	if err := os.WriteFile(src, data, 0o644); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(int64(len(pages[0])) * 256)
	var importNs int64
	n := 0
	for b.Loop() {
		n++
		a := mustOpen(b, b.TempDir(), Options{})
		t0 := threadCPU(b)
		if _, err := a.Import(context.Background(), src); err != nil {
			b.Fatal(err)
		}
		importNs += threadCPU(b) - t0
		mustClose(b, a)
	}
	b.ReportMetric(float64(importNs)/float64(n)/1e6, "import-cpu-ms/file")
	if ns, ok := gunzipGzip(b, src, n); ok {
		b.ReportMetric(ns/float64(n)/1e6, "gzip1-cpu-ms/file")
		b.ReportMetric(float64(importNs)/ns, "import/gzip1")
	}
}

// gunzipGzip runs `gzip -dc src` and `gzip -6 -c` of its output n times
// and returns the CPU time they used.
func gunzipGzip(b *testing.B, src string, n int) (float64, bool) {
	path, err := exec.LookPath("gzip")
	if err != nil {
		if os.Getenv("CI") != "" {
			b.Fatal("gzip(1) is not installed")
		}
		b.Log("gzip(1) not installed: no gzip1 peer")
		return 0, false
	}
	plain := filepath.Join(b.TempDir(), "plain.warc")
	var cpu time.Duration
	for range n {
		out, err := os.Create(plain)
		if err != nil {
			b.Fatal(err)
		}
		d := exec.Command(path, "-dc", src)
		d.Stdout = out
		if err := d.Run(); err != nil {
			b.Fatal(err)
		}
		out.Close()
		c := exec.Command(path, "-6", "-c", plain)
		if c.Stdout, err = os.OpenFile(os.DevNull, os.O_WRONLY, 0); err != nil {
			b.Fatal(err)
		}
		if err := c.Run(); err != nil {
			b.Fatal(err)
		}
		cpu += d.ProcessState.UserTime() + d.ProcessState.SystemTime() + c.ProcessState.UserTime() + c.ProcessState.SystemTime()
	}
	return float64(cpu.Nanoseconds()), true
}

// BenchmarkIndex_Lookup looks up URLs in a capture index of
// RANKFILE_BENCH_ENTRIES entries (200,000 by default; two captures per URL)
// held on disk, as a recrawl's conditional requests do: half the URLs are
// in the index, half not. It reports the heap the index holds.
//
//	RANKFILE_BENCH_ENTRIES=1000000 go test -run '^$' -bench Index_Lookup ./archive/
func BenchmarkIndex_Lookup(b *testing.B) {
	n := 200_000
	if v := os.Getenv("RANKFILE_BENCH_ENTRIES"); v != "" {
		fmt.Sscan(v, &n)
	}
	dir := b.TempDir()
	x := newIndex(dir, true)
	defer x.close()
	url := func(i int) string {
		return fmt.Sprintf("https://caucus%d.test/posts/%d/a-post-title-of-some-length", i%50, i)
	}
	err := x.rewrite(func(add func(Entry) error) error {
		for i := range n / 2 {
			for v := range 2 {
				e := Entry{URL: url(i), Time: testTime.Add(time.Duration(v) * 24 * time.Hour), Status: 200, Mime: "text/html",
					Digest: "sha1:ABCDEFGHIJKLMNOPQRSTUVWXYZ234567", Length: 9000, Offset: int64(2*i+v) * 9000, File: "rankfile-20240101000000-00000.warc.gz",
					ETag: `"p` + itoa(i) + `"`}
				e.Key = SURT(e.URL)
				if err := add(e); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	b.ReportMetric(float64(ms.HeapInuse)/(1<<20), "heap-MB")
	rng := rand.New(rand.NewPCG(5, 6))
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		j := rng.IntN(n)
		es, err := x.lookup(SURT(url(j)))
		if err != nil || (j < n/2) != (len(es) == 2) {
			b.Fatalf("lookup %d: %d entries, %v", j, len(es), err)
		}
	}
}
