package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
)

// childEnv makes the test binary run as the rankfile command, with the
// arguments after "--": the README's command lines run it as they would
// run the installed binary, without a build.
const childEnv = "RANKFILE_CHILD"

// TestRankfileChild is the rankfile command when run by installRankfile's script.
func TestRankfileChild(t *testing.T) {
	if os.Getenv(childEnv) != "1" {
		t.Skip("run as the rankfile command by the README's command lines")
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, append([]string{"rankfile"}, flag.Args()...), os.Stdout, os.Stderr)
	stop()
	if path := os.Getenv("RANKFILE_CHILD_MEMSTATS"); path != "" {
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		data, _ := json.Marshal(childMemStats{HeapSys: ms.HeapSys, TotalAlloc: ms.TotalAlloc})
		os.WriteFile(path, data, 0o644)
	}
	os.Exit(code)
}

// installRankfile writes an executable "rankfile" into dir that runs this
// test binary as the command, and returns its path.
func installRankfile(t *testing.T, dir string) string {
	t.Helper()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "rankfile")
	script := fmt.Sprintf("#!/bin/sh\n%s=1 exec '%s' -test.run='^TestRankfileChild$' -- \"$@\"\n", childEnv, exe)
	if err := os.WriteFile(path, []byte(script), 0o755); err != nil {
		t.Fatal(err)
	}
	return path
}

// readmeBlocks returns the code blocks of the README fenced as lang that
// follow the heading, up to the next heading of any level.
func readmeBlocks(t *testing.T, heading, lang string) []string {
	t.Helper()
	data, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(data), "\n"+heading+"\n")
	if !ok {
		t.Fatalf("README has no heading %q", heading)
	}
	if i := strings.Index(section, "\n##"); i >= 0 {
		section = section[:i]
	}
	var blocks []string
	for _, m := range regexp.MustCompile("(?s)```"+lang+"\n(.*?)```").FindAllStringSubmatch(section, -1) {
		blocks = append(blocks, m[1])
	}
	if len(blocks) == 0 {
		t.Fatalf("README's %q has no %s block", heading, lang)
	}
	return blocks
}

// cronWeb is a small caucus site: / links to /a and /b (and to /slow
// when slow is set); /b fails with 503 while failing is set, and /slow
// answers once release is closed, after signalling arrived.
type cronWeb struct {
	failing, slow atomic.Bool
	arrived       chan struct{}
	release       chan struct{}
	once          sync.Once
}

func (w *cronWeb) ServeHTTP(rw http.ResponseWriter, r *http.Request) {
	rw.Header().Set("Content-Type", "text/html; charset=utf-8")
	switch r.URL.Path {
	case "/":
		links := `<a href="/a">minutes</a> <a href="/b">bulletin</a>`
		if w.slow.Load() {
			links += ` <a href="/slow">slow</a>`
		}
		fmt.Fprintf(rw, "<html><head><title>Cron Caucus</title></head><body><h1>Cron Caucus</h1><p>Rank-and-file teachers meet monthly.</p>%s</body></html>", links)
	case "/a", "/b", "/slow":
		if r.URL.Path == "/b" && w.failing.Load() {
			rw.Header().Set("Retry-After", "0")
			http.Error(rw, "overloaded", http.StatusServiceUnavailable)
			return
		}
		if r.URL.Path == "/slow" {
			w.once.Do(func() { close(w.arrived) })
			<-w.release
		}
		fmt.Fprintf(rw, "<html><body><article><h1>Page %s</h1><p>The caucus voted on the contract and on the bargaining committee's report about class sizes.</p></article></body></html>", r.URL.Path)
	default:
		http.NotFound(rw, r)
	}
}

// runSh runs command with sh -c in dir, as cron does, and returns what it
// printed (what cron would mail) and its exit code.
func runSh(t *testing.T, dir, command string) (string, int) {
	t.Helper()
	cmd := exec.Command("sh", "-c", command)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "RANKFILE_DATA=")
	out, err := cmd.CombinedOutput()
	return string(out), exitStatus(t, err)
}

