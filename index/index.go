package index

import (
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"time"

	"github.com/blevesearch/bleve/v2"
	bolterrors "go.etcd.io/bbolt/errors"

	"rankfile/internal/perm"
)

// Errors a caller may branch on.
var (
	ErrClosed   = errors.New("index: closed")
	ErrNoIndex  = errors.New("index: no index")  // OpenReadOnly found no index in the directory
	ErrLocked   = errors.New("index: locked")    // another process has the index open for writing (or, for a writer, open at all)
	ErrReadOnly = errors.New("index: read-only") // Add or Sync on an index opened with OpenReadOnly
	ErrOldIndex = errors.New("index: written by another version of rankfile; rebuild it (rankfile index --rebuild)")
)

// lockTimeout bounds how long Open waits for another process's lock on the
// index before it gives up with ErrLocked.
const lockTimeout = 5 * time.Second

// openAttempts bounds how often open starts over when Build swaps the
// directory while it is opening it.
const openAttempts = 5

// shardRecords is the fewest records per shard that Build gives an index
// of up to one shard per CPU (at most maxCPUShards). Each shard scores
// matches by its own term statistics, which are close to the whole index's
// only when a shard holds a large sample of it; a small index is one shard.
const (
	shardRecords = 5000
	maxCPUShards = 4
)

// shardText bounds the text a shard is built from: a larger index gets more
// shards. bleve's builder merges a shard's segments into one at the end,
// holding the positions of a term in every document of the shard in memory
// at once (several times their size), so that merge would grow with the
// archive; searching many shards costs a little more per search than
// searching few (about 0.3 ms of CPU per shard and search).
var shardText int64 = 128 << 20 // a variable for tests

// metaFile, in the index directory, names the layout and the shards; each
// shard is a bleve index in the subdirectory shardName(i).
const metaFile = "rankfile-index.json"

// meta is the content of metaFile.
type meta struct {
	Version string `json:"version"` // mappingVersion
	Shards  int    `json:"shards"`
}

func shardName(i int) string { return "shard-" + strconv.Itoa(i) }

// shardsFor returns the number of shards Build gives an index of n records
// of text bytes of text: a divisor of spoolBuckets.
func shardsFor(n int, text int64) int {
	byCPU := max(1, min(n/shardRecords, runtime.GOMAXPROCS(0), maxCPUShards))
	byText := 1
	for byText < spoolBuckets && (spoolBuckets%byText != 0 || int64(byText)*shardText < text) {
		byText++
	}
	return max(byCPU, byText)
}

// shardOf returns the shard holding the versions of record recID: all
// versions of a record live in one shard, so its latest mark is decided
// there.
func shardOf(recID string, shards int) int {
	h := fnv.New32a()
	h.Write([]byte(recID))
	return int(h.Sum32() % uint32(shards))
}

// Index is a bleve index of record versions, split by record ID into
// shards that are written and searched in parallel behind one bleve index
// alias. Its methods are safe for concurrent use; writes (Add, Sync) are
// serialised so that the latest marks stay consistent, searches run
// alongside them.
type Index struct {
	dir      string
	shards   []bleve.Index
	all      bleve.IndexAlias // searches every shard
	readOnly bool
	opened   os.FileInfo    // dir as it was when opened, to tell when Build replaced it
	tables   snapshotTables // of the shard snapshots searched
	vocabs   vocabCache     // the values of the snapshots last searched with filters

	mu     sync.Mutex // serialises writers
	closed bool
}

// Open opens the index in dir for reading and writing, creating an empty
// one (of one shard; Build shards large indexes) and dir's parents when
// dir does not exist. Only one process at a
// time can have an index open this way; while another has it open at all,
// Open waits a few seconds and then fails with ErrLocked. An index written
// by another version of rankfile fails with ErrOldIndex.
func Open(dir string) (*Index, error) { return open(dir, false) }

// OpenReadOnly opens the index in dir for searching only. Any number of
// readers can have it open together, and Build can replace it under them:
// each keeps searching the index it opened. It fails with ErrNoIndex when
// dir holds no index.
func OpenReadOnly(dir string) (*Index, error) { return open(dir, true) }

func open(dir string, readOnly bool) (*Index, error) {
	var err error
	for range openAttempts {
		before, _ := os.Stat(dir)
		if before == nil {
			if readOnly {
				return nil, fmt.Errorf("open index %s: %w", dir, ErrNoIndex)
			}
			var x *Index
			if x, err = create(dir, 1); !errors.Is(err, os.ErrExist) {
				return x, err
			}
			continue // created meanwhile, by Build or another Open
		}
		var x *Index
		x, err = openShards(dir, readOnly)
		after, _ := os.Stat(dir)
		if after != nil && os.SameFile(before, after) {
			if !readOnly && errors.Is(err, ErrNoIndex) && emptyDir(dir) {
				// an empty directory made ready for the index: fill it
				if rerr := os.Remove(dir); rerr == nil {
					continue
				}
			}
			if err != nil {
				return nil, err
			}
			x.opened = after
			return x, nil
		}
		if x != nil { // opened while Build swapped it: maybe half old, half new
			x.closeShards()
		}
	}
	return nil, fmt.Errorf("open index %s: replaced while opening %d times: %w", dir, openAttempts, err)
}

