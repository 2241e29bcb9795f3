package index

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/index/scorch/mergeplan"

	"rankfile/record"

	"rankfile/internal/perm"
)

// Update adds recs, new record versions, to the index in dir without
// rebuilding it and without disturbing its searchers: it clones the index
// beside dir (hard links to its segment files, which bleve never changes
// once written, and copies of the rest), adds recs to the clone as Add
// does, and swaps the clone in as Build swaps a new index. A searcher that
// has the index open keeps its view until it reopens. Update fails with
// ErrNoIndex when dir holds no index, ErrOldIndex when its layout is
// another version's, and ErrLocked when a process has it open for writing.
func Update(dir string, recs []record.Record) error {
	return UpdateFrom(dir, func(put func(record.Record) error, _ func(string) error) error {
		for _, r := range recs {
			if err := put(r); err != nil {
				return err
			}
		}
		return nil
	})
}

// clone copies the index directory src to dst, hard-linking its segment
// files (*.zap), falling back to copying them where links fail.
func clone(src, dst string) error {
	return filepath.WalkDir(src, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, err := filepath.Rel(src, path)
		if err != nil {
			return err
		}
		target := filepath.Join(dst, rel)
		switch {
		case d.IsDir():
			return os.MkdirAll(target, 0o755)
		case !d.Type().IsRegular():
			return nil
		case strings.HasSuffix(path, ".zap"):
			if err := os.Link(path, target); err == nil {
				return nil
			}
		}
		return copyFile(path, target)
	})
}

func copyFile(src, dst string) error {
	in, err := os.Open(src)
	if err != nil {
		return err
	}
	defer in.Close()
	out, err := os.OpenFile(dst, os.O_WRONLY|os.O_CREATE|os.O_EXCL, perm.File())
	if err != nil {
		return err
	}
	_, err = io.Copy(out, in)
	return errors.Join(err, out.Close())
}

// Changes hands UpdateFrom the index's changes: put for each record
// version to index (anew or again), del for each document to delete.
type Changes func(put func(record.Record) error, del func(docID string) error) error

// updateBatch is how many changes UpdateFrom applies at a time, and
// updateBatchBytes how much text: bleve analyses a batch whole, at about
// fifty times the text's size, so a batch of long pages is cut short.
const (
	updateBatch      = 1000
	updateBatchBytes = 2 << 20
)

// UpdateFrom is Update for changes given as a stream, applied in batches
// so that they are never all in memory: versions to put, and documents to
// delete (a record assembling has removed). It fails as Update does.
//
// The changes are spooled to disk by shard first and then applied one
// shard at a time, each shard opened alone, merged (see mergeShard) and
// closed before the next; a shard no change falls in is not opened. With
// every shard open at once, bleve merged the segments of all the shards
// the update changed at the same time, in the background, each merge
// holding its shard's segment files mapped and its postings in memory: the
// update's memory grew with the index (the 1 % recrawl of 200,000 pages,
// 40 shards, peaked at 750 MB, 558 MB of it mapped segment files); one
// shard at a time holds one shard's.
func UpdateFrom(dir string, changes Changes) error {
	return replace(dir, func(fresh, scratch string) error {
		if err := cloneIndex(dir, fresh); err != nil {
			return err
		}
		m, err := readMeta(fresh)
		if err != nil {
			return err
		}
		sp, err := newSpool(scratch)
		if err != nil {
			return err
		}
		if err := changes(sp.add, sp.addDelete); err != nil {
			return errors.Join(err, sp.finish())
		}
		if err := sp.finish(); err != nil {
			return err
		}
		for s := range m.Shards {
			if !sp.holds(s, m.Shards) {
				continue // left as it was: not even opened
			}
			if err := updateShard(filepath.Join(fresh, shardName(s)), sp.shardChanges(s, m.Shards)); err != nil {
				return fmt.Errorf("shard %d: %w", s, err)
			}
		}
		return nil
	})
}

// updateShard applies changes, all of them the shard's own, to the shard
// in dir, opened alone for it, in batches.
func updateShard(dir string, changes Changes) error {
	bi, err := bleve.OpenUsing(dir, map[string]any{"bolt_timeout": lockTimeout.String()})
	if err != nil {
		return openError(dir, err)
	}
	// all versions of a record are in its shard: the shard alone decides
	// their latest marks
	x := &Index{dir: dir, shards: []bleve.Index{bi}, all: bleve.NewIndexAlias(bi)}
	x.tables.shards = 1
	var put []record.Record
	var del []string
	var text int
	flush := func() error {
		if len(put) == 0 && len(del) == 0 {
			return nil
		}
		x.mu.Lock()
		defer x.mu.Unlock()
		err := x.apply(context.Background(), put, del)
		put, del, text = put[:0], del[:0], 0
		return err
	}
	err = changes(func(r record.Record) error {
		put = append(put, r)
		text += len(r.Text) + len(r.Markdown)
		if len(put) >= updateBatch || text >= updateBatchBytes {
			return flush()
		}
		return nil
	}, func(id string) error {
		del = append(del, id)
		if len(del) >= updateBatch {
			return flush()
		}
		return nil
	})
	if err == nil {
		err = flush()
	}
	if err := errors.Join(err, x.Close()); err != nil {
		return err
	}
	return mergeShard(dir)
}

// mergedKey is a key of the shards' own store that mergeShard writes to
// have bleve write down its merges.
var mergedKey = []byte("rankfile-merged")

// mergeShard has the shard in dir merge its segments as bleve's merge
// policy would in the background, and waits for it. bleve merges an
// index's segments in the background while it is open, and closing it
// cuts a merge short: a shard opened for one update and closed would keep
// every update's segments, one more each time. The shard is opened again
// for this, its update's segments written by then (bleve merges only
// segments on disk), and closed once the merges are done; one shard merges
// at a time, so that no more than one shard's merge is in memory.
func mergeShard(dir string) error {
	bi, err := bleve.OpenUsing(dir, map[string]any{"bolt_timeout": lockTimeout.String()})
	if err != nil {
		return openError(dir, err)
	}
	err = func() error {
		adv, err := bi.Advanced()
		if err != nil {
			return err
		}
		s, ok := adv.(*scorch.Scorch)
		if !ok {
			return nil
		}
		policy := mergeplan.DefaultMergePlanOptions
		if err := s.ForceMerge(context.Background(), &policy); err != nil {
			return err
		}
		// bleve notes a merge's segments on disk in its own time, which a
		// close cuts short (the merge is then lost); a write waits for
		// the note of everything before it
		return bi.SetInternal(mergedKey, []byte{1})
	}()
	if err != nil {
		err = fmt.Errorf("merge segments: %w", err)
	}
	return errors.Join(err, bi.Close())
}

// cloneIndex clones the index in dir into fresh, for Update and
// UpdateFrom, failing when dir holds no index of this version.
func cloneIndex(dir, fresh string) error {
	if writerActive(dir) {
		return fmt.Errorf("update index %s: %w", dir, ErrLocked)
	}
	if _, err := os.Stat(filepath.Join(dir, metaFile)); err != nil {
		x, oerr := OpenReadOnly(dir) // tells a missing index from an old one
		if oerr != nil {
			return oerr
		}
		x.Close()
		return err
	}
	if err := clone(dir, fresh); err != nil {
		return fmt.Errorf("clone index: %w", err)
	}
	return nil
}
