package crawl

import (
	"context"
	"fmt"
	"path/filepath"
	"sort"
	"sync"
	"testing"

	"rankfile/archive"
	"rankfile/fixtures"
	"rankfile/record"
)

// stopAfter is an Archiver that cancels the crawl once it has archived n
// exchanges: an interrupted run, stopped at a chosen point.
type stopAfter struct {
	*archive.Archive
	mu     sync.Mutex
	n      int
	cancel context.CancelFunc
}

func (s *stopAfter) Write(ex *archive.Exchange) (archive.WriteResult, error) {
	res, err := s.Archive.Write(ex)
	s.mu.Lock()
	if s.n--; s.n == 0 {
		s.cancel()
	}
	s.mu.Unlock()
	return res, err
}

// capturedURLs lists every capture's URL in the archive at dir, with repeats.
func capturedURLs(t *testing.T, dir string) []string {
	t.Helper()
	arc, err := archive.Open(dir, archive.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer arc.Close()
	var urls []string
	if err := arc.Captures(context.Background(), func(c record.Capture) error {
		urls = append(urls, c.URL)
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	sort.Strings(urls)
	return urls
}

func TestCrawler_Run_resume(t *testing.T) {
	ref, _ := crawlFixtures(t)
	want := capturedURLs(t, ref)
	srv := fixtures.Start()
	defer srv.Close()
	sites, err := ParseSites(fixtures.SitesFile())
	if err != nil {
		t.Fatal(err)
	}
	for _, stop := range []int{1, 3, 10, 25, len(want) - 2} {
		t.Run(fmt.Sprintf("stopped after %d", stop), func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "archive")
			arc, err := archive.Open(dir, archive.Options{CrawlID: "resume"})
			if err != nil {
				t.Fatal(err)
			}
			ctx, cancel := context.WithCancel(context.Background())
			defer cancel()
			first, err := New(Options{Sites: sites, Archive: &stopAfter{Archive: arc, n: stop, cancel: cancel},
				Transport: DefaultTransport(srv.DialContext), CrawlID: "resume"})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := first.Run(ctx); err == nil {
				t.Fatal("the interrupted run reported no interruption")
			}
			arc.Close()
			before := len(capturedURLs(t, dir))

			arc, err = archive.Open(dir, archive.Options{CrawlID: "resume"})
			if err != nil {
				t.Fatal(err)
			}
			second, err := New(Options{Sites: sites, Archive: arc, Transport: DefaultTransport(srv.DialContext),
				CrawlID: "resume", Resume: arc.Captures})
			if err != nil {
				t.Fatal(err)
			}
			report, err := second.Run(context.Background())
			if err != nil {
				t.Fatal(err)
			}
			arc.Close()
			got := capturedURLs(t, dir)
			if fmt.Sprint(got) != fmt.Sprint(want) {
				t.Errorf("captures after resume differ from an uninterrupted crawl:\n got %d: %v\nwant %d: %v", len(got), got, len(want), want)
			}
			if got := report.Totals().Fetched; got != len(want)-before {
				t.Errorf("resumed run fetched %d, want %d (%d in all, %d archived before)", got, len(want)-before, len(want), before)
			}
		})
	}
}
