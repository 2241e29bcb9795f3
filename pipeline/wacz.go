package pipeline

import (
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"crypto/sha1"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"hash/crc32"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"time"

	"golang.org/x/net/html"
	"golang.org/x/net/html/charset"

	"rankfile/archive"
	"rankfile/crawl"
	"rankfile/internal/linesort"
	"rankfile/record"
)

// WACZVersion is the version of the WACZ format ExportWACZ writes.
const WACZVersion = "1.1.1"

// waczResource is one file of a WACZ package, as datapackage.json lists it.
type waczResource struct {
	Name  string `json:"name"`
	Path  string `json:"path"`
	Hash  string `json:"hash"`
	Bytes int64  `json:"bytes"`
}

// waczPackage is datapackage.json.
type waczPackage struct {
	Profile     string         `json:"profile"`
	WACZVersion string         `json:"wacz_version"`
	Title       string         `json:"title"`
	Description string         `json:"description,omitempty"`
	Created     string         `json:"created"`
	Modified    string         `json:"modified"`
	Software    string         `json:"software"`
	Resources   []waczResource `json:"resources"`
}

// waczPage is a line of pages/pages.jsonl.
type waczPage struct {
	ID    string `json:"id"`
	URL   string `json:"url"`
	TS    string `json:"ts"`
	Title string `json:"title,omitempty"`
	// Text is the writing rankfile extracted from the capture (its records'
	// texts), for ReplayWeb.page's full-text search, as browsertrix's
	// --text option gives it; absent when nothing was extracted.
	Text string `json:"text,omitempty"`
}

// ExportWACZ writes the whole archive as a WACZ 1.1.1 package at path, for
// ReplayWeb.page and other WACZ readers: every WARC file under archive/
// (stored, not compressed again, so readers can seek into it), the capture
// index as indexes/index.cdxj (with the statuses ReplayWeb.page needs: see
// waczIndex), pages/pages.jsonl listing every version of every HTML page
// (each 200 response; revisits add nothing new) with its <title> and the
// text extracted from it (when records/ holds it: run extract first),
// datapackage.json naming every file with its size and SHA-256,
// and datapackage-digest.json with the SHA-256 of datapackage.json. It
// holds the archive's lock while it reads, so it waits for no crawl and no
// crawl writes meanwhile (an error wrapping archive.ErrLocked if one runs).
// The package is written to a temporary file renamed to path at the end.
func (p *Pipeline) ExportWACZ(ctx context.Context, path string) error {
	if _, err := os.Stat(p.path(archiveDir)); os.IsNotExist(err) {
		return ErrNoArchive
	}
	arc, err := p.openArchive()
	if err != nil {
		return err
	}
	defer arc.Close()
	var pages int
	err = writeAtomic(path, func(w io.Writer) error {
		var err error
		pages, err = p.writeWACZ(ctx, arc, w)
		return err
	})
	if err != nil {
		return fmt.Errorf("export wacz: %w", err)
	}
	fmt.Fprintf(p.out(), "WACZ package written to %s: %d pages\n", path, pages)
	return nil
}

// writeWACZ writes the package to w and returns how many pages it lists.
func (p *Pipeline) writeWACZ(ctx context.Context, arc *archive.Archive, w io.Writer) (int, error) {
	zw := zip.NewWriter(w)
	now := time.Now().UTC()
	var res []waczResource
	names, err := arc.Files()
	if err != nil {
		return 0, err
	}
	if len(names) == 0 {
		return 0, ErrNoArchive
	}
	for _, name := range names {
		r, err := storeFile(ctx, zw, filepath.Join(arc.Dir(), name), "archive/"+name)
		if err != nil {
			return 0, err
		}
		res = append(res, r)
	}
	r, err := deflateStream(zw, "indexes/index.cdxj", now, func(w io.Writer) error { return waczIndex(arc, w) })
	if err != nil {
		return 0, err
	}
	res = append(res, r)
	var n int
	r, err = deflateStream(zw, "pages/pages.jsonl", now, func(w io.Writer) (err error) {
		n, err = p.waczPages(ctx, arc, w)
		return err
	})
	if err != nil {
		return 0, err
	}
	res = append(res, r)
	pkg := waczPackage{
		Profile: "data-package", WACZVersion: WACZVersion,
		Title:       "rankfile archive " + filepath.Base(filepath.Clean(p.Dir)),
		Description: fmt.Sprintf("Web archive written by rankfile. WARC files: %d. HTML page versions: %d.", len(names), n),
		Created:     now.Format(time.RFC3339), Modified: now.Format(time.RFC3339),
		Software:  "rankfile/" + crawl.Version,
		Resources: res,
	}
	manifest, err := json.MarshalIndent(pkg, "", "  ")
	if err != nil {
		return 0, err
	}
	if r, err = deflateFile(zw, "datapackage.json", manifest, now); err != nil {
		return 0, err
	}
	digest, err := json.MarshalIndent(map[string]string{"path": "datapackage.json", "hash": r.Hash}, "", "  ")
	if err != nil {
		return 0, err
	}
	if _, err := deflateFile(zw, "datapackage-digest.json", digest, now); err != nil {
		return 0, err
	}
	return n, zw.Close()
}

