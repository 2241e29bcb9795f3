package archive

import (
	"context"
	"errors"
	"os"
	"path/filepath"
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
