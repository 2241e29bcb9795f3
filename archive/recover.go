package archive

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"rankfile/internal/linesort"
)

// recover runs at Open. It finishes the WARC files a killed process left
// open: a partial last gzip member is cut off at the end of the last whole
// record (damage before that record is left in place, for Check to report:
// the whole records after it are kept), and the file is synced and renamed
// to its final name. Then it
// brings the capture index in line with the files: entries whose file is
// gone or which point past its end are dropped, and the records of
// recovered files, and of files the index does not mention at all, are
// indexed. A changed index is written out at once. The copy of an import
// that did not finish is removed: its source is where it was.
func (a *Archive) recover() error {
	ents, err := os.ReadDir(a.dir)
	if err != nil {
		return fmt.Errorf("list archive directory: %w", err)
	}
	var recovered []string
	for _, e := range ents {
		if !e.IsDir() && isIndexTemp(e.Name()) {
			// A merge of the index cut short: index.cdxj and the journal are whole.
			if err := os.Remove(filepath.Join(a.dir, e.Name())); err != nil {
				return fmt.Errorf("remove unfinished index merge: %w", err)
			}
			continue
		}
		if !e.IsDir() && strings.HasSuffix(e.Name(), importSuffix) {
			// An import cut short: its source is still where it was.
			a.log.Warn("removing the copy of an import that did not finish; import the file again", "file", e.Name())
			if err := os.Remove(filepath.Join(a.dir, e.Name())); err != nil {
				return fmt.Errorf("remove unfinished import: %w", err)
			}
			continue
		}
		if e.IsDir() || !strings.HasSuffix(e.Name(), openSuffix) || !isWARCName(strings.TrimSuffix(e.Name(), openSuffix)) {
			continue
		}
		name, err := a.recoverFile(e.Name())
		if err != nil {
			return err
		}
		if name != "" {
			recovered = append(recovered, name)
		}
	}
	return a.reconcile(recovered)
}

// isIndexTemp reports whether name is a file an index merge writes before
// its rename: the new index.cdxj, or a run of its sort.
func isIndexTemp(name string) bool {
	return strings.HasPrefix(name, "."+indexName+"-") && strings.HasSuffix(name, ".tmp") || strings.HasPrefix(name, linesort.TempPrefix)
}

// recoverFile cuts an open file back to its whole records and renames it;
// it returns the final name, or "" when nothing whole was left to keep.
func (a *Archive) recoverFile(openName string) (string, error) {
	name := strings.TrimSuffix(openName, openSuffix)
	path := filepath.Join(a.dir, openName)
	good, damage, err := scanFile(path, name, -1, func(scanned) error { return nil })
	if err != nil {
		return "", fmt.Errorf("recover %s: %w", openName, err)
	}
	if _, err := os.Stat(filepath.Join(a.dir, name)); err == nil {
		return "", fmt.Errorf("recover %s: %w: %s", openName, ErrExists, name)
	}
	f, err := os.OpenFile(path, os.O_RDWR, 0)
	if err != nil {
		return "", fmt.Errorf("recover %s: %w", openName, err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return "", fmt.Errorf("recover %s: %w", openName, err)
	}
	if good == st.Size() && damage != nil {
		a.log.Warn("damaged records left in interrupted warc file, whole records after them kept", "warc_file", name,
			"damage", fmt.Sprint(damage))
	}
	if good < st.Size() {
		a.log.Warn("cut partial record from interrupted warc file", "warc_file", name,
			"warc_offset", good, "bytes_cut", st.Size()-good, "damage", fmt.Sprint(damage))
		if err := f.Truncate(good); err != nil {
			return "", fmt.Errorf("recover %s: cut partial record: %w", openName, err)
		}
	}
	if good == 0 {
		f.Close()
		if err := os.Remove(path); err != nil {
			return "", fmt.Errorf("recover %s: remove empty file: %w", openName, err)
		}
		return "", nil
	}
	if err := f.Sync(); err != nil {
		return "", fmt.Errorf("recover %s: %w", openName, err)
	}
	if err := os.Rename(path, filepath.Join(a.dir, name)); err != nil {
		return "", fmt.Errorf("recover %s: %w", openName, err)
	}
	a.log.Warn("recovered interrupted warc file", "warc_file", name, "bytes", good)
	return name, syncDir(a.dir)
}

// reconcile makes the index agree with the WARC files in the directory;
// reindex names files whose records must be indexed again. It reads the
// index through once; only when an entry must go, a file is not indexed,
// or the index is not sorted (as an index written by another tool may not
// be) does it write the index anew, sorting on disk.
func (a *Archive) reconcile(reindex []string) error {
	sizes := map[string]int64{}
	ents, err := os.ReadDir(a.dir)
	if err != nil {
		return fmt.Errorf("list archive directory: %w", err)
	}
	for _, e := range ents {
		if info, err := e.Info(); err == nil && !e.IsDir() && isWARCName(e.Name()) {
			sizes[e.Name()] = info.Size()
		}
	}
	indexed := map[string]bool{}
	changed := false
	var prev string
	fits := func(e Entry) bool {
		size, ok := sizes[e.File]
		return ok && e.Offset >= 0 && e.Offset+e.Length <= size
	}
	// the entries of a file indexed again are those its records give now
	keep := func(e Entry) bool { return fits(e) && !slices.Contains(reindex, e.File) }
	err = a.idx.eachLine(func(line string) error {
		if line < prev {
			changed = true // not sorted
		}
		prev = line
		e, err := parseEntry(line)
		if err != nil {
			return fmt.Errorf("capture index: %w", err)
		}
		if !keep(e) {
			changed = true
		} else {
			indexed[e.File] = true
		}
		return nil
	})
	if err != nil {
		return err
	}
	var toIndex []string
	for name := range sizes {
		if !indexed[name] || slices.Contains(reindex, name) {
			toIndex = append(toIndex, name)
		}
	}
	slices.Sort(toIndex)
	if !changed && len(toIndex) == 0 {
		return nil
	}
	return a.idx.rewrite(func(add func(Entry) error) error {
		err := a.idx.each(func(e Entry) error {
			if !fits(e) {
				a.log.Warn("drop index entry past the end of its file", "url", e.URL, "warc_file", e.File, "warc_offset", e.Offset)
			}
			if !keep(e) {
				return nil
			}
			return add(e)
		})
		if err != nil {
			return err
		}
		for _, name := range toIndex {
			damage, err := indexFile(filepath.Join(a.dir, name), name, -1, add)
			if err != nil {
				return fmt.Errorf("index %s: %w", name, err)
			}
			if damage != nil {
				a.log.Warn("damaged warc record", "warc_file", name, "error", damage)
			}
		}
		return nil
	})
}

// indexFile calls add with the index entry of each capture record of a
// WARC file, and returns the damage that cut the scan short, if any.
func indexFile(path, name string, limit int64, add func(Entry) error) (damage, err error) {
	_, damage, err = scanFile(path, name, limit, func(s scanned) error {
		if e, ok := entryOf(s, name); ok {
			return add(e)
		}
		return nil
	})
	return damage, err
}
