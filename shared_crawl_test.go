package main

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"rankfile/archive"
	"rankfile/crawl"
	"rankfile/crawlstate"
	"rankfile/internal/genweb"
	"rankfile/internal/redistest"
	"rankfile/record"
)

// sharedWorkerEnv makes the test binary a child running the rankfile
// command line it holds (JSON), its crawls reaching the generated web at
// the address in sharedWebEnv.
const (
	sharedWorkerEnv = "RANKFILE_SHARED_WORKER_ARGS"
	sharedWebEnv    = "RANKFILE_SHARED_WEB"
)

// TestSharedWorkerChild is the child side of TestSharedCrawl_workers.
func TestSharedWorkerChild(t *testing.T) {
	raw := os.Getenv(sharedWorkerEnv)
	if raw == "" {
		t.Skip("run by TestSharedCrawl_workers as a child process")
	}
	var args []string
	if err := json.Unmarshal([]byte(raw), &args); err != nil {
		t.Fatal(err)
	}
	addr := os.Getenv(sharedWebEnv)
	dial := func(ctx context.Context, network, a string) (net.Conn, error) {
		host, _, err := net.SplitHostPort(a)
		if err != nil || !strings.HasSuffix(host, ".test") {
			return nil, &net.AddrError{Err: "not a host of the generated web", Addr: a}
		}
		var d net.Dialer
		return d.DialContext(ctx, "tcp", addr)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	app := newApp(os.Stdout, os.Stderr)
	app.Metadata[transportKey] = crawl.DefaultTransport(dial)
	os.Exit(runApp(ctx, app, append([]string{"rankfile"}, args...), os.Stderr))
}

// worker is a child process running `rankfile crawl --state`.
type worker struct {
	name string
	cmd  *exec.Cmd
	mu   sync.Mutex
	cond *sync.Cond
	// what its log said so far
	captures    int
	unreachable bool
	lines       []string
	ended       bool          // its log ended
	done        chan struct{} // its log ended
}

func startWorker(t *testing.T, name, data, sites, state, web string) *worker {
	t.Helper()
	return startChild(t, name, web, "--data", data, "--log-format", "json", "--verbose", "crawl",
		"--sites", sites, "--state", state, "--worker", name, "--lease", "3s", "--timeout", "20s")
}

// startChild runs the command line args in a child process (the test
// binary running the CLI) whose log the worker follows; web is where its
// crawls reach the generated web ("" for none).
func startChild(t testing.TB, name, web string, args ...string) *worker {
	t.Helper()
	raw, _ := json.Marshal(args)
	cmd := exec.Command(os.Args[0], "-test.run=^TestSharedWorkerChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), sharedWorkerEnv+"="+string(raw), sharedWebEnv+"="+web)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	w := &worker{name: name, cmd: cmd, done: make(chan struct{})}
	w.cond = sync.NewCond(&w.mu)
	go func() {
		defer close(w.done)
		sc := bufio.NewScanner(stderr)
		sc.Buffer(nil, 1<<20)
		for sc.Scan() {
			var l struct{ Msg, Component string }
			json.Unmarshal(sc.Bytes(), &l)
			w.mu.Lock()
			w.lines = append(w.lines, sc.Text())
			switch {
			case l.Msg == "url archived" && l.Component == "archive":
				w.captures++
			case strings.HasPrefix(l.Msg, "redis unreachable"):
				w.unreachable = true
			}
			w.cond.Broadcast()
			w.mu.Unlock()
		}
		w.mu.Lock()
		w.ended = true
		w.cond.Broadcast()
		w.mu.Unlock()
	}()
	return w
}

// waitFor blocks until ok holds of the worker's log so far, and fails the
// test if the log ends first.
func (w *worker) waitFor(t *testing.T, what string, ok func(*worker) bool) {
	t.Helper()
	w.mu.Lock()
	defer w.mu.Unlock()
	for !ok(w) {
		if w.ended {
			t.Fatalf("worker %s ended before %s; its log:\n%s", w.name, what, strings.Join(w.lines, "\n"))
		}
		w.cond.Wait()
	}
}

// wait waits for the worker to exit, at most d (a hung crawl fails the
// test with the state and the worker's log rather than the test timing out).
func (w *worker) wait(d time.Duration) error {
	exited := make(chan error, 1)
	go func() { exited <- w.cmd.Wait() }()
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case err := <-exited:
		return err
	case <-t.C:
		w.cmd.Process.Kill()
		return fmt.Errorf("still running after %v", d)
	}
}

func (w *worker) log() string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return strings.Join(w.lines, "\n")
}

