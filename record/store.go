package record

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"rankfile/internal/perm"
)

// WriteFile writes recs to path as JSON Lines, atomically: it writes a
// temporary file beside path, syncs it and renames it over path, so a reader
// sees either the old records or the new ones, never a mix.
func WriteFile(path string, recs []Record) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("create records directory: %w", err)
	}
	tmp, err := perm.CreateTemp(filepath.Dir(path), ".records-*.tmp")
	if err != nil {
		return fmt.Errorf("create records file: %w", err)
	}
	defer os.Remove(tmp.Name()) // no-op after a successful rename
	w := bufio.NewWriter(tmp)
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	for _, r := range recs {
		if err := enc.Encode(r); err != nil {
			tmp.Close()
			return fmt.Errorf("encode record %s: %w", r.ID, err)
		}
	}
	if err := w.Flush(); err != nil {
		tmp.Close()
		return fmt.Errorf("write records: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("sync records: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("close records: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("replace records: %w", err)
	}
	return nil
}

// ReadFile reads the JSON Lines records at path. A missing file yields no
// records and an error wrapping os.ErrNotExist.
func ReadFile(path string) ([]Record, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, fmt.Errorf("open records: %w", err)
	}
	defer f.Close()
	return Decode(f)
}

// Decode reads JSON Lines records from r; the error names the line of a
// malformed record. A line may be of any length.
func Decode(r io.Reader) ([]Record, error) {
	var recs []Record
	err := Each(r, func(rec Record) error {
		recs = append(recs, rec)
		return nil
	})
	return recs, err
}

// Each calls fn with each JSON Lines record read from r, one at a time,
// until fn returns an error; the error of a malformed record names its
// line. A line may be of any length: it is read whole, however long.
func Each(r io.Reader, fn func(Record) error) error {
	br := bufio.NewReaderSize(r, 256<<10)
	for line := 1; ; line++ {
		b, err := br.ReadBytes('\n')
		if len(bytes.TrimSpace(b)) > 0 {
			var rec Record
			if jerr := json.Unmarshal(b, &rec); jerr != nil {
				return fmt.Errorf("records line %d: %w", line, jerr)
			}
			if ferr := fn(rec); ferr != nil {
				return ferr
			}
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("read records: %w", err)
		}
	}
}
