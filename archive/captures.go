package archive

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"rankfile/record"
)

// fileRef is a WARC file to read: its name, where it is now, and how many of
// its bytes hold whole records (-1: all of it).
type fileRef struct {
	name  string
	path  string
	limit int64
}

// isWARCName reports whether name is a finished WARC file.
func isWARCName(name string) bool {
	return strings.HasSuffix(name, ".warc.gz") || strings.HasSuffix(name, ".warc")
}

// files lists the archive's WARC files in name order, including those this
// Archive is writing, read up to their size now.
func (a *Archive) files() ([]fileRef, error) {
	ents, err := os.ReadDir(a.dir)
	if err != nil {
		return nil, fmt.Errorf("list archive directory: %w", err)
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	var refs []fileRef
	for _, e := range ents {
		name := e.Name()
		if e.IsDir() || !isWARCName(name) {
			continue
		}
		refs = append(refs, fileRef{name: name, path: filepath.Join(a.dir, name), limit: -1})
	}
	for name, wf := range a.open {
		if !slices.ContainsFunc(refs, func(r fileRef) bool { return r.name == name }) {
			refs = append(refs, fileRef{name: name, path: wf.path, limit: wf.size.Load()})
		}
	}
	slices.SortFunc(refs, func(x, y fileRef) int { return strings.Compare(x.name, y.name) })
	return refs, nil
}

// Files returns the names of the archive's WARC files, in name order,
// those being written included. Each is a file of that name in Dir, or,
// while this Archive writes it, the same name with ".open" added.
func (a *Archive) Files() ([]string, error) {
	if a.isClosed() {
		return nil, ErrClosed
	}
	refs, err := a.files()
	if err != nil {
		return nil, err
	}
	names := make([]string, len(refs))
	for i, r := range refs {
		names[i] = r.name
	}
	return names, nil
}

// openFile opens a WARC file of the archive by name, wherever it is: still
// being written under its .open name (by this Archive, or by the writer
// beside a read-only one), or finished.
func (a *Archive) openFile(name string) (*os.File, error) {
	if strings.ContainsAny(name, `/\`) || name == ".." {
		return nil, fmt.Errorf("warc file name %q: %w", name, os.ErrNotExist)
	}
	for range 2 { // the file may be renamed between the two tries
		a.mu.Lock()
		wf := a.open[name]
		a.mu.Unlock()
		if wf != nil {
			if f, err := os.Open(wf.path); err == nil {
				return f, nil
			}
		}
		f, err := os.Open(filepath.Join(a.dir, name))
		if err == nil || !os.IsNotExist(err) {
			return f, err
		}
		if a.readOnly() { // read-only beside a writer: its file under the .open name
			if f, err := os.Open(filepath.Join(a.dir, name+openSuffix)); err == nil {
				return f, nil
			}
		}
	}
	return nil, fmt.Errorf("open warc file %s: %w", name, os.ErrNotExist)
}

// Captures calls fn with every response, revisit and resource record in
// the archive's WARC files, in file name order and record order within a
// file, as a record.Capture whose Body is the payload with any chunked
// transfer coding and gzip or deflate Content-Encoding removed (br is left
// encoded). A
// revisit's body is that of the earlier capture with the same URL and
// payload digest; see the package doc for what else a revisit capture holds.
// A response record that holds no HTTP message (a DNS lookup, which
// Heritrix writes as a response of type text/dns) gives a capture with
// status 0, its record's Content-Type as its only header and its block as
// its Body; so does a resource record (a page archived without HTTP, as
// warcit and Webrecorder write them), with status 200, as pywb replays it.
// Resource records listing WARC fields are no captures.
//
// An error returned by fn, or the end of ctx, stops the walk and is returned.
// A damaged record (a *RecordError) or a revisit whose original is not in
// the archive is logged and skipped: the walk goes on with the next file (or
// record) and every such error is returned at the end, joined; a revisit
// of an imported file waiting for its original (see Report.Waiting) is
// logged and skipped alone.
func (a *Archive) Captures(ctx context.Context, fn func(record.Capture) error) error {
	return a.captures(ctx, func(string) bool { return true }, fn)
}

// CapturesIn is Captures over the WARC files whose names (as Files gives
// them) match reads alone, in name order: the captures of one crawl, say,
// whose files are named after it, without reading the rest of the archive.
func (a *Archive) CapturesIn(ctx context.Context, match func(file string) bool, fn func(record.Capture) error) error {
	return a.captures(ctx, match, fn)
}

func (a *Archive) captures(ctx context.Context, match func(string) bool, fn func(record.Capture) error) error {
	if a.isClosed() {
		return ErrClosed
	}
	all, err := a.files()
	if err != nil {
		return err
	}
	var refs []fileRef
	for _, r := range all {
		if match(r.name) {
			refs = append(refs, r)
		}
	}
	imported, err := a.importedFiles()
	if err != nil {
		return err
	}
	var damaged []error
	for _, ref := range refs {
		errs, err := a.fileCaptures(ctx, ref, imported[ref.name], fn)
		if err != nil {
			return err
		}
		damaged = append(damaged, errs...)
	}
	return errors.Join(damaged...)
}

// fileCaptures walks one file; it returns the damage it found, and the
// error that must stop the whole walk.
func (a *Archive) fileCaptures(ctx context.Context, ref fileRef, imported bool, fn func(record.Capture) error) (damaged []error, stop error) {
	f, err := os.Open(ref.path)
	if err != nil {
		re := &RecordError{File: ref.name, Err: err}
		a.log.Warn("skip warc file", "warc_file", ref.name, "error", err)
		return []error{re}, nil
	}
	defer f.Close()
	var src io.Reader = f
	if ref.limit >= 0 {
		src = io.NewSectionReader(f, 0, ref.limit)
	}
	rd := NewReader(src)
	rd.File = ref.name
	// pastDamage notes a damaged record and moves the reader past it; it
	// reports whether the walk can go on in this file.
	pastDamage := func(err error) bool {
		at, rerr := rd.Resync()
		if rerr == nil {
			err = readOn(err, at)
		}
		a.log.Warn("damaged warc record", "warc_file", ref.name, "error", err)
		damaged = append(damaged, err)
		return rerr == nil
	}
	for {
		if err := ctx.Err(); err != nil {
			return damaged, err
		}
		rec, err := rd.Next()
		if err == io.EOF {
			return damaged, nil
		}
		if err != nil {
			if !pastDamage(err) {
				return damaged, nil
			}
			continue
		}
		if !isCapture(rec) {
			continue
		}
		c, err := a.capture(rec, ref.name)
		if err != nil && rd.err != nil { // the record itself is damaged
			if !pastDamage(err) {
				return damaged, nil
			}
			continue
		}
		if err != nil && imported && rec.Type() == TypeRevisit && errors.Is(err, ErrNotFound) {
			a.log.Warn("revisit waiting for its original", "warc_file", ref.name, "warc_offset", rec.Offset, "error", err)
			continue
		}
		if err != nil {
			a.log.Warn("skip capture", "warc_file", ref.name, "warc_offset", rec.Offset, "error", err)
			damaged = append(damaged, err)
			continue
		}
		if err := fn(c); err != nil {
			return damaged, err
		}
	}
}

// capture turns a response or revisit record into a Capture.
func (a *Archive) capture(rec *Record, file string) (record.Capture, error) {
	block, err := io.ReadAll(rec.Body)
	if err != nil {
		return record.Capture{}, err // a *RecordError from the reader
	}
	date, err := rec.Date()
	if err != nil {
		return record.Capture{}, &RecordError{File: file, Offset: rec.Offset, Err: err}
	}
	c := record.Capture{
		URL: rec.TargetURI(), Time: date, File: file, Offset: rec.Offset,
		Digest: rec.Header.Get("WARC-Payload-Digest"),
	}
	if rec.Type() == TypeResource {
		// A page archived without HTTP: a 200 of its record's type.
		c.Status, c.Header, c.Body = 200, http.Header{"Content-Type": {rec.Header.Get("Content-Type")}}, block
		if c.Digest == "" {
			c.Digest = sha1Digest(block)
		}
		return c, nil
	}
	if rec.Type() == TypeResponse && !isHTTPBlock(rec.Header, block) {
		// No HTTP message (a DNS lookup): no status, the block is the body.
		c.Header = http.Header{"Content-Type": {rec.Header.Get("Content-Type")}}
		c.Body = block
		return c, nil
	}
	var msg *httpMessage
	if len(block) > 0 {
		if msg, err = parseHTTP(block); err != nil {
			return record.Capture{}, &RecordError{File: file, Offset: rec.Offset, Err: err}
		}
	}
	if rec.Type() == TypeResponse {
		if msg == nil {
			return record.Capture{}, &RecordError{File: file, Offset: rec.Offset, Err: fmt.Errorf("response record has an empty block")}
		}
		c.Status, c.Header = msg.Status, msg.Header
		c.Body = a.payload(msg, c.URL)
		return c, nil
	}
	return a.revisitCapture(rec, c, msg)
}

// payload returns msg's entity body with transfer and content codings
// removed.
func (a *Archive) payload(msg *httpMessage, url string) []byte {
	p := msg.Payload
	if isChunked(msg.Header) {
		p = Dechunk(p)
	}
	out, err := DecodeContent(msg.Header, p)
	if err != nil {
		a.log.Warn("payload left encoded", "url", url, "error", err)
	}
	return out
}

// revisitCapture fills a revisit's capture from the original it refers to.
// The Status and Header are the revisit's own response head when it has one
// with a status other than 304; otherwise (a bodiless revisit, or a 304 Not
// Modified) they are the original's.
func (a *Archive) revisitCapture(rec *Record, c record.Capture, msg *httpMessage) (record.Capture, error) {
	c.Revisit = true
	orig, err := a.original(rec, c.URL)
	if err != nil {
		return record.Capture{}, &RecordError{File: c.File, Offset: c.Offset, Err: err}
	}
	if c.Digest == "" {
		c.Digest = orig.Digest
	}
	c.Status, c.Header, c.Body = orig.Status, orig.Header, orig.Body
	if msg != nil && msg.Status != 0 && msg.Status != 304 {
		c.Status, c.Header = msg.Status, msg.Header
	}
	return c, nil
}

// original finds and reads the capture a revisit record stands for: the
// oldest non-revisit capture of its WARC-Refers-To-Target-URI (or its own
// URI) with the same payload digest, or failing that (no digest, or one
// of another algorithm than the index's), the one at its
// WARC-Refers-To-Date.
func (a *Archive) original(rec *Record, uri string) (record.Capture, error) {
	target := cleanURI(rec.Header.Get("WARC-Refers-To-Target-URI"))
	if target == "" {
		target = uri
	}
	digest := rec.Header.Get("WARC-Payload-Digest")
	var refDate time.Time
	if v := rec.Header.Get("WARC-Refers-To-Date"); v != "" {
		refDate, _ = parseWARCDate(v)
	}
	var atDate *Entry // failing a digest match (or a digest), the capture at WARC-Refers-To-Date
	es, err := a.idx.lookup(SURT(target))
	if err != nil {
		return record.Capture{}, err
	}
	for _, e := range es {
		if e.Revisit() {
			continue
		}
		if digest != "" && strings.EqualFold(e.Digest, digest) {
			return a.readCapture(e)
		}
		if atDate == nil && !refDate.IsZero() && e.Time.Equal(refDate.Truncate(time.Second)) {
			atDate = &e
		}
	}
	if atDate != nil {
		return a.readCapture(*atDate)
	}
	return record.Capture{}, fmt.Errorf("revisit of %s: original with digest %q: %w", target, digest, ErrNotFound)
}

// readCapture reads the response record an index entry points at.
func (a *Archive) readCapture(e Entry) (record.Capture, error) {
	rec, f, err := a.recordAt(e.File, e.Offset)
	if err != nil {
		return record.Capture{}, err
	}
	defer f.Close()
	if t := rec.Type(); t != TypeResponse && t != TypeResource {
		return record.Capture{}, fmt.Errorf("%s offset %d: want a response or resource record, found %q", e.File, e.Offset, t)
	}
	return a.capture(rec, e.File)
}

// recordAt opens file and reads the record starting at off; the caller
// closes the returned file once done with the record's body.
func (a *Archive) recordAt(file string, off int64) (*Record, *os.File, error) {
	f, err := a.openFile(file)
	if err != nil {
		return nil, nil, err
	}
	if _, err := f.Seek(off, io.SeekStart); err != nil {
		f.Close()
		return nil, nil, fmt.Errorf("seek %s: %w", file, err)
	}
	rd := NewReader(f)
	rd.File = file
	rd.cr.n = off // offsets stay those of the file
	rec, err := rd.Next()
	if err == io.EOF {
		err = &RecordError{File: file, Offset: off, Err: fmt.Errorf("%w: no record at offset", ErrTruncated)}
	}
	if err != nil {
		f.Close()
		return nil, nil, err
	}
	return rec, f, nil
}
