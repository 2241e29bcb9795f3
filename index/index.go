package index

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"sync"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
	bolterrors "go.etcd.io/bbolt/errors"

	"rankfile/record"
)

// batchSize is how many documents go to bleve in one batch: large enough to
// amortise segment creation, small enough to bound memory.
const batchSize = 1000

// Errors a caller may branch on.
var (
	ErrClosed   = errors.New("index: closed")
	ErrNoIndex  = errors.New("index: no index")  // OpenReadOnly found no index in the directory
	ErrLocked   = errors.New("index: locked")    // another process has the index open for writing (or, for a writer, open at all)
	ErrReadOnly = errors.New("index: read-only") // Add or Sync on an index opened with OpenReadOnly
)

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
			return &Index{dir: dir, bi: bi, readOnly: readOnly}, nil
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
	return &Index{dir: dir, bi: bi}, nil
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

// Count returns the number of documents (record versions) in the index.
func (x *Index) Count() (uint64, error) {
	n, err := x.bi.DocCount()
	if err != nil {
		return 0, fmt.Errorf("count documents: %w", err)
	}
	return n, nil
}

// Add indexes recs, one document per record version (see DocID), in
// batches. A version already in the index is replaced. When a newer
// version of a record arrives, the older one loses its latest mark.
func (x *Index) Add(recs []record.Record) error {
	x.mu.Lock()
	defer x.mu.Unlock()
	if err := x.writable(); err != nil {
		return err
	}
	return x.apply(context.Background(), recs, nil)
}

func (x *Index) writable() error {
	switch {
	case x.closed:
		return ErrClosed
	case x.readOnly:
		return ErrReadOnly
	}
	return nil
}

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

// version is what the latest marks are computed from.
type versionInfo struct {
	docID    string
	captured time.Time
	latest   bool
}

// newer reports whether a is a newer version than b.
func newer(a, b versionInfo) bool {
	if !a.captured.Equal(b.captured) {
		return a.captured.After(b.captured)
	}
	return a.docID > b.docID
}

// apply indexes put and deletes the documents del in batches, then fixes
// the latest marks of every record they touch. The caller holds x.mu.
func (x *Index) apply(ctx context.Context, put []record.Record, del []string) error {
	puts := make(map[string]record.Record, len(put))
	var order []string
	for _, r := range put {
		id := DocID(r)
		if _, dup := puts[id]; !dup {
			order = append(order, id)
		}
		puts[id] = r // the last of duplicate versions wins
	}
	dels := make(map[string]bool, len(del))
	affected := map[string]bool{}
	for _, id := range del {
		dels[id] = true
		affected[recordIDOf(id)] = true
	}
	for _, r := range puts {
		affected[r.ID] = true
	}
	existing, err := x.versions(ctx, affected)
	if err != nil {
		return err
	}

	newest := map[string]versionInfo{}
	consider := func(recID string, v versionInfo) {
		if cur, ok := newest[recID]; !ok || newer(v, cur) {
			newest[recID] = v
		}
	}
	var flips []string // stored documents whose latest mark is wrong
	for recID, vs := range existing {
		for _, v := range vs {
			if _, replaced := puts[v.docID]; !replaced && !dels[v.docID] {
				consider(recID, v)
			}
		}
	}
	for id, r := range puts {
		consider(r.ID, versionInfo{docID: id, captured: r.Captured})
	}
	for recID, vs := range existing {
		for _, v := range vs {
			_, replaced := puts[v.docID]
			if !replaced && !dels[v.docID] && v.latest != (newest[recID].docID == v.docID) {
				flips = append(flips, v.docID)
			}
		}
	}

	w := x.newWriter()
	for _, id := range del {
		w.b.Delete(id)
		if err := w.maybeFlush(); err != nil {
			return err
		}
	}
	for _, id := range order {
		r := puts[id]
		if err := w.index(id, document(r, contentHash(r), newest[r.ID].docID == id)); err != nil {
			return err
		}
	}
	if err := x.reindexFlipped(ctx, w, flips, newest); err != nil {
		return err
	}
	return w.flush()
}

