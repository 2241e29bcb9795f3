package extract

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/markusmobius/go-trafilatura"
	"golang.org/x/net/html"

	"rankfile/fixtures"
)

// devDir is where the extraction dev set (WCXB pages, kept out of the
// repository) lies when the project sits beside ../shared: html/ holds the
// pages, ground-truth/ their URLs.
const devDir = "../../shared/extract-dev/wcxb/dev"

// devPage is one page of the dev set, decoded to UTF-8 as the scorer hands
// pages to extractors.
type devPage struct {
	url  string
	body []byte
}

// loadDevPages reads the dev set's pages, or skips the benchmark or test
// when the dev set is absent.
func loadDevPages(tb testing.TB) []devPage {
	tb.Helper()
	files, _ := filepath.Glob(filepath.Join(devDir, "html", "*.html.gz"))
	if len(files) == 0 {
		tb.Skip("no dev pages in " + devDir)
	}
	pages := make([]devPage, 0, len(files))
	for _, f := range files {
		id := strings.TrimSuffix(filepath.Base(f), ".html.gz")
		page, _ := decode(mustGunzip(tb, f), "")
		pages = append(pages, devPage{url: devURL(id), body: []byte(page)})
	}
	return pages
}

// devURL returns the original URL of dev page id from its ground truth,
// or a placeholder.
func devURL(id string) string {
	b, err := os.ReadFile(filepath.Join(devDir, "ground-truth", id+".json"))
	if err == nil {
		var gt struct {
			URL string `json:"url"`
		}
		if json.Unmarshal(b, &gt) == nil && gt.URL != "" {
			return gt.URL
		}
	}
	return "http://dev.test/" + id
}

// BenchmarkExtract measures extraction per page: over the fixture pages,
// and over the dev set's real pages with rankfile and, in the same run,
// go-trafilatura (with its fallback on, as the scorer runs it), each
// reporting ns/page.
func BenchmarkExtract(b *testing.B) {
	b.Run("fixtures", func(b *testing.B) {
		var pages []devPage
		for _, p := range fixtures.Pages() {
			pages = append(pages, devPage{url: p.URL, body: p.Body()})
		}
		benchPages(b, pages, rankfileText)
	})
	var dev []devPage
	load := func(b *testing.B) []devPage {
		if dev == nil {
			dev = loadDevPages(b)
		}
		return dev
	}
	b.Run("rankfile", func(b *testing.B) { benchPages(b, load(b), rankfileText) })
	b.Run("trafilatura", func(b *testing.B) { benchPages(b, load(b), trafilaturaText) })
}

// rankfileText extracts a page's main writing with rankfile.
func rankfileText(e *Extractor, p devPage) error {
	recs, err := e.ExtractHTML(p.url, p.body, nil)
	_ = Text(recs)
	return err
}

// trafilaturaText extracts a page's main text with go-trafilatura, parsing
// it first as it requires.
func trafilaturaText(_ *Extractor, p devPage) error {
	doc, err := html.Parse(bytes.NewReader(p.body))
	if err != nil {
		return err
	}
	u, err := url.Parse(p.url)
	if err != nil || u.Host == "" {
		u, _ = url.Parse("http://example.invalid/")
	}
	// go-trafilatura reports pages it finds no content in as errors: they
	// cost their time like any other page.
	_, _ = trafilatura.ExtractDocument(doc, trafilatura.Options{EnableFallback: true, OriginalURL: u})
	return nil
}

// benchPages runs extract over the pages in turn, one page an iteration,
// and reports the time per page.
func benchPages(b *testing.B, pages []devPage, extract func(*Extractor, devPage) error) {
	b.Helper()
	e := New(Options{})
	size := 0
	for _, p := range pages {
		size += len(p.body)
	}
	b.SetBytes(int64(size / len(pages)))
	b.ReportAllocs()
	b.ResetTimer()
	n := 0
	for i := 0; b.Loop(); i++ {
		if err := extract(e, pages[i%len(pages)]); err != nil {
			b.Fatal(err)
		}
		n++
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(n), "ns/page")
}

func mustGunzip(tb testing.TB, path string) []byte {
	tb.Helper()
	f, err := os.Open(path)
	if err != nil {
		tb.Fatal(err)
	}
	defer f.Close()
	z, err := gzip.NewReader(f)
	if err != nil {
		tb.Fatal(err)
	}
	b, err := io.ReadAll(z)
	if err != nil {
		tb.Fatal(err)
	}
	return b
}
