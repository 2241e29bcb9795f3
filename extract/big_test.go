package extract

import (
	"runtime"
	"strings"
	"testing"

	"rankfile/record"
)

// bigPage returns a page of about size bytes: an article of paragraphs,
// lists, tables and links, in a page with a menu and a footer.
func bigPage(size int) []byte {
	var b strings.Builder
	b.Grow(size + 4096)
	b.WriteString("<!doctype html><html lang=en><head><title>Big</title></head><body>")
	b.WriteString(`<nav><ul><li><a href="/">Home</a></li><li><a href="/about">About</a></li></ul></nav><main><article><h1>Big</h1>`)
	for i := 0; b.Len() < size; i++ {
		switch i % 4 {
		case 0, 1:
			b.WriteString("<p>" + para + ` <a href="/p">a link</a> <b>bold</b></p>` + "\n")
		case 2:
			b.WriteString("<ul><li>one item of a list</li><li>another item of the list</li></ul>\n")
		case 3:
			b.WriteString("<table><tr><th>A</th><th>B</th></tr><tr><td>1</td><td>2</td></tr></table>\n")
		}
	}
	b.WriteString("</article></main><footer>Powered by WordPress</footer></body></html>")
	return []byte(b.String())
}

// TestExtractor_Bounded checks that a 50 MB page and one nested 100,000
// levels deep are extracted in bounded time and memory: the bytes
// allocated are a bounded multiple of the page's size (the markup past
// maxMarkup is not read, see TestCutMarkup).
func TestExtractor_Bounded(t *testing.T) {
	deep := "<html><body>" + strings.Repeat("<div><span>", 100000) + "<p>" + para + "</p>" + strings.Repeat("</span></div>", 100000) + "</body></html>"
	tests := []struct {
		name  string
		page  []byte
		alloc int // most bytes allocated per byte of page
	}{
		{"50 MB page", bigPage(50 << 20), 12},
		{"nested 100000 deep", []byte(deep), 30},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if testing.Short() && len(tt.page) > 10<<20 {
				t.Skip("large page in -short mode")
			}
			var recs []record.Record
			var err error
			allocated := allocatedBy(func() {
				recs, err = New(Options{}).ExtractHTML("http://big.test/", tt.page, nil)
			})
			if err != nil {
				t.Fatal(err)
			}
			if !strings.Contains(Text(recs), para) {
				t.Error("the writing is lost")
			}
			if limit := uint64(tt.alloc * len(tt.page)); allocated > limit {
				t.Errorf("allocated %d MB for a %d MB page, want under %d MB", allocated>>20, len(tt.page)>>20, limit>>20)
			}
			t.Logf("%d MB page: %d MB allocated", len(tt.page)>>20, allocated>>20)
		})
	}
}

// allocatedBy returns the bytes f allocates.
func allocatedBy(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

func TestCutMarkup(t *testing.T) {
	tests := []struct {
		name, page string
		limit      int
		want       string
	}{
		{"short page whole", "<p>abc</p>", 100, "<p>abc</p>"},
		{"cut before the tag the limit falls in", "<p>abc</p><p>def</p>", 14, "<p>abc</p>"},
		{"no tag to cut at", "abcdef", 3, "abc"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := cutMarkup(tt.page, tt.limit); got != tt.want {
				t.Errorf("cutMarkup = %q, want %q", got, tt.want)
			}
		})
	}
	page := string(bigPage(maxMarkup+1<<20)) + "<p>the last words of the page</p>"
	if text := Text(mustExtractHTML(t, page)); strings.Contains(text, "the last words") {
		t.Error("writing past maxMarkup read")
	}
}

func mustExtractHTML(tb testing.TB, page string) []record.Record {
	tb.Helper()
	recs, err := New(Options{}).ExtractHTML("http://page.test/", []byte(page), nil)
	if err != nil {
		tb.Fatal(err)
	}
	return recs
}
