package archive

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"hash/maphash"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"rankfile/internal/linesort"
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
	t, ok := parseTimestamp(ts)
	if !ok {
		var err error
		if t, err = time.Parse(timestamp14, ts); err != nil {
			return Entry{}, fmt.Errorf("cdxj timestamp %q: %w", ts, err)
		}
	}
	var f cdxjFields
	if !f.parsePlain(js) {
		f = cdxjFields{}
		if err := json.Unmarshal([]byte(js), &f); err != nil {
			return Entry{}, fmt.Errorf("cdxj json: %w", err)
		}
	}
	var err error
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

// parseTimestamp reads a 14-digit UTC timestamp as time.Parse(timestamp14)
// does, without its cost; ok is false for anything else, which time.Parse
// then reads or refuses.
func parseTimestamp(ts string) (t time.Time, ok bool) {
	if len(ts) != 14 {
		return time.Time{}, false
	}
	var n [6]int
	for i, w := range []int{4, 2, 2, 2, 2, 2} {
		for range w {
			c := ts[0]
			if c < '0' || c > '9' {
				return time.Time{}, false
			}
			n[i] = n[i]*10 + int(c-'0')
			ts = ts[1:]
		}
	}
	t = time.Date(n[0], time.Month(n[1]), n[2], n[3], n[4], n[5], 0, time.UTC)
	// a date time.Date normalized (February 30) is refused by time.Parse
	ok = t.Year() == n[0] && int(t.Month()) == n[1] && t.Day() == n[2] && t.Hour() == n[3] && t.Minute() == n[4] && t.Second() == n[5]
	return t, ok
}

// parsePlain reads a CDXJ JSON block of the plain kind Entry.Line writes
// (and pywb's indexers mostly do): one object of known fields, each a
// string without escapes or a bare number, in valid UTF-8. It reports
// false for anything else, which encoding/json then reads: lookups parse
// every line of a key, and this takes a fraction of its time.
func (f *cdxjFields) parsePlain(js string) bool {
	for i := 0; i < len(js); i++ {
		if js[i] < 0x20 {
			return false
		}
	}
	if !utf8.ValidString(js) {
		return false
	}
	s := strings.TrimSpace(js)
	if len(s) < 2 || s[0] != '{' || s[len(s)-1] != '}' {
		return false
	}
	s = strings.TrimSpace(s[1 : len(s)-1])
	for s != "" {
		name, rest, ok := plainString(s)
		if !ok {
			return false
		}
		s = strings.TrimSpace(rest)
		if s == "" || s[0] != ':' {
			return false
		}
		s = strings.TrimSpace(s[1:])
		var value string
		if s != "" && s[0] == '"' {
			if value, s, ok = plainString(s); !ok {
				return false
			}
		} else {
			end := strings.IndexByte(s, ',')
			if end < 0 {
				end = len(s)
			}
			value, s = strings.TrimSpace(s[:end]), s[end:]
			if value == "" || strings.Trim(value, "0123456789-") != "" {
				return false // true, null, an object: encoding/json's
			}
		}
		switch name {
		case "url":
			f.URL = value
		case "mime":
			f.Mime = value
		case "status":
			f.Status = cdxjNum(value)
		case "digest":
			f.Digest = value
		case "length":
			f.Length = cdxjNum(value)
		case "offset":
			f.Offset = cdxjNum(value)
		case "filename":
			f.Filename = value
		case "etag":
			f.ETag = value
		case "last_modified":
			f.LastModified = value
		default:
			return false // another tool's field, or a known one in another case
		}
		s = strings.TrimSpace(s)
		if s == "" {
			return true
		}
		if s[0] != ',' {
			return false
		}
		s = strings.TrimSpace(s[1:])
		if s == "" {
			return false // a trailing comma
		}
	}
	return true
}

