package crawl

import (
	"fmt"
	"runtime"
	"testing"
)

// heapAfter returns the live heap after fn, collected before and after.
func heapAfter(fn func()) (before, after uint64) {
	var ms runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&ms)
	before = ms.HeapAlloc
	fn()
	runtime.GC()
	runtime.ReadMemStats(&ms)
	return before, ms.HeapAlloc
}

// TestSeenSet_compact checks what the seen set costs a URL: under 64 bytes
// however long the URL, so that a million URLs take well under 100 MB.
func TestSeenSet_compact(t *testing.T) {
	const n = 200_000
	var s seenSet
	before, after := heapAfter(func() {
		for i := range n {
			if s.add(fmt.Sprintf("https://www.caucus.test/2024/05/a-long-post-title-as-wordpress-writes-them-%d/", i)) {
				t.Fatalf("URL %d taken for seen", i)
			}
		}
	})
	if !s.add("https://www.caucus.test/2024/05/a-long-post-title-as-wordpress-writes-them-7/") {
		t.Error("a URL added is not seen")
	}
	per := float64(after-before) / n
	t.Logf("%.0f bytes a URL", per)
	if per > 64 {
		t.Errorf("the seen set takes %.0f bytes a URL, want under 64", per)
	}
	runtime.KeepAlive(&s)
}

// TestFrontier_order checks that the frontier hands URLs over first in,
// first out, no more than maxRunning at a time.
func TestFrontier_order(t *testing.T) {
	var f frontier
	for i := range maxRunning + 10 {
		f.push(queuedURL{url: fmt.Sprint(i)})
	}
	for i := range maxRunning {
		q, ok := f.next()
		if !ok || q.url != fmt.Sprint(i) {
			t.Fatalf("next %d: %q, %v", i, q.url, ok)
		}
	}
	if _, ok := f.next(); ok {
		t.Fatalf("more than %d running", maxRunning)
	}
	f.done()
	if q, ok := f.next(); !ok || q.url != fmt.Sprint(maxRunning) {
		t.Errorf("after one ended: %q, %v", q.url, ok)
	}
}
