package archive

import (
	"fmt"
	"io"
	"os"
	"time"

	"rankfile/record"
)

// OpenReadOnly opens the archive in dir for reading: lookups and captures,
// as of the capture index when it opens (the sorted index and the journal a
// crawl under way appends to). It takes no lock, so it may run beside a
// crawl, and it changes nothing: it neither cuts a partial record nor
// rewrites the index, and Write, Import and Reindex return ErrReadOnly.
func OpenReadOnly(dir string) (*Archive, error) {
	st, err := os.Stat(dir)
	if err != nil {
		return nil, fmt.Errorf("open archive: %w", err)
	}
	if !st.IsDir() {
		return nil, fmt.Errorf("open archive: %s is not a directory", dir)
	}
	a := &Archive{dir: dir, opts: withDefaults(Options{}), open: map[string]*warcFile{}, infos: map[location]recordInfo{}}
	a.log = a.opts.Logger.With("component", "archive")
	a.idx = newIndex(dir, false)
	a.comp.New = func() any { return newCompressor() }
	if _, err := a.idx.load(); err != nil { // a torn last journal line is left out, not cut
		return nil, err
	}
	return a, nil
}

// EntryAt returns the index entry of the newest capture of url made at or
// before t, or of the latest when t is zero. A URL without a capture by t
// is an error wrapping ErrNotFound.
func (a *Archive) EntryAt(url string, t time.Time) (Entry, error) {
	es, at, err := a.entryAt(url, t)
	if err != nil {
		return Entry{}, err
	}
	return es[at], nil
}

// entryAt is EntryAt's work: the URL's entries, oldest first, and the
// position of the one picked.
func (a *Archive) entryAt(url string, t time.Time) ([]Entry, int, error) {
	es, err := a.Lookup(url)
	if err != nil {
		return nil, 0, err
	}
	at := -1
	for i, e := range es {
		if t.IsZero() || !e.Time.After(t) {
			at = i
		}
	}
	switch {
	case len(es) == 0:
		return nil, 0, fmt.Errorf("%s: %w", url, ErrNotFound)
	case at < 0:
		return nil, 0, fmt.Errorf("%s as of %s (first captured %s): %w",
			url, t.UTC().Format(time.RFC3339), es[0].Time.UTC().Format(time.RFC3339), ErrNotFound)
	}
	return es, at, nil
}

// CaptureAt returns what the archive held for url as of time t: the capture
// EntryAt picks, with its entry. A revisit is resolved to the body of the
// response it stands for (the latest earlier full capture with the same
// payload digest) and comes back with its own time, Revisit set, and the
// original's status and headers.
func (a *Archive) CaptureAt(url string, t time.Time) (record.Capture, Entry, error) {
	es, at, err := a.entryAt(url, t)
	if err != nil {
		return record.Capture{}, Entry{}, err
	}
	e := es[at]
	if !e.Revisit() {
		c, err := a.ReadCapture(e)
		return c, e, err
	}
	for i := at - 1; i >= 0; i-- {
		o := es[i]
		if o.Revisit() || o.Digest != e.Digest || e.Digest == "" {
			continue
		}
		c, err := a.ReadCapture(o)
		if err != nil {
			return record.Capture{}, Entry{}, err
		}
		c.Time, c.Revisit = e.Time, true
		return c, e, nil
	}
	return record.Capture{}, Entry{}, fmt.Errorf("capture of %s at %s: %w", url, e.Time.UTC().Format(time.RFC3339), ErrRevisit)
}

// Summary is what the capture index holds, in counts.
type Summary struct {
	Captures int       `json:"captures"` // response and revisit records indexed
	Revisits int       `json:"revisits"` // of which revisits
	URLs     int       `json:"urls"`     // distinct URLs (SURT keys)
	First    time.Time `json:"first"`    // the oldest capture
	Last     time.Time `json:"last"`     // the newest capture
}

// Summary counts the captures in the capture index, reading it through.
func (a *Archive) Summary() Summary {
	var s Summary
	var key string
	a.idx.each(func(e Entry) error {
		s.Captures++
		if e.Revisit() {
			s.Revisits++
		}
		if s.URLs == 0 || e.Key != key { // the index is sorted by key
			s.URLs++
			key = e.Key
		}
		if s.First.IsZero() || e.Time.Before(s.First) {
			s.First = e.Time
		}
		if e.Time.After(s.Last) {
			s.Last = e.Time
		}
		return nil
	})
	return s
}

// WriteRecord writes the WARC record the index entry e points at to w,
// uncompressed, as a WARC reader sees it: version line, named fields in
// file order, the block, and the CRLF CRLF that ends a record. A revisit
// entry gives the revisit record itself.
func (a *Archive) WriteRecord(w io.Writer, e Entry) error {
	if a.isClosed() {
		return ErrClosed
	}
	rec, f, err := a.recordAt(e.File, e.Offset)
	if err != nil {
		return err
	}
	defer f.Close()
	if _, err := w.Write(append(rec.Header.appendTo(nil, rec.Version), "\r\n"...)); err != nil {
		return err
	}
	n, err := io.Copy(w, rec.Body)
	if err != nil {
		return fmt.Errorf("warc record at %s offset %d: %w", e.File, e.Offset, err)
	}
	if n != rec.ContentLength {
		return &RecordError{File: e.File, Offset: e.Offset, Err: fmt.Errorf("%w: block of %d bytes, Content-Length %d", ErrTruncated, n, rec.ContentLength)}
	}
	_, err = io.WriteString(w, "\r\n\r\n")
	return err
}

// readOnly reports whether the Archive was opened with OpenReadOnly: it
// holds no lock and writes nothing.
func (a *Archive) readOnly() bool { return a.lock == nil }