// plainString reads the JSON string s starts with, returning it and what
// follows. It reads the escapes Entry.Line writes (\" and \\, \n and the
// like); ok is false for others (\/, \u), left to encoding/json.
func plainString(s string) (value, rest string, ok bool) {
	if s == "" || s[0] != '"' {
		return "", "", false
	}
	escaped := false
	for i := 1; i < len(s); i++ {
		switch s[i] {
		case '\\':
			if i+1 >= len(s) || !strings.ContainsRune(`"\\bfnrt`, rune(s[i+1])) {
				return "", "", false
			}
			escaped = true
			i++
		case '"':
			if !escaped {
				return s[1:i], s[i+1:], true
			}
			v, err := strconv.Unquote(s[:i+1])
			return v, s[i+1:], err == nil
		}
	}
	return "", "", false
}

// location identifies a record in the archive.
type location struct {
	file   string
	offset int64
}

// journalMax is the journal size past which its entries are merged into
// index.cdxj while the archive is open, which bounds the memory the
// journal's lookup table takes (some 20 bytes an entry) and the work of a
// lookup. A variable for tests.
var journalMax int64 = 64 << 20

// index is the capture index. It lives on disk, as pywb keeps one: the
// sorted index.cdxj, searched by binary search, and the journal of the
// entries added since index.cdxj was written, whose lines are found through
// a table of key hashes to journal offsets. Only that table is held in
// memory, and the journal is merged into index.cdxj (an external merge
// sort) when it passes journalMax and when the archive closes, so the
// memory the index takes does not grow with the archive.
type index struct {
	dir     string
	tmpDir  string // where merges sort: the archive directory, or the system's for a read-only index
	writing bool   // false for a read-only index: it appends and rewrites nothing

	mu      sync.RWMutex
	sorted  *os.File // index.cdxj as last opened or written; nil when there is none
	size    int64    // its size
	samples []sample // lines of index.cdxj at even spans, for the search to start near its key
	journal *os.File // index.cdxj.log; nil when there is none
	jsize   int64    // the journal's bytes the table covers: whole lines only
	first   map[uint64]int64
	more    map[uint64][]int64 // further lines of a key hash, after first's
	count   int                // journal lines
	seed    maphash.Seed
}

func newIndex(dir string, writing bool) *index {
	x := &index{dir: dir, writing: writing, seed: maphash.MakeSeed()}
	if writing {
		x.tmpDir = dir
	}
	x.resetJournal()
	return x
}

func (x *index) resetJournal() {
	x.first, x.more, x.count, x.jsize = map[uint64]int64{}, map[uint64][]int64{}, 0, 0
}

// load opens the index. A writer merges a journal left by a process that
// did not close the archive into index.cdxj at once; it reports whether
// the journal ended in a torn line, which it dropped: the record that line
// stood for is in a WARC file left open, which recovery indexes again. A
// read-only index reads the journal's whole lines into its table instead,
// as of now; it opens the journal before index.cdxj, so that a merge by
// the writer meanwhile can only show it an entry twice (lookups drop the
// second), never lose one.
func (x *index) load() (torn bool, err error) {
	x.mu.Lock()
	defer x.mu.Unlock()
	jf, err := os.Open(filepath.Join(x.dir, journalName))
	if err != nil && !os.IsNotExist(err) {
		return false, fmt.Errorf("open index journal: %w", err)
	}
	if err := x.openSorted(); err != nil {
		if jf != nil {
			jf.Close()
		}
		return false, err
	}
	if jf == nil {
		return false, nil
	}
	x.journal = jf
	if torn, err = x.readJournal(); err != nil {
		return false, err
	}
	if !x.writing {
		return torn, nil
	}
	if x.count == 0 && !torn {
		x.journal.Close()
		x.journal = nil
		return false, os.Remove(filepath.Join(x.dir, journalName))
	}
	return torn, x.mergeLocked()
}

