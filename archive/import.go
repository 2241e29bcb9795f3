package archive

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// Import copies third-party files into the archive and indexes them: WARC
// files (wget --warc-file output, Heritrix, wpull, warcit, Webrecorder,
// pywb; WARC/1.0 or 1.1, gzip-per-record or not) read as leniently as
// warcio and pywb read them (see Reader.Lenient and Dechunk; each oddity
// forgiven is logged as a warning and counted), ARC files, converted to
// WARC/1.0 records (see arc.go), and the WARC files of WACZ packages
// (Browsertrix, ArchiveWeb.page; see wacz.go). Each record keeps its version line,
// named fields (Content-Length is rewritten last, with the block's true
// length) and block byte for byte, and is compressed as its own gzip
// member, so the copy can be read at any record offset. The copy of
// NAME.warc, NAME.warc.gz, NAME.arc or NAME.arc.gz is NAME.warc.gz in the
// archive directory, or NAME-2.warc.gz (-3, ...) when that name is taken.
//
// Nothing is kept twice. A file whose bytes were imported before (the
// archive's imports.jsonl keeps each source's SHA-256) adds nothing and
// says so (Imported.Repeat), as long as the copy then made is there. A
// capture already in the archive (same URL, second, payload digest and
// status, or the same WARC-Record-ID) is left out with the request and
// metadata records concurrent to it; a file left with nothing new adds no
// file.
//
// A file with a damaged record (a gzip member that does not decompress, a
// record cut short, a block or payload failing its WARC digest, which an
// error wrapping ErrDigest names) is not imported at all (see Salvage).
// Each file is imported or not on its own; the errors are returned joined,
// with what each file gave.
func (a *Archive) Import(ctx context.Context, paths ...string) ([]Imported, error) {
	return a.importFiles(ctx, false, paths)
}

// Imported is what Import made of one source file.
type Imported struct {
	Source     string // the path given
	File       string // its copy in the archive; "" when nothing was added
	Records    int    // records copied
	Captures   int    // of which captures (index entries)
	Duplicates int    // records left out as already in the archive
	Oddities   int    // oddities forgiven in reading it (logged as warnings)
	// Repeat is set when the same bytes were imported before and their
	// copy, which File names, is in the archive: nothing was read.
	Repeat bool
}

// Salvage imports as Import does, but keeps every whole record of a
// damaged file, as a crawler killed in the middle of writing leaves its
// last file: the damaged records are left out, and reading goes on past
// them at the next whole record of a gzip-per-record file (an uncompressed
// file keeps what comes before its first damage; a record failing its
// digest is left out alone). The damage found is returned among the
// errors, each *RecordError wrapped in ErrSalvaged, with the file among
// those added.
func (a *Archive) Salvage(ctx context.Context, paths ...string) ([]Imported, error) {
	return a.importFiles(ctx, true, paths)
}

func (a *Archive) importFiles(ctx context.Context, salvage bool, paths []string) ([]Imported, error) {
	if a.isClosed() {
		return nil, ErrClosed
	}
	if a.readOnly() {
		return nil, ErrReadOnly
	}
	var got []Imported
	var errs []error
	for _, path := range paths {
		if err := ctx.Err(); err != nil {
			return got, errors.Join(append(errs, err)...)
		}
		if isWACZ(path) {
			imps, err := a.importWACZ(ctx, path, salvage)
			got = append(got, imps...)
			if err != nil {
				errs = append(errs, fmt.Errorf("import %s: %w", path, err))
			}
			continue
		}
		imp, err := a.importFile(ctx, source{path: path, label: path, base: filepath.Base(path)}, salvage)
		if imp.File != "" || imp.Repeat || imp.Duplicates > 0 {
			got = append(got, imp)
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("import %s: %w", path, err))
		}
	}
	return got, errors.Join(errs...)
}

// importSuffix marks an import's copy until it is whole: readers do not
// list it, and Open removes one a killed import left.
const importSuffix = ".import-tmp"

// importName is the name a copy of the file named base gets in the
// archive: NAME.warc.gz, or NAME-2.warc.gz (-3, ...) when a file of that
// name is there.
func (a *Archive) importName(base string) string {
	stem := strings.TrimSuffix(base, ".gz")
	stem = strings.TrimSuffix(strings.TrimSuffix(stem, ".warc"), ".arc")
	name := stem + ".warc.gz"
	for i := 2; ; i++ {
		_, err1 := os.Lstat(filepath.Join(a.dir, name))
		_, err2 := os.Lstat(filepath.Join(a.dir, name+importSuffix))
		_, err3 := os.Lstat(filepath.Join(a.dir, name+openSuffix))
		if os.IsNotExist(err1) && os.IsNotExist(err2) && os.IsNotExist(err3) {
			return name
		}
		name = fmt.Sprintf("%s-%d.warc.gz", stem, i)
	}
}