// TestSharedCrawl_workers is the shared crawl's acceptance test: Redis on
// loopback, three worker processes crawling a generated web of 200 hosts
// (five pages each, 300 ms apart per host, one at a time). One worker is
// killed with SIGKILL mid-crawl and Redis is killed and restarted
// mid-crawl; the other two finish the crawl. Merged, the workers' archives
// hold every page once (but for what the killed worker had in flight), and
// no host was asked faster than its delay, whichever worker asked.
func TestSharedCrawl_workers(t *testing.T) {
	if testing.Short() {
		t.Skip("runs three crawl workers and a Redis server")
	}
	srv := redistest.Start(t)
	web := genweb.Start(200, 5, 2000)
	defer web.Close()
	const delay = 300 * time.Millisecond
	dir := t.TempDir()
	sites := filepath.Join(dir, "sites.yaml")
	if err := os.WriteFile(sites, web.SitesFile(delay, 1), 0o644); err != nil {
		t.Fatal(err)
	}
	data := filepath.Join(dir, "data")
	var ws []*worker
	for _, name := range []string{"w0", "w1", "w2"} {
		ws = append(ws, startWorker(t, name, data, sites, srv.URL(), web.Addr()))
	}
	defer func() {
		for _, w := range ws {
			w.cmd.Process.Kill()
		}
	}()

	// kill w0 after its 60th capture, once all three are crawling, and note
	// what it held
	for _, w := range ws[1:] {
		w.waitFor(t, "its first capture", func(w *worker) bool { return w.captures >= 1 })
	}
	ws[0].waitFor(t, "60 captures", func(w *worker) bool { return w.captures >= 60 })
	if err := ws[0].cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	ws[0].cmd.Wait()
	inFlight := leasedBy(t, srv.URL(), "w0")
	t.Logf("w0 killed after %d captures, holding %d leases: %v", ws[0].captures, len(inFlight), inFlight)
	w0Held := len(inFlight)
	st := sharedStatusOf(t, srv.URL())
	if len(st.Workers) != 3 || st.Workers[0].Name != "w0" || st.Workers[0].Leases != int64(w0Held) || st.Finished != nil {
		t.Errorf("status after w0's kill: %+v; want three workers, w0 holding %d leases, not finished", st, w0Held)
	}

	// a crawl of another sites file is refused while this one is under way
	other := filepath.Join(dir, "other.yaml")
	if err := os.WriteFile(other, web.SitesFile(time.Second, 1), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, errOut, code := rankfile(t, "--data", data, "crawl", "--sites", other, "--state", srv.URL(), "--worker", "w9"); code == 0 || !strings.Contains(errOut, "another crawl") {
		t.Errorf("a crawl of another sites file on the same state: exit %d, %s; want refused", code, errOut)
	}

	// kill Redis once the others have archived 150 more, wait for both to
	// notice, and start it again
	ws[1].waitFor(t, "75 captures", func(w *worker) bool { return w.captures >= 75 })
	ws[2].waitFor(t, "75 captures", func(w *worker) bool { return w.captures >= 75 })
	// what w1 and w2 hold when Redis goes is in flight too: should Redis be
	// back only after their leases ran out, those are fetched again
	for _, w := range []string{"w1", "w2"} {
		for u := range leasedBy(t, srv.URL(), w) {
			inFlight[u] = true
		}
	}
	srv.Kill()
	for _, w := range ws[1:] {
		w.waitFor(t, "noticing Redis gone", func(w *worker) bool { return w.unreachable })
	}
	srv.Restart()

	for _, w := range ws[1:] {
		if err := w.wait(3 * time.Minute); err != nil {
			dumpHost(t, srv.URL(), "h0.test")
			lines := strings.Split(w.log(), "\n")
			t.Fatalf("worker %s: %v; the end of its log:\n%s", w.name, err, strings.Join(lines[max(len(lines)-40, 0):], "\n"))
		}
		<-w.done
		if !strings.Contains(w.log(), "redis is back") {
			t.Errorf("worker %s did not log Redis coming back", w.name)
		}
	}

	st = sharedStatusOf(t, srv.URL())
	if st.Finished == nil || st.Frontier != 0 || st.Leased != 0 || st.Expired < int64(w0Held) || st.Done < int64(len(web.URLs())) {
		t.Errorf("status at the end: %+v; want finished, nothing queued or leased, w0's %d leases run out, every page done", st, w0Held)
	}

	main := filepath.Join(dir, "merged")
	if out, errOut, code := rankfile(t, "--data", main, "--quiet", "archive", "merge", data); code != 0 {
		t.Fatalf("archive merge: exit %d\n%s\n%s", code, out, errOut)
	}
	arc, err := archive.OpenReadOnly(filepath.Join(main, "archive"))
	if err != nil {
		t.Fatal(err)
	}
	defer arc.Close()
	got := map[string][]string{}
	if err := arc.Captures(context.Background(), func(c record.Capture) error {
		got[c.URL] = append(got[c.URL], c.File)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	for _, u := range web.URLs() {
		switch n := len(got[u]); {
		case n == 0:
			t.Errorf("%s was never archived", u)
			dumpHost(t, srv.URL(), strings.Split(u, "/")[2])
			for _, w := range ws {
				for _, l := range strings.Split(w.log(), "\n") {
					if strings.Contains(l, strings.Split(u, "/")[2]+"/") || strings.Contains(l, "redis") {
						t.Logf("%s: %s", w.name, l)
					}
				}
			}
			t.FailNow()
		case n > 1 && !inFlight[u]:
			t.Errorf("%s archived %d times (%v), and it was not in flight when w0 or Redis was killed", u, n, got[u])
		}
	}
	workers := map[string]int{}
	for _, files := range got {
		for _, f := range files {
			for _, w := range []string{"w0", "w1", "w2"} {
				if strings.Contains(f, "-"+w+"-") {
					workers[w]++
				}
			}
		}
	}
	if len(workers) != 3 {
		t.Errorf("captures by worker in the merged archive: %v; want all three workers' files", workers)
	}
	if bad := web.Impolite(delay); len(bad) > 0 {
		t.Errorf("%d requests broke politeness; first: %s", len(bad), bad[0])
	}
}

// leasedBy lists the URLs worker holds leases on in the crawl under way.
func leasedBy(t *testing.T, url, worker string) map[string]bool {
	t.Helper()
	opt, err := redis.ParseURL(url)
	if err != nil {
		t.Fatal(err)
	}
	rdb := redis.NewClient(opt)
	defer rdb.Close()
	ctx := context.Background()
	id, err := rdb.HGet(ctx, "rankfile:crawl", "crawl_id").Result()
	if err != nil {
		t.Fatal(err)
	}
	leases, err := rdb.HGetAll(ctx, "rankfile:"+id+":lease").Result()
	if err != nil {
		t.Fatal(err)
	}
	held := map[string]bool{}
	for _, v := range leases {
		parts := strings.SplitN(v, "\n", 3)
		var q crawl.Queued
		if len(parts) == 3 && parts[1] == worker && json.Unmarshal([]byte(parts[2]), &q) == nil {
			held[q.URL] = true
		}
	}
	return held
}

// sharedStatusOf runs `rankfile status --state URL --json`.
func sharedStatusOf(t *testing.T, url string) *crawlstate.Status {
	t.Helper()
	out, errOut, code := rankfile(t, "status", "--state", url, "--json")
	if code != 0 {
		t.Fatalf("status --state: exit %d: %s", code, errOut)
	}
	var st crawlstate.Status
	if err := json.Unmarshal([]byte(out), &st); err != nil {
		t.Fatalf("status --state --json: %v\n%s", err, out)
	}
	return &st
}

// dumpHost logs what the state holds of host, and of the crawl, for a
// failure's diagnosis.
func dumpHost(t *testing.T, url, host string) {
	t.Helper()
	opt, _ := redis.ParseURL(url)
	rdb := redis.NewClient(opt)
	defer rdb.Close()
	ctx := context.Background()
	id := rdb.HGet(ctx, "rankfile:crawl", "crawl_id").Val()
	p := "rankfile:" + id + ":"
	t.Logf("crawl %v", rdb.HGetAll(ctx, "rankfile:crawl").Val())
	t.Logf("host %s: %v queue %v zscore %v", host, rdb.HGetAll(ctx, p+"host:"+host).Val(), rdb.LRange(ctx, p+"q:"+host, 0, -1).Val(), rdb.ZScore(ctx, p+"hosts", host).Val())
	t.Logf("stats %v leases %v hosts %v", rdb.HGetAll(ctx, p+"stats").Val(), rdb.HGetAll(ctx, p+"lease").Val(), rdb.ZRangeWithScores(ctx, p+"hosts", 0, -1).Val())
	t.Logf("meta %v workers %v wleases %v", rdb.HGetAll(ctx, p+"meta").Val(), rdb.HGetAll(ctx, p+"workers").Val(), rdb.HGetAll(ctx, p+"wleases").Val())
}

// TestCrawl_stateUsage: --state and --worker go together, and --state
// must be a Redis URL; each mistake is a usage error, before anything runs.
func TestCrawl_stateUsage(t *testing.T) {
	dir := t.TempDir()
	for _, args := range [][]string{
		{"--state", "redis://127.0.0.1:1/0"},
		{"--worker", "w1"},
		{"--state", "http://127.0.0.1:1/", "--worker", "w1"},
	} {
		_, errOut, code := rankfile(t, append([]string{"--data", dir, "crawl", "--sites", filepath.Join(dir, "sites.yaml")}, args...)...)
		if code != exitUsage {
			t.Errorf("crawl %v: exit %d %s; want %d", args, code, errOut, exitUsage)
		}
	}
}
