package pipeline

import (
	"context"
	"errors"
	"fmt"
	"os"

	"rankfile/index"
	"rankfile/record"
	"rankfile/store"
)

// Index rebuilds the search index from the record store (or, in a data
// directory without one, from the records file): it builds a new index
// beside the old, streaming, one shard per core, and swaps it in whole, so
// that a search running meanwhile, in this process or another, never sees
// half of it.
func (p *Pipeline) Index(ctx context.Context) error {
	st, err := store.OpenExisting(p.path(recordStoreFile))
	if errors.Is(err, store.ErrNoStore) {
		return p.indexRecordsFile(ctx)
	}
	if err != nil {
		return err
	}
	defer st.Close()
	return p.buildIndex(ctx, st)
}

// indexRecordsFile builds the index from the records file, streaming.
func (p *Pipeline) indexRecordsFile(ctx context.Context) error {
	path := p.path(recordsFile)
	if _, err := os.Stat(path); err != nil {
		return fmt.Errorf("no records to index (run rankfile extract first): %w", err)
	}
	err := index.BuildFrom(p.path(indexDir), func(fn func(record.Record) error) error {
		f, err := os.Open(path)
		if err != nil {
			return err
		}
		defer f.Close()
		return record.Each(f, func(r record.Record) error {
			if err := ctx.Err(); err != nil {
				return err
			}
			return fn(r)
		})
	})
	if err == nil {
		p.logger().Info("indexed the records file")
	}
	return err
}

// IndexNew adds recs, new record versions (a crawl's), to the search index
// in place of a rebuild: the index is cloned, the records added to the
// clone and the clone swapped in, so that a search running meanwhile sees
// the index before or after, whole. When there is no index yet, or one
// written by another version of rankfile, it builds the index from the
// records file instead (which must hold recs already).
func (p *Pipeline) IndexNew(ctx context.Context, recs []record.Record) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	err := index.Update(p.path(indexDir), recs)
	if errors.Is(err, index.ErrNoIndex) || errors.Is(err, index.ErrOldIndex) {
		p.logger().Info("building the index from the records file", "reason", err)
		return p.Index(ctx)
	}
	if err != nil {
		return err
	}
	p.logger().Info("indexed new records", "records", len(recs))
	return nil
}

// Search runs q over the index and writes the hits in format: "text" (a
// readable layout), "json" (one JSON object per hit per line, then the
// facets, if counted, on one more line) or "csv" (a header row, then a row
// per hit).
func (p *Pipeline) Search(ctx context.Context, q index.Query, format string) (*index.Result, error) {
	ix, err := p.openIndex()
	if err != nil {
		return nil, err
	}
	defer ix.Close()
	res, err := ix.Search(ctx, q)
	if err != nil {
		return nil, err
	}
	switch format {
	case "json":
		err = res.WriteJSON(p.out())
	case "csv":
		err = res.WriteCSV(p.out())
	default:
		err = res.WriteText(p.out())
	}
	return res, err
}
