package store

import (
	"bytes"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"rankfile/record"
)

// Extracted reports whether the capture at place ("FILE@OFFSET", see
// record.Place) was extracted, or skipped, already.
func (t *Tx) Extracted(place string) (bool, error) {
	var one int
	err := t.row(`SELECT 1 FROM captures WHERE place = ?`, place).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}

// MaxRecordSize bounds a record's JSON: a record larger than this is not
// kept (AddCapture fails with ErrTooLarge), so that no single page can make
// the store or the records file unreadable.
const MaxRecordSize = 512 << 20

// ErrTooLarge is returned by AddCapture for a record over MaxRecordSize.
var ErrTooLarge = errors.New("store: record too large")

// maxRecordSize is MaxRecordSize; tests lower it.
var maxRecordSize = MaxRecordSize

// AddCapture keeps the records extracted from the capture at place and
// returns their sequence numbers, in order: later than any kept before.
// It keeps all of them or, failing, none.
func (t *Tx) AddCapture(place, url string, recs []record.Record) (seqs []uint64, err error) {
	if _, err := t.exec(`SAVEPOINT capture`); err != nil {
		return nil, err
	}
	defer func() {
		if err != nil {
			_, rerr := t.exec(`ROLLBACK TO capture`)
			err = errors.Join(err, rerr)
		}
		_, rerr := t.exec(`RELEASE capture`)
		err = errors.Join(err, rerr)
	}()
	if _, err := t.exec(`INSERT OR REPLACE INTO captures(place, url, error) VALUES(?, ?, NULL)`, place, url); err != nil {
		return nil, fmt.Errorf("store: add capture %s: %w", place, err)
	}
	seqs = make([]uint64, 0, len(recs))
	for _, r := range recs {
		js, blob, err := t.encode(r)
		if err != nil {
			return nil, err
		}
		if len(js) > maxRecordSize {
			return nil, fmt.Errorf("record %s of %s: %d bytes: %w", r.ID, url, len(js), ErrTooLarge)
		}
		res, err := t.exec(`INSERT INTO raw(place, rec) VALUES(?, ?)`, place, blob)
		if err != nil {
			return nil, fmt.Errorf("store: add record of %s: %w", place, err)
		}
		seq, err := res.LastInsertId()
		if err != nil {
			return nil, err
		}
		seqs = append(seqs, uint64(seq))
	}
	return seqs, nil
}

// SkipCapture notes that the capture at place could not be extracted, and
// why; it is not tried again until a whole re-extract.
func (t *Tx) SkipCapture(place, url, reason string) error {
	_, err := t.exec(`INSERT OR REPLACE INTO captures(place, url, error) VALUES(?, ?, ?)`, place, url, reason)
	return err
}

// Skip is a capture that could not be extracted.
type Skip struct {
	Place, URL, Reason string
}

// Skipped calls fn with each capture that could not be extracted, by place.
func (t *Tx) Skipped(fn func(Skip) error) error {
	rows, err := t.tx.QueryContext(t.ctx, `SELECT place, url, error FROM captures WHERE error IS NOT NULL ORDER BY place`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var s Skip
		if err := rows.Scan(&s.Place, &s.URL, &s.Reason); err != nil {
			return err
		}
		if err := fn(s); err != nil {
			return err
		}
	}
	return rows.Err()
}

// Raw returns the extracted record seq.
func (t *Tx) Raw(seq uint64) (record.Record, error) {
	var blob []byte
	if err := t.row(`SELECT rec FROM raw WHERE seq = ?`, seq).Scan(&blob); err != nil {
		return record.Record{}, fmt.Errorf("store: extracted record %d: %w", seq, err)
	}
	return t.decode(blob)
}

// SetKeys files the extracted record seq under keys (and no others): the
// keys Lookup finds it by.
func (t *Tx) SetKeys(seq uint64, keys []string) error {
	if _, err := t.exec(`DELETE FROM keys WHERE seq = ?`, seq); err != nil {
		return err
	}
	for _, k := range keys {
		if _, err := t.exec(`INSERT OR IGNORE INTO keys(key, seq) VALUES(?, ?)`, []byte(k), seq); err != nil {
			return err
		}
	}
	return nil
}

// Keys returns the keys the extracted record seq is filed under.
func (t *Tx) Keys(seq uint64) ([]string, error) {
	rows, err := t.tx.QueryContext(t.ctx, `SELECT key FROM keys WHERE seq = ?`, seq)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var k []byte
		if err := rows.Scan(&k); err != nil {
			return nil, err
		}
		out = append(out, string(k))
	}
	return out, rows.Err()
}

