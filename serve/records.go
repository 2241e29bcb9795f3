package serve

import (
	"bufio"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"sort"
	"sync"
	"time"

	"rankfile/crawl"
	"rankfile/index"
	"rankfile/record"
)

// version is one version of a record: where its line is in the records
// file, and what the versions list shows without reading it.
type version struct {
	Version  string // the index's version: capture timestamp (or digest, or content hash)
	Captured time.Time
	URL      string
	Title    string
	WARCFile string
	Offset   int64 // of the capture in WARCFile
	Digest   string
	line     int64 // offset of the JSON line in the records file
	size     int
}

// recordSnap is the records file as read at one moment. The file stays
// open, so its lines can be read after a new file has replaced it.
type recordSnap struct {
	f     *os.File // nil when there is no records file
	info  os.FileInfo
	byID  map[string][]version // oldest first
	ids   []string             // record IDs in file order
	sites *crawl.Sites         // the sites file of the last crawl, or nil

	picOnce sync.Once
	pics    *pictures
	picErr  error
}

// versions returns the versions of a record, oldest first.
func (s *recordSnap) versions(id string) []version { return s.byID[id] }

// read reads the record version v.
func (s *recordSnap) read(v version) (record.Record, error) {
	var r record.Record
	buf := make([]byte, v.size)
	if _, err := s.f.ReadAt(buf, v.line); err != nil {
		return r, fmt.Errorf("read records file: %w", err)
	}
	if err := json.Unmarshal(buf, &r); err != nil {
		return r, fmt.Errorf("records file at byte %d: %w", v.line, err)
	}
	return r, nil
}

// latest reads the newest version of each record, in file order.
func (s *recordSnap) latest(fn func(record.Record) error) error {
	for _, id := range s.ids {
		vs := s.byID[id]
		r, err := s.read(vs[len(vs)-1])
		if err != nil {
			return err
		}
		if err := fn(r); err != nil {
			return err
		}
	}
	return nil
}

// loadRecords indexes the records file at path by record and version.
func loadRecords(path, sitesPath string) (*recordSnap, error) {
	s := &recordSnap{byID: map[string][]version{}}
	sites, err := crawl.LoadSites(sitesPath)
	if err == nil {
		s.sites = sites
	}
	f, err := os.Open(path)
	if errors.Is(err, os.ErrNotExist) {
		return s, nil
	}
	if err != nil {
		return nil, fmt.Errorf("open records: %w", err)
	}
	if s.info, err = f.Stat(); err != nil {
		f.Close()
		return nil, fmt.Errorf("open records: %w", err)
	}
	s.f = f
	br := bufio.NewReaderSize(f, 256<<10)
	var off int64
	for lineNo := 1; ; lineNo++ {
		line, err := br.ReadBytes('\n')
		start := off
		off += int64(len(line))
		if trimmed := trimSpaceBytes(line); len(trimmed) > 0 {
			var r record.Record
			if jerr := json.Unmarshal(trimmed, &r); jerr != nil {
				f.Close()
				return nil, fmt.Errorf("records line %d: %w", lineNo, jerr)
			}
			s.add(r, start, len(line))
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			f.Close()
			return nil, fmt.Errorf("read records: %w", err)
		}
	}
	for id, vs := range s.byID {
		sort.SliceStable(vs, func(i, j int) bool { return vs[i].Captured.Before(vs[j].Captured) })
		s.byID[id] = vs
	}
	return s, nil
}

// add notes a record version; a later line of the same version replaces
// an earlier one, as in the index.
func (s *recordSnap) add(r record.Record, line int64, size int) {
	docID := index.DocID(r)
	v := version{
		Version: docID[len(r.ID)+1:], Captured: r.Captured, URL: r.URL, Title: r.Title,
		WARCFile: r.WARCFile, Offset: r.WARCOffset, Digest: r.Digest, line: line, size: size,
	}
	vs, seen := s.byID[r.ID]
	if !seen {
		s.ids = append(s.ids, r.ID)
	}
	if i := slices.IndexFunc(vs, func(o version) bool { return o.Version == v.Version }); i >= 0 {
		vs[i] = v
		return
	}
	s.byID[r.ID] = append(vs, v)
}

func trimSpaceBytes(b []byte) []byte {
	for len(b) > 0 && (b[len(b)-1] == '\n' || b[len(b)-1] == '\r' || b[len(b)-1] == ' ') {
		b = b[:len(b)-1]
	}
	return b
}

// recordStore keeps the latest snapshot of the records file and replaces
// it when the pipeline has replaced the file.
type recordStore struct {
	path, sitesPath string

	mu   sync.RWMutex // held shared while a snapshot is used
	snap *recordSnap

	reload sync.Mutex
}

// view calls fn with the current snapshot, which stays valid during fn.
func (rs *recordStore) view(fn func(*recordSnap) error) error {
	if err := rs.refresh(); err != nil {
		return err
	}
	rs.mu.RLock()
	defer rs.mu.RUnlock()
	return fn(rs.snap)
}

// stale reports whether the file on disk differs from the snapshot's.
func (rs *recordStore) stale() bool {
	rs.mu.RLock()
	defer rs.mu.RUnlock()
	if rs.snap == nil {
		return true
	}
	now, err := os.Stat(rs.path)
	if err != nil || rs.snap.info == nil {
		return (err == nil) != (rs.snap.info != nil)
	}
	return !os.SameFile(now, rs.snap.info) || now.Size() != rs.snap.info.Size() || !now.ModTime().Equal(rs.snap.info.ModTime())
}

func (rs *recordStore) refresh() error {
	if !rs.stale() {
		return nil
	}
	rs.reload.Lock()
	defer rs.reload.Unlock()
	if !rs.stale() {
		return nil
	}
	snap, err := loadRecords(rs.path, rs.sitesPath)
	if err != nil {
		return err
	}
	rs.mu.Lock()
	old := rs.snap
	rs.snap = snap
	rs.mu.Unlock()
	if old != nil && old.f != nil {
		old.f.Close()
	}
	return nil
}

func (rs *recordStore) close() error {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	if rs.snap != nil && rs.snap.f != nil {
		err := rs.snap.f.Close()
		rs.snap = nil
		return err
	}
	rs.snap = nil
	return nil
}
