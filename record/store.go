package record

import (
	"bufio"
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
// malformed record.
func Decode(r io.Reader) ([]Record, error) {
	var recs []Record
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64*1024), 64*1024*1024)
	for line := 1; sc.Scan(); line++ {
		if len(sc.Bytes()) == 0 {
			continue
		}
		var rec Record
		if err := json.Unmarshal(sc.Bytes(), &rec); err != nil {
			return recs, fmt.Errorf("records line %d: %w", line, err)
		}
		recs = append(recs, rec)
	}
	if err := sc.Err(); err != nil {
		return recs, fmt.Errorf("read records: %w", err)
	}
	return recs, nil
}
