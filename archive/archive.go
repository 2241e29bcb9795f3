package archive

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/gofrs/flock"
)

// DefaultMaxFileSize is the size past which a WARC file is rotated.
const DefaultMaxFileSize = 1 << 30

// Options configures an Archive. The zero value works.
type Options struct {
	// CrawlID names the crawl in file names and warcinfo records; it
	// defaults to the UTC time of Open as YYYYMMDDhhmmss.
	CrawlID string
	// Worker names the worker of a crawl shared by several (see crawlstate):
	// it follows the crawl ID in file names and is a warcinfo field, so
	// each worker's files are its own.
	Worker string
	// Software is the warcinfo 'software' field, e.g. "rankfile/0.3.0"; it
	// defaults to "rankfile".
	Software string
	// Operator is the warcinfo 'operator' field: who ran the crawl.
	Operator string
	// Settings are crawl settings written as warcinfo fields, sorted by name.
	Settings map[string]string
	// MaxFileSize is the size past which a WARC file is closed and the next
	// one started; it defaults to DefaultMaxFileSize. A file ends with the
	// first record group that takes it past the limit.
	MaxFileSize int64
	// Logger receives one Info line per capture written and warnings about
	// damaged records; it defaults to discarding.
	Logger *slog.Logger
	// Now is the clock for file names and warcinfo dates; it defaults to
	// time.Now.
	Now func() time.Time
}

// Archive is a directory of WARC files and their capture index. Its methods
// are safe for concurrent use. Only one process may have a directory open.
type Archive struct {
	dir  string
	opts Options
	log  *slog.Logger
	lock *flock.Flock // nil when opened read-only
	idx  *index
	comp sync.Pool // *compressor

	writeMu sync.RWMutex // held shared by Write, exclusively by Reindex and Import

	infoMu sync.Mutex
	infos  map[location]recordInfo // record IDs and dates of recent responses, for revisits (at most maxInfos)

	mu     sync.Mutex
	cur    *warcFile
	open   map[string]*warcFile // files being written, by final name
	serial int
	closed bool
	errs   []error        // failures finishing files, reported by Close
	wg     sync.WaitGroup // writers holding a file
}

// Open opens the archive in dir, creating the directory if need be, and
// loads its capture index. It returns an error wrapping ErrLocked when
// another process has dir open.
func Open(dir string, opts Options) (*Archive, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("create archive directory: %w", err)
	}
	lock := flock.New(filepath.Join(dir, ".lock"))
	ok, err := lock.TryLock()
	if err != nil {
		return nil, fmt.Errorf("lock archive directory: %w", err)
	}
	if !ok {
		return nil, fmt.Errorf("open archive %s: %w", dir, ErrLocked)
	}
	a := &Archive{dir: dir, opts: withDefaults(opts), lock: lock, open: map[string]*warcFile{}, infos: map[location]recordInfo{}}
	a.log = a.opts.Logger.With("component", "archive")
	a.idx = newIndex(dir, true)
	a.comp.New = func() any { return newCompressor() }
	fail := func(err error) (*Archive, error) {
		a.idx.close()
		lock.Unlock()
		return nil, err
	}
	// A journal left by a process that did not close the archive is merged
	// into index.cdxj now, so that no line is ever appended to the journal
	// after a torn one.
	torn, err := a.idx.load()
	if err != nil {
		return fail(err)
	}
	if torn {
		a.log.Warn("dropped a torn last line of the index journal", "file", journalName)
	}
	if err := a.recover(); err != nil {
		return fail(err)
	}
	if a.serial, err = nextSerial(dir, a.opts.CrawlID); err != nil {
		return fail(err)
	}
	return a, nil
}

