package pipeline

import (
	"archive/zip"
	"bufio"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"rankfile/crawl"
	"rankfile/fixtures"
	"rankfile/record"
)

// readZip returns every entry of the zip file at path, by name, with its
// content.
func readZip(t *testing.T, path string) (*zip.ReadCloser, map[string][]byte) {
	t.Helper()
	zr, err := zip.OpenReader(path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { zr.Close() })
	files := map[string][]byte{}
	for _, f := range zr.File {
		rc, err := f.Open()
		if err != nil {
			t.Fatal(err)
		}
		data, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Fatalf("%s: %v", f.Name, err)
		}
		files[f.Name] = data
	}
	return zr, files
}

func sha256Of(b []byte) string {
	s := sha256.Sum256(b)
	return "sha256:" + hex.EncodeToString(s[:])
}

// TestPipeline_ExportWACZ crawls the fixture web twice (so the archive
// holds revisits too), exports it as WACZ and checks the package: its
// layout, the WARC files stored byte for byte, the manifest's sizes and
// hashes, the pages with their titles, and the index lines pointing into
// the packaged files. warcio.js then reads a WARC file out of the package.
func TestPipeline_ExportWACZ(t *testing.T) {
	srv := fixtures.Start()
	defer srv.Close()
	p := &Pipeline{Dir: t.TempDir()}
	for range 2 {
		if _, err := p.Crawl(context.Background(), CrawlOptions{SitesData: fixtures.SitesFile(),
			Transport: crawl.DefaultTransport(srv.DialContext), NoIndex: true}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := p.Extract(context.Background()); err != nil { // records: pages.jsonl carries their text
		t.Fatal(err)
	}
	path := filepath.Join(t.TempDir(), "caucuses.wacz")
	start := time.Now().UTC().Truncate(time.Second)
	if err := p.ExportWACZ(context.Background(), path); err != nil {
		t.Fatal(err)
	}
	zr, files := readZip(t, path)

	warcs, err := filepath.Glob(filepath.Join(p.Dir, archiveDir, "*.warc.gz"))
	if err != nil || len(warcs) != 2 {
		t.Fatalf("archive holds WARC files %v (%v), want 2", warcs, err)
	}
	want := []string{"datapackage.json", "datapackage-digest.json", "indexes/index.cdxj", "pages/pages.jsonl"}
	for _, w := range warcs {
		want = append(want, "archive/"+filepath.Base(w))
	}
	var got []string
	for _, f := range zr.File {
		got = append(got, f.Name)
		if strings.HasPrefix(f.Name, "archive/") {
			if f.Method != zip.Store {
				t.Errorf("%s compressed with method %d, want stored", f.Name, f.Method)
			}
			if f.Flags&0x8 != 0 {
				t.Errorf("%s has a data descriptor; want sizes in its local header", f.Name)
			}
			orig, err := os.ReadFile(filepath.Join(p.Dir, archiveDir, strings.TrimPrefix(f.Name, "archive/")))
			if err != nil || !bytes.Equal(orig, files[f.Name]) {
				t.Errorf("%s differs from the archive's file (%v)", f.Name, err)
			}
		}
	}
	slices.Sort(got)
	slices.Sort(want)
	if !slices.Equal(got, want) {
		t.Fatalf("package holds %v, want %v", got, want)
	}

	var pkg waczPackage
	if err := json.Unmarshal(files["datapackage.json"], &pkg); err != nil {
		t.Fatal(err)
	}
	created, err := time.Parse(time.RFC3339, pkg.Created)
	if pkg.Profile != "data-package" || pkg.WACZVersion != "1.1.1" || err != nil || created.Before(start) ||
		!strings.HasPrefix(pkg.Software, "rankfile/") {
		t.Errorf("datapackage.json: profile %q, wacz_version %q, created %q (%v), software %q",
			pkg.Profile, pkg.WACZVersion, pkg.Created, err, pkg.Software)
	}
	listed := map[string]bool{}
	for _, r := range pkg.Resources {
		listed[r.Path] = true
		data, ok := files[r.Path]
		switch {
		case !ok:
			t.Errorf("datapackage.json lists %s, not in the package", r.Path)
		case r.Bytes != int64(len(data)) || r.Hash != sha256Of(data):
			t.Errorf("%s: listed %d bytes %s; holds %d bytes %s", r.Path, r.Bytes, r.Hash, len(data), sha256Of(data))
		case r.Name != filepath.Base(r.Path):
			t.Errorf("%s named %q", r.Path, r.Name)
		}
	}
	for name := range files {
		if !listed[name] && name != "datapackage.json" && name != "datapackage-digest.json" {
			t.Errorf("%s is not listed in datapackage.json", name)
		}
	}
	var digest map[string]string
	if err := json.Unmarshal(files["datapackage-digest.json"], &digest); err != nil ||
		digest["path"] != "datapackage.json" || digest["hash"] != sha256Of(files["datapackage.json"]) {
		t.Errorf("datapackage-digest.json %s (%v), want the hash of datapackage.json %s",
			files["datapackage-digest.json"], err, sha256Of(files["datapackage.json"]))
	}

	checkWACZPages(t, files["pages/pages.jsonl"])
	checkWACZIndex(t, files)
	// warcio.js reads the WARC files taken out of the package, revisits in
	// the second leading to originals in the first.
	var out []string
	for _, w := range warcs {
		name := filepath.Join(t.TempDir(), filepath.Base(w))
		if err := os.WriteFile(name, files["archive/"+filepath.Base(w)], 0o644); err != nil {
			t.Fatal(err)
		}
		out = append(out, name)
	}
	warcioCheck(t, out...)
}

// checkWACZPages checks pages.jsonl: its header, then every HTML content
// page of the fixture web once (the second crawl's revisits add no page),
// with its title, a capture time, and the text extracted from it.
func checkWACZPages(t *testing.T, data []byte) {
	t.Helper()
	sc := bufio.NewScanner(bytes.NewReader(data))
	if !sc.Scan() || !strings.Contains(sc.Text(), `"format":"json-pages-1.0"`) {
		t.Fatalf("pages.jsonl starts %q, want the json-pages-1.0 header", sc.Text())
	}
	pages := map[string]waczPage{}
	for sc.Scan() {
		var pg waczPage
		if err := json.Unmarshal(sc.Bytes(), &pg); err != nil {
			t.Fatalf("pages.jsonl line %q: %v", sc.Text(), err)
		}
		if _, dup := pages[pg.URL]; dup {
			t.Errorf("%s listed twice", pg.URL)
		}
		if _, err := time.Parse(time.RFC3339, pg.TS); err != nil || pg.ID == "" {
			t.Errorf("%s: ts %q (%v), id %q", pg.URL, pg.TS, err, pg.ID)
		}
		pages[pg.URL] = pg
	}
	for _, fp := range fixtures.Pages() {
		pg, ok := pages[fp.URL]
		if !ok {
			t.Errorf("%s missing from pages.jsonl", fp.URL)
			continue
		}
		body, _ := fixtures.Body(fp.URL)
		if want := pageTitle(body, "text/html; charset=utf-8"); pg.Title != want || want == "" {
			t.Errorf("%s: title %q, want %q", fp.URL, pg.Title, want)
		}
		if fp.Kind != fixtures.KindPage && len(pg.Text) < 100 {
			t.Errorf("%s: text %q, want the %s's writing for full-text search", fp.URL, pg.Text, fp.Kind)
		}
	}
	// the seed-001 post: its writing, none of WordPress.com's chrome
	post := pages["http://albu-core.test/2017/10/23/ucore-report-back/"].Text
	if !strings.Contains(post, "Privatization and Vouchers") || strings.Contains(post, "Leave a Reply") {
		t.Errorf("seed-001 post text in pages.jsonl: %q, want its writing (vouchers) without the comment form", post)
	}
}

// checkWACZIndex checks indexes/index.cdxj: sorted, and every line naming
// a WARC file of the package and an offset and length within it.
func checkWACZIndex(t *testing.T, files map[string][]byte) {
	t.Helper()
	lines := strings.Split(strings.TrimSuffix(string(files["indexes/index.cdxj"]), "\n"), "\n")
	if len(lines) < 2 || !slices.IsSorted(lines) {
		t.Fatalf("index.cdxj: %d lines, sorted %v", len(lines), slices.IsSorted(lines))
	}
	revisits := 0
	for _, l := range lines {
		parts := strings.SplitN(l, " ", 3)
		var f struct {
			Mime     string `json:"mime"`
			Offset   int64  `json:"offset,string"`
			Length   int64  `json:"length,string"`
			Filename string `json:"filename"`
		}
		if len(parts) != 3 || json.Unmarshal([]byte(parts[2]), &f) != nil {
			t.Errorf("index line %q", l)
			continue
		}
		warc, ok := files["archive/"+f.Filename]
		if !ok || f.Offset+f.Length > int64(len(warc)) || warc[f.Offset] != 0x1f {
			t.Errorf("index line %q does not point at a gzip member of a packaged WARC file", l)
		}
		if f.Mime == "warc/revisit" {
			revisits++
		}
	}
	if revisits == 0 {
		t.Errorf("index.cdxj has no revisit lines; the second crawl wrote revisits")
	}
}

// TestCaptureTexts joins captures, asked for in archive order, to the
// records file's lines in any order: a capture's records in the file's
// order, a record's later line in place of its earlier, nothing for a
// capture without records, and lines of captures not asked for passed by.
func TestCaptureTexts(t *testing.T) {
	p := &Pipeline{Dir: t.TempDir()}
	recs := []record.Record{
		{ID: "b1", Text: "b one", WARCFile: "b.warc.gz", WARCOffset: 900},
		{ID: "a2", Text: "a at 20", WARCFile: "a.warc.gz", WARCOffset: 20},
		{ID: "a1", Text: "a at 3, first", WARCFile: "a.warc.gz", WARCOffset: 3},
		{ID: "skip", Text: "a revisit's place", WARCFile: "a.warc.gz", WARCOffset: 10},
		{ID: "a1b", Text: "a at 3, second", WARCFile: "a.warc.gz", WARCOffset: 3},
		{ID: "a1", Text: "a at 3, first, changed", WARCFile: "a.warc.gz", WARCOffset: 3},
		{ID: "none", Text: "no capture"},
	}
	if err := os.MkdirAll(filepath.Dir(p.path(recordsFile)), 0o755); err != nil {
		t.Fatal(err)
	}
	var b bytes.Buffer
	for _, r := range recs {
		line, _ := json.Marshal(r)
		b.Write(append(line, '\n'))
	}
	if err := os.WriteFile(p.path(recordsFile), b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	texts, err := p.openCaptureTexts(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	defer texts.close()
	for _, c := range []struct {
		file   string
		offset int64
		want   string
	}{
		{"a.warc.gz", 3, "a at 3, first, changed\n\na at 3, second"},
		{"a.warc.gz", 15, ""},
		{"a.warc.gz", 20, "a at 20"},
		{"a2.warc.gz", 5, ""},
		{"b.warc.gz", 900, "b one"},
		{"c.warc.gz", 1, ""},
	} {
		if got, err := texts.of(c.file, c.offset); err != nil || got != c.want {
			t.Errorf("text of %s@%d = %q, %v; want %q", c.file, c.offset, got, err, c.want)
		}
	}
}