// openSorted opens index.cdxj, if there is one, in place of the one open.
func (x *index) openSorted() error {
	f, err := os.Open(filepath.Join(x.dir, indexName))
	if os.IsNotExist(err) {
		f = nil
	} else if err != nil {
		return fmt.Errorf("open capture index: %w", err)
	}
	var size int64
	if f != nil {
		st, err := f.Stat()
		if err != nil {
			f.Close()
			return fmt.Errorf("open capture index: %w", err)
		}
		size = st.Size()
	}
	if x.sorted != nil {
		x.sorted.Close()
	}
	x.sorted, x.size, x.samples = f, size, nil
	if f == nil || size <= searchWindow {
		return nil
	}
	// Sample the line after every span of the file: the search starts
	// from the samples around its key, read in memory, and reads one span.
	span := max(searchWindow, size/maxSamples)
	for at := int64(0); at < size; at += span {
		start, line := int64(0), ""
		var err error
		if at == 0 {
			line, err = lineAt(f, 0, size)
		} else {
			start, line, err = lineAfter(f, at, size)
		}
		if err != nil {
			return fmt.Errorf("read capture index: %w", err)
		}
		if start >= size {
			break
		}
		key, _, _ := strings.Cut(line, " ")
		if n := len(x.samples); n > 0 && x.samples[n-1].off == start {
			continue
		}
		x.samples = append(x.samples, sample{key: key + " ", off: start})
	}
	return nil
}

// sample is a line of index.cdxj: its key with the space after it (which
// orders it against a search's target as the whole line does), and where
// the line starts.
type sample struct {
	key string
	off int64
}

// maxSamples bounds the samples of index.cdxj held in memory: some 1 MB
// with keys of 60 bytes, whatever the archive's size.
const maxSamples = 16384

// readJournal fills the table from the journal's whole lines. A line that
// does not parse is an error naming the line; a last line without its
// newline is left out, and torn reports it.
func (x *index) readJournal() (torn bool, err error) {
	if _, err := x.journal.Seek(0, io.SeekStart); err != nil {
		return false, fmt.Errorf("read index journal: %w", err)
	}
	r := bufio.NewReaderSize(x.journal, 64<<10)
	var off int64
	for n := 1; ; n++ {
		line, err := readLongLine(r)
		if err == io.EOF {
			x.jsize = off
			return len(line) > 0, nil
		}
		if err != nil {
			return false, fmt.Errorf("read %s: %w", journalName, err)
		}
		text := strings.TrimSuffix(strings.TrimSuffix(string(line), "\n"), "\r")
		if text != "" && !strings.HasPrefix(text, "!") {
			if _, perr := parseEntry(text); perr != nil {
				return false, fmt.Errorf("%s line %d: %w", journalName, n, perr)
			}
			key, _, _ := strings.Cut(text, " ")
			x.note(key, off)
		}
		off += int64(len(line))
	}
}

// note adds a journal line, of key at off, to the table.
func (x *index) note(key string, off int64) {
	h := maphash.String(x.seed, key)
	if _, ok := x.first[h]; ok {
		x.more[h] = append(x.more[h], off)
	} else {
		x.first[h] = off
	}
	x.count++
}

