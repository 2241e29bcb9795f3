package index

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"

	"github.com/blevesearch/bleve/v2"

	"rankfile/record"

	"rankfile/internal/perm"
)

// buildBatch is how many documents of buildBatchBytes bleve's offline
// builder analyses into one segment before merging them all at the end:
// its memory grows with it (about 300 MiB at 500 documents of 600 words),
// its speed hardly. Longer documents go in smaller batches (see
// buildPlan.batch), down to minBuildBatch, so that memory stays about the
// same whatever the writing's length.
const (
	buildBatch      = 500
	buildBatchBytes = 4 << 10
	minBuildBatch   = 16
)

// buildMergeMax is how many segments the builder merges at once: all of
// them, so that each is rewritten once.
const buildMergeMax = 1 << 16

// Build builds a fresh index of recs and puts it in place of the one in
// dir (if any) in one step: it indexes into a new sibling directory, one
// shard per CPU (up to four, and no more than one per 5,000 records) built
// in parallel, then exchanges the two
// directories (with renameat2 RENAME_EXCHANGE where the system has it,
// otherwise by renaming the old away and the new in) and removes the old.
// A searcher that has the old index open (OpenReadOnly) keeps searching it
// until it closes it; one that opens dir afterwards finds the new. Build
// fails with ErrLocked, leaving the old index in place, when a process has
// dir open for writing (Open): that writer's background merges would go on
// writing into dir.
func Build(dir string, recs []record.Record) error {
	return replace(dir, func(fresh string) error { return buildInto(fresh, recs, shardsFor(len(recs))) })
}

// replace makes a new index with fill in a directory beside dir and swaps
// it in; Build and Update share it. It holds the update lock meanwhile, so
// that two of them never race to swap.
func replace(dir string, fill func(fresh string) error) error {
	dir = filepath.Clean(dir)
	parent := filepath.Dir(dir)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return fmt.Errorf("create index directory: %w", err)
	}
	unlock, err := lockUpdates(dir)
	if err != nil {
		return err
	}
	defer unlock()
	tmp, err := perm.MkdirTemp(parent, "."+filepath.Base(dir)+".build-*")
	if err != nil {
		return fmt.Errorf("create build directory: %w", err)
	}
	defer os.RemoveAll(tmp) // after the swap it holds the old index
	fresh := filepath.Join(tmp, "index")
	if err := fill(fresh); err != nil {
		return fmt.Errorf("build index: %w", err)
	}
	if err := perm.Tree(fresh); err != nil { // bleve writes 0600: a serve of the group must read it
		return fmt.Errorf("build index: %w", err)
	}
	if writerActive(dir) {
		return fmt.Errorf("replace index %s: %w", dir, ErrLocked)
	}
	if err := swap(fresh, dir, filepath.Join(tmp, "old")); err != nil {
		return fmt.Errorf("replace index %s: %w", dir, err)
	}
	return nil
}

// buildInto writes an index of recs with n shards into dir, which must not
// exist.
func buildInto(dir string, recs []record.Record, n int) error {
	src := func(fn func(record.Record) error) error {
		for _, r := range recs {
			if err := fn(r); err != nil {
				return err
			}
		}
		return nil
	}
	pl, err := planBuild(src)
	if err != nil {
		return err
	}
	return pl.build(dir, src, n)
}

// swapRenames puts fresh in place of dir by renaming dir to old first; in
// between, dir does not exist for a moment.
func swapRenames(fresh, dir, old string) error {
	if err := os.Rename(dir, old); err != nil && !errors.Is(err, os.ErrNotExist) {
		return err
	}
	if err := os.Rename(fresh, dir); err != nil {
		if rerr := os.Rename(old, dir); rerr != nil && !errors.Is(rerr, os.ErrNotExist) {
			return errors.Join(err, fmt.Errorf("restore old index: %w", rerr))
		}
		return err
	}
	return nil
}

// Source hands every record to fn, in order, stopping at fn's first error
// and returning it; BuildFrom calls it twice, so it must give the same
// records both times.
type Source func(fn func(record.Record) error) error