func exitStatus(t *testing.T, err error) int {
	t.Helper()
	var ee *exec.ExitError
	switch {
	case err == nil:
		return 0
	case errors.As(err, &ee):
		return ee.ExitCode()
	}
	t.Fatal(err)
	return -1
}

// summaryLine is the crawl's JSON summary log line.
type summaryLine struct {
	Msg                                  string
	Sites, Fetched, New, Changed, Failed int
	ExitCode                             int `json:"exit_code"`
}

// jsonLog reads a JSON log: every line must be a JSON object. It returns
// the crawl summaries in it.
func jsonLog(t *testing.T, path string) []summaryLine {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var sums []summaryLine
	sc := bufio.NewScanner(f)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var l summaryLine
		if err := json.Unmarshal(sc.Bytes(), &l); err != nil {
			t.Errorf("%s: a line that is not JSON: %q", filepath.Base(path), sc.Text())
			continue
		}
		if l.Msg == "crawl summary" {
			sums = append(sums, l)
		}
	}
	return sums
}

// cronSetup serves a cronWeb and lays out /srv/rankfile in a temporary
// directory: the sites file and an installed rankfile. It returns the web,
// the directory and a replacer that points the README's paths there.
func cronSetup(t *testing.T) (*cronWeb, *httptest.Server, string, *strings.Replacer) {
	t.Helper()
	web := &cronWeb{arrived: make(chan struct{}), release: make(chan struct{})}
	srv := httptest.NewServer(web)
	t.Cleanup(srv.Close)
	root := t.TempDir()
	bin := installRankfile(t, root)
	sites := "defaults: {delay: 0s}\nsites:\n  - name: Cron Caucus\n    kind: caucus\n    seeds: [" + srv.URL + "/]\n"
	if err := os.WriteFile(filepath.Join(root, "sites.yaml"), []byte(sites), 0o644); err != nil {
		t.Fatal(err)
	}
	return web, srv, root, strings.NewReplacer("/usr/local/bin/rankfile", bin, "/srv/rankfile", root)
}

