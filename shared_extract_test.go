package main

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"rankfile/internal/redistest"
)

// TestSharedExtract_workers re-extracts a copy of the demo's archive (two
// WARC files) by worker processes sharing the jobs through Redis: the first
// worker is stopped mid-file and killed with SIGKILL while it holds its
// file's lease; two more workers take the other file, then the killed
// worker's once its lease runs out, and the one finishing last assembles
// and indexes. The records (IDs, texts, every field) and the search hits
// are those of a single-machine `rankfile extract` of the same archive.
func TestSharedExtract_workers(t *testing.T) {
	srv := redistest.Start(t)
	single := demoArchiveOnly(t)
	if _, errOut, code := rankfile(t, "--data", single, "extract"); code != 0 {
		t.Fatalf("single-machine extract: exit %d\n%s", code, errOut)
	}
	data := demoArchiveOnly(t)
	args := func(name string) []string {
		return []string{"--data", data, "--log-format", "json", "--verbose", "extract", "--state", srv.URL(), "--worker", name, "--lease", "2s"}
	}
	rdb := redis.NewClient(&redis.Options{Addr: strings.TrimSuffix(strings.TrimPrefix(srv.URL(), "redis://"), "/0")})
	defer rdb.Close()
	ctx := context.Background()

	// w0 takes a file; it is stopped at once (SIGSTOP, so the file is
	// caught mid-job), its lease checked in Redis, then it is killed.
	w0 := startChild(t, "w0", "", args("w0")...)
	var killed string
	for taken := 1; killed == "" && taken <= 2; taken++ {
		w0.waitFor(t, "taking a file", func(w *worker) bool { return countLines(w, `"file taken"`) >= taken })
		w0.cmd.Process.Signal(syscall.SIGSTOP)
		owners := ownersOf(t, rdb)
		for f, who := range owners {
			if who == "w0" {
				killed = f
			}
		}
		if killed == "" {
			w0.cmd.Process.Signal(syscall.SIGCONT)
		}
	}
	if killed == "" {
		t.Fatalf("w0 was never stopped while holding a file; its log:\n%s", w0.log())
	}
	w0.cmd.Process.Kill()
	w0.wait(10 * time.Second)
	if _, err := os.Stat(filepath.Join(data, "records", "parts", killed+".jsonl")); err == nil {
		t.Fatalf("the killed worker's file %s has its parts written: not killed mid-job", killed)
	}

	w1, w2 := startChild(t, "w1", "", args("w1")...), startChild(t, "w2", "", args("w2")...)
	for _, w := range []*worker{w1, w2} {
		if err := w.wait(2 * time.Minute); err != nil {
			t.Fatalf("worker %s: %v; its log:\n%s", w.name, err, w.log())
		}
		<-w.done
	}
	took := map[string]bool{}
	assembled := 0
	for _, w := range []*worker{w1, w2} {
		for _, l := range w.lines {
			var e struct{ Msg, File string }
			json.Unmarshal([]byte(l), &e)
			if e.Msg == "file extracted" {
				took[e.File] = true
			}
			if strings.HasPrefix(e.Msg, "every file extracted") {
				assembled++
			}
		}
	}
	if !took[killed] {
		t.Errorf("the killed worker's file %s was not extracted by w1 or w2; logs:\n%s\n%s", killed, w1.log(), w2.log())
	}
	if assembled != 1 {
		t.Errorf("%d workers assembled the records, want 1", assembled)
	}
	if _, err := os.Stat(filepath.Join(data, "records", "parts")); err == nil {
		t.Errorf("parts left after assembling")
	}
	if keys, _ := rdb.Keys(ctx, "rankfile:extract:*").Result(); len(keys) > 0 {
		t.Errorf("keys left in Redis after assembling: %v", keys)
	}

	want, got := recordLines(t, single), recordLines(t, data)
	if len(want) == 0 {
		t.Fatal("the single-machine extract wrote no records")
	}
	if !slices.Equal(want, got) {
		t.Errorf("records differ: %d shared, %d single-machine", len(got), len(want))
		for i := range min(len(want), len(got)) {
			if want[i] != got[i] {
				t.Errorf("first difference:\nshared %s\nsingle %s", got[i], want[i])
				break
			}
		}
	}
	for _, q := range []string{"vouchers", "strike", "union", "contract", "caucus"} {
		w, _, wc := rankfile(t, "--data", single, "search", "--json", "--size", "50", q)
		g, errOut, gc := rankfile(t, "--data", data, "search", "--json", "--size", "50", q)
		if wc != 0 || gc != 0 || w != g {
			t.Errorf("search %q: shared (exit %d %s)\n%s\nsingle-machine (exit %d)\n%s", q, gc, errOut, g, wc, w)
		}
	}
}

// countLines counts the worker's log lines holding s.
func countLines(w *worker, s string) int {
	n := 0
	for _, l := range w.lines {
		if strings.Contains(l, s) {
			n++
		}
	}
	return n
}

// ownersOf returns the shared extraction's leased files and their workers.
func ownersOf(t *testing.T, rdb *redis.Client) map[string]string {
	t.Helper()
	ctx := context.Background()
	keys, err := rdb.Keys(ctx, "rankfile:extract:*:owner").Result()
	if err != nil {
		t.Fatal(err)
	}
	out := map[string]string{}
	for _, k := range keys {
		m, err := rdb.HGetAll(ctx, k).Result()
		if err != nil {
			t.Fatal(err)
		}
		for f, w := range m {
			out[f] = w
		}
	}
	return out
}

