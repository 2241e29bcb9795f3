package extract

import (
	"compress/gzip"
	"io"
	"os"
	"path/filepath"
	"testing"

	"rankfile/fixtures"
)

// devPages is where the extraction dev set (WCXB pages, kept out of the
// repository) lies when the project sits beside ../shared.
const devPages = "../../shared/extract-dev/wcxb/dev/html"

// BenchmarkExtract measures extraction per page over the fixture pages and,
// when the dev set is present, its real pages.
func BenchmarkExtract(b *testing.B) {
	b.Run("fixtures", func(b *testing.B) {
		var pages [][]byte
		var urls []string
		for _, p := range fixtures.Pages() {
			pages = append(pages, p.Body())
			urls = append(urls, p.URL)
		}
		benchPages(b, urls, pages)
	})
	b.Run("dev", func(b *testing.B) {
		files, _ := filepath.Glob(filepath.Join(devPages, "*.html.gz"))
		if len(files) == 0 {
			b.Skip("no dev pages in " + devPages)
		}
		var pages [][]byte
		var urls []string
		for _, f := range files {
			pages = append(pages, mustGunzip(b, f))
			urls = append(urls, "http://dev.test/"+filepath.Base(f))
		}
		benchPages(b, urls, pages)
	})
}

func benchPages(b *testing.B, urls []string, pages [][]byte) {
	b.Helper()
	e := New(Options{})
	size := 0
	for _, p := range pages {
		size += len(p)
	}
	b.SetBytes(int64(size / len(pages)))
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		k := i % len(pages)
		if _, err := e.ExtractHTML(urls[k], pages[k], nil); err != nil {
			b.Fatal(err)
		}
	}
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
