package archive

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strings"
)

// Report is what Check found.
type Report struct {
	Files    int       // WARC files read
	Records  int       // whole records read
	Entries  int       // capture index entries checked
	Problems []Problem // everything found wrong, in file and offset order
	// Waiting are the revisits of imported files whose original is not in
	// the archive (yet): a recrawl imported before the crawl it revisits.
	// They are kept, and stand on their original once a file holding it
	// is imported; till then no capture comes of them. Not a problem.
	Waiting []Problem
}

// OK reports whether Check found nothing wrong.
func (r *Report) OK() bool { return len(r.Problems) == 0 }

// Problem is one thing Check found wrong, located in a WARC file. Err wraps
// ErrDigest (a block or payload digest mismatch), ErrIndex (an index entry
// or record the other lacks), ErrRevisit (a revisit whose original is not in
// the archive), or the *RecordError of a damaged record.
type Problem struct {
	File   string
	Offset int64
	Err    error
}

// String describes the problem with its location.
func (p Problem) String() string { return fmt.Sprintf("%s offset %d: %v", p.File, p.Offset, p.Err) }

// Check reads every record of every WARC file in the archive and verifies
// its WARC-Block-Digest and WARC-Payload-Digest (sha1 or sha256; records
// without them, or with other algorithms, are not checked; the payload
// digest of a chunked response may be taken with the chunking removed, as
// WARC 1.1 says, or over the body as received, as Heritrix takes it), that every
// revisit record leads to its original (the response its WARC-Refers-To
// names, with the target URI, date and payload digest it states), then
// checks every capture index entry against the record it points at, and
// every response or revisit record against the index. What is wrong goes in the Report; the
// error is for failing to check at all (an unreadable directory, the end of
// ctx).
func (a *Archive) Check(ctx context.Context) (*Report, error) {
	if a.isClosed() {
		return nil, ErrClosed
	}
	refs, err := a.files()
	if err != nil {
		return nil, err
	}
	rep := &Report{}
	found := map[location]Entry{}
	rv := newRevisits()
	for _, ref := range refs {
		if err := a.checkFile(ctx, ref, rep, found, rv); err != nil {
			return nil, err
		}
	}
	imported, err := a.importedFiles()
	if err != nil {
		return nil, err
	}
	ps, waiting := rv.problems(imported)
	rep.Problems, rep.Waiting = append(rep.Problems, ps...), waiting
	a.checkIndex(rep, found)
	slices.SortFunc(rep.Problems, func(x, y Problem) int {
		if c := strings.Compare(x.File, y.File); c != 0 {
			return c
		}
		return int(x.Offset - y.Offset)
	})
	return rep, nil
}

// checkFile verifies one file's records, noting the index entries they
// call for in found, and responses and revisits in rv.
func (a *Archive) checkFile(ctx context.Context, ref fileRef, rep *Report, found map[location]Entry, rv *revisits) error {
	rep.Files++
	problem := func(off int64, err error) {
		rep.Problems = append(rep.Problems, Problem{File: ref.name, Offset: off, Err: err})
	}
	_, damage, err := scanFile(ref.path, ref.name, ref.limit, func(s scanned) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		rep.Records++
		if d := s.rec.Header.Get("WARC-Block-Digest"); d != "" {
			if err := verifyDigest(d, s.block); errors.Is(err, ErrDigest) {
				problem(s.rec.Offset, fmt.Errorf("%s record: %w: WARC-Block-Digest %s", s.rec.Type(), err, d))
			}
		}
		if d := s.rec.Header.Get("WARC-Payload-Digest"); d != "" {
			if err := verifyPayloadDigest(d, s); errors.Is(err, ErrDigest) {
				problem(s.rec.Offset, fmt.Errorf("%s record: %w: WARC-Payload-Digest %s", s.rec.Type(), err, d))
			}
		}
		if e, ok := entryOf(s, ref.name); ok {
			found[location{e.File, e.Offset}] = e
		}
		rv.note(s, ref.name)
		return nil
	})
	if err != nil {
		return fmt.Errorf("check %s: %w", ref.name, err)
	}
	for _, d := range unjoin(damage) {
		var re *RecordError
		off := int64(-1)
		if errors.As(d, &re) {
			off = re.Offset
		}
		problem(off, d)
	}
	return nil
}

