package archive

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// openSuffix marks a WARC file still being written.
const openSuffix = ".open"

// warcFile is a WARC file being written. Writers reserve it (refs) before
// compressing their records, so that the file they name in WARC-Warcinfo-ID
// is still the one they append to; a retired file is closed by its last
// writer.
type warcFile struct {
	name   string // final base name
	path   string // path while open: <dir>/<name>.open
	f      *os.File
	infoID string // WARC-Record-ID of the file's warcinfo record

	mu   sync.Mutex // serializes appends
	size atomic.Int64
	bad  error // set when a failed append could not be undone

	refs    int  // writers holding the file; guarded by Archive.mu
	retired bool // no new writer may reserve it; guarded by Archive.mu
}

// createFile creates the next WARC file and writes its warcinfo record.
func (a *Archive) createFile() (*warcFile, error) {
	now := a.opts.Now().UTC()
	id := a.opts.CrawlID
	if a.opts.Worker != "" {
		id += "-" + a.opts.Worker
	}
	for tries := 0; ; tries++ {
		name := fmt.Sprintf("rankfile-%s-%s-%05d.warc.gz", id, now.Format(timestamp14), a.serial)
		a.serial++
		path := filepath.Join(a.dir, name+openSuffix)
		if _, err := os.Stat(filepath.Join(a.dir, name)); err == nil {
			continue // a finished file already has the name
		}
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
		if os.IsExist(err) && tries < 100 {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("create warc file: %w", err)
		}
		wf := &warcFile{name: name, path: path, f: f, infoID: newRecordID()}
		var buf bytes.Buffer
		c := a.getCompressor()
		info := a.warcinfoBlock()
		h := a.warcinfoHeader(wf, now)
		h.Add("WARC-Block-Digest", sha1Digest(info))
		_, err = c.record(&buf, h, info)
		a.putCompressor(c)
		if err == nil {
			_, err = f.Write(buf.Bytes())
		}
		if err != nil {
			f.Close()
			os.Remove(path)
			return nil, fmt.Errorf("write warcinfo to %s: %w", name, err)
		}
		wf.size.Store(int64(buf.Len()))
		a.log.Debug("warc file opened", "component", "archive", "warc_file", name)
		return wf, nil
	}
}

func (a *Archive) warcinfoHeader(wf *warcFile, now time.Time) Header {
	return Header{
		{"WARC-Type", TypeWarcinfo},
		{"WARC-Record-ID", wf.infoID},
		{"WARC-Date", formatWARCDate(now)},
		{"WARC-Filename", wf.name},
		{"Content-Type", "application/warc-fields"},
	}
}

// warcinfoBlock describes the crawl as application/warc-fields. The crawl
// ID is given as isPartOf (a DCMI term, as Heritrix does); settings follow
// sorted by name.
func (a *Archive) warcinfoBlock() []byte {
	var b strings.Builder
	field := func(name, value string) {
		if value = oneLine(value); value != "" {
			b.WriteString(oneLine(name) + ": " + value + "\r\n")
		}
	}
	field("software", a.opts.Software)
	field("format", "WARC File Format 1.1")
	field("conformsTo", "http://iipc.github.io/warc-specifications/specifications/warc-format/warc-1.1/")
	field("operator", a.opts.Operator)
	field("isPartOf", a.opts.CrawlID)
	field("worker", a.opts.Worker)
	names := make([]string, 0, len(a.opts.Settings))
	for k := range a.opts.Settings {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		field(strings.ReplaceAll(k, ":", "-"), a.opts.Settings[k])
	}
	return []byte(b.String())
}

// oneLine makes s safe as a warc-fields name or value.
func oneLine(s string) string {
	if strings.ContainsAny(s, "\r\n") {
		s = strings.NewReplacer("\r\n", " ", "\n", " ", "\r", " ").Replace(s)
	}
	return strings.TrimSpace(s)
}

// append writes data, whole records only, at the end of the file and returns
// the offset it starts at. A failed write is cut off again so that the file
// never holds part of a record before a whole one.
func (wf *warcFile) append(data []byte) (int64, error) {
	wf.mu.Lock()
	defer wf.mu.Unlock()
	if wf.bad != nil {
		return 0, wf.bad
	}
	off := wf.size.Load()
	if _, err := wf.f.Write(data); err != nil {
		if terr := wf.f.Truncate(off); terr != nil {
			wf.bad = fmt.Errorf("warc file %s unusable after failed write: %w", wf.name, terr)
		} else if _, serr := wf.f.Seek(off, 0); serr != nil {
			wf.bad = fmt.Errorf("warc file %s unusable after failed write: %w", wf.name, serr)
		}
		return 0, fmt.Errorf("append to %s: %w", wf.name, err)
	}
	wf.size.Store(off + int64(len(data)))
	return off, nil
}

// finish syncs and closes the file and renames it to its final name.
func (wf *warcFile) finish(dir string) error {
	if err := wf.f.Sync(); err != nil {
		wf.f.Close()
		return fmt.Errorf("sync %s: %w", wf.name, err)
	}
	if err := wf.f.Close(); err != nil {
		return fmt.Errorf("close %s: %w", wf.name, err)
	}
	if err := os.Rename(wf.path, filepath.Join(dir, wf.name)); err != nil {
		return fmt.Errorf("rename %s: %w", wf.name, err)
	}
	return syncDir(dir)
}
