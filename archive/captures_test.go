package archive

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"rankfile/record"
)

func TestArchive_CapturesGoesPastDamage(t *testing.T) {
	dir := t.TempDir()
	for _, name := range []string{"corrupt-member.warc.gz", "truncated.warc.gz"} {
		data, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dir, name), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	a := mustOpen(t, dir, Options{})
	defer mustClose(t, a)
	mustWrite(t, a, page("http://example.test/good", 200, []byte("good"))) // rankfile-... sorts between the two

	var urls []string
	err := a.Captures(context.Background(), func(c record.Capture) error {
		urls = append(urls, c.File+" "+c.URL)
		return nil
	})
	want := []string{
		"corrupt-member.warc.gz http://example.test/two", // read on past the corrupt member
		a.cur.name + " http://example.test/good",
		"truncated.warc.gz http://example.test/",
		"truncated.warc.gz http://example.test/two",
	}
	if !equalStrings(urls, want) {
		t.Errorf("captures %q, want %q", urls, want)
	}
	for file, offset := range map[string]int64{"corrupt-member.warc.gz": 209, "truncated.warc.gz": 955} {
		if !reportsDamage(err, file, offset) {
			t.Errorf("Captures error %v does not report %s at %d", err, file, offset)
		}
	}

	stop := errors.New("stop")
	n := 0
	err = a.Captures(context.Background(), func(record.Capture) error { n++; return stop })
	if !errors.Is(err, stop) || n != 1 {
		t.Errorf("Captures with fn failing: %v after %d calls, want stop after 1", err, n)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := a.Captures(ctx, func(record.Capture) error { return nil }); !errors.Is(err, context.Canceled) {
		t.Errorf("Captures with a canceled context: %v", err)
	}
}

// TestArchive_CapturesIn reads one crawl's files alone: its captures, a
// revisit resolved to its original in an earlier crawl's file, and none
// of the other files' records.
func TestArchive_CapturesIn(t *testing.T) {
	dir := t.TempDir()
	a := mustOpen(t, dir, Options{CrawlID: "one"})
	mustWrite(t, a, page("http://example.test/a", 200, []byte("first a")))
	mustWrite(t, a, page("http://example.test/b", 200, []byte("first b")))
	mustClose(t, a)
	a = mustOpen(t, dir, Options{CrawlID: "two"})
	defer mustClose(t, a)
	if !mustWrite(t, a, page("http://example.test/a", 200, []byte("first a"))).Revisit {
		t.Fatal("the same payload again is not a revisit")
	}
	mustWrite(t, a, page("http://example.test/c", 200, []byte("new c")))

	var got []string
	err := a.CapturesIn(context.Background(), func(file string) bool { return strings.HasPrefix(file, "rankfile-two-") },
		func(c record.Capture) error {
			got = append(got, c.URL+" "+string(c.Body))
			return nil
		})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"http://example.test/a first a", "http://example.test/c new c"}; !equalStrings(got, want) {
		t.Errorf("crawl two's captures %q, want %q", got, want)
	}
}
