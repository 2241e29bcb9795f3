package store

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"

	"github.com/klauspost/compress/zstd"
	_ "modernc.org/sqlite" // the database/sql driver "sqlite"

	"rankfile/internal/perm"
	"rankfile/record"
)

// ErrNoStore is returned by OpenExisting when there is no store at the path.
var ErrNoStore = errors.New("store: no record store (run rankfile crawl or rankfile extract first)")

// ErrOldStore means the store was written by another version of rankfile;
// rankfile extract rebuilds it from the archive.
var ErrOldStore = errors.New("store: written by another version of rankfile; rebuild it (rankfile extract)")

// schemaVersion names the layout below; a store of another layout is not
// read.
const schemaVersion = "1"

const schema = `
CREATE TABLE IF NOT EXISTS meta(name TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS captures(place TEXT PRIMARY KEY, url TEXT NOT NULL, error TEXT) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS raw(seq INTEGER PRIMARY KEY, place TEXT NOT NULL, rec BLOB NOT NULL, out INTEGER);
CREATE TABLE IF NOT EXISTS keys(key BLOB NOT NULL, seq INTEGER NOT NULL, PRIMARY KEY(key, seq)) WITHOUT ROWID;
CREATE INDEX IF NOT EXISTS keys_seq ON keys(seq);
CREATE TABLE IF NOT EXISTS records(key INTEGER PRIMARY KEY, id TEXT NOT NULL, doc TEXT NOT NULL, rec BLOB,
	kind TEXT NOT NULL, site TEXT NOT NULL, published TEXT NOT NULL, captured TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS records_id ON records(id);
CREATE INDEX IF NOT EXISTS records_doc ON records(doc);
CREATE TABLE IF NOT EXISTS orgs(name TEXT PRIMARY KEY, acronym TEXT NOT NULL, seq INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS dirty(n INTEGER PRIMARY KEY, doc TEXT NOT NULL UNIQUE);
CREATE TABLE IF NOT EXISTS exported(doc TEXT PRIMARY KEY) WITHOUT ROWID;
`

// Store is the derived-record store of a data directory. Its methods are
// safe for concurrent use; Update transactions run one at a time.
type Store struct {
	path string
	w, r *sql.DB // the writer (one connection, BEGIN IMMEDIATE) and readers
	enc  *zstd.Encoder
	dec  *zstd.Decoder
}

// Open opens the store at path, creating it (and its directory) when it
// does not exist. It fails with ErrOldStore when the store has another
// layout.
func Open(path string) (*Store, error) {
	if err := os.MkdirAll(filepath.Dir(path), perm.Dir()); err != nil {
		return nil, fmt.Errorf("create store directory: %w", err)
	}
	return open(path)
}

// OpenExisting opens the store at path; it fails with ErrNoStore when
// there is none.
func OpenExisting(path string) (*Store, error) {
	if _, err := os.Stat(path); errors.Is(err, os.ErrNotExist) {
		return nil, ErrNoStore
	}
	return open(path)
}

func open(path string) (*Store, error) {
	dsn := "file:" + (&url.URL{Path: path}).EscapedPath() +
		"?_pragma=busy_timeout(60000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)"
	w, err := sql.Open("sqlite", dsn+"&_txlock=immediate")
	if err != nil {
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	r, err := sql.Open("sqlite", dsn)
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	r.SetMaxOpenConns(4)
	s := &Store{path: path, w: w, r: r}
	s.enc, _ = zstd.NewWriter(nil, zstd.WithEncoderLevel(zstd.SpeedFastest), zstd.WithEncoderConcurrency(1))
	s.dec, _ = zstd.NewReader(nil, zstd.WithDecoderConcurrency(0))
	if err := s.init(); err != nil {
		s.Close()
		return nil, fmt.Errorf("open store %s: %w", path, err)
	}
	return s, nil
}

// init checks the store's layout, reading only (a reader beside a crawl
// does not wait for the crawl's transaction), and creates it in a new
// store.
func (s *Store) init() error {
	var v string
	if err := s.View(context.Background(), func(tx *Tx) (err error) {
		v, err = tx.Meta("schema")
		return err
	}); err == nil {
		if v != schemaVersion {
			return ErrOldStore
		}
		return nil
	}
	return s.Update(context.Background(), func(tx *Tx) error {
		v, err := tx.Meta("schema")
		if err != nil {
			if _, err := tx.tx.Exec(schema); err != nil {
				return err
			}
			return tx.SetMeta("schema", schemaVersion)
		}
		if v != schemaVersion {
			return ErrOldStore
		}
		return nil
	})
}

// Path returns the store's file.
func (s *Store) Path() string { return s.path }

// Close closes the store.
func (s *Store) Close() error {
	err := errors.Join(s.w.Close(), s.r.Close())
	s.dec.Close()
	return err
}

// Update runs fn in a write transaction, committed when fn returns nil
// and rolled back otherwise.
func (s *Store) Update(ctx context.Context, fn func(*Tx) error) error {
	return s.run(ctx, s.w, fn)
}

// View runs fn in a read transaction: it sees the store as committed when
// it began, whatever is written meanwhile.
func (s *Store) View(ctx context.Context, fn func(*Tx) error) error {
	return s.run(ctx, s.r, fn)
}

func (s *Store) run(ctx context.Context, db *sql.DB, fn func(*Tx) error) error {
	sqlTx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return fmt.Errorf("store: begin: %w", err)
	}
	tx := &Tx{s: s, tx: sqlTx, ctx: ctx}
	if err := fn(tx); err != nil {
		return errors.Join(err, ignoreDone(sqlTx.Rollback()))
	}
	if err := sqlTx.Commit(); err != nil {
		return fmt.Errorf("store: commit: %w", err)
	}
	return nil
}

func ignoreDone(err error) error {
	if errors.Is(err, sql.ErrTxDone) {
		return nil
	}
	return err
}

// Tx is a transaction on the store; its methods are for one goroutine.
type Tx struct {
	s   *Store
	tx  *sql.Tx
	ctx context.Context
}

func (t *Tx) exec(q string, args ...any) (sql.Result, error) {
	return t.tx.ExecContext(t.ctx, q, args...)
}

func (t *Tx) row(q string, args ...any) *sql.Row {
	return t.tx.QueryRowContext(t.ctx, q, args...)
}

// Meta returns a named value kept in the store; sql.ErrNoRows when unset.
func (t *Tx) Meta(name string) (string, error) {
	var v string
	err := t.row(`SELECT value FROM meta WHERE name = ?`, name).Scan(&v)
	return v, err
}

// SetMeta keeps a named value.
func (t *Tx) SetMeta(name, value string) error {
	_, err := t.exec(`INSERT OR REPLACE INTO meta(name, value) VALUES(?, ?)`, name, value)
	return err
}

// encode is a record as stored: its JSON, zstd-compressed.
func (t *Tx) encode(r record.Record) ([]byte, []byte, error) {
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(r); err != nil {
		return nil, nil, fmt.Errorf("encode record %s: %w", r.ID, err)
	}
	js := b.Bytes()
	return js, t.s.enc.EncodeAll(js, make([]byte, 0, len(js)/3)), nil
}

func (t *Tx) decode(blob []byte) (record.Record, error) {
	var r record.Record
	js, err := t.s.dec.DecodeAll(blob, nil)
	if err != nil {
		return r, fmt.Errorf("store: damaged record: %w", err)
	}
	if err := json.Unmarshal(js, &r); err != nil {
		return r, fmt.Errorf("store: damaged record: %w", err)
	}
	return r, nil
}