// httpOddities names what is unusual, though readable, in a record's
// WARC-Target-URI (angle brackets, spaces), its WARC-Date (no zone, or 14
// digits) and in the HTTP message of a response
// or revisit record: a status line without a reason phrase, a chunked body
// whose chunk sizes are wrong.
func httpOddities(s scanned) []string {
	var odd []string
	if u := s.rec.Header.Get("WARC-Target-URI"); strings.ContainsAny(u, " <>") {
		odd = append(odd, fmt.Sprintf("WARC-Target-URI %q read as %q", u, s.rec.TargetURI()))
	}
	if d := s.rec.Header.Get("WARC-Date"); oddDate(d) {
		odd = append(odd, fmt.Sprintf("WARC-Date %q is not an RFC 3339 time with its zone: read as UTC", d))
	}
	if t := s.rec.Type(); (t != TypeResponse && t != TypeRevisit) || !isHTTPBlock(s.rec.Header, s.block) || len(s.block) == 0 {
		return odd
	}
	msg, err := parseHTTP(s.block)
	if err != nil {
		return append(odd, "no HTTP message: "+err.Error())
	}
	if f := strings.Fields(msg.StatusLine); len(f) == 2 && msg.Status != 0 {
		odd = append(odd, fmt.Sprintf("status line %q without a reason phrase", msg.StatusLine))
	}
	if t := s.rec.Type(); t == TypeResponse && isChunked(msg.Header) {
		if _, exact := dechunk(msg.Payload); !exact {
			odd = append(odd, "chunked body whose chunk sizes are wrong: chunks end where the next size line is")
		}
	}
	return odd
}

// digestFault returns an error wrapping ErrDigest when a record's block or
// payload does not match its WARC-Block-Digest or WARC-Payload-Digest: its
// bytes are not those its writer wrote, as a gzip member failing its CRC.
func digestFault(s scanned) error {
	if d := s.rec.Header.Get("WARC-Block-Digest"); d != "" && errors.Is(verifyDigest(d, s.block), ErrDigest) {
		return fmt.Errorf("%s record of %s: %w: WARC-Block-Digest %s", s.rec.Type(), s.rec.TargetURI(), ErrDigest, d)
	}
	if d := s.rec.Header.Get("WARC-Payload-Digest"); d != "" && errors.Is(verifyPayloadDigest(d, s), ErrDigest) {
		return fmt.Errorf("%s record of %s: %w: WARC-Payload-Digest %s", s.rec.Type(), s.rec.TargetURI(), ErrDigest, d)
	}
	return nil
}

// member is one record written to an import's copy.
type member struct {
	off, n     int64
	id         string
	concurrent []string
	typ        string
	entry      *Entry // a capture's index entry
	dup        bool
}

// source is a file to import.
type source struct {
	path  string // where to read it
	label string // how messages and imports.jsonl name it: the path given, or WACZ#entry
	base  string // its file name, which its copy and damage reports are named after
}

