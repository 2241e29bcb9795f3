package index

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"

	"rankfile/record"
)

// Build builds a fresh index of recs and puts it in place of the one in
// dir (if any) in one step: it indexes into a new sibling directory, then
// exchanges the two directories (with renameat2 RENAME_EXCHANGE where the
// system has it, otherwise by renaming the old away and the new in) and
// removes the old. A searcher that has the old index open (OpenReadOnly)
// keeps searching it until it closes it; one that opens dir afterwards
// finds the new. Build fails with ErrLocked, leaving the old index in place,
// when a process has dir open for writing (Open): that writer's background
// merges would go on writing into dir.
func Build(dir string, recs []record.Record) error {
	dir = filepath.Clean(dir)
	parent := filepath.Dir(dir)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return fmt.Errorf("create index directory: %w", err)
	}
	tmp, err := os.MkdirTemp(parent, "."+filepath.Base(dir)+".build-*")
	if err != nil {
		return fmt.Errorf("create build directory: %w", err)
	}
	defer os.RemoveAll(tmp) // after the swap it holds the old index
	fresh := filepath.Join(tmp, "index")
	x, err := create(fresh)
	if err != nil {
		return err
	}
	if err := x.Add(recs); err != nil {
		x.Close()
		return fmt.Errorf("build index: %w", err)
	}
	if err := x.Close(); err != nil {
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