// waczIndex writes the package's capture index to w: the archive's, except
// that a revisit recording a 304 Not Modified (server-not-modified profile)
// gets the status of the full capture it stands on, the latest one of its
// URL with its payload digest at or before it. The archive's index keeps
// the 304, as webrecorder's cdxj-indexer writes it, but ReplayWeb.page
// answers a line's status as it stands and gives a 304 no body: every page
// a recrawl found unchanged would replay empty at its latest capture. With
// the original's status it reads the revisit, follows it to its original
// and replays that. The index streams through, one URL's captures at a time.
func waczIndex(arc *archive.Archive, w io.Writer) error {
	pr, pw := io.Pipe()
	go func() { pw.CloseWithError(arc.WriteIndex(pw)) }()
	defer pr.Close() // stops the writer when this returns early
	bw := bufio.NewWriterSize(w, 64<<10)
	// the index is sorted by SURT key: the captures of a URL come together
	var entries []archive.Entry
	flush := func() {
		for _, e := range entries {
			if e.Revisit() && e.Status == http.StatusNotModified {
				for j := len(entries) - 1; j >= 0; j-- {
					o := entries[j]
					if !o.Revisit() && o.Status != 0 && o.Digest == e.Digest && !o.Time.After(e.Time) {
						e.Status = o.Status
						break
					}
				}
			}
			bw.WriteString(e.Line())
			bw.WriteByte('\n')
		}
		entries = entries[:0]
	}
	lines := linesort.NewReader(pr)
	for lines.Next() {
		line := lines.Line()
		if line == "" {
			continue
		}
		e, err := archive.ParseEntry(line)
		if err != nil {
			return fmt.Errorf("capture index: %w", err)
		}
		if len(entries) > 0 && entries[0].Key != e.Key {
			flush()
		}
		entries = append(entries, e)
	}
	if err := lines.Err(); err != nil {
		return err
	}
	flush()
	return bw.Flush()
}

// storeFile adds the file at src to zw as name, stored uncompressed. It
// reads the file twice: once for its CRC-32, size and SHA-256, then to copy
// it, so that the local file header carries the sizes (no data descriptor)
// as readers seeking into the package by HTTP range expect.
func storeFile(ctx context.Context, zw *zip.Writer, src, name string) (waczResource, error) {
	f, err := os.Open(src)
	if err != nil {
		return waczResource{}, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return waczResource{}, err
	}
	crc, sum := crc32.NewIEEE(), sha256.New()
	n, err := copyCtx(ctx, io.MultiWriter(crc, sum), f)
	if err != nil {
		return waczResource{}, fmt.Errorf("read %s: %w", src, err)
	}
	if _, err := f.Seek(0, io.SeekStart); err != nil {
		return waczResource{}, err
	}
	hdr := &zip.FileHeader{Name: name, Method: zip.Store, Modified: st.ModTime().UTC(),
		CRC32: crc.Sum32(), CompressedSize64: uint64(n), UncompressedSize64: uint64(n)}
	hdr.SetMode(0o644)
	out, err := zw.CreateRaw(hdr)
	if err != nil {
		return waczResource{}, err
	}
	if m, err := copyCtx(ctx, out, io.LimitReader(f, n)); err != nil || m != n {
		return waczResource{}, fmt.Errorf("copy %s: %d of %d bytes: %w", src, m, n, err)
	}
	return waczResource{Name: filepath.Base(name), Path: name, Hash: sha256Label(sum), Bytes: n}, nil
}

// deflateFile adds data to zw as name, deflated.
func deflateFile(zw *zip.Writer, name string, data []byte, mod time.Time) (waczResource, error) {
	return deflateStream(zw, name, mod, func(w io.Writer) error {
		_, err := w.Write(data)
		return err
	})
}