// importFile imports one file. With salvage, a damaged file is imported
// without its damaged records: it returns what it added and the damage,
// wrapped in ErrSalvaged.
func (a *Archive) importFile(ctx context.Context, src source, salvage bool) (Imported, error) {
	path := src.path
	imp := Imported{Source: src.label}
	a.writeMu.Lock() // the index gains a whole file at once
	defer a.writeMu.Unlock()
	sum, err := fileSHA256(path)
	if err != nil {
		return imp, err
	}
	ledger, err := a.readLedger()
	if err != nil {
		return imp, err
	}
	if earlier, ok := ledger[sum]; ok && earlier.File != "" && a.exists(earlier.File) {
		imp.Repeat, imp.File = true, earlier.File
		a.log.Info("file imported before; nothing added", "source", src.label, "warc_file", earlier.File, "imported", earlier.Time)
		return imp, nil
	}
	name := a.importName(src.base)
	tmp := filepath.Join(a.dir, name+importSuffix)
	out, err := os.OpenFile(tmp, os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return imp, fmt.Errorf("create %s: %w", name, err)
	}
	done := false
	defer func() {
		if !done {
			out.Close()
			os.Remove(tmp)
		}
	}()
	c := a.getCompressor()
	defer a.putCompressor(c)
	var (
		members  []member
		off      int64
		buf      bytes.Buffer
		faults   []error  // records failing their digests, left out by salvage
		oddities []string // what was read leniently, for the ledger
	)
	arc, err := isARC(path)
	if err != nil {
		return imp, err
	}
	read := func(fn func(scanned) error) (damage, err error) {
		if arc {
			return scanARC(path, src.base, fn)
		}
		_, damage, err = scan(path, src.base, -1, true, fn)
		return damage, err
	}
	damage, err := read(func(s scanned) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		for _, o := range append(s.rec.Oddities, httpOddities(s)...) {
			imp.Oddities++
			oddities = append(oddities, fmt.Sprintf("offset %d, %s record: %s", s.rec.Offset, s.rec.Type(), o))
			a.log.Warn("read leniently", "source", src.label, "offset", s.rec.Offset, "warc_type", s.rec.Type(), "oddity", o)
		}
		if err := digestFault(s); err != nil {
			re := &RecordError{File: src.base, Offset: s.rec.Offset, Err: err}
			if !salvage {
				return re
			}
			faults = append(faults, re)
			return nil
		}
		h := make(Header, 0, len(s.rec.Header))
		for _, f := range s.rec.Header {
			if !strings.EqualFold(f.Name, "Content-Length") {
				h = append(h, f)
			}
		}
		buf.Reset()
		n, err := c.versioned(&buf, s.rec.Version, h, s.block)
		if err != nil {
			return err
		}
		if _, err := out.Write(buf.Bytes()); err != nil {
			return fmt.Errorf("write %s: %w", name, err)
		}
		m := member{off: off, n: n, id: s.rec.ID(), concurrent: s.rec.Header.Values("WARC-Concurrent-To"), typ: s.rec.Type()}
		copied := *s.rec
		copied.Offset = off
		if e, ok := entryOf(scanned{rec: &copied, block: s.block, end: off + n}, name); ok {
			m.entry = &e
			if m.dup, err = a.haveCapture(e, m.id); err != nil {
				return err
			}
		}
		members = append(members, m)
		off += n
		return nil
	})
	var re *RecordError
	if errors.As(err, &re) && errors.Is(err, ErrDigest) {
		damage, err = re, nil
	}
	if err != nil {
		return imp, err
	}
	damage = errors.Join(append(unjoin(damage), faults...)...)
	if damage != nil && (!salvage || len(members) == 0) {
		return imp, damage
	}
	if len(members) == 0 && len(faults) == 0 {
		return imp, fmt.Errorf("%w: no WARC records", ErrHeader)
	}
	kept := dropDuplicates(members)
	imp.Duplicates = len(members) - len(kept)
	if imp.Duplicates > 0 {
		a.log.Info("records already in the archive left out", "source", src.label, "records", imp.Duplicates)
	}
	if len(kept) == 0 {
		if err := a.appendLedger(ledgerLine{SHA256: sum, Source: src.label, Time: a.opts.Now().UTC().Format(time.RFC3339)}); err != nil {
			return imp, err
		}
		return imp, salvaged(damage)
	}
	if len(kept) < len(members) {
		if err := compact(out, kept); err != nil {
			return imp, fmt.Errorf("write %s: %w", name, err)
		}
	}
	if err := out.Sync(); err != nil {
		return imp, fmt.Errorf("sync %s: %w", name, err)
	}
	if err := out.Close(); err != nil {
		return imp, fmt.Errorf("close %s: %w", name, err)
	}
	done = true
	final := filepath.Join(a.dir, name)
	if err := os.Rename(tmp, final); err != nil {
		os.Remove(tmp)
		return imp, fmt.Errorf("rename %s: %w", name, err)
	}
	if err := syncDir(a.dir); err != nil {
		return imp, err
	}
	var es []Entry
	for _, m := range kept {
		if m.entry != nil {
			es = append(es, *m.entry)
		}
	}
	if len(es) > 0 {
		if err := a.idx.add(es...); err != nil {
			return imp, err
		}
	}
	imp.File, imp.Records, imp.Captures = name, len(kept), len(es)
	if err := a.appendLedger(ledgerLine{SHA256: sum, Source: src.label, File: name, Time: a.opts.Now().UTC().Format(time.RFC3339), Oddities: oddities}); err != nil {
		return imp, err
	}
	a.log.Info("warc file imported", "warc_file", name, "source", src.label, "records", imp.Records, "captures", imp.Captures,
		"duplicates", imp.Duplicates, "oddities", imp.Oddities)
	return imp, salvaged(damage)
}

// exists reports whether the archive directory holds the file name.
func (a *Archive) exists(name string) bool {
	_, err := os.Stat(filepath.Join(a.dir, name))
	return err == nil
}

// salvaged wraps the damage a salvaged file had in ErrSalvaged.
func salvaged(damage error) error {
	if damage == nil {
		return nil
	}
	return fmt.Errorf("%w: %w", ErrSalvaged, damage)
}

