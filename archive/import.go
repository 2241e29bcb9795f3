package archive

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
)

// Import copies third-party WARC files (wget --warc-file output, Heritrix,
// any WARC/1.0 or 1.1, gzip-per-record or not) into the archive and indexes
// them. Each record keeps its version line, named fields (Content-Length is
// rewritten last, with the same value) and block byte for byte, and is
// compressed as its own gzip member, so the copy can be read at any record
// offset. The copy of NAME.warc or NAME.warc.gz is NAME.warc.gz in the
// archive directory; an existing file of that name is an error wrapping
// ErrExists. Other tools' files are read leniently (see Reader.Lenient),
// each oddity forgiven logged as a warning. A file with a damaged record
// (a gzip member that does not decompress, a record cut short, a block or
// payload failing its WARC digest, which an error wrapping ErrDigest names)
// is not imported at all (see Salvage). Each file is imported or not on its own; the errors are
// returned joined. It returns the names of the files it added.
func (a *Archive) Import(ctx context.Context, paths ...string) ([]string, error) {
	return a.importFiles(ctx, false, paths)
}

// Salvage imports as Import does, but keeps every whole record of a
// damaged file, as a crawler killed in the middle of writing leaves its
// last file: the damaged records are left out, and reading goes on past
// them at the next whole record of a gzip-per-record file (an uncompressed
// file keeps what comes before its first damage). The damage found is
// returned among the errors, each *RecordError wrapped in ErrSalvaged, with
// the file named in the names added.
func (a *Archive) Salvage(ctx context.Context, paths ...string) ([]string, error) {
	return a.importFiles(ctx, true, paths)
}

func (a *Archive) importFiles(ctx context.Context, salvage bool, paths []string) ([]string, error) {
	if a.isClosed() {
		return nil, ErrClosed
	}
	if a.readOnly() {
		return nil, ErrReadOnly
	}
	var names []string
	var errs []error
	for _, path := range paths {
		if err := ctx.Err(); err != nil {
			return names, errors.Join(append(errs, err)...)
		}
		name, err := a.importFile(ctx, path, salvage)
		if name != "" {
			names = append(names, name)
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("import %s: %w", path, err))
		}
	}
	return names, errors.Join(errs...)
}

// importName is the name a file gets in the archive.
func importName(path string) string {
	stem := strings.TrimSuffix(filepath.Base(path), ".gz")
	stem = strings.TrimSuffix(strings.TrimSuffix(stem, ".warc"), ".arc")
	return stem + ".warc.gz"
}

// httpOddities names what is unusual, though readable, in the HTTP
// message of a response or revisit record: a status line without a reason
// phrase, a chunked body whose chunk sizes are wrong.
func httpOddities(s scanned) []string {
	if t := s.rec.Type(); (t != TypeResponse && t != TypeRevisit) || !isHTTPBlock(s.rec.Header, s.block) || len(s.block) == 0 {
		return nil
	}
	msg, err := parseHTTP(s.block)
	if err != nil {
		return []string{"no HTTP message: " + err.Error()}
	}
	var odd []string
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

// importFile imports one file. With salvage, a damaged file is imported
// without its damaged records: it returns the name and the damage, wrapped
// in ErrSalvaged.
func (a *Archive) importFile(ctx context.Context, path string, salvage bool) (string, error) {
	a.writeMu.Lock() // the index gains a whole file at once
	defer a.writeMu.Unlock()
	name := importName(path)
	final := filepath.Join(a.dir, name)
	if _, err := os.Stat(final); err == nil {
		return "", fmt.Errorf("%w: %s", ErrExists, name)
	}
	tmp := final + openSuffix
	out, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o644)
	if err != nil {
		return "", fmt.Errorf("create %s: %w", name, err)
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
		es     []Entry
		off    int64
		buf    bytes.Buffer
		srcN   int
		faults []error // records failing their digests, left out by salvage
	)
	arc, err := isARC(path)
	if err != nil {
		return "", err
	}
	read := func(fn func(scanned) error) (damage, err error) {
		if arc {
			return scanARC(path, filepath.Base(path), fn)
		}
		_, damage, err = scan(path, filepath.Base(path), -1, true, fn)
		return damage, err
	}
	damage, err := read(func(s scanned) error {
		if err := ctx.Err(); err != nil {
			return err
		}
		srcN++
		for _, o := range append(s.rec.Oddities, httpOddities(s)...) {
			a.log.Warn("read leniently", "source", path, "offset", s.rec.Offset, "warc_type", s.rec.Type(), "oddity", o)
		}
		if err := digestFault(s); err != nil {
			re := &RecordError{File: filepath.Base(path), Offset: s.rec.Offset, Err: err}
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
		copied := *s.rec
		copied.Offset = off
		if e, ok := entryOf(scanned{rec: &copied, block: s.block, end: off + n}, name); ok {
			es = append(es, e)
		}
		off += n
		return nil
	})
	var re *RecordError
	if errors.As(err, &re) && errors.Is(err, ErrDigest) {
		damage, err = re, nil
	}
	if err != nil {
		return "", err
	}
	damage = errors.Join(append(unjoin(damage), faults...)...)
	if damage != nil && (!salvage || srcN == 0) {
		return "", damage
	}
	if srcN == 0 {
		return "", fmt.Errorf("%w: no WARC records", ErrHeader)
	}
	if err := out.Sync(); err != nil {
		return "", fmt.Errorf("sync %s: %w", name, err)
	}
	if err := out.Close(); err != nil {
		return "", fmt.Errorf("close %s: %w", name, err)
	}
	done = true
	if err := os.Rename(tmp, final); err != nil {
		os.Remove(tmp)
		return "", fmt.Errorf("rename %s: %w", name, err)
	}
	if err := syncDir(a.dir); err != nil {
		return "", err
	}
	if len(es) > 0 {
		if err := a.idx.add(es...); err != nil {
			return "", err
		}
	}
	a.log.Info("warc file imported", "warc_file", name, "source", path, "records", srcN, "captures", len(es))
	if damage != nil {
		return name, fmt.Errorf("%w: %w", ErrSalvaged, damage)
	}
	return name, nil
}
