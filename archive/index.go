package archive

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"rankfile/internal/perm"
)

// Index file names in the archive directory. The journal is not named
// *.cdxj so that pywb, pointed at the directory, reads only the sorted index.
const (
	indexName   = "index.cdxj"
	journalName = "index.cdxj.log"
)

// revisitMime is the mime pywb's indexers give a revisit record.
const revisitMime = "warc/revisit"

// Entry is one capture in the capture index: a response or revisit record.
type Entry struct {
	Key    string    // SURT key of URL
	URL    string    // WARC-Target-URI
	Time   time.Time // WARC-Date, to the second (the index's precision)
	Status int       // HTTP status code; 0 when unknown
	Mime   string    // payload media type without parameters; "warc/revisit" for a revisit record
	Digest string    // WARC-Payload-Digest, "sha1:BASE32"; "" when the record has none
	Length int64     // bytes the record takes in File (its whole gzip member)
	Offset int64     // where the record starts in File
	File   string    // WARC file name, within the archive directory

	// ETag and LastModified are the validators of the record's own HTTP
	// response head (its ETag and Last-Modified values as sent), for a
	// conditional GET on the next visit; "" when the head has none. Lookup
	// gives them as recorded; Latest and Nearest fill a revisit's missing
	// ones from its original (a 304 need not repeat Last-Modified). An index
	// written before validators were kept has none until Reindex.
	ETag         string
	LastModified string
}

// Revisit reports whether the entry is a revisit record, whose payload is
// that of an earlier capture with the same digest.
func (e Entry) Revisit() bool { return e.Mime == revisitMime }

// cdxjFields is the JSON block of a CDXJ line, in pywb's field order and
// with its string-typed numbers.
type cdxjFields struct {
	URL      string  `json:"url"`
	Mime     string  `json:"mime,omitempty"`
	Status   cdxjNum `json:"status,omitempty"`
	Digest   string  `json:"digest,omitempty"`
	Length   cdxjNum `json:"length"`
	Offset   cdxjNum `json:"offset"`
	Filename string  `json:"filename"`
	// Fields of rankfile's own, which pywb ignores.
	ETag         string `json:"etag,omitempty"`
	LastModified string `json:"last_modified,omitempty"`
}

// cdxjNum is a number written as a JSON string, as pywb writes them; it
// reads bare JSON numbers too.
type cdxjNum string

func (n *cdxjNum) UnmarshalJSON(b []byte) error {
	if len(b) > 0 && b[0] != '"' {
		*n = cdxjNum(b)
		return nil
	}
	var s string
	if err := json.Unmarshal(b, &s); err != nil {
		return err
	}
	*n = cdxjNum(s)
	return nil
}

