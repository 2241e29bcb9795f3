package index

import (
	"context"
	"fmt"

	"github.com/blevesearch/bleve/v2/search/query"

	"rankfile/record"
)

// SyncStats counts what Sync did, in documents (record versions).
type SyncStats struct {
	Added     int // versions not in the index before
	Updated   int // versions whose content changed
	Deleted   int // versions no longer among the records
	Unchanged int // versions left as they were
}

func (s SyncStats) String() string {
	return fmt.Sprintf("%d added, %d updated, %d deleted, %d unchanged", s.Added, s.Updated, s.Deleted, s.Unchanged)
}

// Sync makes the index hold exactly the versions in recs: it indexes the
// new ones and those whose content changed (by a content hash stored with
// each document), deletes the documents of versions no longer in recs, and
// fixes the latest marks of every record touched. Unchanged documents are
// not rewritten. Of versions repeated in recs the last counts.
func (x *Index) Sync(recs []record.Record) (SyncStats, error) {
	x.mu.Lock()
	defer x.mu.Unlock()
	var st SyncStats
	if err := x.writable(); err != nil {
		return st, err
	}
	ctx := context.Background()
	existing := map[string]string{} // document ID -> content hash
	err := x.scan(ctx, query.NewMatchAllQuery(), []string{fieldHash}, func(id string, f map[string]any) error {
		existing[id], _ = f[fieldHash].(string)
		return nil
	})
	if err != nil {
		return st, fmt.Errorf("sync: list documents: %w", err)
	}

	last := make(map[string]int, len(recs)) // document ID -> index of its last version in recs
	for i, r := range recs {
		last[DocID(r)] = i
	}
	var put []record.Record
	for i, r := range recs {
		id := DocID(r)
		if last[id] != i {
			continue // a later duplicate of this version wins
		}
		switch h, ok := existing[id]; {
		case !ok:
			st.Added++
			put = append(put, r)
		case h != contentHash(r):
			st.Updated++
			put = append(put, r)
		default:
			st.Unchanged++
		}
	}
	var del []string
	for id := range existing {
		if _, ok := last[id]; !ok {
			del = append(del, id)
		}
	}
	st.Deleted = len(del)
	if err := x.apply(ctx, put, del); err != nil {
		return st, fmt.Errorf("sync: %w", err)
	}
	return st, nil
}
