package main

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
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
func recordLines(t *testing.T, data string) []string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(data, "records", "records.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	slices.Sort(lines)
	return lines
}
