package index

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"sync"

	"github.com/blevesearch/bleve/v2"

	"rankfile/record"

	"rankfile/internal/perm"
)

// buildBatch is how many documents of buildBatchBytes bleve's offline
// builder analyses into one segment before merging them all at the end:
// its memory grows with it (about 100 MiB of RSS at 250 documents of 600
// words, 180 MiB at 500), its speed hardly (10 % more CPU at 120 documents
// than at 500). Longer documents go in smaller batches (see
// buildPlan.batch), down to minBuildBatch, so that memory stays about the
// same whatever the writing's length; the shards built at once each have
// one.
const (
	buildBatch      = 500
	buildBatchBytes = 2 << 10
	minBuildBatch   = 16
)

// buildMergeMax is how many segments the builder merges at once: all of
// them, so that each is rewritten once.
const buildMergeMax = 1 << 16

// Build builds a fresh index of recs and puts it in place of the one in
// dir (if any) in one step, as BuildFrom does.
func Build(dir string, recs []record.Record) error {
	return BuildFrom(dir, func(fn func(record.Record) error) error {
		for _, r := range recs {
			if err := fn(r); err != nil {
				return err
			}
		}
		return nil
	})
}

// replace makes a new index with fill in a directory beside dir and swaps
// it in; Build and Update share it. It holds the update lock meanwhile, so
// that two of them never race to swap. fill gets a directory of its own
// for scratch files too, removed afterwards.
func replace(dir string, fill func(fresh, scratch string) error) error {
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
	// a build directory left now is a killed build's (the lock is ours):
	// its spool may hold a copy of the archive's records
	if left, err := filepath.Glob(filepath.Join(parent, "."+filepath.Base(dir)+".build-*")); err == nil {
		for _, d := range left {
			os.RemoveAll(d)
		}
	}
	tmp, err := perm.MkdirTemp(parent, "."+filepath.Base(dir)+".build-*")
	if err != nil {
		return fmt.Errorf("create build directory: %w", err)
	}
	defer os.RemoveAll(tmp) // after the swap it holds the old index
	fresh := filepath.Join(tmp, "index")
	if err := fill(fresh, filepath.Join(tmp, "scratch")); err != nil {
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
// and returning it.
type Source func(fn func(record.Record) error) error

// BuildFrom builds a fresh index of the records src gives and puts it in
// place of the one in dir (if any) in one step. It reads src once, into
// spool files beside dir by a hash of the record ID, and then builds the
// shards from them (see shardsFor), as many at a time as there are CPUs,
// each with bleve's offline builder: at no time are more records in
// memory than a builder's batch, and no shard's final merge grows with
// the archive. Of versions repeated in src the last counts.
//
// It indexes into a new sibling directory and then exchanges the two
// directories (with renameat2 RENAME_EXCHANGE where the system has it,
// otherwise by renaming the old away and the new in) and removes the old.
// A searcher that has the old index open (OpenReadOnly) keeps searching it
// until it closes it; one that opens dir afterwards finds the new.
// BuildFrom fails with ErrLocked, leaving the old index in place, when a
// process has dir open for writing (Open): that writer's background merges
// would go on writing into dir.
//
// Options may ask for progress (OnIndexed).
func BuildFrom(dir string, src Source, opts ...BuildOption) error {
	var o buildOptions
	for _, opt := range opts {
		opt(&o)
	}
	return replace(dir, func(fresh, scratch string) error {
		sp, err := newSpool(scratch)
		if err != nil {
			return err
		}
		if err := src(sp.add); err != nil {
			return fmt.Errorf("read records: %w", errors.Join(err, sp.finish()))
		}
		if err := sp.finish(); err != nil {
			return err
		}
		n, text := sp.records()
		return buildShards(fresh, sp, shardsFor(n, text), o.indexed)
	})
}

// BuildOption sets an option of BuildFrom.
type BuildOption func(*buildOptions)

type buildOptions struct {
	indexed func(n int)
}

// OnIndexed has BuildFrom call fn with the number of records it indexed
// since its last call, every few records, once they are read and spooled;
// fn is never called twice at once.
func OnIndexed(fn func(n int)) BuildOption {
	return func(o *buildOptions) {
		var mu sync.Mutex
		o.indexed = func(n int) {
			mu.Lock()
			defer mu.Unlock()
			fn(n)
		}
	}
}

// buildShards builds the shards of an index of the records of sp into dir,
// which must not exist, as many at a time as there are CPUs.
// indexed, when not nil, is told of the records indexed, from any of them.
func buildShards(dir string, sp *spool, shards int, indexed func(int)) error {
	if shards < 1 || spoolBuckets%shards != 0 {
		return fmt.Errorf("%d shards: not a divisor of %d", shards, spoolBuckets)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	merging := make(chan struct{}, 1) // one shard's final merge at a time
	next := make(chan int, shards)
	for s := range shards {
		next <- s
	}
	close(next)
	var (
		mu     sync.Mutex
		errs   []error
		failed bool
		wg     sync.WaitGroup
	)
	for range min(shards, runtime.GOMAXPROCS(0)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for s := range next {
				mu.Lock()
				stop := failed
				mu.Unlock()
				if stop {
					return
				}
				if err := buildShard(filepath.Join(dir, shardName(s)), sp.shard(s, shards), merging, indexed); err != nil {
					mu.Lock()
					errs, failed = append(errs, fmt.Errorf("shard %d: %w", s, err)), true
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return err
	}
	return writeMeta(dir, shards)
}

// buildPlan is what a first pass over a shard's records tells its build.
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

// buildShard builds one shard, in dir, of the records of src, which it
// reads twice: once to find each record's latest version, once to index
// them with bleve's offline builder, which analyses and writes segments
// without the online index's persistence round trips and merges them into
// one at the end, holding merging meanwhile (the merge takes the most
// memory of the build). indexed, when not nil, is told of the records
// indexed (those read, duplicates included).
func buildShard(dir string, src Source, merging chan struct{}, indexed func(int)) error {
	pl, err := planBuild(src)
	if err != nil {
		return err
	}
	b, err := bleve.NewBuilder(dir, newMapping(), map[string]any{
		"batchSize":       pl.batch(),
		"mergeMax":        buildMergeMax,
		"buildPathPrefix": filepath.Dir(dir),
	})
	if err != nil {
		return err
	}
	count, i, told := 0, 0, 0
	tell := func() {
		if indexed != nil && i > told {
			indexed(i - told)
			told = i
		}
	}
	err = src(func(r record.Record) error {
		defer func() {
			if i++; i-told >= 64 {
				tell()
			}
		}()
		id := DocID(r)
		if pl.last[id] != i {
			return nil // a later duplicate of this version wins
		}
		if err := b.Index(id, document(r, "", pl.newest[r.ID].docID == id)); err != nil {
			return fmt.Errorf("index %s: %w", id, err)
		}
		count++
		return nil
	})
	tell()
	if err != nil {
		return err // the builder's files go with the build's directory
	}
	merging <- struct{}{}
	err = closeBuilder(b, count)
	<-merging
	if err != nil {
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
