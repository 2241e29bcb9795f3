package index

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"rankfile/record"
)

func TestBuild_swapsAtomically(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "index")
	corpus := mustCorpus(t)
	oldRecs, newRecs := corpus[:4], corpus[4:]
	if err := Build(dir, oldRecs); err != nil {
		t.Fatal(err)
	}
	old, err := OpenReadOnly(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer old.Close()

	// searchers opening dir while Build runs must find one whole index
	// or the other, never a part or an error
	whole := map[uint64]bool{uint64(len(oldRecs)): true, uint64(len(newRecs)): true}
	done := make(chan struct{})
	var wg sync.WaitGroup
	errs := make(chan error, 4)
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				select {
				case <-done:
					return
				default:
				}
				x, err := OpenReadOnly(dir)
				if err != nil {
					errs <- err
					return
				}
				res, err := x.Search(context.Background(), Query{KeepDuplicates: true})
				x.Close()
				if err != nil {
					errs <- err
					return
				}
				if !whole[res.Total] {
					errs <- fmt.Errorf("saw %d documents, a partial index", res.Total)
					return
				}
			}
		}()
	}
	err = Build(dir, newRecs)
	close(done)
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Errorf("concurrent searcher: %v", e)
	}
	if err != nil {
		t.Fatal(err)
	}

	for _, tt := range []struct {
		name string
		x    func() *Index
		text string
		want []string
	}{
		{"old searcher keeps the old index", func() *Index { return old }, "picket", []string{"strike"}},
		{"old searcher does not see new records", func() *Index { return old }, "alliance", nil},
		{"new searcher finds new records", mustReopen(t, dir), "alliance", []string{"mirror-a"}},
		{"new searcher lacks old records", mustReopen(t, dir), "picket", nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			got := recordIDs(mustSearch(t, tt.x(), Query{Text: tt.text}))
			if !equal(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}

	if !old.Stale() {
		t.Error("old searcher's index not stale after Build")
	}
	if mustReopen(t, dir)().Stale() {
		t.Error("new searcher's index stale")
	}

	entries, err := os.ReadDir(filepath.Dir(dir))
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		if e.Name() != "index" && e.Name() != ".index.lock" {
			names = append(names, e.Name())
		}
	}
	if len(names) > 0 {
		t.Errorf("build left %q beside the index", names)
	}
}

// mustReopen returns a func opening dir read-only once, closed at the end
// of the test.
func mustReopen(t *testing.T, dir string) func() *Index {
	var x *Index
	return func() *Index {
		if x == nil {
			var err error
			if x, err = OpenReadOnly(dir); err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { x.Close() })
		}
		return x
	}
}

func equal(a, b []string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := range a {
		if a[i] != b[i] {
			return false
		}
	}
	return true
}

func TestBuild_refusesWhileWriterOpen(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "index")
	w, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer w.Close()
	if err := w.Add(mustCorpus(t)[:1]); err != nil {
		t.Fatal(err)
	}
	err = Build(dir, mustCorpus(t))
	if !errors.Is(err, ErrLocked) {
		t.Fatalf("got %v, want ErrLocked", err)
	}
	if got := recordIDs(mustSearch(t, w, Query{})); !equal(got, []string{"democracy"}) {
		t.Errorf("after refused build, got %q", got)
	}
}

func mustBuild(t *testing.T, dir string, recs []record.Record) {
	t.Helper()
	if err := Build(dir, recs); err != nil {
		t.Fatal(err)
	}
}

// TestBuildPlan_emptyShard checks that a build whose records leave a shard
// without any document (one record, four shards) makes that shard an empty
// index instead of failing on bleve's builder, and that the record is found.
func TestBuildPlan_emptyShard(t *testing.T) {
	recs := []record.Record{{ID: "only", Kind: record.KindPage, URL: "http://x.test/", Title: "Lonely", Text: "a single page about solidarity"}}
	dir := filepath.Join(t.TempDir(), "idx")
	if err := buildInto(dir, recs, 4); err != nil {
		t.Fatalf("build with empty shards: %v", err)
	}
	for s := range 4 {
		if _, err := os.Stat(filepath.Join(dir, shardName(s))); err != nil {
			t.Errorf("shard %d: %v", s, err)
		}
	}
}

// TestBuild_removesKilledBuilds checks that a build directory a killed
// build left beside the index (with its spool, a copy of the records) is
// removed by the next build.
func TestBuild_removesKilledBuilds(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "index")
	left := filepath.Join(filepath.Dir(dir), ".index.build-123", "scratch")
	if err := os.MkdirAll(left, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(left, "bucket-7"), []byte("records"), 0o600); err != nil {
		t.Fatal(err)
	}
	mustBuild(t, dir, mustCorpus(t))
	if _, err := os.Stat(filepath.Dir(left)); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("the killed build's directory is still there (%v)", err)
	}
	if entries, _ := os.ReadDir(filepath.Dir(dir)); len(entries) != 2 { // the index and its lock file
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("beside the index: %q", names)
	}
}
