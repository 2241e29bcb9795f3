package crawl

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"

	"rankfile/archive"
)

// fullDisk is an archive on a disk that fills up after room writes: every
// write after them fails with ENOSPC, as a full disk's do. It notes how
// many requests the server had had when the first write failed.
type fullDisk struct {
	Archiver
	mu       sync.Mutex
	room     int
	requests *atomic.Int64
	atFull   int64
}

func (d *fullDisk) Write(ex *archive.Exchange) (archive.WriteResult, error) {
	d.mu.Lock()
	if d.room == 0 {
		if d.atFull == 0 {
			d.atFull = d.requests.Load()
		}
		d.mu.Unlock()
		return archive.WriteResult{}, fmt.Errorf("append to x.warc.gz: %w", &os.PathError{Op: "write", Path: "x.warc.gz", Err: syscall.ENOSPC})
	}
	d.room--
	d.mu.Unlock()
	return d.Archiver.Write(ex)
}

// TestCrawler_Run_diskFull: the disk fills up in the middle of a crawl of
// 300 pages. The crawl stops at once (no more requests than were in flight),
// returns an error naming the full disk, and its report names the page that
// could not be archived and the pages left unfetched. (The CLI test
// TestCrawl_tmpfsFull does the same on a real full tmpfs where the
// platform lets it mount one.)
func TestCrawler_Run_diskFull(t *testing.T) {
	var requests atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		if r.URL.Path == "/" {
			for i := range 300 {
				fmt.Fprintf(w, `<a href="/p/%d">%d</a> `, i, i)
			}
			return
		}
		if r.URL.Path == "/robots.txt" || r.URL.Path == "/sitemap.xml" {
			http.NotFound(w, r)
			return
		}
		fmt.Fprintf(w, "<p>page %s</p>", r.URL.Path)
	}))
	defer srv.Close()
	const parallelism = 4
	sites, err := ParseSites([]byte(fmt.Sprintf("defaults: {delay: 0s, parallelism: %d}\nsites:\n  - name: Full\n    kind: caucus\n    seeds: [%s/]\n", parallelism, srv.URL)))
	if err != nil {
		t.Fatal(err)
	}
	arc, err := archive.Open(t.TempDir(), archive.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer arc.Close()
	disk := &fullDisk{Archiver: arc, room: 40, requests: &requests}
	c, err := New(Options{Sites: sites, Archive: disk, Retries: 2})
	if err != nil {
		t.Fatal(err)
	}
	report, err := c.Run(context.Background())
	if !errors.Is(err, ErrArchive) || !errors.Is(err, syscall.ENOSPC) {
		t.Fatalf("crawl onto a full disk returned %v, want an error naming the archive and ENOSPC", err)
	}
	if after := requests.Load() - disk.atFull; after > parallelism {
		t.Errorf("%d requests after the disk filled up, want at most the %d in flight", after, parallelism)
	}
	s := report.Sites[0]
	if s.Failed["archive"] < 1 || s.Failed["archive"] > parallelism || len(s.FailedURLs) != s.Failed["archive"] ||
		!strings.Contains(s.FailedURLs[0].Detail, "no space left on device") {
		t.Errorf("failed %v %+v, want the pages that could not be archived named with the full disk", s.Failed, s.FailedURLs)
	}
	if s.Dropped[DropStopped] < 200 || len(s.DroppedURLs) < 200 || s.Retried != 0 {
		t.Errorf("dropped %v (%d named), retried %d: want the pages left unfetched named as stopped, and no retry", s.Dropped, len(s.DroppedURLs), s.Retried)
	}
	if s.Fetched != 40 {
		t.Errorf("%d fetched, want the 40 archived before the disk filled", s.Fetched)
	}
}
