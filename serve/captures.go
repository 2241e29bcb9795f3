package serve

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"rankfile/archive"
)

// Capture index file names in the archive directory (see package archive).
const (
	cdxjName    = "index.cdxj"     // sorted index, rewritten when a crawl closes the archive
	journalName = "index.cdxj.log" // lines appended by a crawl under way
)

// capture is one line of the capture index: a response or revisit record.
type capture struct {
	Key    string    `json:"-"`
	URL    string    `json:"url"`
	Time   time.Time `json:"-"`
	Status int       `json:"status,omitempty"`
	Mime   string    `json:"mime,omitempty"`
	Digest string    `json:"digest,omitempty"`
	Length int64     `json:"length"`
	Offset int64     `json:"offset"`
	File   string    `json:"filename"`
}

// revisit reports whether the capture is a revisit record.
func (c capture) revisit() bool { return c.Mime == "warc/revisit" }

// timestamp is the capture time as 14 digits.
func (c capture) timestamp() string { return c.Time.UTC().Format(ts14) }

const ts14 = "20060102150405"

// parseCDXJ parses one CDXJ line: SURT key, 14-digit timestamp, JSON.
func parseCDXJ(line string) (capture, error) {
	e, err := archive.ParseEntry(line)
	if err != nil {
		return capture{}, err
	}
	if !safeFileName(e.File) {
		return capture{}, fmt.Errorf("file name %q is not a plain file name", e.File)
	}
	return capture{Key: e.Key, URL: e.URL, Time: e.Time, Status: e.Status, Mime: e.Mime, Digest: e.Digest,
		Length: e.Length, Offset: e.Offset, File: e.File}, nil
}