// BuildFrom is Build over the records src gives, which are never all in
// memory at once: a first pass counts them and works out each record's
// latest version, a second indexes them, one shard per CPU in parallel.
// Of versions repeated in src the last counts, as in Build.
func BuildFrom(dir string, src Source) error {
	pl, err := planBuild(src)
	if err != nil {
		return fmt.Errorf("build index: read records: %w", err)
	}
	return replace(dir, func(fresh string) error { return pl.build(fresh, src, shardsFor(len(pl.last))) })
}

// buildPlan is what a first pass over the records tells the build.
type buildPlan struct {
	last   map[string]int // document ID -> position of its last version
	newest map[string]versionInfo
	bytes  int64 // of the records' text
}

// batch returns the builder's batch size for the records' mean length.
func (pl *buildPlan) batch() int {
	if len(pl.last) == 0 || pl.bytes == 0 {
		return buildBatch
	}
	mean := pl.bytes / int64(len(pl.last))
	return int(max(minBuildBatch, min(buildBatch, buildBatch*buildBatchBytes/max(mean, 1))))
}

func planBuild(src Source) (*buildPlan, error) {
	pl := &buildPlan{last: map[string]int{}, newest: map[string]versionInfo{}}
	n := 0
	err := src(func(r record.Record) error {
		id := DocID(r)
		pl.last[id] = n
		pl.bytes += int64(len(r.Text))
		n++
		v := versionInfo{docID: id, captured: r.Captured}
		if cur, ok := pl.newest[r.ID]; !ok || newer(v, cur) {
			pl.newest[r.ID] = v
		}
		return nil
	})
	return pl, err
}

// build writes an index of the records of src with the given number of
// shards into dir, which must not exist: each shard with bleve's offline
// builder, which analyses and writes segments without the online index's
// persistence round trips and merges them into one at the end, the shards
// in parallel.
func (pl *buildPlan) build(dir string, src Source, shards int) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	feeds := make([]chan record.Record, shards)
	errs := make([]error, shards)
	var wg sync.WaitGroup
	for s := range shards {
		feeds[s] = make(chan record.Record, 64)
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[s] = buildShard(filepath.Join(dir, shardName(s)), feeds[s], pl.newest, pl.batch())
		}()
	}
	i := 0
	err := src(func(r record.Record) error {
		defer func() { i++ }()
		if pl.last[DocID(r)] != i {
			return nil // a later duplicate of this version wins
		}
		feeds[shardOf(r.ID, shards)] <- r
		return nil
	})
	for _, f := range feeds {
		close(f)
	}
	wg.Wait()
	if err := errors.Join(append(errs, err)...); err != nil {
		return err
	}
	return writeMeta(dir, shards)
}

// closeBuilder closes an offline builder. bleve's builder panics when it
// closes with no document written (it merges an empty list of segments):
// that panic only means the shard is empty, which the caller makes anew.
func closeBuilder(b bleve.Builder, count int) (err error) {
	if count == 0 {
		defer func() {
			if recover() != nil {
				err = nil
			}
		}()
	}
	return b.Close()
}

// buildShard builds one shard of the records fed to it; it drains feed
// whatever happens.
func buildShard(dir string, feed <-chan record.Record, newest map[string]versionInfo, batch int) (err error) {
	defer func() {
		for range feed {
		}
	}()
	b, err := bleve.NewBuilder(dir, newMapping(), map[string]any{
		"batchSize":       batch,
		"mergeMax":        buildMergeMax,
		"buildPathPrefix": filepath.Dir(dir),
	})
	if err != nil {
		return err
	}
	count := 0
	for r := range feed {
		id := DocID(r)
		if err := b.Index(id, document(r, "", newest[r.ID].docID == id)); err != nil {
			b.Close()
			return fmt.Errorf("index %s: %w", id, err)
		}
		count++
	}
	if err := closeBuilder(b, count); err != nil {
		return err
	}
	if count == 0 { // the builder cannot make an empty index
		if err := os.RemoveAll(dir); err != nil {
			return err
		}
		bi, err := bleve.New(dir, newMapping())
		if err != nil {
			return err
		}
		return bi.Close()
	}
	return nil
}