// checkIndex compares the index with the records found in the files.
func (a *Archive) checkIndex(rep *Report, found map[location]Entry) {
	inIndex := map[location]bool{}
	err := a.idx.each(func(e Entry) error {
		rep.Entries++
		loc := location{e.File, e.Offset}
		inIndex[loc] = true
		got, ok := found[loc]
		if !ok {
			rep.Problems = append(rep.Problems, Problem{File: e.File, Offset: e.Offset,
				Err: fmt.Errorf("%w: entry for %s points at no response or revisit record", ErrIndex, e.URL)})
			return nil
		}
		if diff := entryDiff(e, got); diff != "" {
			rep.Problems = append(rep.Problems, Problem{File: e.File, Offset: e.Offset,
				Err: fmt.Errorf("%w: entry for %s: %s", ErrIndex, e.URL, diff)})
		}
		return nil
	})
	if err != nil {
		rep.Problems = append(rep.Problems, Problem{Offset: -1, Err: fmt.Errorf("%w: %w", ErrIndex, err)})
	}
	for loc, e := range found {
		if !inIndex[loc] {
			rep.Problems = append(rep.Problems, Problem{File: loc.file, Offset: loc.offset,
				Err: fmt.Errorf("%w: %s record of %s is not in the index", ErrIndex, map[bool]string{true: "revisit", false: "response"}[e.Revisit()], e.URL)})
		}
	}
}

// entryDiff says how an index entry differs from the one its record calls
// for, or "" when they agree.
func entryDiff(idx, rec Entry) string {
	var diffs []string
	add := func(field string, got, want any) {
		diffs = append(diffs, fmt.Sprintf("%s %v, record says %v", field, got, want))
	}
	if idx.Key != rec.Key || idx.URL != rec.URL {
		add("url", idx.URL, rec.URL)
	}
	if !idx.Time.Equal(rec.Time) {
		add("time", idx.Time, rec.Time)
	}
	if idx.Length != rec.Length {
		add("length", idx.Length, rec.Length)
	}
	if idx.Digest != rec.Digest {
		add("digest", idx.Digest, rec.Digest)
	}
	if idx.Status != rec.Status {
		add("status", idx.Status, rec.Status)
	}
	if idx.Mime != rec.Mime {
		add("mime", idx.Mime, rec.Mime)
	}
	// An index written before validators were kept has none: not wrong,
	// only less use for a conditional GET until Reindex.
	if idx.ETag != "" || idx.LastModified != "" {
		if idx.ETag != rec.ETag {
			add("etag", idx.ETag, rec.ETag)
		}
		if idx.LastModified != rec.LastModified {
			add("last_modified", idx.LastModified, rec.LastModified)
		}
	}
	return strings.Join(diffs, "; ")
}

// Reindex rebuilds the capture index from the WARC files alone and writes
// index.cdxj. Writes wait while it runs. Damaged records end the indexing of
// their file and are returned, joined, after the index is written.
func (a *Archive) Reindex(ctx context.Context) error {
	if a.isClosed() {
		return ErrClosed
	}
	if a.readOnly() {
		return ErrReadOnly
	}
	a.writeMu.Lock()
	defer a.writeMu.Unlock()
	refs, err := a.files()
	if err != nil {
		return err
	}
	var damaged []error
	err = a.idx.rewrite(func(add func(Entry) error) error {
		for _, ref := range refs {
			if err := ctx.Err(); err != nil {
				return err
			}
			damage, err := indexFile(ref.path, ref.name, ref.limit, add)
			if err != nil {
				return fmt.Errorf("reindex %s: %w", filepath.Base(ref.name), err)
			}
			if damage != nil {
				a.log.Warn("damaged warc record", "warc_file", ref.name, "error", damage)
				damaged = append(damaged, damage)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	return errors.Join(damaged...)
}