// haveCapture reports whether the archive holds the capture e (record ID
// id) already: one of the same URL, second and kind (revisit or not) with
// the same payload digest and status, or with the same WARC-Record-ID.
func (a *Archive) haveCapture(e Entry, id string) (bool, error) {
	es, err := a.idx.lookup(e.Key)
	if err != nil {
		return false, err
	}
	for _, o := range es {
		if !o.Time.Equal(e.Time) || o.Revisit() != e.Revisit() || o.URL != e.URL {
			continue
		}
		if o.Digest != "" && strings.EqualFold(o.Digest, e.Digest) && o.Status == e.Status {
			return true, nil
		}
		if rec, f, err := a.recordAt(o.File, o.Offset); err == nil {
			same := id != "" && rec.ID() == id
			f.Close()
			if same {
				return true, nil
			}
		}
	}
	return false, nil
}

// dropDuplicates returns the members to keep: not a capture already in
// the archive, nor a record concurrent to one (its request and metadata,
// which name it or which it names), nor, when nothing else is kept of a
// file with duplicates, the warcinfo.
func dropDuplicates(ms []member) []member {
	dropped := map[string]bool{}
	for _, m := range ms {
		if m.dup && m.id != "" {
			dropped[m.id] = true
			for _, c := range m.concurrent {
				dropped[c] = true
			}
		}
	}
	var kept []member
	content := false
	for _, m := range ms {
		drop := m.dup || dropped[m.id]
		for _, c := range m.concurrent {
			drop = drop || dropped[c]
		}
		if !drop {
			kept = append(kept, m)
			content = content || m.typ != TypeWarcinfo
		}
	}
	if !content && len(kept) < len(ms) {
		return nil // only the warcinfo of records all in the archive
	}
	return kept
}

// compact rewrites f, an import's copy, to hold only the kept members, in
// order, and moves their index entries to their new offsets.
func compact(f *os.File, kept []member) error {
	var w int64
	buf := make([]byte, 64<<10)
	for i := range kept {
		m := &kept[i]
		for done := int64(0); done < m.n; {
			k := min(int64(len(buf)), m.n-done)
			if _, err := f.ReadAt(buf[:k], m.off+done); err != nil {
				return err
			}
			if _, err := f.WriteAt(buf[:k], w+done); err != nil {
				return err
			}
			done += k
		}
		if m.entry != nil {
			m.entry.Offset = w
		}
		m.off = w
		w += m.n
	}
	return f.Truncate(w)
}

// fileSHA256 returns the hex SHA-256 of the file at path.
func fileSHA256(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("read %s: %w", path, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// ledgerName is the archive's list of the files imported, one JSON object
// a line: the source's SHA-256, its path then, the copy made (none when
// every record was in the archive already), when, and each oddity read
// leniently (a Content-Length the copy corrects, say), so the archive
// itself keeps how its copy differs from the source.
const ledgerName = "imports.jsonl"

type ledgerLine struct {
	SHA256   string   `json:"sha256"`
	Source   string   `json:"source"`
	File     string   `json:"file,omitempty"`
	Time     string   `json:"time"`
	Oddities []string `json:"oddities,omitempty"` // what was read leniently, at source offsets
}

// readLedger reads imports.jsonl by SHA-256; a line that does not parse (a
// torn last line) is skipped.
func (a *Archive) readLedger() (map[string]ledgerLine, error) {
	data, err := os.ReadFile(filepath.Join(a.dir, ledgerName))
	if os.IsNotExist(err) {
		return map[string]ledgerLine{}, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", ledgerName, err)
	}
	out := map[string]ledgerLine{}
	for _, line := range bytes.Split(data, []byte("\n")) {
		var l ledgerLine
		if json.Unmarshal(line, &l) == nil && l.SHA256 != "" {
			out[l.SHA256] = l
		}
	}
	return out, nil
}

// importedFiles returns the names of the archive files Import made.
func (a *Archive) importedFiles() (map[string]bool, error) {
	ledger, err := a.readLedger()
	if err != nil {
		return nil, err
	}
	files := map[string]bool{}
	for _, l := range ledger {
		if l.File != "" {
			files[l.File] = true
		}
	}
	return files, nil
}

// appendLedger adds a line to imports.jsonl and syncs it; the source is
// kept as an absolute path.
func (a *Archive) appendLedger(l ledgerLine) error {
	if abs, err := filepath.Abs(l.Source); err == nil {
		l.Source = abs
	}
	b, err := json.Marshal(l)
	if err != nil {
		return err
	}
	f, err := os.OpenFile(filepath.Join(a.dir, ledgerName), os.O_WRONLY|os.O_CREATE|os.O_APPEND, 0o644)
	if err != nil {
		return fmt.Errorf("open %s: %w", ledgerName, err)
	}
	if _, err := f.Write(append(b, '\n')); err != nil {
		f.Close()
		return fmt.Errorf("append to %s: %w", ledgerName, err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("sync %s: %w", ledgerName, err)
	}
	return f.Close()
}
