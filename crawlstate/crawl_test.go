package crawlstate

import (
	"context"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"rankfile/archive"
	"rankfile/crawl"
	"rankfile/internal/genweb"
	"rankfile/internal/redistest"
	"rankfile/record"
)

// TestState_crawlers runs three crawlers in this process on one shared
// state, each archiving into its own folder: together they archive every
// page of a 30-host web once, and no host is asked faster than its delay,
// or than robots.txt's Crawl-delay where that is longer.
func TestState_crawlers(t *testing.T) {
	t.Run("delay", func(t *testing.T) { testCrawlers(t, 40*time.Millisecond, "", 40*time.Millisecond) })
	t.Run("crawl-delay", func(t *testing.T) {
		testCrawlers(t, 0, "User-agent: *\nCrawl-delay: 0.1\n", 100*time.Millisecond)
	})
}

func testCrawlers(t *testing.T, delay time.Duration, robots string, spacing time.Duration) {
	srv := redistest.Start(t)
	web := genweb.Start(30, 6, 2000)
	web.Robots = robots
	defer web.Close()
	sitesFile := web.SitesFile(delay, 1)
	sites, err := crawl.ParseSites(sitesFile)
	if err != nil {
		t.Fatal(err)
	}
	dirs := make([]string, 3)
	var wg sync.WaitGroup
	errs := make([]error, 3)
	for i := range dirs {
		dirs[i] = filepath.Join(t.TempDir(), fmt.Sprintf("w%d", i))
		st := mustJoin(t, srv.URL(), fmt.Sprintf("w%d", i), 2*time.Second, string(sitesFile))
		arc, err := archive.Open(dirs[i], archive.Options{CrawlID: st.CrawlID()})
		if err != nil {
			t.Fatal(err)
		}
		c, err := crawl.New(crawl.Options{Sites: sites, Archive: arc, Shared: st, CrawlID: st.CrawlID(),
			Transport: crawl.DefaultTransport(web.Dial), RetryBase: 10 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		wg.Go(func() {
			_, errs[i] = c.Run(context.Background())
			if err := arc.Close(); err != nil && errs[i] == nil {
				errs[i] = err
			}
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("worker %d: %v", i, err)
		}
	}
	got := map[string][]string{}
	for i, dir := range dirs {
		arc, err := archive.OpenReadOnly(dir)
		if err != nil {
			t.Fatal(err)
		}
		arc.Captures(context.Background(), func(c record.Capture) error {
			got[c.URL] = append(got[c.URL], fmt.Sprintf("w%d:%d", i, c.Status))
			return nil
		})
		arc.Close()
	}
	for _, u := range web.URLs() {
		if n := len(got[u]); n != 1 {
			t.Errorf("%s archived %d times (%v), want once", u, n, got[u])
		}
	}
	if bad := web.Impolite(spacing); len(bad) > 0 {
		t.Errorf("%d requests broke politeness, first: %v", len(bad), bad[0])
	}
	st, err := Open(srv.URL(), Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	r, err := st.Report(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	want := len(web.URLs())
	if robots != "" {
		want += web.Hosts // robots.txt answers 200 too
	}
	if tot := r.Totals(); tot.Status["200"] != want {
		t.Errorf("the crawl's report counts %d fetches answered 200, want %d (%v)", tot.Status["200"], want, tot.Status)
	}
}