// Lookup returns the extracted records filed under key, in order.
func (t *Tx) Lookup(key string) ([]uint64, error) {
	rows, err := t.tx.QueryContext(t.ctx, `SELECT seq FROM keys WHERE key = ? ORDER BY seq`, []byte(key))
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []uint64
	for rows.Next() {
		var s uint64
		if err := rows.Scan(&s); err != nil {
			return nil, err
		}
		out = append(out, s)
	}
	return out, rows.Err()
}

// Output returns the key of the assembled record the extracted record seq
// was folded into; ok is false when it was folded into none (a teaser
// whose post is archived) or not assembled yet.
func (t *Tx) Output(seq uint64) (key uint64, ok bool, err error) {
	var out sql.NullInt64
	if err := t.row(`SELECT out FROM raw WHERE seq = ?`, seq).Scan(&out); err != nil {
		return 0, false, fmt.Errorf("store: extracted record %d: %w", seq, err)
	}
	return uint64(out.Int64), out.Valid, nil
}

// SetOutput notes the assembled record the extracted record seq was folded
// into; ok false notes none.
func (t *Tx) SetOutput(seq, key uint64, ok bool) error {
	out := sql.NullInt64{Int64: int64(key), Valid: ok}
	_, err := t.exec(`UPDATE raw SET out = ? WHERE seq = ?`, out, seq)
	return err
}

// Put keeps r as the assembled record key; doc is its search index
// document ID. Unless r is the record already kept there, r's document
// (and that of the record it replaces) is marked dirty: the index must
// take it. An assembled record equal to the extracted record of the same
// sequence number is kept as a reference to it.
func (t *Tx) Put(key uint64, doc string, r record.Record) error {
	js, blob, err := t.encode(r)
	if err != nil {
		return err
	}
	var oldDoc string
	var oldBlob []byte
	err = t.row(`SELECT doc, rec FROM records WHERE key = ?`, key).Scan(&oldDoc, &oldBlob)
	found := err == nil
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return err
	}
	same := func(stored []byte) (bool, error) {
		if stored == nil {
			if stored, err = t.rawBlob(key); err != nil || stored == nil {
				return false, err
			}
		}
		plain, err := t.s.dec.DecodeAll(stored, nil)
		return bytes.Equal(plain, js), err
	}
	if found && oldDoc == doc {
		if eq, err := same(oldBlob); err != nil || eq {
			return err
		}
	}
	if eq, err := same(nil); err != nil {
		return err
	} else if eq {
		blob = nil // the extracted record itself
	}
	captured := ""
	if !r.Captured.IsZero() {
		captured = r.Captured.UTC().Format(time.DateOnly)
	}
	if _, err := t.exec(`INSERT OR REPLACE INTO records(key, id, doc, rec, kind, site, published, captured) VALUES(?, ?, ?, ?, ?, ?, ?, ?)`,
		key, r.ID, doc, blob, string(r.Kind), r.Site, r.Published, captured); err != nil {
		return fmt.Errorf("store: put record %s: %w", r.ID, err)
	}
	if found && oldDoc != doc {
		if err := t.markDirty(oldDoc); err != nil {
			return err
		}
	}
	return t.markDirty(doc)
}

func (t *Tx) rawBlob(seq uint64) ([]byte, error) {
	var blob []byte
	err := t.row(`SELECT rec FROM raw WHERE seq = ?`, seq).Scan(&blob)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, nil
	}
	return blob, err
}

// Delete removes the assembled record key, marking its document dirty.
func (t *Tx) Delete(key uint64) error {
	var doc string
	err := t.row(`DELETE FROM records WHERE key = ? RETURNING doc`, key).Scan(&doc)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return err
	}
	return t.markDirty(doc)
}

func (t *Tx) markDirty(doc string) error {
	_, err := t.exec(`INSERT OR REPLACE INTO dirty(doc) VALUES(?)`, doc) // a new mark, after any reader's

	return err
}

// Record returns the assembled record key; ok is false when there is none.
func (t *Tx) Record(key uint64) (r record.Record, ok bool, err error) {
	var blob []byte
	err = t.row(`SELECT coalesce(records.rec, raw.rec) FROM records LEFT JOIN raw ON raw.seq = records.key WHERE key = ?`, key).Scan(&blob)
	if errors.Is(err, sql.ErrNoRows) {
		return r, false, nil
	}
	if err != nil {
		return r, false, err
	}
	r, err = t.decode(blob)
	return r, err == nil, err
}