// TestREADME_cron runs the README's crontab lines as cron would (sh -c,
// what they print being what cron mails): a good night prints nothing and
// logs JSON only, with one summary line; a night with a failed page exits
// 3 and prints the exit code and status, which names the page; the monitor
// line prints nothing while a crawl runs normally, and status exits 0.
func TestREADME_cron(t *testing.T) {
	web, srv, root, paths := cronSetup(t)
	var crawlCmd, monitorCmd string
	for _, line := range strings.Split(readmeBlocks(t, "### Nightly crawl from cron", "cron")[0], "\n") {
		m := regexp.MustCompile(`^\S+\s+\S+\s+\S+\s+\S+\s+\S+\s+(.*)$`).FindStringSubmatch(line)
		if m == nil || strings.HasPrefix(line, "#") || strings.HasPrefix(line, "MAILTO=") {
			continue
		}
		switch cmd := paths.Replace(m[1]); {
		case strings.Contains(cmd, " crawl "):
			crawlCmd = cmd
		case strings.Contains(cmd, " status"):
			monitorCmd = cmd
		}
	}
	if crawlCmd == "" || monitorCmd == "" {
		t.Fatalf("README's crontab: crawl line %q, monitor line %q", crawlCmd, monitorCmd)
	}
	logFile := filepath.Join(root, "crawl.log")

	out, code := runSh(t, root, crawlCmd)
	if code != 0 || out != "" {
		t.Errorf("a good night: exit %d, printed %q; want 0 and nothing for cron to mail", code, out)
	}
	sums := jsonLog(t, logFile)
	if len(sums) != 1 || sums[0].ExitCode != 0 || sums[0].Sites != 1 || sums[0].New < 3 || sums[0].Failed != 0 {
		t.Errorf("summary lines after one good night: %+v; want one, with the site, its new pages and exit 0", sums)
	}
	if out, code := runSh(t, root, monitorCmd); code != 0 || out != "" {
		t.Errorf("monitor after a good night: exit %d, printed %q; want nothing", code, out)
	}

	web.failing.Store(true)
	out, code = runSh(t, root, crawlCmd)
	if code != exitPartial || !strings.Contains(out, "rankfile crawl exited 3") || !strings.Contains(out, "failed: "+srv.URL+"/b (http_503") {
		t.Errorf("a night with a failing page: exit %d, printed %q; want exit 3 and the failed page named in the mail", code, out)
	}
	sums = jsonLog(t, logFile)
	if len(sums) != 2 || sums[1].ExitCode != exitPartial || sums[1].Failed != 1 || sums[1].Changed != 0 {
		t.Errorf("summary lines after two nights: %+v; want a second with 1 failed and exit 3", sums)
	}
	if out, code := runSh(t, root, monitorCmd); code != 0 || !strings.Contains(out, "attention") || !strings.Contains(out, "1 fetches failed") {
		t.Errorf("monitor after a failing night: exit %d, printed %q; want the attention mailed", code, out)
	}
	reports, _ := filepath.Glob(filepath.Join(root, "data", "reports", "*.json"))
	if len(reports) != 2 {
		t.Fatalf("%d reports kept, want 2", len(reports))
	}
	naming := 0 // reports naming /b as failed with its reason
	for _, path := range reports {
		var report struct {
			Sites []struct {
				FailedURLs []struct{ URL, Reason string } `json:"failed_urls"`
			}
		}
		data, _ := os.ReadFile(path)
		if err := json.Unmarshal(data, &report); err != nil {
			t.Fatal(err)
		}
		for _, s := range report.Sites {
			for _, f := range s.FailedURLs {
				if f.URL == srv.URL+"/b" && f.Reason == "http_503" {
					naming++
				}
			}
		}
	}
	if naming != 1 {
		t.Errorf("%d reports name %s/b as failed with http_503, want the failing night's", naming, srv.URL)
	}

	// a crawl running now, held up on /slow: the monitor stays quiet and status exits 0
	web.failing.Store(false)
	web.slow.Store(true)
	crawl := exec.Command("sh", "-c", crawlCmd)
	crawl.Dir = root
	if err := crawl.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- crawl.Wait() }()
	select {
	case <-web.arrived:
	case err := <-done:
		t.Fatalf("the crawl ended (%v) before it fetched /slow", err)
	}
	out, code = runSh(t, root, monitorCmd)
	statusOut, _, statusCode := rankfile(t, "--data", filepath.Join(root, "data"), "status")
	statusJSON, _, _ := rankfile(t, "--data", filepath.Join(root, "data"), "status", "--json")
	close(web.release)
	var st struct {
		LastCrawl struct {
			Running  bool
			Finished bool
			PID      int
		} `json:"last_crawl"`
		Attention []string
	}
	if err := json.Unmarshal([]byte(statusJSON), &st); err != nil || !st.LastCrawl.Running || st.LastCrawl.Finished || st.LastCrawl.PID == 0 || len(st.Attention) != 0 {
		t.Errorf("status --json during a running crawl: %+v (%v), want running, with its pid, and nothing to attend to", st, err)
	}
	if code != 0 || out != "" {
		t.Errorf("monitor during a running crawl: exit %d, printed %q; want nothing", code, out)
	}
	if statusCode != exitOK || !regexp.MustCompile(`started \S+, running now \(pid \d+\)`).MatchString(statusOut) {
		t.Errorf("status during a running crawl: exit %d\n%s\nwant exit 0 and the crawl running now", statusCode, statusOut)
	}
	if code := exitStatus(t, <-done); code != 0 {
		t.Errorf("the crawl held up on /slow: exit %d", code)
	}
}

