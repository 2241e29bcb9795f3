package pipeline

import (
	"archive/zip"
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
	"strings"
	"time"

	"golang.org/x/net/html"
	"golang.org/x/net/html/charset"

	"rankfile/archive"
	"rankfile/crawl"
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
	index, err := waczIndex(arc)
	if err != nil {
		return 0, err
	}
	r, err := deflateFile(zw, "indexes/index.cdxj", index, now)
	if err != nil {
		return 0, err
	}
	res = append(res, r)
	pages, n, err := p.waczPages(ctx, arc)
	if err != nil {
		return 0, err
	}
	if r, err = deflateFile(zw, "pages/pages.jsonl", pages, now); err != nil {
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

// waczIndex returns the package's capture index: the archive's, except that
// a revisit recording a 304 Not Modified (server-not-modified profile) gets
// the status of the full capture it stands on, the latest one of its URL
// with its payload digest at or before it. The archive's index keeps the
// 304, as webrecorder's cdxj-indexer writes it, but ReplayWeb.page answers
// a line's status as it stands and gives a 304 no body: every page a
// recrawl found unchanged would replay empty at its latest capture. With
// the original's status it reads the revisit, follows it to its original
// and replays that.
func waczIndex(arc *archive.Archive) ([]byte, error) {
	var index bytes.Buffer
	if err := arc.WriteIndex(&index); err != nil {
		return nil, err
	}
	var out bytes.Buffer
	out.Grow(index.Len())
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
			out.WriteString(e.Line())
			out.WriteByte('\n')
		}
		entries = entries[:0]
	}
	for _, line := range strings.Split(strings.TrimSuffix(index.String(), "\n"), "\n") {
		if line == "" {
			continue
		}
		e, err := archive.ParseEntry(line)
		if err != nil {
			return nil, fmt.Errorf("capture index: %w", err)
		}
		if len(entries) > 0 && entries[0].Key != e.Key {
			flush()
		}
		entries = append(entries, e)
	}
	flush()
	return out.Bytes(), nil
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
	hdr := &zip.FileHeader{Name: name, Method: zip.Deflate, Modified: mod}
	hdr.SetMode(0o644)
	out, err := zw.CreateHeader(hdr)
	if err != nil {
		return waczResource{}, err
	}
	if _, err := out.Write(data); err != nil {
		return waczResource{}, err
	}
	sum := sha256.Sum256(data)
	return waczResource{Name: filepath.Base(name), Path: name, Hash: "sha256:" + hex.EncodeToString(sum[:]), Bytes: int64(len(data))}, nil
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

// waczPages returns pages/pages.jsonl: its header line, then one line per
// HTML 200 response in the archive, in archive order, and the count of
// those lines. Damaged records are left out (and logged): archive check
// says what is wrong with them.
func (p *Pipeline) waczPages(ctx context.Context, arc *archive.Archive) ([]byte, int, error) {
	texts, err := p.captureTexts()
	if err != nil {
		return nil, 0, err
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	enc.Encode(map[string]string{"format": "json-pages-1.0", "id": "pages", "title": "All Pages"})
	n := 0
	err = arc.Captures(ctx, func(c record.Capture) error {
		if c.Revisit || c.Status != 200 || !isHTML(c.Header.Get("Content-Type")) {
			return nil
		}
		ts := c.Time.UTC().Format(time.RFC3339)
		id := sha1.Sum([]byte(c.URL + " " + ts))
		n++
		return enc.Encode(waczPage{ID: hex.EncodeToString(id[:8]), URL: c.URL, TS: ts,
			Title: pageTitle(c.Body, c.Header.Get("Content-Type")), Text: texts[record.Place(c.File, c.Offset)]})
	})
	if cerr := ctx.Err(); cerr != nil {
		return nil, 0, cerr
	}
	if err != nil {
		p.logger().Warn("damaged captures left out of pages.jsonl", "error", err)
	}
	return b.Bytes(), n, nil
}

// captureTexts returns the writing extracted from each capture, keyed by
// record.Place: the texts of the records it yielded, in the records file's
// order, joined by blank lines.
// Without a records file there are none.
func (p *Pipeline) captureTexts() (map[string]string, error) {
	recs, err := record.ReadFile(p.path(recordsFile))
	if errors.Is(err, os.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	texts := map[string]string{}
	for _, r := range recs {
		place := r.WARCPlace()
		if place == "" || strings.TrimSpace(r.Text) == "" {
			continue
		}
		if t := texts[place]; t != "" {
			texts[place] = t + "\n\n" + r.Text
		} else {
			texts[place] = r.Text
		}
	}
	return texts, nil
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
