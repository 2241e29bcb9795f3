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

// buildBatch is how many documents bleve's offline builder analyses into
// one segment before merging them all at the end: its memory grows with
// it (about 300 MiB at 500 documents of 600 words), its speed hardly.
const buildBatch = 500

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
// exist: each shard with bleve's offline builder, which analyses and
// writes segments without the online index's persistence round trips and
// merges them into one at the end.
func buildInto(dir string, recs []record.Record, n int) error {
	docs := make([][]string, n) // per shard, document IDs in order
	byID := make(map[string]record.Record, len(recs))
	newest := map[string]versionInfo{}
	for _, r := range recs {
		id := DocID(r)
		if _, dup := byID[id]; !dup {
			s := shardOf(r.ID, n)
			docs[s] = append(docs[s], id)
		}
		byID[id] = r // the last of duplicate versions wins
		v := versionInfo{docID: id, captured: r.Captured}
		if cur, ok := newest[r.ID]; !ok || newer(v, cur) {
			newest[r.ID] = v
		}
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	errs := make([]error, n)
	var wg sync.WaitGroup
	for s := range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[s] = buildShard(filepath.Join(dir, shardName(s)), docs[s], byID, newest)
		}()
	}
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return err
	}
	return writeMeta(dir, n)
}

func buildShard(dir string, ids []string, byID map[string]record.Record, newest map[string]versionInfo) error {
	if len(ids) == 0 { // the builder cannot make an empty index
		bi, err := bleve.New(dir, newMapping())
		if err != nil {
			return err
		}
		return bi.Close()
	}
	b, err := bleve.NewBuilder(dir, newMapping(), map[string]any{
		"batchSize":       buildBatch,
		"mergeMax":        buildMergeMax,
		"buildPathPrefix": filepath.Dir(dir),
	})
	if err != nil {
		return err
	}
	for _, id := range ids {
		r := byID[id]
		if err := b.Index(id, document(r, "", newest[r.ID].docID == id)); err != nil {
			b.Close()
			return fmt.Errorf("index %s: %w", id, err)
		}
	}
	return b.Close()
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
