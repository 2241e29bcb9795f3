package index

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	"github.com/blevesearch/bleve/v2"
	bolterrors "go.etcd.io/bbolt/errors"
)

// Errors a caller may branch on.
var (
	ErrClosed   = errors.New("index: closed")
	ErrNoIndex  = errors.New("index: no index")  // OpenReadOnly found no index in the directory
	ErrLocked   = errors.New("index: locked")    // another process has the index open for writing (or, for a writer, open at all)
	ErrReadOnly = errors.New("index: read-only") // Add or Sync on an index opened with OpenReadOnly
	ErrOldIndex = errors.New("index: written by another version of rankfile; rebuild it")
)

// versionKey is where an index keeps its mappingVersion (bleve's internal
// key-value store).
var versionKey = []byte("rankfile-mapping")

// lockTimeout bounds how long Open waits for another process's lock on the
// index before it gives up with ErrLocked.
const lockTimeout = 5 * time.Second

// openAttempts bounds how often open starts over when Build swaps the
// directory while it is opening it.
const openAttempts = 5

// Index is a bleve index of record versions. Its methods are safe for
// concurrent use; writes (Add, Sync) are serialised so that the latest
// marks stay consistent, searches run alongside them.
type Index struct {
	dir      string
	bi       bleve.Index
	readOnly bool
	opened   os.FileInfo // dir as it was when opened, to tell when Build replaced it

	mu     sync.Mutex // serialises writers
	closed bool
}

// Open opens the index in dir for reading and writing, creating an empty
// one (and dir's parents) when dir does not exist. Only one process at a
// time can have an index open this way; while another has it open at all,
// Open waits a few seconds and then fails with ErrLocked.
func Open(dir string) (*Index, error) { return open(dir, false) }

// OpenReadOnly opens the index in dir for searching only. Any number of
// readers can have it open together, and Build can replace it under them:
// each keeps searching the index it opened. It fails with ErrNoIndex when
// dir holds no index.
func OpenReadOnly(dir string) (*Index, error) { return open(dir, true) }

func open(dir string, readOnly bool) (*Index, error) {
	cfg := map[string]any{"bolt_timeout": lockTimeout.String()}
	if readOnly {
		cfg["read_only"] = true
	}
	var err error
	for range openAttempts {
		before, _ := os.Stat(dir)
		if before == nil {
			if readOnly {
				return nil, fmt.Errorf("open index %s: %w", dir, ErrNoIndex)
			}
			var x *Index
			if x, err = create(dir); !errors.Is(err, bleve.ErrorIndexPathExists) {
				return x, err
			}
			continue // created meanwhile, by Build or another Open
		}
		var bi bleve.Index
		bi, err = bleve.OpenUsing(dir, cfg)
		after, _ := os.Stat(dir)
		if after != nil && os.SameFile(before, after) {
			if !readOnly && errors.Is(err, bleve.ErrorIndexMetaMissing) && emptyDir(dir) {
				// an empty directory made ready for the index: fill it
				if rerr := os.Remove(dir); rerr == nil {
					continue
				}
			}
			if err != nil {
				return nil, openError(dir, err)
			}
			if v, err := bi.GetInternal(versionKey); err != nil || string(v) != mappingVersion {
				bi.Close()
				return nil, fmt.Errorf("open index %s: %w", dir, ErrOldIndex)
			}
			return &Index{dir: dir, bi: bi, readOnly: readOnly, opened: after}, nil
		}
		if bi != nil { // opened while Build swapped it: maybe half old, half new
			bi.Close()
		}
	}
	return nil, fmt.Errorf("open index %s: replaced while opening %d times: %w", dir, openAttempts, err)
}

func openError(dir string, err error) error {
	switch {
	case errors.Is(err, bolterrors.ErrTimeout):
		return fmt.Errorf("open index %s: %w", dir, ErrLocked)
	case errors.Is(err, bleve.ErrorIndexMetaMissing):
		return fmt.Errorf("open index %s: %w: %w", dir, ErrNoIndex, err)
	}
	return fmt.Errorf("open index %s: %w", dir, err)
}

func emptyDir(dir string) bool {
	entries, err := os.ReadDir(dir)
	return err == nil && len(entries) == 0
}

func create(dir string) (*Index, error) {
	if err := os.MkdirAll(filepath.Dir(dir), 0o755); err != nil {
		return nil, fmt.Errorf("create index directory: %w", err)
	}
	bi, err := bleve.New(dir, newMapping())
	if err != nil {
		return nil, fmt.Errorf("create index %s: %w", dir, err)
	}
	if err := bi.SetInternal(versionKey, []byte(mappingVersion)); err != nil {
		bi.Close()
		return nil, fmt.Errorf("create index %s: %w", dir, err)
	}
	opened, err := os.Stat(dir)
	if err != nil {
		bi.Close()
		return nil, fmt.Errorf("create index %s: %w", dir, err)
	}
	return &Index{dir: dir, bi: bi, opened: opened}, nil
}

// Close closes the index; it is safe to call more than once.
func (x *Index) Close() error {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.closed {
		return nil
	}
	x.closed = true
	if err := x.bi.Close(); err != nil {
		return fmt.Errorf("close index: %w", err)
	}
	return nil
}

// Stale reports whether Build has replaced the index in the directory
// since x was opened: a long-running searcher reopens the index then to
// see the new records.
func (x *Index) Stale() bool {
	now, err := os.Stat(x.dir)
	return err != nil || !os.SameFile(now, x.opened)
}

// Count returns the number of documents (record versions) in the index.
func (x *Index) Count() (uint64, error) {
	n, err := x.bi.DocCount()
	if err != nil {
		return 0, fmt.Errorf("count documents: %w", err)
	}
	return n, nil
}