// add appends entries to the journal in one write and to the table, and
// merges the journal into index.cdxj once it passes journalMax.
func (x *index) add(es ...Entry) error {
	lines := make([]string, len(es))
	var b strings.Builder
	for i, e := range es {
		lines[i] = e.Line()
		b.WriteString(lines[i])
		b.WriteByte('\n')
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.journal == nil {
		f, err := os.OpenFile(filepath.Join(x.dir, journalName), os.O_RDWR|os.O_CREATE|os.O_APPEND, 0o644)
		if err != nil {
			return fmt.Errorf("open index journal: %w", err)
		}
		x.journal = f
		x.resetJournal()
	}
	if _, err := io.WriteString(x.journal, b.String()); err != nil {
		return fmt.Errorf("append to index journal: %w", err)
	}
	for i, e := range es {
		x.note(e.Key, x.jsize)
		x.jsize += int64(len(lines[i]) + 1)
	}
	if x.jsize > journalMax {
		return x.mergeLocked()
	}
	return nil
}

// lookup returns the entries under key, oldest first.
func (x *index) lookup(key string) ([]Entry, error) {
	x.mu.RLock()
	defer x.mu.RUnlock()
	es, err := x.searchSorted(key)
	if err != nil {
		return nil, err
	}
	h := maphash.String(x.seed, key)
	if off, ok := x.first[h]; ok {
		for _, off := range append([]int64{off}, x.more[h]...) {
			line, err := lineAt(x.journal, off, x.jsize)
			if err != nil {
				return nil, fmt.Errorf("read index journal: %w", err)
			}
			if !strings.HasPrefix(line, key+" ") {
				continue // another key of the same hash
			}
			e, err := parseEntry(line)
			if err != nil {
				return nil, fmt.Errorf("%s offset %d: %w", journalName, off, err)
			}
			es = append(es, e)
		}
	}
	slices.SortStableFunc(es, func(a, b Entry) int {
		if entryLess(a, b) {
			return -1
		}
		if entryLess(b, a) {
			return 1
		}
		return 0
	})
	// A read-only index may see an entry in both files while the writer
	// merges them.
	return slices.CompactFunc(es, func(a, b Entry) bool { return a.File == b.File && a.Offset == b.Offset }), nil
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

// searchWindow is the span of index.cdxj below which the binary search
// reads on line by line.
const searchWindow = 16 << 10

// searchSorted returns the entries of index.cdxj under key: a binary search
// for the first line not less than "key ", then the lines that follow
// with that prefix. The caller holds x.mu.
func (x *index) searchSorted(key string) ([]Entry, error) {
	if x.sorted == nil || x.size == 0 {
		return nil, nil
	}
	target := key + " "
	// Every line starting before lo is less than target; the first line
	// not less than it starts at hi or before (hi = size: there is none).
	lo, hi := int64(0), x.size
	// the last sample less than target, and the first not less
	if i, _ := slices.BinarySearchFunc(x.samples, target, func(s sample, t string) int { return strings.Compare(s.key, t) }); len(x.samples) > 0 {
		if i > 0 {
			lo = x.samples[i-1].off
		}
		if i < len(x.samples) {
			hi = x.samples[i].off
		}
	}
	for hi-lo > searchWindow {
		mid := lo + (hi-lo)/2
		start, line, err := lineAfter(x.sorted, mid, x.size)
		if err != nil {
			return nil, fmt.Errorf("search capture index: %w", err)
		}
		if start >= hi {
			break
		}
		if line < target {
			lo = start + int64(len(line)) + 1
		} else {
			hi = start
		}
	}
	br := getReader(io.NewSectionReader(x.sorted, lo, x.size-lo))
	defer putReader(br)
	var es []Entry
	for {
		line, err := readLongLine(br)
		if len(line) == 0 && err != nil {
			if err == io.EOF {
				return es, nil
			}
			return nil, fmt.Errorf("search capture index: %w", err)
		}
		l := bytes.TrimSuffix(bytes.TrimSuffix(line, []byte("\n")), []byte("\r"))
		if bytes.HasPrefix(l, []byte(target)) {
			e, perr := parseEntry(string(l))
			if perr != nil {
				return nil, fmt.Errorf("%s: %w", indexName, perr)
			}
			es = append(es, e)
		} else if string(l) > target {
			return es, nil
		}
		if err != nil {
			return es, nil
		}
	}
}

// readLongLine reads up to and including the next newline, as ReadSlice does
// (the line is valid until the next read) but for lines of any length.
func readLongLine(r *bufio.Reader) ([]byte, error) {
	line, err := r.ReadSlice('\n')
	if err != bufio.ErrBufferFull {
		return line, err
	}
	long := append([]byte(nil), line...)
	for err == bufio.ErrBufferFull {
		line, err = r.ReadSlice('\n')
		long = append(long, line...)
	}
	return long, err
}

var readers = sync.Pool{New: func() any { return bufio.NewReaderSize(nil, searchWindow) }}

func getReader(r io.Reader) *bufio.Reader {
	br := readers.Get().(*bufio.Reader)
	br.Reset(r)
	return br
}

func putReader(br *bufio.Reader) {
	br.Reset(nil)
	readers.Put(br)
}

var chunks = sync.Pool{New: func() any { b := make([]byte, 4<<10); return &b }}

// lineAt returns the line of f starting at off, without its newline,
// reading no further than limit.
func lineAt(f *os.File, off, limit int64) (string, error) {
	bp := chunks.Get().(*[]byte)
	defer chunks.Put(bp)
	var long []byte
	for at := off; at < limit; {
		n, err := f.ReadAt((*bp)[:min(int64(len(*bp)), limit-at)], at)
		if i := bytes.IndexByte((*bp)[:n], '\n'); i >= 0 {
			return string(append(long, (*bp)[:i]...)), nil
		}
		if err != nil && err != io.EOF {
			return "", err
		}
		long = append(long, (*bp)[:n]...)
		at += int64(n)
		if n == 0 {
			break
		}
	}
	return string(long), nil
}

// lineAfter returns the first line of f that starts after off, and where
// it starts; start is limit when there is none.
func lineAfter(f *os.File, off, limit int64) (start int64, line string, err error) {
	bp := chunks.Get().(*[]byte)
	defer chunks.Put(bp)
	for at := off; at < limit; {
		n, err := f.ReadAt((*bp)[:min(int64(len(*bp)), limit-at)], at)
		if i := bytes.IndexByte((*bp)[:n], '\n'); i >= 0 {
			start = at + int64(i) + 1
			if start >= limit {
				return limit, "", nil
			}
			line, err := lineAt(f, start, limit)
			return start, line, err
		}
		if err != nil && err != io.EOF {
			return 0, "", err
		}
		at += int64(n)
		if n == 0 {
			break
		}
	}
	return limit, "", nil
}

// lines returns every line of the index, sorted, each once: index.cdxj
// merged with the journal's lines sorted. The caller holds x.mu and closes
// the Sorter once done reading.
func (x *index) lines() (linesort.Source, *linesort.Sorter, error) {
	s := linesort.New(x.tmpDir, 0)
	if x.journal != nil && x.jsize > 0 {
		r := linesort.NewReader(io.NewSectionReader(x.journal, 0, x.jsize))
		for r.Next() {
			if l := strings.TrimSuffix(r.Line(), "\r"); l != "" && !strings.HasPrefix(l, "!") {
				if err := s.Add(l); err != nil {
					s.Close()
					return nil, nil, err
				}
			}
		}
		if err := r.Err(); err != nil {
			s.Close()
			return nil, nil, fmt.Errorf("read index journal: %w", err)
		}
	}
	var more []linesort.Source
	if x.sorted != nil {
		more = append(more, &cdxjLines{r: linesort.NewReader(io.NewSectionReader(x.sorted, 0, x.size))})
	}
	src, err := s.Sorted(more...)
	if err != nil {
		s.Close()
		return nil, nil, err
	}
	return &distinct{src: src}, s, nil
}

// cdxjLines is a Source of index.cdxj's entry lines: without the CR of a
// CRLF, blank lines and "!" metadata lines.
type cdxjLines struct {
	r    *linesort.Reader
	line string
}

func (c *cdxjLines) Next() bool {
	for c.r.Next() {
		c.line = strings.TrimSuffix(c.r.Line(), "\r")
		if c.line != "" && !strings.HasPrefix(c.line, "!") {
			return true
		}
	}
	return false
}
func (c *cdxjLines) Line() string { return c.line }
func (c *cdxjLines) Err() error   { return c.r.Err() }

// distinct passes on a sorted Source's lines without repeats.
type distinct struct {
	src  linesort.Source
	line string
	any  bool
}

func (d *distinct) Next() bool {
	for d.src.Next() {
		if l := d.src.Line(); !d.any || l != d.line {
			d.line, d.any = l, true
			return true
		}
	}
	return false
}
func (d *distinct) Line() string { return d.line }
func (d *distinct) Err() error   { return d.src.Err() }

// eachLine calls fn with every line of the index, sorted, each once.
func (x *index) eachLine(fn func(line string) error) error {
	x.mu.RLock()
	defer x.mu.RUnlock()
	src, s, err := x.lines()
	if err != nil {
		return err
	}
	defer s.Close()
	for src.Next() {
		if err := fn(src.Line()); err != nil {
			return err
		}
	}
	return src.Err()
}

// each calls fn with every entry, in index.cdxj's order.
func (x *index) each(fn func(Entry) error) error {
	return x.eachLine(func(line string) error {
		e, err := parseEntry(line)
		if err != nil {
			return fmt.Errorf("capture index: %w", err)
		}
		return fn(e)
	})
}

// rewrite replaces the whole index with the entries fill gives (Reindex,
// recovery), sorted on disk, and drops the journal.
func (x *index) rewrite(fill func(add func(Entry) error) error) error {
	s := linesort.New(x.tmpDir, 0)
	defer s.Close()
	if err := fill(func(e Entry) error { return s.Add(e.Line()) }); err != nil {
		return err
	}
	src, err := s.Sorted()
	if err != nil {
		return err
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	return x.install(&distinct{src: src})
}

// flush merges the journal into index.cdxj; with no journal it writes
// index.cdxj only when there is none yet.
func (x *index) flush() error {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.journal == nil && x.sorted != nil {
		return nil
	}
	return x.mergeLocked()
}

// mergeLocked writes index.cdxj anew with the journal's entries merged
// in, then drops the journal. The caller holds x.mu.
func (x *index) mergeLocked() error {
	src, s, err := x.lines()
	if err != nil {
		return err
	}
	defer s.Close()
	return x.install(src)
}

// install writes the lines of src as index.cdxj, through a synced
// temporary file renamed over it, opens it, and removes the journal. The
// caller holds x.mu.
func (x *index) install(src linesort.Source) error {
	path := filepath.Join(x.dir, indexName)
	tmp, err := perm.CreateTemp(x.dir, "."+indexName+"-*.tmp")
	if err != nil {
		return fmt.Errorf("write capture index: %w", err)
	}
	defer os.Remove(tmp.Name()) // no-op after the rename
	w := bufio.NewWriterSize(tmp, 256<<10)
	for src.Next() {
		w.WriteString(src.Line())
		w.WriteByte('\n')
	}
	err = src.Err()
	if err == nil {
		err = w.Flush()
	}
	if err == nil {
		err = tmp.Sync()
	}
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), path)
	}
	if err != nil {
		return fmt.Errorf("write capture index: %w", err)
	}
	if err := x.openSorted(); err != nil {
		return err
	}
	if x.journal != nil {
		x.journal.Close()
		x.journal = nil
	}
	x.resetJournal()
	if err := os.Remove(filepath.Join(x.dir, journalName)); err != nil && !os.IsNotExist(err) {
		return fmt.Errorf("remove index journal: %w", err)
	}
	return syncDir(x.dir)
}

// close releases the index's files.
func (x *index) close() {
	x.mu.Lock()
	defer x.mu.Unlock()
	if x.sorted != nil {
		x.sorted.Close()
		x.sorted = nil
	}
	if x.journal != nil {
		x.journal.Close()
		x.journal = nil
	}
}

// WriteIndex writes the capture index to w as index.cdxj holds it: one
// sorted CDXJ line per response or revisit record, filenames relative to
// the archive directory.
func (a *Archive) WriteIndex(w io.Writer) error {
	if a.isClosed() {
		return ErrClosed
	}
	bw := bufio.NewWriter(w)
	err := a.idx.eachLine(func(line string) error {
		bw.WriteString(line)
		return bw.WriteByte('\n')
	})
	if err == nil {
		err = bw.Flush()
	}
	if err != nil {
		return fmt.Errorf("write capture index: %w", err)
	}
	return nil
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
