package serve_test

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"sort"
	"strconv"
	"sync"
	"testing"
	"time"
)

// loadQueries are the searches the load test's clients cycle through:
// words, phrases, filters, facets and paging, as a reading room would.
var loadQueries = []string{
	"q=union+democracy",
	"q=vouchers",
	"q=%22social+justice%22",
	"q=teachers&site=Teacher+Union+Reform+Network",
	"q=caucus&sort=-date",
	"q=school*&page=2",
	"published_from=2019&published_to=2019",
	"q=contract+campaign&kind=post",
	"q=reform&size=50",
	"",
}

// TestLoad runs RANKFILE_LOADTEST_CLIENTS (200) clients searching the
// search page on loopback for RANKFILE_LOADTEST (a duration, e.g. 30s),
// each sending its next request as soon as the last is answered. It fails
// on any error or status other than 200, and logs requests per second
// and latency percentiles. It runs only when RANKFILE_LOADTEST is set:
//
//	RANKFILE_LOADTEST=30s go test ./serve/ -run TestLoad -v
func TestLoad(t *testing.T) {
	dur, err := time.ParseDuration(os.Getenv("RANKFILE_LOADTEST"))
	if err != nil {
		t.Skip("set RANKFILE_LOADTEST to a duration (30s) to run the load test")
	}
	clients := 200
	if n, err := strconv.Atoi(os.Getenv("RANKFILE_LOADTEST_CLIENTS")); err == nil && n > 0 {
		clients = n
	}
	d := mustData(t)
	ts := newServer(t, d.dir)
	tr := &http.Transport{MaxIdleConns: clients, MaxIdleConnsPerHost: clients, IdleConnTimeout: time.Minute}
	defer tr.CloseIdleConnections()
	client := &http.Client{Transport: tr, Timeout: 30 * time.Second}

	ctx, cancel := context.WithTimeout(context.Background(), dur)
	defer cancel()
	var wg sync.WaitGroup
	lat := make([][]time.Duration, clients)
	errs := make([][]string, clients)
	start := time.Now()
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := c; ctx.Err() == nil; i++ {
				u := ts.URL + "/search?" + loadQueries[i%len(loadQueries)]
				t0 := time.Now()
				err := fetchOK(client, u)
				if ctx.Err() != nil && err != nil {
					return // cut off by the end of the run, not an error of the server
				}
				lat[c] = append(lat[c], time.Since(t0))
				if err != nil {
					errs[c] = append(errs[c], err.Error())
				}
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	var all []time.Duration
	var failures []string
	for c := range clients {
		all = append(all, lat[c]...)
		failures = append(failures, errs[c]...)
	}
	if len(all) == 0 {
		t.Fatal("no request was answered")
	}
	sort.Slice(all, func(i, j int) bool { return all[i] < all[j] })
	pct := func(p float64) time.Duration { return all[min(len(all)-1, int(p*float64(len(all))))] }
	t.Logf("%d clients, %s: %d requests, %.0f requests/s, p50 %s, p90 %s, p99 %s, max %s, %d errors",
		clients, elapsed.Round(time.Millisecond), len(all), float64(len(all))/elapsed.Seconds(),
		pct(0.50).Round(time.Microsecond), pct(0.90).Round(time.Microsecond), pct(0.99).Round(time.Microsecond),
		all[len(all)-1].Round(time.Microsecond), len(failures))
	if len(failures) > 0 {
		t.Errorf("%d of %d requests failed; first: %s", len(failures), len(all), failures[0])
	}
}

// fetchOK gets u and reads the whole answer, which must be a 200.
func fetchOK(c *http.Client, u string) error {
	resp, err := c.Get(u)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if _, err := io.Copy(io.Discard, resp.Body); err != nil {
		return err
	}
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("%s: status %d", u, resp.StatusCode)
	}
	return nil
}

// BenchmarkServer_search measures one search page, facets and all, over
// loopback HTTP.
func BenchmarkServer_search(b *testing.B) {
	d := mustData(b)
	ts := newServer(b, d.dir)
	client := ts.Client()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		q := loadQueries[i%len(loadQueries)]
		if err := fetchOK(client, ts.URL+"/search?"+q); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkServer_api measures /api/search.
func BenchmarkServer_api(b *testing.B) {
	d := mustData(b)
	ts := newServer(b, d.dir)
	client := ts.Client()
	for i := 0; b.Loop(); i++ {
		if err := fetchOK(client, ts.URL+"/api/search?q="+url.QueryEscape("union democracy")+"&page="+strconv.Itoa(i%3+1)); err != nil {
			b.Fatal(err)
		}
	}
}