// deflateStream adds to zw as name, deflated, what write writes, counting
// and hashing it on the way.
func deflateStream(zw *zip.Writer, name string, mod time.Time, write func(io.Writer) error) (waczResource, error) {
	hdr := &zip.FileHeader{Name: name, Method: zip.Deflate, Modified: mod}
	hdr.SetMode(0o644)
	out, err := zw.CreateHeader(hdr)
	if err != nil {
		return waczResource{}, err
	}
	sum := sha256.New()
	cw := &countWriter{w: io.MultiWriter(out, sum)}
	if err := write(cw); err != nil {
		return waczResource{}, err
	}
	return waczResource{Name: filepath.Base(name), Path: name, Hash: sha256Label(sum), Bytes: cw.n}, nil
}

// countWriter counts the bytes written through it.
type countWriter struct {
	w io.Writer
	n int64
}

func (c *countWriter) Write(p []byte) (int, error) {
	n, err := c.w.Write(p)
	c.n += int64(n)
	return n, err
}

func sha256Label(h hash.Hash) string { return "sha256:" + hex.EncodeToString(h.Sum(nil)) }

// copyCtx copies src to dst, stopping early when ctx is done.
func copyCtx(ctx context.Context, dst io.Writer, src io.Reader) (int64, error) {
	buf := make([]byte, 1<<20)
	var n int64
	for {
		if err := ctx.Err(); err != nil {
			return n, err
		}
		m, err := src.Read(buf)
		if m > 0 {
			if _, werr := dst.Write(buf[:m]); werr != nil {
				return n, werr
			}
			n += int64(m)
		}
		if err == io.EOF {
			return n, nil
		}
		if err != nil {
			return n, err
		}
	}
}

// waczPages writes pages/pages.jsonl to w: its header line, then one line
// per HTML 200 response in the archive, in archive order, and returns the
// count of those lines. Damaged records are left out (and logged): archive
// check says what is wrong with them.
func (p *Pipeline) waczPages(ctx context.Context, arc *archive.Archive, w io.Writer) (int, error) {
	texts, err := p.openCaptureTexts(ctx)
	if err != nil {
		return 0, err
	}
	defer texts.close()
	bw := bufio.NewWriterSize(w, 64<<10)
	enc := json.NewEncoder(bw)
	enc.SetEscapeHTML(false)
	enc.Encode(map[string]string{"format": "json-pages-1.0", "id": "pages", "title": "All Pages"})
	n := 0
	var textErr error
	err = arc.Captures(ctx, func(c record.Capture) error {
		if c.Revisit || c.Status != 200 || !isHTML(c.Header.Get("Content-Type")) {
			return nil
		}
		text, err := texts.of(c.File, c.Offset)
		if err != nil {
			textErr = err
			return err
		}
		ts := c.Time.UTC().Format(time.RFC3339)
		id := sha1.Sum([]byte(c.URL + " " + ts))
		n++
		return enc.Encode(waczPage{ID: hex.EncodeToString(id[:8]), URL: c.URL, TS: ts,
			Title: pageTitle(c.Body, c.Header.Get("Content-Type")), Text: text})
	})
	if cerr := ctx.Err(); cerr != nil {
		return 0, cerr
	}
	if textErr != nil {
		return 0, textErr
	}
	if err != nil {
		p.logger().Warn("damaged captures left out of pages.jsonl", "error", err)
	}
	return n, bw.Flush()
}

// captureTexts gives the writing extracted from each capture, in archive
// order (WARC file name, then offset), without holding the records: the
// records file's lines are sorted on disk by the place of their capture
// (file, offset, then line order) and read in step with the captures.
type captureTexts struct {
	f      *os.File // records.jsonl; nil when there is none
	sorter *linesort.Sorter
	lines  linesort.Source
	ahead  bool          // lines holds a line not yet taken
	r      *bufio.Reader // reads a record's line
}

// placeKey orders records by capture: file name, NUL, offset in 20 digits.
func placeKey(file string, offset int64) string { return fmt.Sprintf("%s\x00%020d", file, offset) }