// TestREADME_systemd runs the README's systemd service as systemd would:
// ExecStart's command without a shell, under the unit's UMask. It exits 0
// with the summary line last on stderr (the journal), leaves every file
// readable by the group and by no one else, and exits 3 on a night with a
// failing page.
func TestREADME_systemd(t *testing.T) {
	web, _, root, paths := cronSetup(t)
	var execStart, umask string
	for _, block := range readmeBlocks(t, "### Or a systemd timer", "ini") {
		for _, line := range strings.Split(block, "\n") {
			if v, ok := strings.CutPrefix(line, "ExecStart="); ok && strings.Contains(v, " crawl ") {
				execStart = paths.Replace(v)
			}
			if v, ok := strings.CutPrefix(line, "UMask="); ok {
				umask = v
			}
		}
	}
	if execStart == "" || umask == "" {
		t.Fatalf("README's service: ExecStart %q, UMask %q", execStart, umask)
	}
	start := func() (string, int) {
		// sh only sets the umask, as systemd does, then execs the command
		cmd := exec.Command("sh", append([]string{"-c", "umask " + umask + " && exec \"$@\"", "sh"}, strings.Fields(execStart)...)...)
		cmd.Env = append(os.Environ(), "RANKFILE_DATA=")
		var stderr strings.Builder
		cmd.Stderr = &stderr
		err := cmd.Run()
		return stderr.String(), exitStatus(t, err)
	}
	summary := regexp.MustCompile(`(?m)^rankfile crawl [0-9a-f]+: 1 sites, \d+ fetched, (\d+) new, 0 changed, (\d+) failed, exit (\d+)\n\z`)
	journal, code := start()
	if m := summary.FindStringSubmatch(journal); code != 0 || m == nil || m[1] == "0" || m[2] != "0" || m[3] != "0" {
		t.Errorf("service run: exit %d, journal:\n%s\nwant exit 0 and the summary line last", code, journal)
	}
	data := filepath.Join(root, "data")
	filepath.WalkDir(data, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		info, err := d.Info()
		if err != nil || strings.HasSuffix(path, ".lock") { // lock files hold no data
			return err
		}
		if m := info.Mode().Perm(); m&0o040 == 0 || m&0o007 != 0 || (d.IsDir() && m&0o010 == 0) {
			t.Errorf("%s: mode %v under UMask=%s; want it readable by the group and by no one else", strings.TrimPrefix(path, root), m, umask)
		}
		return nil
	})
	web.failing.Store(true)
	journal, code = start()
	if m := summary.FindStringSubmatch(journal); code != exitPartial || m == nil || m[2] != "1" || m[3] != "3" {
		t.Errorf("service run with a failing page: exit %d, journal:\n%s\nwant exit 3 and the summary saying so", code, journal)
	}
}

// TestUsage: unknown flags, commands and subcommands exit 2, as the README
// documents; global flags may follow the command; a JSON log stays JSON
// even for a usage error.
func TestUsage(t *testing.T) {
	dir, _ := demo()
	for _, args := range [][]string{{"--bogus", "status"}, {"bogus"}, {"status", "--bogus"}, {"archive", "bogus"}, {"search", "--bogus", "x"}} {
		if _, errOut, code := rankfile(t, args...); code != exitUsage || !strings.Contains(errOut, "usage") {
			t.Errorf("rankfile %s: exit %d %q, want %d", strings.Join(args, " "), code, errOut, exitUsage)
		}
	}
	for _, args := range [][]string{{"status", "--data", dir}, {"status", "--data=" + dir, "--json"}, {"-q", "search", "--data", dir, "vouchers"}} {
		if out, errOut, code := rankfile(t, args...); code != 0 || (args[0] != "-q" && out == "") {
			t.Errorf("rankfile %s: exit %d %q %q, want the global flag taken after the command", strings.Join(args, " "), code, out, errOut)
		}
	}
	_, errOut, code := rankfile(t, "--log-format", "json", "status", "--bogus")
	for _, l := range strings.Split(strings.TrimSpace(errOut), "\n") {
		if !json.Valid([]byte(l)) {
			t.Errorf("a JSON log holds %q", l)
		}
	}
	if code != exitUsage {
		t.Errorf("usage error with a JSON log: exit %d", code)
	}
}
