package crawlstate

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"rankfile/archive"
	"rankfile/crawl"
	"rankfile/internal/genweb"
	"rankfile/internal/redistest"
)

// benchEnv reads a positive integer from the environment, or def.
func benchEnv(name string, def int) int {
	if n, err := strconv.Atoi(os.Getenv(name)); err == nil && n > 0 {
		return n
	}
	return def
}

// crawlWorkers crawls web with n crawlers in this process sharing the
// Redis at url (or, for n == 0, one crawler of its own, no shared state),
// each writing its own archive, and returns the wall time and the pages
// archived.
func crawlWorkers(b testing.TB, url string, web *genweb.Web, sitesFile []byte, n int) (took time.Duration, pages int, calls int64) {
	b.Helper()
	sites, err := crawl.ParseSites(sitesFile)
	if err != nil {
		b.Fatal(err)
	}
	dir := b.TempDir()
	var states []*State
	if n > 0 {
		for i := range n {
			s, err := Open(url, Options{Worker: fmt.Sprintf("w%d", i)})
			if err != nil {
				b.Fatal(err)
			}
			if _, _, err := s.Join(context.Background(), sitesFile); err != nil {
				b.Fatal(err)
			}
			states = append(states, s)
		}
	}
	workers := max(n, 1)
	var wg sync.WaitGroup
	var mu sync.Mutex
	start := time.Now()
	for i := range workers {
		arc, err := archive.Open(filepath.Join(dir, strconv.Itoa(i)), archive.Options{CrawlID: "bench"})
		if err != nil {
			b.Fatal(err)
		}
		o := crawl.Options{Sites: sites, Archive: arc, Transport: crawl.DefaultTransport(web.Dial)}
		if n > 0 {
			o.Shared, o.CrawlID = states[i], states[i].CrawlID()
		}
		c, err := crawl.New(o)
		if err != nil {
			b.Fatal(err)
		}
		wg.Go(func() {
			r, err := c.Run(context.Background())
			if err != nil {
				b.Error(err)
			}
			arc.Close()
			mu.Lock()
			pages += r.Totals().Status["200"]
			mu.Unlock()
		})
	}
	wg.Wait()
	took = time.Since(start)
	for _, s := range states {
		calls += s.Calls()
		s.Close()
	}
	return took, pages, calls
}

// redisCommands is the number of commands the Redis server processed so
// far (INFO stats): the workers' calls, a script counting as one.
func redisCommands(b *testing.B, url string) int64 {
	opt, _ := redis.ParseURL(url)
	rdb := redis.NewClient(opt)
	defer rdb.Close()
	info, err := rdb.Info(context.Background(), "stats").Result()
	if err != nil {
		b.Fatal(err)
	}
	for _, line := range strings.Split(info, "\r\n") {
		if v, ok := strings.CutPrefix(line, "total_commands_processed:"); ok {
			n, _ := strconv.ParseInt(v, 10, 64)
			return n
		}
	}
	b.Fatal("no total_commands_processed in INFO stats")
	return 0
}

// BenchmarkSharedCrawl_politeness crawls a politeness-bound web (many
// hosts, one request at a time each, 1 s apart) with 1, 2 and 4 workers
// sharing one Redis, and reports each crawl's time against the politeness
// floor (requests per host - 1) × delay, and the Redis commands per page
// (redis_calls: those the workers sent, a script counting as one;
// redis_cmds: all the server ran, the scripts' own included).
//
//	RANKFILE_BENCH_HOSTS=100 RANKFILE_BENCH_HOST_PAGES=5 go test -run '^$' -bench SharedCrawl_politeness -benchtime 1x ./crawlstate/
func BenchmarkSharedCrawl_politeness(b *testing.B) {
	hosts, pages := benchEnv("RANKFILE_BENCH_HOSTS", 100), benchEnv("RANKFILE_BENCH_HOST_PAGES", 5)
	const delay = time.Second
	web := genweb.Start(hosts, pages, 20<<10)
	defer web.Close()
	// each host: its pages and /sitemap.xml, one after another (robots.txt,
	// fetched first, is not spaced)
	floor := time.Duration(pages) * delay
	for _, n := range []int{1, 2, 4} {
		b.Run(fmt.Sprintf("workers=%d", n), func(b *testing.B) {
			srv := redistest.Start(b)
			sitesFile := web.SitesFile(delay, 1)
			for range b.N {
				c0 := redisCommands(b, srv.URL())
				took, got, calls := crawlWorkers(b, srv.URL(), web, sitesFile, n)
				c1 := redisCommands(b, srv.URL())
				b.ReportMetric(took.Seconds(), "s/crawl")
				b.ReportMetric(took.Seconds()/floor.Seconds(), "x_floor")
				b.ReportMetric(float64(calls)/float64(got), "redis_calls/page")
				b.ReportMetric(float64(c1-c0)/float64(got), "redis_cmds/page")
				b.ReportMetric(float64(got), "pages")
			}
		})
	}
}

// BenchmarkSharedCrawl_cpu crawls a CPU-bound web (no delay, four
// requests at a time per host) with one crawler of its own and with 1 and
// 2 workers sharing a Redis, all in this process, and reports pages/s in
// all and per worker.
//
//	RANKFILE_BENCH_HOSTS=200 RANKFILE_BENCH_HOST_PAGES=50 go test -run '^$' -bench SharedCrawl_cpu -benchtime 1x ./crawlstate/
func BenchmarkSharedCrawl_cpu(b *testing.B) {
	hosts, pages := benchEnv("RANKFILE_BENCH_HOSTS", 100), benchEnv("RANKFILE_BENCH_HOST_PAGES", 20)
	web := genweb.Start(hosts, pages, 20<<10)
	defer web.Close()
	for _, n := range []int{0, 1, 2} {
		name := fmt.Sprintf("workers=%d", n)
		if n == 0 {
			name = "single-machine"
		}
		b.Run(name, func(b *testing.B) {
			srv := redistest.Start(b)
			sitesFile := web.SitesFile(0, 4)
			for range b.N {
				c0 := redisCommands(b, srv.URL())
				took, got, calls := crawlWorkers(b, srv.URL(), web, sitesFile, n)
				c1 := redisCommands(b, srv.URL())
				rate := float64(got) / took.Seconds()
				b.ReportMetric(rate, "pages/s")
				b.ReportMetric(rate/float64(max(n, 1)), "pages/s/worker")
				b.ReportMetric(float64(calls)/float64(got), "redis_calls/page")
				b.ReportMetric(float64(c1-c0)/float64(got), "redis_cmds/page")
				b.ReportMetric(float64(got), "pages")
			}
		})
	}
}