// safeFileName reports whether name names a file inside the archive
// directory: no separators, no dot names.
func safeFileName(name string) bool {
	return name != "" && name != "." && name != ".." && !strings.ContainsAny(name, `/\`+"\x00")
}

// captureIndex is the archive's capture index in memory. It rereads
// index.cdxj when a crawl has rewritten it, and reads the journal's new
// lines as a crawl under way appends them.
type captureIndex struct {
	dir string

	mu         sync.RWMutex
	byKey      map[string][]capture // oldest first
	seen       map[string]bool      // file@offset already in byKey
	cdxjInfo   os.FileInfo
	journalOff int64 // bytes of the journal read
	journalID  os.FileInfo

	reload sync.Mutex
}

func newCaptureIndex(dir string) *captureIndex {
	return &captureIndex{dir: dir, byKey: map[string][]capture{}, seen: map[string]bool{}}
}

// lookup returns every capture of rawURL (by SURT key), oldest first.
func (x *captureIndex) lookup(rawURL string) ([]capture, error) {
	if err := x.refresh(); err != nil {
		return nil, err
	}
	x.mu.RLock()
	defer x.mu.RUnlock()
	return slices.Clone(x.byKey[archive.SURT(rawURL)]), nil
}

// nearest returns the capture of rawURL closest in time to t (the earlier
// on a tie), preferring successful captures over errors.
func (x *captureIndex) nearest(rawURL string, t time.Time) (capture, bool, error) {
	cs, err := x.lookup(rawURL)
	if err != nil || len(cs) == 0 {
		return capture{}, false, err
	}
	best := -1
	for i, c := range cs {
		if best < 0 || better(c, cs[best], t) {
			best = i
		}
	}
	return cs[best], true, nil
}

// better reports whether capture a is a better answer for time t than b.
func better(a, b capture, t time.Time) bool {
	okA, okB := a.Status < 400, b.Status < 400
	if okA != okB {
		return okA
	}
	da, db := a.Time.Sub(t).Abs(), b.Time.Sub(t).Abs()
	return da < db
}

// original returns the response capture a revisit of target with the given
// digest stands for: the oldest non-revisit capture of target with that
// digest, or, without a digest, the one at refDate.
func (x *captureIndex) original(target, digest string, refDate time.Time) (capture, bool) {
	x.mu.RLock()
	defer x.mu.RUnlock()
	for _, c := range x.byKey[archive.SURT(target)] {
		if c.revisit() {
			continue
		}
		if (digest != "" && c.Digest == digest) || (digest == "" && !refDate.IsZero() && c.Time.Equal(refDate.Truncate(time.Second))) {
			return c, true
		}
	}
	return capture{}, false
}

// refresh rereads index.cdxj when it was replaced, and reads new journal
// lines.
func (x *captureIndex) refresh() error {
	x.reload.Lock()
	defer x.reload.Unlock()
	cdxj, _ := os.Stat(filepath.Join(x.dir, cdxjName))
	journal, _ := os.Stat(filepath.Join(x.dir, journalName))
	x.mu.RLock()
	cdxjSame := sameFile(cdxj, x.cdxjInfo)
	journalSame := (journal == nil && x.journalID == nil) ||
		(journal != nil && x.journalID != nil && os.SameFile(journal, x.journalID) && journal.Size() == x.journalOff)
	journalGrew := journal != nil && x.journalID != nil && os.SameFile(journal, x.journalID) && journal.Size() > x.journalOff
	x.mu.RUnlock()
	if cdxjSame && journalSame {
		return nil
	}
	if cdxjSame && journalGrew {
		return x.readJournal(journal, x.journalOff)
	}
	// the sorted index was rewritten (a crawl closed) or the journal was
	// replaced: start over
	var cs []capture
	if cdxj != nil {
		var err error
		if cs, _, err = readCDXJ(filepath.Join(x.dir, cdxjName), 0); err != nil {
			return err
		}
	}
	x.mu.Lock()
	x.byKey, x.seen, x.cdxjInfo, x.journalOff, x.journalID = map[string][]capture{}, map[string]bool{}, cdxj, 0, nil
	x.insert(cs)
	x.mu.Unlock()
	if journal != nil {
		return x.readJournal(journal, 0)
	}
	return nil
}

// sameFile reports whether a and b are the same unchanged file (or both
// missing).
func sameFile(a, b os.FileInfo) bool {
	if a == nil || b == nil {
		return a == nil && b == nil
	}
	return os.SameFile(a, b) && a.Size() == b.Size() && a.ModTime().Equal(b.ModTime())
}

// readJournal reads the journal's whole lines from byte from on.
func (x *captureIndex) readJournal(info os.FileInfo, from int64) error {
	cs, n, err := readCDXJ(filepath.Join(x.dir, journalName), from)
	if errors.Is(err, os.ErrNotExist) {
		return nil // the crawl closed meanwhile: the next refresh reads index.cdxj
	}
	if err != nil {
		return err
	}
	x.mu.Lock()
	defer x.mu.Unlock()
	x.insert(cs)
	x.journalID, x.journalOff = info, from+n
	return nil
}

// insert adds captures not yet known, keeping each key's list in time order.
func (x *captureIndex) insert(cs []capture) {
	for _, c := range cs {
		loc := c.File + "@" + strconv.FormatInt(c.Offset, 10)
		if x.seen[loc] {
			continue
		}
		x.seen[loc] = true
		list := append(x.byKey[c.Key], c)
		for i := len(list) - 1; i > 0 && list[i].Time.Before(list[i-1].Time); i-- {
			list[i], list[i-1] = list[i-1], list[i]
		}
		x.byKey[c.Key] = list
	}
}

// readCDXJ reads the whole lines of a CDXJ file from byte from on and
// returns the captures and the bytes consumed. A line still being written
// (no newline yet) is left for the next read; a line that does not parse is
// skipped.
func readCDXJ(path string, from int64) ([]capture, int64, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, 0, fmt.Errorf("open capture index: %w", err)
	}
	defer f.Close()
	if _, err := f.Seek(from, io.SeekStart); err != nil {
		return nil, 0, fmt.Errorf("read capture index: %w", err)
	}
	br := bufio.NewReaderSize(f, 256<<10)
	var cs []capture
	var n int64
	for {
		line, err := br.ReadString('\n')
		if err == io.EOF {
			return cs, n, nil // a partial last line waits for its newline
		}
		if err != nil {
			return cs, n, fmt.Errorf("read capture index: %w", err)
		}
		n += int64(len(line))
		line = strings.TrimRight(line, "\r\n")
		if line == "" || line[0] == '!' {
			continue
		}
		if c, err := parseCDXJ(line); err == nil {
			cs = append(cs, c)
		}
	}
}