// readMeta reads the index's metaFile in dir: ErrNoIndex when there is
// none, ErrOldIndex when it is another version's.
func readMeta(dir string) (meta, error) {
	var m meta
	data, err := os.ReadFile(filepath.Join(dir, metaFile))
	if errors.Is(err, os.ErrNotExist) {
		if _, serr := os.Stat(filepath.Join(dir, "index_meta.json")); serr == nil {
			return m, fmt.Errorf("open index %s: %w", dir, ErrOldIndex) // a single bleve index
		}
		return m, fmt.Errorf("open index %s: %w", dir, ErrNoIndex)
	}
	if err != nil {
		return m, fmt.Errorf("open index %s: %w", dir, err)
	}
	if err := json.Unmarshal(data, &m); err != nil || m.Version != mappingVersion || m.Shards < 1 {
		return m, fmt.Errorf("open index %s: %w", dir, ErrOldIndex)
	}
	return m, nil
}

// openShards opens the shards metaFile lists.
func openShards(dir string, readOnly bool) (*Index, error) {
	m, err := readMeta(dir)
	if err != nil {
		return nil, err
	}
	cfg := map[string]any{"bolt_timeout": lockTimeout.String()}
	if readOnly {
		cfg["read_only"] = true
	}
	x := &Index{dir: dir, readOnly: readOnly}
	for i := range m.Shards {
		bi, err := bleve.OpenUsing(filepath.Join(dir, shardName(i)), cfg)
		if err != nil {
			x.closeShards()
			return nil, openError(dir, err)
		}
		x.shards = append(x.shards, bi)
	}
	x.all = bleve.NewIndexAlias(x.shards...)
	x.tables.shards = len(x.shards)
	return x, nil
}

func openError(dir string, err error) error {
	switch {
	case errors.Is(err, bolterrors.ErrTimeout):
		return fmt.Errorf("open index %s: %w", dir, ErrLocked)
	case errors.Is(err, bleve.ErrorIndexMetaMissing), errors.Is(err, bleve.ErrorIndexPathDoesNotExist):
		return fmt.Errorf("open index %s: %w: %w", dir, ErrNoIndex, err)
	}
	return fmt.Errorf("open index %s: %w", dir, err)
}

func emptyDir(dir string) bool {
	entries, err := os.ReadDir(dir)
	return err == nil && len(entries) == 0
}

// create makes an empty index of n shards in dir, which must not exist:
// it is built aside and renamed into place, so that it fails with an
// error wrapping os.ErrExist when dir appeared meanwhile.
func create(dir string, n int) (*Index, error) {
	parent := filepath.Dir(dir)
	if err := os.MkdirAll(parent, 0o755); err != nil {
		return nil, fmt.Errorf("create index directory: %w", err)
	}
	tmp, err := perm.MkdirTemp(parent, "."+filepath.Base(dir)+".new-*")
	if err != nil {
		return nil, fmt.Errorf("create index %s: %w", dir, err)
	}
	defer os.RemoveAll(tmp)
	fresh := filepath.Join(tmp, "index")
	if err := createEmpty(fresh, n); err != nil {
		return nil, fmt.Errorf("create index %s: %w", dir, err)
	}
	if err := perm.Tree(fresh); err != nil {
		return nil, fmt.Errorf("create index %s: %w", dir, err)
	}
	if err := os.Rename(fresh, dir); err != nil {
		if _, serr := os.Stat(dir); serr == nil {
			return nil, fmt.Errorf("create index %s: %w", dir, os.ErrExist)
		}
		return nil, fmt.Errorf("create index %s: %w", dir, err)
	}
	x, err := openShards(dir, false)
	if err != nil {
		return nil, err
	}
	if x.opened, err = os.Stat(dir); err != nil {
		x.closeShards()
		return nil, fmt.Errorf("create index %s: %w", dir, err)
	}
	return x, nil
}

// createEmpty writes an empty index of n shards into dir.
func createEmpty(dir string, n int) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for i := range n {
		bi, err := bleve.New(filepath.Join(dir, shardName(i)), newMapping())
		if err != nil {
			return err
		}
		if err := bi.Close(); err != nil {
			return err
		}
	}
	return writeMeta(dir, n)
}

func writeMeta(dir string, n int) error {
	data, err := json.Marshal(meta{Version: mappingVersion, Shards: n})
	if err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, metaFile), append(data, '\n'), 0o644)
}

// Close closes the index; it is safe to call more than once.
func (x *Index) Close() error {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.closed {
		return nil
	}
	x.closed = true
	if err := x.closeShards(); err != nil {
		return fmt.Errorf("close index: %w", err)
	}
	return nil
}

func (x *Index) closeShards() error {
	var errs []error
	for _, bi := range x.shards {
		errs = append(errs, bi.Close())
	}
	return errors.Join(errs...)
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
	n, err := x.all.DocCount()
	if err != nil {
		return 0, fmt.Errorf("count documents: %w", err)
	}
	return n, nil
}