// recordLines returns the data directory's records file, its lines sorted.
func recordLines(t testing.TB, data string) []string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(data, "records", "records.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	slices.Sort(lines)
	return lines
}

// BenchmarkSharedExtract re-extracts a generated archive (a loopback site of
// RANKFILE_BENCH_PAGES pages, default 2000, of about 6 KB of writing each,
// in WARC files of 256 KiB) three ways, each in child processes: a
// single-machine `rankfile extract` (the peer), then `extract --state` by 1
// and by 2 worker processes (parts, assembling and index included). It
// reports each one's seconds and checks the records are the single
// machine's.
//
//	RANKFILE_BENCH_PAGES=2000 nice -n 10 go test -run '^$' -bench SharedExtract -benchtime 1x .
func BenchmarkSharedExtract(b *testing.B) {
	pages := 2000
	if n, err := strconv.Atoi(os.Getenv("RANKFILE_BENCH_PAGES")); err == nil && n > 0 {
		pages = n
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var i int
		if _, err := fmt.Sscanf(r.URL.Path, "/p/%d", &i); err != nil && r.URL.Path != "/" {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, "<!doctype html><html><head><title>Minutes %d</title></head><body><nav><a href=\"/\">Home</a></nav><article><h1>Minutes of meeting %d</h1>", i, i)
		for j := range 30 {
			fmt.Fprintf(w, "<p>Item %d of meeting %d: the caucus moved that motion %x on class size %d and pay %d be carried to the membership.</p>", j, i, (i+1)*(j+7)*2654435761, j*i%17, (i+j)%13)
		}
		fmt.Fprint(w, "</article><ul>")
		if r.URL.Path == "/" {
			for j := 1; j < pages; j++ {
				fmt.Fprintf(w, `<li><a href="/p/%d">meeting %d</a>`, j, j)
			}
		}
		fmt.Fprint(w, "</ul></body></html>")
	}))
	defer srv.Close()
	src := b.TempDir()
	sites := filepath.Join(b.TempDir(), "sites.yaml")
	os.WriteFile(sites, []byte("defaults: {delay: 0s, parallelism: 8, max_pages: 0}\nsites:\n  - name: Minutes\n    kind: caucus\n    seeds: ["+srv.URL+"/]\n"), 0o644)
	if _, errOut, code := rankfile(b, "--data", src, "crawl", "--no-index", "--sites", sites, "--warc-size", "256KiB"); code != 0 {
		b.Fatalf("crawl: exit %d\n%s", code, errOut)
	}
	files, _ := filepath.Glob(filepath.Join(src, "archive", "*.warc.gz"))
	srvR := redistest.Start(b)
	copyData := func() string {
		d := b.TempDir()
		if err := os.CopyFS(filepath.Join(d, "archive"), os.DirFS(filepath.Join(src, "archive"))); err != nil {
			b.Fatal(err)
		}
		return d
	}
	run := func(data string, workers int) time.Duration {
		start := time.Now()
		var ws []*worker
		for i := range workers {
			name := fmt.Sprintf("w%d", i)
			args := []string{"--data", data, "--log-format", "json", "extract"}
			if workers > 0 {
				args = append(args, "--state", srvR.URL(), "--worker", name)
			}
			ws = append(ws, startChild(b, name, "", args...))
		}
		if workers == 0 {
			ws = append(ws, startChild(b, "single", "", "--data", data, "--log-format", "json", "extract"))
		}
		for _, w := range ws {
			if err := w.wait(30 * time.Minute); err != nil {
				b.Fatalf("%s: %v\n%s", w.name, err, w.log())
			}
		}
		return time.Since(start)
	}
	b.ResetTimer()
	for range b.N {
		single := copyData()
		tSingle := run(single, 0)
		want := recordLines(b, single)
		b.Logf("%d pages in %d WARC files: single-machine extract %.2f s (%d records)", pages, len(files), tSingle.Seconds(), len(want))
		for _, n := range []int{1, 2} {
			data := copyData()
			d := run(data, n)
			if got := recordLines(b, data); !slices.Equal(got, want) {
				b.Errorf("%d workers: %d records, not the single machine's %d", n, len(got), len(want))
			}
			b.Logf("extract --state, %d worker process(es): %.2f s (%.2fx the single machine)", n, d.Seconds(), d.Seconds()/tSingle.Seconds())
			b.ReportMetric(d.Seconds(), fmt.Sprintf("s/%dworkers", n))
		}
		b.ReportMetric(tSingle.Seconds(), "s/single")
	}
}

// TestExtract_stateUsage: --state without --worker, --worker without
// --state, --state with --html and a --state that is not a Redis URL are
// usage errors, caught before any work.
func TestExtract_stateUsage(t *testing.T) {
	dir := t.TempDir()
	for _, args := range [][]string{
		{"--state", "redis://127.0.0.1:1/0"},
		{"--worker", "w1"},
		{"--state", "redis://127.0.0.1:1/0", "--worker", "w1", "--html", "-"},
		{"--state", "http://127.0.0.1:1/", "--worker", "w1"},
	} {
		_, errOut, code := rankfile(t, append([]string{"--data", dir, "extract"}, args...)...)
		if code != exitUsage {
			t.Errorf("extract %v: exit %d %s; want %d", args, code, errOut, exitUsage)
		}
	}
}