// openCaptureTexts reads records.jsonl through once, sorting its lines'
// places; without a records file there are no texts.
func (p *Pipeline) openCaptureTexts(ctx context.Context) (*captureTexts, error) {
	f, err := os.Open(p.path(recordsFile))
	if errors.Is(err, os.ErrNotExist) {
		return &captureTexts{}, nil
	}
	if err != nil {
		return nil, err
	}
	t := &captureTexts{f: f, sorter: linesort.New(filepath.Dir(f.Name()), 0)}
	r := bufio.NewReaderSize(f, 256<<10)
	var off int64
	for n := 1; ; n++ {
		if err := ctx.Err(); err != nil {
			t.close()
			return nil, err
		}
		line, rerr := r.ReadBytes('\n')
		var place struct {
			File   string `json:"warc_file"`
			Offset int64  `json:"warc_offset"`
		}
		if len(bytes.TrimSpace(line)) > 0 {
			if err := json.Unmarshal(line, &place); err != nil {
				t.close()
				return nil, fmt.Errorf("records line %d: %w", n, err)
			}
		}
		if place.File != "" {
			if err := t.sorter.Add(fmt.Sprintf("%s\x00%020d", placeKey(place.File, place.Offset), off)); err != nil {
				t.close()
				return nil, err
			}
		}
		off += int64(len(line))
		if rerr == io.EOF {
			break
		}
		if rerr != nil {
			t.close()
			return nil, fmt.Errorf("read records: %w", rerr)
		}
	}
	if t.lines, err = t.sorter.Sorted(); err != nil {
		t.close()
		return nil, err
	}
	t.ahead = t.lines.Next()
	return t, t.lines.Err()
}

// of returns the writing extracted from the capture at file and offset:
// the texts of the records it yielded, in the records file's order (a
// record's later line in place of its earlier), joined by blank lines.
// Captures must be asked for in archive order.
func (t *captureTexts) of(file string, offset int64) (string, error) {
	if t.f == nil {
		return "", nil
	}
	want := placeKey(file, offset) + "\x00"
	var ids, texts []string
	for ; t.ahead; t.ahead = t.lines.Next() {
		line := t.lines.Line()
		if line < want {
			continue // a capture not asked for: a revisit's, say
		}
		if !strings.HasPrefix(line, want) {
			break
		}
		at, err := strconv.ParseInt(line[len(want):], 10, 64)
		if err != nil {
			return "", fmt.Errorf("records file place: %w", err)
		}
		rec, err := t.recordAt(at)
		if err != nil {
			return "", err
		}
		if strings.TrimSpace(rec.Text) == "" {
			continue
		}
		if i := slices.Index(ids, rec.ID); i >= 0 && rec.ID != "" {
			texts[i] = rec.Text
		} else {
			ids, texts = append(ids, rec.ID), append(texts, rec.Text)
		}
	}
	if err := t.lines.Err(); err != nil {
		return "", err
	}
	return strings.Join(texts, "\n\n"), nil
}

// recordAt reads the record on the records file's line starting at off.
func (t *captureTexts) recordAt(off int64) (record.Record, error) {
	if t.r == nil {
		t.r = bufio.NewReaderSize(nil, 64<<10)
	}
	t.r.Reset(io.NewSectionReader(t.f, off, 1<<62))
	line, err := t.r.ReadBytes('\n')
	if err != nil && err != io.EOF {
		return record.Record{}, fmt.Errorf("read records: %w", err)
	}
	var rec record.Record
	if err := json.Unmarshal(line, &rec); err != nil {
		return record.Record{}, fmt.Errorf("records file at byte %d: %w", off, err)
	}
	return rec, nil
}

func (t *captureTexts) close() {
	if t.sorter != nil {
		t.sorter.Close()
	}
	if t.f != nil {
		t.f.Close()
	}
}

// pageTitle returns the text of an HTML page's <title>, whitespace
// collapsed, decoding the page by its declared charset; "" when it has none.
func pageTitle(body []byte, contentType string) string {
	r, err := charset.NewReader(bytes.NewReader(body), contentType)
	if err != nil {
		r = bytes.NewReader(body)
	}
	z := html.NewTokenizer(r)
	depthSVG := 0
	for {
		switch z.Next() {
		case html.ErrorToken:
			return ""
		case html.StartTagToken:
			name, _ := z.TagName()
			switch string(name) {
			case "svg":
				depthSVG++
			case "title":
				if depthSVG > 0 {
					continue
				}
				var t strings.Builder
				for z.Next() == html.TextToken {
					t.Write(z.Text())
				}
				return strings.Join(strings.Fields(t.String()), " ")
			case "body":
				return ""
			}
		case html.EndTagToken:
			if name, _ := z.TagName(); string(name) == "svg" && depthSVG > 0 {
				depthSVG--
			}
		}
	}
}

// isHTML reports whether a Content-Type names an HTML document.
func isHTML(contentType string) bool {
	t, _, _ := strings.Cut(strings.ToLower(contentType), ";")
	t = strings.TrimSpace(t)
	return t == "text/html" || t == "application/xhtml+xml"
}
