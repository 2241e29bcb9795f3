package crawlstate

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"rankfile/crawl"
	"rankfile/internal/redistest"
)

func mustJoin(t *testing.T, url, worker string, lease time.Duration, sites string) *State {
	t.Helper()
	s, err := Open(url, Options{Worker: worker, Lease: lease})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	if _, _, err := s.Join(context.Background(), []byte(sites)); err != nil {
		t.Fatal(err)
	}
	return s
}

func mustAdd(t *testing.T, s *State, host, u string, p crawl.Politeness) crawl.Added {
	t.Helper()
	a, err := s.Add(context.Background(), host, crawl.Queued{URL: u, Site: "s"}, p, "s\x00pages", 0)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// takeWhenReady takes the next lease, waiting as long as the state says a
// host or a lease needs; it fails the test if the crawl is done first.
func takeWhenReady(t *testing.T, s *State) crawl.Lease {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	for {
		l, ok, wait, done, err := s.Take(ctx)
		switch {
		case err != nil:
			t.Fatal(err)
		case ok:
			return l
		case done:
			t.Fatal("the crawl is done: nothing to take")
		}
		if wait <= 0 {
			t.Fatal("nothing ready and nothing to wait for")
		}
		timer := time.NewTimer(wait) // the state's own word for when a host or lease is due
		select {
		case <-ctx.Done():
			t.Fatal("no lease within 30s")
		case <-timer.C:
		}
	}
}

func TestState_Join(t *testing.T) {
	srv := redistest.Start(t)
	ctx := context.Background()
	a, err := Open(srv.URL(), Options{Worker: "a"})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	id, started, err := a.Join(ctx, []byte("sites one"))
	if err != nil || !started {
		t.Fatalf("first Join = %q, %v, %v; want a new crawl", id, started, err)
	}
	b := mustJoin(t, srv.URL(), "b", 0, "sites one")
	if b.CrawlID() != id {
		t.Errorf("second worker joined crawl %q, want %q", b.CrawlID(), id)
	}
	c, _ := Open(srv.URL(), Options{Worker: "c"})
	defer c.Close()
	if _, _, err := c.Join(ctx, []byte("sites two")); !errors.Is(err, ErrRefused) {
		t.Errorf("Join with another sites file = %v, want ErrRefused", err)
	}

	// once the crawl is over, the next Join starts a new crawl
	if err := a.Seeded(ctx); err != nil {
		t.Fatal(err)
	}
	if _, ok, _, done, err := a.Take(ctx); err != nil || ok || !done {
		t.Fatalf("Take on an empty seeded crawl: ok %v done %v err %v; want done", ok, done, err)
	}
	d := mustJoin(t, srv.URL(), "d", 0, "sites two")
	if d.CrawlID() == id {
		t.Errorf("a crawl joined after the last one finished kept its id %q", id)
	}
}

func TestState_frontier(t *testing.T) {
	srv := redistest.Start(t)
	ctx := context.Background()
	s := mustJoin(t, srv.URL(), "a", 2*time.Hour, "sites")
	slow := crawl.Politeness{Delay: time.Hour, Parallelism: 1}
	for _, u := range []string{"http://a.test/1", "http://a.test/2", "http://a.test/1"} {
		mustAdd(t, s, "a.test", u, slow)
	}
	if got := mustAdd(t, s, "a.test", "http://a.test/2", slow); got != crawl.AddedSeen {
		t.Errorf("Add of a URL queued before = %v, want AddedSeen", got)
	}
	if got := mustAdd(t, s, "b.test", "http://b.test/1", crawl.Politeness{Parallelism: 1}); got != crawl.AddedQueued {
		t.Errorf("Add = %v, want AddedQueued", got)
	}
	first := takeWhenReady(t, s)
	second := takeWhenReady(t, s)
	if first.Host == second.Host {
		t.Fatalf("two leases on %s at once, parallelism 1", first.Host)
	}
	var a crawl.Lease
	for _, l := range []crawl.Lease{first, second} {
		if l.Host == "a.test" {
			a = l
		}
	}
	if a.URL != "http://a.test/1" || a.Site != "s" {
		t.Errorf("first lease of a.test = %+v, want /1 of site s", a.Queued)
	}
	if _, ok, _, done, _ := s.Take(ctx); ok || done {
		t.Fatalf("Take while a.test is leased: ok %v done %v; want nothing ready, not done", ok, done)
	}
	if err := s.Finish(ctx, a, time.Hour); err != nil {
		t.Fatal(err)
	}
	_, ok, wait, _, _ := s.Take(ctx)
	if ok || wait < 59*time.Minute {
		t.Errorf("Take after a.test's page finished with an hour's delay: ok %v, wait %v; want none for an hour", ok, wait)
	}
	st, err := s.ReadStatus(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if st.Frontier != 1 || st.Leased != 1 || st.Done != 1 || st.HostsWaiting != 1 || st.HostsReady != 0 || st.Seen != 3 {
		t.Errorf("status = %+v; want 1 queued, 1 leased, 1 done, 1 host waiting, none ready, 3 seen", st)
	}
	if len(st.Workers) != 1 || st.Workers[0].Leases != 1 || st.Workers[0].Done != 1 {
		t.Errorf("workers = %+v; want a with 1 lease and 1 done", st.Workers)
	}
}

func TestState_limit(t *testing.T) {
	srv := redistest.Start(t)
	s := mustJoin(t, srv.URL(), "a", 0, "sites")
	p := crawl.Politeness{Parallelism: 1}
	var got []crawl.Added
	for _, u := range []string{"http://a.test/1", "http://a.test/2", "http://a.test/3"} {
		a, err := s.Add(context.Background(), "a.test", crawl.Queued{URL: u}, p, "s\x00pages", 2)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, a)
	}
	if got[0] != crawl.AddedQueued || got[1] != crawl.AddedQueued || got[2] != crawl.AddedOverLimit {
		t.Errorf("three Adds under a limit of 2 = %v, want queued, queued, over", got)
	}
}

// TestState_leaseRunsOut: a worker gone without finishing has its lease
// handed to another once it runs out; its late Finish changes nothing.
func TestState_leaseRunsOut(t *testing.T) {
	srv := redistest.Start(t)
	ctx := context.Background()
	gone := mustJoin(t, srv.URL(), "gone", 300*time.Millisecond, "sites")
	other := mustJoin(t, srv.URL(), "other", 300*time.Millisecond, "sites")
	mustAdd(t, gone, "a.test", "http://a.test/1", crawl.Politeness{Parallelism: 1})
	l := takeWhenReady(t, gone)
	gone.abandon() // no more renewals, as a kill -9
	again := takeWhenReady(t, other)
	if again.URL != l.URL || again.ID == l.ID {
		t.Fatalf("after the lease ran out, other took %+v; want %s under a new lease", again, l.URL)
	}
	// a worker whose lease ran out finishing late: the page is not counted twice
	late := mustJoin(t, srv.URL(), "gone", 300*time.Millisecond, "sites")
	if err := late.Finish(ctx, l, 0); err != nil {
		t.Fatal(err)
	}
	if err := other.Finish(ctx, again, 0); err != nil {
		t.Fatal(err)
	}
	st, _ := other.ReadStatus(ctx)
	if st.Done != 1 || st.Expired != 1 || st.Leased != 0 {
		t.Errorf("status = %+v; want 1 done, 1 lease run out, none leased", st)
	}
}

// TestState_renewed: a worker's heartbeat moves the end of its leases on.
func TestState_renewed(t *testing.T) {
	srv := redistest.Start(t)
	ctx := context.Background()
	a := mustJoin(t, srv.URL(), "a", time.Hour, "sites")
	mustAdd(t, a, "a.test", "http://a.test/1", crawl.Politeness{Parallelism: 1})
	held := takeWhenReady(t, a)
	a.rdb.ZAdd(ctx, a.prefix+"leases", redis.Z{Score: 1, Member: held.ID}) // as if it were about to run out
	a.beat(0)
	now := a.rdb.Time(ctx).Val()
	if end := a.rdb.ZScore(ctx, a.prefix+"leases", held.ID).Val(); end < float64(now.Add(59*time.Minute).UnixMilli()) {
		t.Errorf("lease end after a heartbeat = %.0f, want an hour after %d", end, now.UnixMilli())
	}
}

func TestState_retry(t *testing.T) {
	srv := redistest.Start(t)
	ctx := context.Background()
	s := mustJoin(t, srv.URL(), "a", 0, "sites")
	mustAdd(t, s, "a.test", "http://a.test/1", crawl.Politeness{Parallelism: 1})
	l := takeWhenReady(t, s)
	if err := s.Retry(ctx, l, 200*time.Millisecond, 0); err != nil {
		t.Fatal(err)
	}
	if _, ok, wait, _, _ := s.Take(ctx); ok || wait <= 0 {
		t.Fatalf("Take right after a retry: ok %v wait %v; want the host waiting", ok, wait)
	}
	again := takeWhenReady(t, s)
	if again.URL != l.URL || again.Tries != 1 {
		t.Errorf("retried lease = %+v; want %s with 1 try", again.Queued, l.URL)
	}
}

// TestState_redisRestart: what workers wrote outlives a Redis restart, and
// a call made while Redis is down waits for it and then succeeds.
func TestState_redisRestart(t *testing.T) {
	srv := redistest.Start(t)
	ctx := context.Background()
	s := mustJoin(t, srv.URL(), "a", 0, "sites")
	mustAdd(t, s, "a.test", "http://a.test/1", crawl.Politeness{Parallelism: 1})
	srv.Kill()
	added := make(chan error, 1)
	go func() {
		_, err := s.Add(ctx, "b.test", crawl.Queued{URL: "http://b.test/1"}, crawl.Politeness{Parallelism: 1}, "s", 0)
		added <- err
	}()
	srv.Restart()
	if err := <-added; err != nil {
		t.Fatalf("Add across the restart: %v", err)
	}
	got := map[string]bool{takeWhenReady(t, s).URL: true, takeWhenReady(t, s).URL: true}
	if !got["http://a.test/1"] || !got["http://b.test/1"] {
		t.Errorf("after the restart took %v; want both URLs", got)
	}
}

func TestState_Report(t *testing.T) {
	srv := redistest.Start(t)
	ctx := context.Background()
	a := mustJoin(t, srv.URL(), "a", 0, "sites")
	b := mustJoin(t, srv.URL(), "b", 0, "sites")
	t0 := time.Date(2026, 12, 7, 3, 0, 0, 0, time.UTC)
	ra := &crawl.Report{CrawlID: a.CrawlID(), Started: t0, Duration: time.Minute, Sites: []*crawl.SiteReport{{Site: "s", Fetched: 3,
		Status: map[string]int{"200": 3}, FailedURLs: []crawl.URLProblem{{URL: "http://a.test/x", Reason: "network"}}}}}
	rb := &crawl.Report{CrawlID: a.CrawlID(), Started: t0.Add(time.Minute), Duration: 2 * time.Minute, Sites: []*crawl.SiteReport{{Site: "s", Fetched: 2,
		Status: map[string]int{"200": 1, "404": 1}, FailedURLs: []crawl.URLProblem{{URL: "http://a.test/x", Reason: "network"}}}}}
	if err := a.KeepReport(ctx, ra); err != nil {
		t.Fatal(err)
	}
	if err := b.KeepReport(ctx, rb); err != nil {
		t.Fatal(err)
	}
	r, err := a.Report(ctx)
	if err != nil {
		t.Fatal(err)
	}
	tot := r.Totals()
	if tot.Fetched != 5 || tot.Status["200"] != 4 || len(tot.FailedURLs) != 1 || r.Duration != 3*time.Minute {
		t.Errorf("report = fetched %d, status %v, failed %v, duration %v; want 5, 200=4 404=1, one URL, 3m", tot.Fetched, tot.Status, tot.FailedURLs, r.Duration)
	}
}

// abandon stops the worker as a kill -9 would: no renewals, nothing given back.
func (s *State) abandon() {
	close(s.stop)
	s.wg.Wait()
	s.rdb.Close()
}

// TestState_Close: a worker stopping gives its leases back at once.
func TestState_Close(t *testing.T) {
	srv := redistest.Start(t)
	ctx := context.Background()
	a := mustJoin(t, srv.URL(), "a", time.Hour, "sites")
	b := mustJoin(t, srv.URL(), "b", time.Hour, "sites")
	mustAdd(t, a, "a.test", "http://a.test/1", crawl.Politeness{Parallelism: 1})
	held := takeWhenReady(t, a)
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	l, ok, _, _, err := b.Take(ctx)
	if err != nil || !ok || l.URL != held.URL {
		t.Fatalf("Take after a stopped: %+v ok %v err %v; want %s at once", l.Queued, ok, err, held.URL)
	}
	st, _ := b.ReadStatus(ctx)
	if st.Expired != 0 || len(st.Workers) != 1 {
		t.Errorf("status = %+v; want no lease run out, only b's line", st)
	}
}
