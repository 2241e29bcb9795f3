package pipeline

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strconv"

	"rankfile/index"
	"rankfile/internal/perm"
	"rankfile/record"
	"rankfile/store"
)

// syncDerived brings the records file and the search index up to the
// store after a run that changed it: the records file is exported anew,
// the index takes the changed records (built whole when there is none).
// A run that changed nothing leaves both as they are.
func (p *Pipeline) syncDerived(ctx context.Context, st *store.Store) error {
	var dirty int
	var mark int64
	if err := st.View(ctx, func(tx *store.Tx) (err error) {
		if dirty, err = tx.DirtyCount(); err != nil {
			return err
		}
		mark, err = tx.DirtyMark()
		return err
	}); err != nil {
		return err
	}
	_, noRecords := os.Stat(p.path(recordsFile))
	_, noIndex := os.Stat(p.path(indexDir))
	if dirty > 0 || noRecords != nil {
		if err := p.updateRecordsFile(ctx, st); err != nil {
			return err
		}
	}
	if dirty == 0 && noIndex == nil {
		return nil
	}
	if err := p.updateIndex(ctx, st, dirty); err != nil {
		return err
	}
	return st.Update(ctx, func(tx *store.Tx) error { return tx.ClearDirty(mark) })
}

// updateIndex puts the store's dirty records into the index in place (a
// clone swapped in), or builds the index from the store when there is
// none or it is another version's.
func (p *Pipeline) updateIndex(ctx context.Context, st *store.Store, dirty int) error {
	var bar *counterBar
	if p.Progress != nil {
		bar = newCounterBar(p.Progress, "index", "records")
		bar.max(int64(dirty))
		defer bar.finish()
	}
	err := index.UpdateFrom(p.path(indexDir), func(put func(record.Record) error, del func(string) error) error {
		return st.View(ctx, func(tx *store.Tx) error {
			return tx.Dirty(func(doc string, r *record.Record) error {
				if bar != nil {
					bar.add(1)
				}
				if r == nil {
					return del(doc)
				}
				return put(*r)
			})
		})
	})
	if errors.Is(err, index.ErrNoIndex) || errors.Is(err, index.ErrOldIndex) {
		p.logger().Info("building the index from the record store", "reason", err)
		return p.buildIndex(ctx, st)
	}
	if err == nil {
		p.logger().Info("indexed changed records", "documents", dirty)
	}
	return err
}

// buildIndex builds the whole index from the store, streaming, from one
// snapshot of the store (BuildFrom reads it once), and unmarks the
// documents dirty in it.
func (p *Pipeline) buildIndex(ctx context.Context, st *store.Store) error {
	var count int
	var mark int64
	err := st.View(ctx, func(tx *store.Tx) (err error) {
		if count, err = tx.Count(); err != nil {
			return err
		}
		if mark, err = tx.DirtyMark(); err != nil {
			return err
		}
		var bar *counterBar
		if p.Progress != nil {
			bar = newCounterBar(p.Progress, "index", "records")
			bar.max(2 * int64(count)) // read and spooled, then indexed
			defer bar.finish()
		}
		var opts []index.BuildOption
		if bar != nil {
			opts = append(opts, index.OnIndexed(bar.add))
		}
		return index.BuildFrom(p.path(indexDir), func(fn func(record.Record) error) error {
			return tx.Records(func(_ uint64, r record.Record) error {
				if bar != nil {
					bar.add(1)
				}
				return fn(r)
			})
		}, opts...)
	})
	if err != nil {
		return err
	}
	p.logger().Info("indexed", "records", count)
	return st.Update(ctx, func(tx *store.Tx) error { return tx.ClearDirty(mark) })
}

// fileLinesMeta names the store's note of how many lines the records file
// has: appended versions make it longer than the store's record count.
const fileLinesMeta = "records-file-lines"

// updateRecordsFile brings the records file up to the store: it appends
// the records changed since (a later line of a version stands for an
// earlier one, as for the web interface and the index), so that a crawl
// writes what it changed, not the archive's records; it writes the file
// anew when a record in it was removed (a teaser that gave way to its
// post), when it has grown by a quarter over the records it holds, or
// when there is none.
func (p *Pipeline) updateRecordsFile(ctx context.Context, st *store.Store) error {
	var lines, count, puts int
	var removed bool
	if err := st.View(ctx, func(tx *store.Tx) error {
		v, err := tx.Meta(fileLinesMeta)
		if err != nil {
			removed = true // no note of the file: write it anew
		}
		lines, _ = strconv.Atoi(v)
		if count, err = tx.Count(); err != nil {
			return err
		}
		return tx.DirtyDocs(func(doc string, kept bool) error {
			if kept {
				puts++
				return nil
			}
			in, err := tx.Exported(doc)
			removed = removed || in
			return err
		})
	}); err != nil {
		return err
	}
	if _, err := os.Stat(p.path(recordsFile)); err != nil || removed || 4*(lines+puts) > 5*count+400 {
		return p.exportRecordsFile(ctx, st)
	}
	f, err := os.OpenFile(p.path(recordsFile), os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		return fmt.Errorf("append to records file: %w", err)
	}
	var docs []string
	var buf bytes.Buffer
	flush := func() error { // whole lines in one write: a reader sees no half line
		_, err := f.Write(buf.Bytes())
		buf.Reset()
		return err
	}
	err = st.View(ctx, func(tx *store.Tx) error {
		return tx.DirtyJSON(func(doc string, line []byte) error {
			docs = append(docs, doc)
			buf.Write(line)
			if buf.Len() >= 8<<20 {
				return flush()
			}
			return nil
		})
	})
	if err == nil {
		err = flush()
	}
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("append to records file: %w", err)
	}
	p.logger().Info("appended to the records file", "records", len(docs))
	return st.Update(ctx, func(tx *store.Tx) error {
		if err := tx.MarkExported(false, docs...); err != nil {
			return err
		}
		return tx.SetMeta(fileLinesMeta, strconv.Itoa(lines+len(docs)))
	})
}

// exportRecordsFile writes the store's records to the records file,
// atomically, as JSON Lines: the file that the web interface and other
// tools read. It streams: no record is held longer than its line.
func (p *Pipeline) exportRecordsFile(ctx context.Context, st *store.Store) error {
	path := p.path(recordsFile)
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("create records directory: %w", err)
	}
	tmp, err := perm.CreateTemp(filepath.Dir(path), ".records-*.tmp")
	if err != nil {
		return fmt.Errorf("create records file: %w", err)
	}
	defer os.Remove(tmp.Name()) // no-op after a successful rename
	w := bufio.NewWriterSize(tmp, 1<<20)
	err = st.View(ctx, func(tx *store.Tx) error {
		return tx.RecordsJSON(func(_ uint64, line []byte) error {
			_, err := w.Write(line)
			return err
		})
	})
	if err == nil {
		err = w.Flush()
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("write records file: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("replace records file: %w", err)
	}
	p.logger().Info("exported the records file", "path", path)
	return st.Update(ctx, func(tx *store.Tx) error {
		if err := tx.MarkExported(true); err != nil {
			return err
		}
		n, err := tx.Count()
		if err != nil {
			return err
		}
		return tx.SetMeta(fileLinesMeta, strconv.Itoa(n))
	})
}