// Line returns the entry's CDXJ line, as index.cdxj holds it, without the
// newline. ParseEntry reads it back.
func (e Entry) Line() string {
	f := cdxjFields{
		URL:          e.URL,
		Mime:         e.Mime,
		Digest:       strings.TrimPrefix(e.Digest, "sha1:"),
		Length:       cdxjNum(strconv.FormatInt(e.Length, 10)),
		Offset:       cdxjNum(strconv.FormatInt(e.Offset, 10)),
		Filename:     e.File,
		ETag:         e.ETag,
		LastModified: e.LastModified,
	}
	if e.Status != 0 {
		f.Status = cdxjNum(strconv.Itoa(e.Status))
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.Encode(f) // cannot fail: strings only
	return e.Key + " " + e.Time.UTC().Format(timestamp14) + " " + strings.TrimSuffix(b.String(), "\n")
}

const timestamp14 = "20060102150405"

// ParseEntry parses one line of a capture index (SURT key, 14-digit
// timestamp, JSON block), for readers that may not open the archive: its
// lock is the writer's.
func ParseEntry(line string) (Entry, error) { return parseEntry(line) }

// parseEntry parses one CDXJ line.
func parseEntry(line string) (Entry, error) {
	key, rest, ok1 := strings.Cut(line, " ")
	ts, js, ok2 := strings.Cut(rest, " ")
	if !ok1 || !ok2 {
		return Entry{}, fmt.Errorf("cdxj line: want key, timestamp and json")
	}
	t, err := time.Parse(timestamp14, ts)
	if err != nil {
		return Entry{}, fmt.Errorf("cdxj timestamp %q: %w", ts, err)
	}
	var f cdxjFields
	if err := json.Unmarshal([]byte(js), &f); err != nil {
		return Entry{}, fmt.Errorf("cdxj json: %w", err)
	}
	e := Entry{Key: key, URL: f.URL, Time: t, Mime: f.Mime, File: f.Filename, ETag: f.ETag, LastModified: f.LastModified}
	if f.Digest != "" {
		e.Digest = f.Digest
		if !strings.Contains(e.Digest, ":") {
			e.Digest = "sha1:" + e.Digest
		}
	}
	if f.Status != "" && f.Status != "-" {
		if e.Status, err = strconv.Atoi(string(f.Status)); err != nil {
			return Entry{}, fmt.Errorf("cdxj status %q: %w", f.Status, err)
		}
	}
	if e.Length, err = strconv.ParseInt(string(f.Length), 10, 64); err != nil {
		return Entry{}, fmt.Errorf("cdxj length %q: %w", f.Length, err)
	}
	if e.Offset, err = strconv.ParseInt(string(f.Offset), 10, 64); err != nil {
		return Entry{}, fmt.Errorf("cdxj offset %q: %w", f.Offset, err)
	}
	if e.Length < 0 || e.Offset < 0 {
		return Entry{}, fmt.Errorf("cdxj length %d, offset %d: negative", e.Length, e.Offset)
	}
	return e, nil
}

// readEntries reads a CDXJ file; a missing file has no entries. A line that
// does not parse is an error naming the line, except that, when tornOK, a
// last line without its newline is dropped: a process killed while
// appending to the journal leaves one, and torn reports it.
func readEntries(path string, tornOK bool) (es []Entry, torn bool, err error) {
	f, err := os.Open(path)
	if os.IsNotExist(err) {
		return nil, false, nil
	}
	if err != nil {
		return nil, false, fmt.Errorf("open capture index: %w", err)
	}
	defer f.Close()
	r := bufio.NewReaderSize(f, 64<<10)
	for n := 1; ; n++ {
		line, err := r.ReadString('\n')
		if err == io.EOF {
			if line != "" && tornOK {
				return es, true, nil
			}
			if line == "" {
				return es, false, nil
			}
		} else if err != nil {
			return es, false, fmt.Errorf("read %s: %w", filepath.Base(path), err)
		}
		line = strings.TrimSuffix(strings.TrimSuffix(line, "\n"), "\r")
		if line == "" || strings.HasPrefix(line, "!") { // "!" lines are CDXJ metadata
			continue
		}
		e, perr := parseEntry(line)
		if perr != nil {
			return es, false, fmt.Errorf("%s line %d: %w", filepath.Base(path), n, perr)
		}
		es = append(es, e)
		if err == io.EOF {
			return es, false, nil
		}
	}
}

// location identifies a record in the archive.
type location struct {
	file   string
	offset int64
}

// index is the capture index in memory, with the journal that makes each
// addition durable before the sorted index.cdxj is rewritten on Close.
type index struct {
	dir     string
	mu      sync.RWMutex
	byKey   map[string][]Entry // each slice oldest first
	seen    map[location]bool
	journal *os.File
}

func newIndex(dir string) *index {
	return &index{dir: dir, byKey: map[string][]Entry{}, seen: map[location]bool{}}
}

// load reads index.cdxj and the journal left beside it. It reports
// whether the journal ended in a torn line, which it dropped: the record
// that line stood for is in a WARC file left open, which recovery indexes
// again.
func (x *index) load() (torn bool, err error) {
	es, _, err := readEntries(filepath.Join(x.dir, indexName), false)
	if err != nil {
		return false, err
	}
	x.insert(es...)
	es, torn, err = readEntries(filepath.Join(x.dir, journalName), true)
	if err != nil {
		return false, err
	}
	x.insert(es...)
	return torn, nil
}

// insert adds entries to memory only, skipping any already there.
func (x *index) insert(es ...Entry) {
	for _, e := range es {
		loc := location{e.File, e.Offset}
		if x.seen[loc] {
			continue
		}
		x.seen[loc] = true
		list := append(x.byKey[e.Key], e)
		for i := len(list) - 1; i > 0 && entryLess(list[i], list[i-1]); i-- {
			list[i], list[i-1] = list[i-1], list[i]
		}
		x.byKey[e.Key] = list
	}
}

func entryLess(a, b Entry) bool {
	if !a.Time.Equal(b.Time) {
		return a.Time.Before(b.Time)
	}
	if a.File != b.File {
		return a.File < b.File
	}
	return a.Offset < b.Offset
}

// add records entries in memory and appends them to the journal in one write.
func (x *index) add(es ...Entry) error {
	var b strings.Builder
	for _, e := range es {
		b.WriteString(e.Line())
		b.WriteByte('\n')
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.journal == nil {
		f, err := os.OpenFile(filepath.Join(x.dir, journalName), os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
		if err != nil {
			return fmt.Errorf("open index journal: %w", err)
		}
		x.journal = f
	}
	if _, err := io.WriteString(x.journal, b.String()); err != nil {
		return fmt.Errorf("append to index journal: %w", err)
	}
	x.insert(es...)
	return nil
}

// lookup returns a copy of the entries under key, oldest first.
func (x *index) lookup(key string) []Entry {
	x.mu.RLock()
	defer x.mu.RUnlock()
	return slices.Clone(x.byKey[key])
}

// entries returns every entry.
func (x *index) entries() []Entry {
	x.mu.RLock()
	defer x.mu.RUnlock()
	var es []Entry
	for _, list := range x.byKey {
		es = append(es, list...)
	}
	return es
}

// replace swaps the whole index for es (used by Reindex and recovery).
func (x *index) replace(es []Entry) {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.byKey, x.seen = map[string][]Entry{}, map[location]bool{}
	x.insert(es...)
}

// sortedLines returns every entry's CDXJ line, sorted as pywb expects. The
// caller holds x.mu.
func (x *index) sortedLines() []string {
	var lines []string
	for _, list := range x.byKey {
		for _, e := range list {
			lines = append(lines, e.Line())
		}
	}
	slices.Sort(lines)
	return lines
}

// WriteIndex writes the capture index to w as index.cdxj holds it: one
// sorted CDXJ line per response or revisit record, filenames relative to
// the archive directory.
func (a *Archive) WriteIndex(w io.Writer) error {
	if a.isClosed() {
		return ErrClosed
	}
	a.idx.mu.RLock()
	lines := a.idx.sortedLines()
	a.idx.mu.RUnlock()
	bw := bufio.NewWriter(w)
	for _, l := range lines {
		bw.WriteString(l)
		bw.WriteByte('\n')
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write capture index: %w", err)
	}
	return nil
}

// flush writes every entry, sorted as pywb expects, to index.cdxj through a
// synced temporary file and a rename, then drops the journal.
func (x *index) flush() error {
	x.mu.Lock()
	defer x.mu.Unlock()
	lines := x.sortedLines()
	if err := writeFileAtomic(filepath.Join(x.dir, indexName), lines); err != nil {
		return fmt.Errorf("write capture index: %w", err)
	}
	if x.journal != nil {
		x.journal.Close()
		x.journal = nil
	}
	if err := os.Remove(filepath.Join(x.dir, journalName)); err != nil && !os.IsNotExist(err) {
		return fmt.Errorf("remove index journal: %w", err)
	}
	return syncDir(x.dir)
}

// writeFileAtomic writes lines to path through a synced temporary file
// renamed over it, so a crash leaves the old file or the new, never half.
func writeFileAtomic(path string, lines []string) error {
	tmp, err := perm.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+"-*.tmp")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // no-op after the rename
	w := bufio.NewWriter(tmp)
	for _, l := range lines {
		w.WriteString(l)
		w.WriteByte('\n')
	}
	if err := w.Flush(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// syncDir syncs a directory so that renames in it survive a crash.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("open directory: %w", err)
	}
	defer d.Close()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("sync directory: %w", err)
	}
	return nil
}