// ByID returns the assembled records (versions) with record ID id, in
// archive order.
func (t *Tx) ByID(id string) ([]record.Record, error) {
	var out []record.Record
	err := t.query(`WHERE records.id = ? ORDER BY records.key`, []any{id}, func(_ uint64, r record.Record) error {
		out = append(out, r)
		return nil
	})
	return out, err
}

// Records calls fn with every assembled record in archive order, until fn
// returns an error.
func (t *Tx) Records(fn func(key uint64, r record.Record) error) error {
	return t.query(`ORDER BY records.key`, nil, fn)
}

// RecordsAfter is Records from the key after after on, at most limit
// records: a long scan in short transactions.
func (t *Tx) RecordsAfter(after uint64, limit int, fn func(key uint64, r record.Record) error) error {
	return t.query(`WHERE records.key > ? ORDER BY records.key LIMIT ?`, []any{after, limit}, fn)
}

func (t *Tx) query(where string, args []any, fn func(uint64, record.Record) error) error {
	q := `SELECT records.key, coalesce(records.rec, raw.rec) FROM records LEFT JOIN raw ON raw.seq = records.key ` + where
	rows, err := t.tx.QueryContext(t.ctx, q, args...)
	if err != nil {
		return fmt.Errorf("store: read records: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var key uint64
		var blob []byte
		if err := rows.Scan(&key, &blob); err != nil {
			return err
		}
		r, err := t.decode(blob)
		if err != nil {
			return fmt.Errorf("store: record %d: %w", key, err)
		}
		if err := fn(key, r); err != nil {
			return err
		}
	}
	return rows.Err()
}

// Count returns how many assembled records the store holds.
func (t *Tx) Count() (int, error) {
	var n int
	err := t.row(`SELECT count(*) FROM records`).Scan(&n)
	return n, err
}

// Coverage is what the assembled records of one kind and site span.
type Coverage struct {
	Kind, Site                    string
	Records                       int
	FirstPublished, LastPublished string // YYYY-MM-DD, of the records that give a date
	FirstCaptured, LastCaptured   string // YYYY-MM-DD, UTC
}

// Coverage returns what the assembled records span, by kind and site,
// without reading them.
func (t *Tx) Coverage() ([]Coverage, error) {
	rows, err := t.tx.QueryContext(t.ctx, `SELECT kind, site, count(*),
		coalesce(min(nullif(published, '')), ''), max(published), coalesce(min(nullif(captured, '')), ''), max(captured)
		FROM records GROUP BY kind, site ORDER BY site, kind`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Coverage
	for rows.Next() {
		var c Coverage
		if err := rows.Scan(&c.Kind, &c.Site, &c.Records, &c.FirstPublished, &c.LastPublished, &c.FirstCaptured, &c.LastCaptured); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// Dirty calls fn with each document marked dirty and the assembled record
// that now has that document ID (the last one, if several), or nil when
// none has: the index must put the record, or delete the document.
func (t *Tx) Dirty(fn func(doc string, r *record.Record) error) error {
	return t.dirtyBlobs(func(doc string, blob []byte) error {
		if blob == nil {
			return fn(doc, nil)
		}
		r, err := t.decode(blob)
		if err != nil {
			return err
		}
		return fn(doc, &r)
	})
}

// DirtyJSON is Dirty for an export: it calls fn with each document marked
// dirty that an assembled record has now and that record's JSON, one line
// ending in a newline (valid until fn returns), without decoding it.
func (t *Tx) DirtyJSON(fn func(doc string, line []byte) error) error {
	var buf []byte
	return t.dirtyBlobs(func(doc string, blob []byte) error {
		if blob == nil {
			return nil
		}
		var err error
		if buf, err = t.s.dec.DecodeAll(blob, buf[:0]); err != nil {
			return fmt.Errorf("store: record of %s: damaged: %w", doc, err)
		}
		return fn(doc, buf)
	})
}

func (t *Tx) dirtyBlobs(fn func(doc string, blob []byte) error) error {
	rows, err := t.tx.QueryContext(t.ctx, `SELECT dirty.doc, (SELECT coalesce(records.rec, raw.rec) FROM records LEFT JOIN raw ON raw.seq = records.key
		WHERE records.doc = dirty.doc ORDER BY records.key DESC LIMIT 1) FROM dirty`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var doc string
		var blob []byte
		if err := rows.Scan(&doc, &blob); err != nil {
			return err
		}
		if err := fn(doc, blob); err != nil {
			return err
		}
	}
	return rows.Err()
}

// DirtyDocs calls fn with each document marked dirty and whether an
// assembled record has that document ID now (the index must put it) or
// none has (the index must delete it), without reading the records.
func (t *Tx) DirtyDocs(fn func(doc string, kept bool) error) error {
	rows, err := t.tx.QueryContext(t.ctx, `SELECT doc, EXISTS(SELECT 1 FROM records WHERE records.doc = dirty.doc) FROM dirty`)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var doc string
		var kept bool
		if err := rows.Scan(&doc, &kept); err != nil {
			return err
		}
		if err := fn(doc, kept); err != nil {
			return err
		}
	}
	return rows.Err()
}

// DirtyCount returns how many documents are marked dirty.
func (t *Tx) DirtyCount() (int, error) {
	var n int
	err := t.row(`SELECT count(*) FROM dirty`).Scan(&n)
	return n, err
}

// DirtyMark returns a mark of the dirty documents as this transaction
// sees them, for ClearDirty.
func (t *Tx) DirtyMark() (int64, error) {
	var n int64
	err := t.row(`SELECT coalesce(max(n), 0) FROM dirty`).Scan(&n)
	return n, err
}

// ClearDirty unmarks the documents marked dirty up to mark (DirtyMark):
// the index has taken them as they were then. A document marked again
// since stays dirty.
func (t *Tx) ClearDirty(mark int64) error {
	_, err := t.exec(`DELETE FROM dirty WHERE n <= ?`, mark)
	return err
}

// Exported reports whether the document doc is in the records file (as
// MarkExported noted it).
func (t *Tx) Exported(doc string) (bool, error) {
	var one int
	err := t.row(`SELECT 1 FROM exported WHERE doc = ?`, doc).Scan(&one)
	if errors.Is(err, sql.ErrNoRows) {
		return false, nil
	}
	return err == nil, err
}

// MarkExported notes the documents docs as written to the records file;
// with all, every document the store holds, and no other.
func (t *Tx) MarkExported(all bool, docs ...string) error {
	if all {
		if _, err := t.exec(`DELETE FROM exported`); err != nil {
			return err
		}
		_, err := t.exec(`INSERT OR IGNORE INTO exported(doc) SELECT doc FROM records`)
		return err
	}
	for _, d := range docs {
		if _, err := t.exec(`INSERT OR IGNORE INTO exported(doc) VALUES(?)`, d); err != nil {
			return err
		}
	}
	return nil
}

// Organization is an organization named in the archive.
type Organization struct {
	Name, Acronym string
}

// AddOrganization keeps an organization by name, first seen at extracted
// record seq; added is false when the name was known.
func (t *Tx) AddOrganization(name, acronym string, seq uint64) (added bool, err error) {
	res, err := t.exec(`INSERT OR IGNORE INTO orgs(name, acronym, seq) VALUES(?, ?, ?)`, name, acronym, seq)
	if err != nil {
		return false, err
	}
	n, err := res.RowsAffected()
	return n > 0, err
}

// Organizations returns the organizations kept, in the order first seen.
func (t *Tx) Organizations() ([]Organization, error) {
	rows, err := t.tx.QueryContext(t.ctx, `SELECT name, acronym FROM orgs ORDER BY seq, name`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Organization
	for rows.Next() {
		var o Organization
		if err := rows.Scan(&o.Name, &o.Acronym); err != nil {
			return nil, err
		}
		out = append(out, o)
	}
	return out, rows.Err()
}

// RecordsJSON calls fn with the JSON of every assembled record, one line
// each (ending in a newline), in archive order, until fn returns an error:
// an export that does not decode the records.
func (t *Tx) RecordsJSON(fn func(key uint64, line []byte) error) error {
	rows, err := t.tx.QueryContext(t.ctx, `SELECT records.key, coalesce(records.rec, raw.rec) FROM records LEFT JOIN raw ON raw.seq = records.key ORDER BY records.key`)
	if err != nil {
		return fmt.Errorf("store: read records: %w", err)
	}
	defer rows.Close()
	var buf []byte
	for rows.Next() {
		var key uint64
		var blob []byte
		if err := rows.Scan(&key, &blob); err != nil {
			return err
		}
		if buf, err = t.s.dec.DecodeAll(blob, buf[:0]); err != nil {
			return fmt.Errorf("store: record %d: damaged: %w", key, err)
		}
		if err := fn(key, buf); err != nil {
			return err
		}
	}
	return rows.Err()
}
