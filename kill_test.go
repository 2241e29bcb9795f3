package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"rankfile/archive"
	"rankfile/record"
)

// killChildEnv makes the test binary a child running `rankfile demo` into
// the data directory it names, logging as JSON on stderr, until killed.
const killChildEnv = "RANKFILE_KILL_CHILD_DATA"

// TestKillChild is the child side of TestDemo_SIGKILL. Its log goes to
// stderr through a gate: after each line it waits for the parent to
// acknowledge it on stdin, so the parent's kill lands right after the line
// it chose however loaded the machine is, not some captures later or after
// the child has exited.
func TestKillChild(t *testing.T) {
	dir := os.Getenv(killChildEnv)
	if dir == "" {
		t.Skip("run by TestDemo_SIGKILL as a child process")
	}
	log := &gatedWriter{w: os.Stderr, acks: os.Stdin}
	code := run(context.Background(), []string{"rankfile", "--verbose", "--log-format", "json", "--data", dir, "demo"}, io.Discard, log)
	os.Exit(code)
}

// gatedWriter writes to w, then reads one byte from acks per line written.
// slog writes a record under its handler's lock, so every other goroutine
// that logs waits too.
type gatedWriter struct {
	w    io.Writer
	acks io.Reader
}

func (g *gatedWriter) Write(p []byte) (int, error) {
	n, err := g.w.Write(p)
	if err != nil {
		return n, err
	}
	_, err = io.ReadFull(g.acks, make([]byte, bytes.Count(p, []byte("\n"))))
	return n, err
}

// logLine is a JSON log line of the child, the fields the test reads.
type logLine struct {
	Msg       string `json:"msg"`
	Component string `json:"component"`
	URL       string `json:"url"`
	File      string `json:"warc_file"`
	Offset    int64  `json:"warc_offset"`
}

// killPoint says when to kill the child: after the n-th capture the
// archive logs, or at the first line with message msg.
type killPoint struct {
	captures int
	msg      string
}

func (k killPoint) String() string {
	if k.msg != "" {
		return "at " + strconv.Quote(k.msg)
	}
	return fmt.Sprintf("after capture %d", k.captures)
}

// killedDemo runs the demo into dir in a child process and kills it with
// SIGKILL at point k, while the child waits for its line to be
// acknowledged. It returns every capture the archive logged as written
// before the child died.
func killedDemo(t *testing.T, dir string, k killPoint) []logLine {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^TestKillChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), killChildEnv+"="+dir)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		t.Fatal(err)
	}
	acks, err := cmd.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	var logged []logLine
	killed := false
	sc := bufio.NewScanner(stderr)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var l logLine
		if json.Unmarshal(sc.Bytes(), &l) == nil && l.Msg == "url archived" && l.Component == "archive" {
			logged = append(logged, l)
		}
		if !killed && ((k.captures > 0 && len(logged) == k.captures) || (k.msg != "" && l.Msg == k.msg)) {
			if err := cmd.Process.Kill(); err != nil {
				t.Fatal(err)
			}
			killed = true
		}
		if !killed {
			acks.Write([]byte{1}) // the child goes on to its next line
		}
	}
	acks.Close()
	err = cmd.Wait()
	if !killed {
		t.Fatalf("the demo ended (%v) before the kill point %s, after %d captures", err, k, len(logged))
	}
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != -1 {
		t.Fatalf("the child did not die of the kill: %v", err)
	}
	return logged
}

// TestDemo_SIGKILL kills `rankfile demo` at many points of a crawl and of
// the extraction and indexing after it, then runs the demo again. Each time
// the archive must pass `rankfile archive check`, hold every capture logged
// before the kill at the place logged, and hold no URL twice within one
// crawl (the resumed run keeps the crawl id and fetches only what is
// missing).
func TestDemo_SIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("runs the demo in child processes")
	}
	tests := []struct {
		name  string
		kills []killPoint // one child per kill, in turn, before the final run
	}{
		{"capture 1", []killPoint{{captures: 1}}},
		{"capture 2", []killPoint{{captures: 2}}},
		{"capture 5", []killPoint{{captures: 5}}},
		{"capture 10", []killPoint{{captures: 10}}},
		{"capture 20", []killPoint{{captures: 20}}},
		{"capture 30", []killPoint{{captures: 30}}},
		{"crawl finished, extraction starting", []killPoint{{msg: "crawl finished"}}},
		{"extracted, indexing starting", []killPoint{{msg: "extracted"}}},
		{"indexed, archive not closed", []killPoint{{msg: "indexed"}}},
		{"resumed crawl killed too", []killPoint{{captures: 8}, {captures: 8}, {captures: 3}}},
		{"recrawl after an interrupted extraction killed", []killPoint{{msg: "extracted"}, {captures: 10}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			dir := t.TempDir()
			var logged []logLine
			for _, k := range tt.kills {
				logged = append(logged, killedDemo(t, dir, k)...)
			}
			if _, errOut, code := rankfile(t, "--data", dir, "demo"); code != 0 {
				t.Fatalf("demo after the kill: exit %d\n%s", code, errOut)
			}
			if out, errOut, code := rankfile(t, "--data", dir, "archive", "check"); code != 0 {
				t.Fatalf("archive check: exit %d\n%s%s", code, out, errOut)
			}
			checkLogged(t, filepath.Join(dir, "archive"), logged)
			checkOncePerCrawl(t, filepath.Join(dir, "archive"))
			checkRecords(t, dir)
		})
	}
}

