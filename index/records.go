package index

import (
	"context"
	"errors"
	"fmt"
	"sort"

	"rankfile/record"
)

// ErrNotFound is returned by Versions for an ID the index does not hold.
var ErrNotFound = errors.New("index: no such record")

// Version is one indexed version of a record.
type Version struct {
	DocID  string // the version's document ID (see DocID)
	Latest bool   // whether it is the newest version
	record.Record
}

// Versions returns every version of a record, oldest capture first. id is
// a record ID or the document ID of one of its versions. It fails with
// ErrNotFound when the index holds no version of it.
func (x *Index) Versions(ctx context.Context, id string) ([]Version, error) {
	recID := recordIDOf(id)
	var out []Version
	err := x.scan(ctx, termQuery(fieldRecordID, recID), storedFields, func(docID string, f map[string]any) error {
		s, err := fromFields(docID, f)
		if err != nil {
			return err
		}
		out = append(out, Version{DocID: docID, Latest: s.latest, Record: s.rec})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("versions of %s: %w", recID, err)
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("%s: %w", id, ErrNotFound)
	}
	sort.SliceStable(out, func(i, j int) bool {
		a, b := out[i], out[j]
		if !a.Captured.Equal(b.Captured) {
			return a.Captured.Before(b.Captured)
		}
		return a.DocID < b.DocID
	})
	return out, nil
}

// recordsChunk is how many stored documents Records loads at a time.
const recordsChunk = 500

// Records calls fn with every record version matching q, in q's order,
// text included: all matches, neither paged nor collapsed (q.Size, q.From,
// q.Facets and q.KeepDuplicates are ignored). It stops at fn's first error
// and returns it.
func (x *Index) Records(ctx context.Context, q Query, fn func(Version) error) error {
	q.Size, q.From, q.Facets = 1, 0, false
	req, _, err := x.request(ctx, q)
	if err != nil {
		return err
	}
	// first the IDs of all matches in order, then their documents in chunks
	req.Fields = nil
	count, err := x.all.SearchInContext(ctx, req)
	if err != nil {
		return fmt.Errorf("search %q: %w", q.Text, err)
	}
	req.Size = int(count.Total)
	res, err := x.all.SearchInContext(ctx, req)
	if err != nil {
		return fmt.Errorf("search %q: %w", q.Text, err)
	}
	breakTies(res.Hits)
	ids := make([]string, len(res.Hits))
	for i, h := range res.Hits {
		ids[i] = h.ID
	}
	for start := 0; start < len(ids); start += recordsChunk {
		chunk := ids[start:min(start+recordsChunk, len(ids))]
		docs, _, err := x.storedDocs(ctx, chunk)
		if err != nil {
			return err
		}
		for _, id := range chunk {
			f, ok := docs[id]
			if !ok {
				continue
			}
			s, err := fromFields(id, f)
			if err != nil {
				return err
			}
			if err := fn(Version{DocID: id, Latest: s.latest, Record: s.rec}); err != nil {
				return err
			}
		}
	}
	return nil
}