func withDefaults(o Options) Options {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.CrawlID == "" {
		o.CrawlID = o.Now().UTC().Format(timestamp14)
	}
	if o.Software == "" {
		o.Software = "rankfile"
	}
	if o.MaxFileSize <= 0 {
		o.MaxFileSize = DefaultMaxFileSize
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	return o
}

// Dir returns the archive directory.
func (a *Archive) Dir() string { return a.dir }

var serialRE = regexp.MustCompile(`-(\d{5,})\.warc\.gz(\.open)?$`)

// nextSerial returns the serial after the highest one used by crawlID's
// files in dir, so a reopened archive never reuses a name.
func nextSerial(dir, crawlID string) (int, error) {
	ents, err := os.ReadDir(dir)
	if err != nil {
		return 0, fmt.Errorf("list archive directory: %w", err)
	}
	next := 0
	for _, e := range ents {
		if !strings.HasPrefix(e.Name(), "rankfile-"+crawlID+"-") {
			continue
		}
		if m := serialRE.FindStringSubmatch(e.Name()); m != nil {
			if n, err := strconv.Atoi(m[1]); err == nil && n >= next {
				next = n + 1
			}
		}
	}
	return next, nil
}

// acquire reserves the current WARC file for one writer, rotating it first
// when it has grown past MaxFileSize.
func (a *Archive) acquire() (*warcFile, error) {
	var done *warcFile // a retired file nobody holds, finished after unlocking
	defer func() {
		if done != nil {
			a.finish(done)
		}
	}()
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.closed {
		return nil, ErrClosed
	}
	if a.readOnly() {
		return nil, ErrReadOnly
	}
	if a.cur != nil && (a.cur.size.Load() >= a.opts.MaxFileSize || a.cur.badErr() != nil) {
		a.cur.retired = true
		if a.cur.refs == 0 {
			done = a.cur
		}
		a.cur = nil
	}
	if a.cur == nil {
		wf, err := a.createFile()
		if err != nil {
			return nil, err
		}
		a.cur = wf
		a.open[wf.name] = wf
	}
	a.cur.refs++
	a.wg.Add(1)
	return a.cur, nil
}

// release gives back a file reserved by acquire; the last writer of a
// retired file finishes it.
func (a *Archive) release(wf *warcFile) {
	a.mu.Lock()
	wf.refs--
	last := wf.retired && wf.refs == 0
	a.mu.Unlock()
	if last {
		a.finish(wf)
	}
	a.wg.Done()
}

// finish closes and renames wf, keeping any failure for Close to report.
func (a *Archive) finish(wf *warcFile) {
	err := wf.finish(a.dir)
	a.mu.Lock()
	delete(a.open, wf.name)
	if err != nil {
		a.errs = append(a.errs, err)
	}
	a.mu.Unlock()
	if err != nil {
		a.log.Error("finish warc file", "warc_file", wf.name, "error", err)
		return
	}
	a.log.Debug("warc file closed", "warc_file", wf.name, "bytes", wf.size.Load())
}

func (wf *warcFile) badErr() error {
	wf.mu.Lock()
	defer wf.mu.Unlock()
	return wf.bad
}

// Close finishes the open WARC file (sync, rename to its final name) once
// the writes under way are done, writes the sorted capture index and
// releases the directory. Calling Close again returns ErrClosed.
func (a *Archive) Close() error {
	a.mu.Lock()
	if a.closed {
		a.mu.Unlock()
		return ErrClosed
	}
	a.closed = true
	var cur *warcFile
	if a.cur != nil {
		cur, a.cur = a.cur, nil
		cur.retired = true
		if cur.refs > 0 {
			cur = nil // its last writer finishes it
		}
	}
	a.mu.Unlock()
	if cur != nil {
		a.finish(cur)
	}
	a.wg.Wait()
	if a.readOnly() {
		a.idx.close()
		return nil // read-only: nothing written, nothing held
	}
	errs := a.errs
	if err := a.idx.flush(); err != nil {
		errs = append(errs, err)
	}
	a.idx.close()
	if err := a.lock.Unlock(); err != nil {
		errs = append(errs, fmt.Errorf("unlock archive directory: %w", err))
	}
	return errors.Join(errs...)
}

// Lookup returns every capture of url in the index, oldest first. Captures
// are matched by SURT key, so http and https, "www." or not, and query
// argument order do not tell captures apart. A URL never captured yields no
// entries and no error.
func (a *Archive) Lookup(url string) ([]Entry, error) {
	if a.isClosed() {
		return nil, ErrClosed
	}
	return a.idx.lookup(SURT(url))
}

// Latest returns the newest capture of url, or an error wrapping
// ErrNotFound. Its ETag and LastModified are the validators to send in a
// conditional GET (If-None-Match, If-Modified-Since): a revisit lacking
// them in its own head takes its original's.
func (a *Archive) Latest(url string) (Entry, error) {
	es, err := a.Lookup(url)
	if err != nil {
		return Entry{}, err
	}
	if len(es) == 0 {
		return Entry{}, fmt.Errorf("latest capture of %s: %w", url, ErrNotFound)
	}
	return withValidators(es, len(es)-1), nil
}

// Nearest returns the capture of url closest in time to t (the earlier one
// on a tie), or an error wrapping ErrNotFound. Validators are filled as by
// Latest.
func (a *Archive) Nearest(url string, t time.Time) (Entry, error) {
	es, err := a.Lookup(url)
	if err != nil {
		return Entry{}, err
	}
	if len(es) == 0 {
		return Entry{}, fmt.Errorf("capture of %s near %s: %w", url, t.Format(time.RFC3339), ErrNotFound)
	}
	best := 0
	for i, e := range es[1:] {
		if absDur(e.Time.Sub(t)) < absDur(es[best].Time.Sub(t)) {
			best = i + 1
		}
	}
	return withValidators(es, best), nil
}

// withValidators returns es[i] with any validator a revisit lacks taken
// from its original: the latest earlier full capture in es (oldest first)
// with the same payload digest. A revisit says the payload is unchanged, so
// the original's validators still describe it.
func withValidators(es []Entry, i int) Entry {
	e := es[i]
	if !e.Revisit() || (e.ETag != "" && e.LastModified != "") {
		return e
	}
	for j := i - 1; j >= 0; j-- {
		o := es[j]
		if o.Revisit() || o.Digest != e.Digest || e.Digest == "" {
			continue
		}
		if e.ETag == "" {
			e.ETag = o.ETag
		}
		if e.LastModified == "" {
			e.LastModified = o.LastModified
		}
		break
	}
	return e
}

func absDur(d time.Duration) time.Duration {
	if d < 0 {
		return -d
	}
	return d
}

func (a *Archive) isClosed() bool {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.closed
}

func (a *Archive) getCompressor() *compressor  { return a.comp.Get().(*compressor) }
func (a *Archive) putCompressor(c *compressor) { a.comp.Put(c) }