// checkLogged looks up every capture logged before a kill in the archive's
// index, at the file and offset logged.
func checkLogged(t *testing.T, dir string, logged []logLine) {
	t.Helper()
	arc, err := archive.Open(dir, archive.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer arc.Close()
	for _, l := range logged {
		es, err := arc.Lookup(l.URL)
		if err != nil {
			t.Fatal(err)
		}
		found := false
		for _, e := range es {
			found = found || (e.File == l.File && e.Offset == l.Offset)
		}
		if !found {
			t.Errorf("%s, logged as archived at %s offset %d before the kill, is not in the archive (%d captures of it)",
				l.URL, l.File, l.Offset, len(es))
		}
	}
}

// checkRecords compares the records of dir with those of an uninterrupted
// demo: every record the demo extracts must be there, none lost to the kill.
func checkRecords(t *testing.T, dir string) {
	t.Helper()
	whole, _ := demo()
	ids := func(dir string) map[string]bool {
		recs, err := record.ReadFile(filepath.Join(dir, "records", "records.jsonl"))
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]bool{}
		for _, r := range recs {
			m[r.ID] = true
		}
		return m
	}
	got := ids(dir)
	for id := range ids(whole) {
		if !got[id] {
			t.Errorf("record %s of an uninterrupted demo is missing after the kill and the demo run again", id)
		}
	}
}

// crawlIDRE takes the crawl id out of a WARC file name.
var crawlIDRE = regexp.MustCompile(`^rankfile-([^-]+)-\d{14}-\d{5,}\.warc\.gz$`)

// statusRE reads the status code of a response or revisit block.
var statusRE = regexp.MustCompile(`^HTTP/\d(?:\.\d)? (\d{3})`)

// checkOncePerCrawl reads every WARC file and fails on a URL captured more
// than once within one crawl, unless a capture of it was a server error or
// a 429, which a crawl tries again.
func checkOncePerCrawl(t *testing.T, dir string) {
	t.Helper()
	names, err := filepath.Glob(filepath.Join(dir, "rankfile-*.warc.gz"))
	if err != nil {
		t.Fatal(err)
	}
	type capture struct {
		file   string
		offset int64
		status int
	}
	byCrawl := map[string]map[string][]capture{}
	for _, path := range names {
		m := crawlIDRE.FindStringSubmatch(filepath.Base(path))
		if m == nil {
			t.Errorf("WARC file %s not named rankfile-<crawl id>-<timestamp>-<serial>.warc.gz", filepath.Base(path))
			continue
		}
		if byCrawl[m[1]] == nil {
			byCrawl[m[1]] = map[string][]capture{}
		}
		f, err := os.Open(path)
		if err != nil {
			t.Fatal(err)
		}
		rd := archive.NewReader(f)
		for {
			rec, err := rd.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatalf("%s: %v", filepath.Base(path), err)
			}
			if rec.Type() != archive.TypeResponse && rec.Type() != archive.TypeRevisit {
				continue
			}
			head := make([]byte, 16)
			n, _ := io.ReadFull(rec.Body, head)
			c := capture{file: filepath.Base(path), offset: rec.Offset}
			if sm := statusRE.FindSubmatch(head[:n]); sm != nil {
				c.status, _ = strconv.Atoi(string(sm[1]))
			}
			byCrawl[m[1]][rec.TargetURI()] = append(byCrawl[m[1]][rec.TargetURI()], c)
		}
		f.Close()
	}
	for id, urls := range byCrawl {
		for url, cs := range urls {
			if len(cs) < 2 {
				continue
			}
			retried := false
			for _, c := range cs {
				retried = retried || c.status >= 500 || c.status == 429
			}
			if !retried {
				var where []string
				for _, c := range cs {
					where = append(where, fmt.Sprintf("%s@%d (%d)", c.file, c.offset, c.status))
				}
				t.Errorf("crawl %s captured %s %d times: %s", id, url, len(cs), strings.Join(where, ", "))
			}
		}
	}
}