// reindexFlipped re-indexes the stored documents ids, each with its latest
// mark set from newest: bleve cannot update one field in place.
func (x *Index) reindexFlipped(ctx context.Context, w *writer, ids []string, newest map[string]versionInfo) error {
	sort.Strings(ids)
	for start := 0; start < len(ids); start += batchSize {
		chunk := ids[start:min(start+batchSize, len(ids))]
		err := x.scan(ctx, query.NewDocIDQuery(chunk), []string{"*"}, func(id string, f map[string]any) error {
			s := fromFields(f)
			return w.index(id, document(s.rec, s.hash, newest[s.rec.ID].docID == id))
		})
		if err != nil {
			return fmt.Errorf("re-mark versions: %w", err)
		}
	}
	return nil
}

// versions returns the versions already indexed of the given records.
func (x *Index) versions(ctx context.Context, recIDs map[string]bool) (map[string][]versionInfo, error) {
	out := map[string][]versionInfo{}
	if n, err := x.bi.DocCount(); err != nil {
		return nil, fmt.Errorf("count documents: %w", err)
	} else if n == 0 || len(recIDs) == 0 {
		return out, nil
	}
	ids := make([]string, 0, len(recIDs))
	for id := range recIDs {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	const chunkSize = 500 // terms per disjunction
	for start := 0; start < len(ids); start += chunkSize {
		var terms []query.Query
		for _, id := range ids[start:min(start+chunkSize, len(ids))] {
			terms = append(terms, termQuery(fieldRecordID, id))
		}
		fields := []string{fieldRecordID, fieldCaptured, fieldLatest}
		err := x.scan(ctx, query.NewDisjunctionQuery(terms), fields, func(id string, f map[string]any) error {
			s := fromFields(f)
			out[s.rec.ID] = append(out[s.rec.ID], versionInfo{docID: id, captured: s.rec.Captured, latest: s.latest})
			return nil
		})
		if err != nil {
			return nil, fmt.Errorf("look up versions: %w", err)
		}
	}
	return out, nil
}

// scan calls fn with the ID and requested stored fields of every document
// matching q, in document ID order, paging with search_after.
func (x *Index) scan(ctx context.Context, q query.Query, fields []string, fn func(id string, f map[string]any) error) error {
	const page = 1000
	var after []string
	for {
		req := bleve.NewSearchRequestOptions(q, page, 0, false)
		req.Fields = fields
		req.SortBy([]string{"_id"})
		if after != nil {
			req.SetSearchAfter(after)
		}
		res, err := x.bi.SearchInContext(ctx, req)
		if err != nil {
			return err
		}
		for _, h := range res.Hits {
			if err := fn(h.ID, h.Fields); err != nil {
				return err
			}
		}
		if len(res.Hits) < page {
			return nil
		}
		after = []string{res.Hits[len(res.Hits)-1].ID}
	}
}

func termQuery(field, term string) *query.TermQuery {
	q := query.NewTermQuery(term)
	q.SetField(field)
	return q
}

// writer fills bleve batches and sends each when it is full.
type writer struct {
	bi bleve.Index
	b  *bleve.Batch
}

func (x *Index) newWriter() *writer { return &writer{bi: x.bi, b: x.bi.NewBatch()} }

func (w *writer) index(id string, doc map[string]any) error {
	if err := w.b.Index(id, doc); err != nil {
		return fmt.Errorf("index %s: %w", id, err)
	}
	return w.maybeFlush()
}

func (w *writer) maybeFlush() error {
	if w.b.Size() < batchSize {
		return nil
	}
	return w.flush()
}

func (w *writer) flush() error {
	if w.b.Size() == 0 {
		return nil
	}
	if err := w.bi.Batch(w.b); err != nil {
		return fmt.Errorf("index batch: %w", err)
	}
	w.b.Reset()
	return nil
}
