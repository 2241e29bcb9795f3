package index

import (
	"context"
	"fmt"
	"sort"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"

	"rankfile/record"
)

// batchSize is how many documents go to bleve in one batch: large enough to
// amortise segment creation, small enough to bound memory.
const batchSize = 1000

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

// versionInfo is what the latest marks are computed from.
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
		if err := w.delete(id); err != nil {
			return err
		}
	}
	for _, id := range order {
		r := puts[id]
		if err := w.index(id, document(r, "", newest[r.ID].docID == id)); err != nil {
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
		err := x.scan(ctx, query.NewDocIDQuery(chunk), storedFields, func(id string, f map[string]any) error {
			s, err := fromFields(id, f)
			if err != nil {
				return err
			}
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
	if n, err := x.all.DocCount(); err != nil {
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
		fields := []string{fieldRecord, fieldLatest}
		err := x.scan(ctx, query.NewDisjunctionQuery(terms), fields, func(id string, f map[string]any) error {
			s, err := fromFields(id, f)
			if err != nil {
				return err
			}
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
		res, err := x.all.SearchInContext(ctx, req)
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

// writer fills a bleve batch per shard and sends each when it is full.
type writer struct {
	shards []bleve.Index
	b      []*bleve.Batch
}

func (x *Index) newWriter() *writer {
	w := &writer{shards: x.shards, b: make([]*bleve.Batch, len(x.shards))}
	for i, bi := range x.shards {
		w.b[i] = bi.NewBatch()
	}
	return w
}

func (w *writer) index(id string, doc map[string]any) error {
	s := shardOf(recordIDOf(id), len(w.shards))
	if err := w.b[s].Index(id, doc); err != nil {
		return fmt.Errorf("index %s: %w", id, err)
	}
	return w.maybeFlush(s)
}

func (w *writer) delete(id string) error {
	s := shardOf(recordIDOf(id), len(w.shards))
	w.b[s].Delete(id)
	return w.maybeFlush(s)
}

func (w *writer) maybeFlush(s int) error {
	if w.b[s].Size() < batchSize {
		return nil
	}
	return w.flushShard(s)
}

func (w *writer) flushShard(s int) error {
	if w.b[s].Size() == 0 {
		return nil
	}
	if err := w.shards[s].Batch(w.b[s]); err != nil {
		return fmt.Errorf("index batch: %w", err)
	}
	// a new batch, not Reset: scorch's Batch returns while a goroutine of
	// it may still be ranging over the old batch's map (a data race under
	// -race in bleve v2.6.3)
	w.b[s] = w.shards[s].NewBatch()
	return nil
}

// flush sends what is left of every shard's batch.
func (w *writer) flush() error {
	for s := range w.b {
		if err := w.flushShard(s); err != nil {
			return err
		}
	}
	return nil
}
