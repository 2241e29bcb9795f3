package crawlstate

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"rankfile/crawl"
)

// seenKey is the seen set's member for a URL: 16 bytes of its SHA-256, so
// the set costs the same whatever the URLs' length.
func seenKey(u string) string {
	h := sha256.Sum256([]byte(u))
	return string(h[:16])
}

// Add queues q for host unless it was seen: AddMany of one.
func (s *State) Add(ctx context.Context, host string, q crawl.Queued, p crawl.Politeness, counter string, limit int) (crawl.Added, error) {
	got, err := s.AddMany(ctx, []crawl.Adding{{Host: host, Queued: q, Politeness: p, Counter: counter, Limit: limit}})
	if err != nil {
		return 0, err
	}
	return got[0], nil
}

// AddMany queues each URL for its host unless it was seen, in one call
// (see crawl.Shared).
func (s *State) AddMany(ctx context.Context, adds []crawl.Adding) ([]crawl.Added, error) {
	args := []any{s.prefix}
	for _, a := range adds {
		item, err := json.Marshal(a.Queued)
		if err != nil {
			return nil, err
		}
		args = append(args, seenKey(a.URL), a.Host, item, a.Counter, a.Limit, max(a.Politeness.Parallelism, 1), a.Politeness.Delay.Milliseconds())
	}
	var res []any
	err := s.retry(ctx, func(ctx context.Context) error {
		var err error
		res, err = addScript.Run(ctx, s.rdb, nil, args...).Slice()
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("crawlstate: add %d URLs: %w", len(adds), err)
	}
	if len(res) != len(adds) {
		return nil, fmt.Errorf("crawlstate: add %d URLs: %d answers", len(adds), len(res))
	}
	got := make([]crawl.Added, len(res))
	for i, r := range res {
		got[i] = crawl.Added(r.(int64))
	}
	return got, nil
}

// Seen marks u seen and reports whether it was before.
func (s *State) Seen(ctx context.Context, u string) (bool, error) {
	var n int64
	err := s.retry(ctx, func(ctx context.Context) error {
		var err error
		n, err = s.rdb.SAdd(ctx, s.prefix+"seen", seenKey(u)).Result()
		return err
	})
	return n == 0, err
}

// Take leases the next URL a host may be asked for: TakeMany of one.
func (s *State) Take(ctx context.Context) (l crawl.Lease, ok bool, wait time.Duration, done bool, err error) {
	ls, wait, done, err := s.TakeMany(ctx, 1)
	if len(ls) == 1 {
		return ls[0], true, 0, false, err
	}
	return l, false, wait, done, err
}

// TakeMany leases up to n URLs whose hosts may be asked now, one call for
// all of them (see crawl.Shared).
func (s *State) TakeMany(ctx context.Context, n int) (ls []crawl.Lease, wait time.Duration, done bool, err error) {
	var idp string
	var res []any
	err = s.retry(ctx, func(ctx context.Context) error {
		// new IDs for each try: a try that Redis ran but whose answer was
		// lost leaves leases of their own, which run out and go back
		idp = s.worker + "-" + s.run + "-" + strconv.FormatInt(s.seq.Add(1), 36)
		var err error
		res, err = takeScript.Run(ctx, s.rdb, []string{crawlKey}, s.prefix, s.crawlID, s.worker, s.lease.Milliseconds(), idp, max(n, 1)).Slice()
		return err
	})
	if err != nil {
		return nil, 0, false, fmt.Errorf("crawlstate: take: %w", err)
	}
	got := int(res[0].(int64))
	if got == 0 {
		wait = time.Duration(res[1].(int64)) * time.Millisecond
		if expiry := time.Duration(res[2].(int64)) * time.Millisecond; expiry > 0 && (wait <= 0 || expiry < wait) {
			wait = expiry // a lease running out hands a URL back
		}
		return nil, wait, res[3].(int64) == 1, nil
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for i := range got {
		l := crawl.Lease{ID: idp + "." + strconv.Itoa(i+1), Host: res[4+2*i].(string)}
		if err := json.Unmarshal([]byte(res[5+2*i].(string)), &l.Queued); err != nil {
			// handed on all the same, without a URL: its fetch fails at
			// once and its lease is finished, not handed round for ever
			s.log.Error("a queued URL cannot be read", "host", l.Host, "error", err)
		}
		s.held[l.ID] = true
		ls = append(ls, l)
	}
	return ls, 0, false, nil
}

// Finish ends a lease; its host may be asked again delay from now.
func (s *State) Finish(ctx context.Context, l crawl.Lease, delay time.Duration) error {
	var n int64
	err := s.retry(ctx, func(ctx context.Context) error {
		var err error
		n, err = finishScript.Run(ctx, s.rdb, nil, s.prefix, l.ID, delay.Milliseconds()).Int64()
		return err
	})
	if err != nil { // still held: Close gives it back
		return fmt.Errorf("crawlstate: finish %s: %w", l.URL, err)
	}
	s.release(l.ID)
	s.pages.Add(1)
	if n == 0 {
		s.log.Warn("lease ran out before the page was done: another worker fetched it too", "url", l.URL)
	}
	return nil
}

// Retry puts a leased URL back first in its host's queue, with one more
// try counted; the host is asked again no sooner than wait and delay.
func (s *State) Retry(ctx context.Context, l crawl.Lease, wait, delay time.Duration) error {
	q := l.Queued
	q.Tries++
	item, err := json.Marshal(q)
	if err != nil {
		return err
	}
	err = s.retry(ctx, func(ctx context.Context) error {
		return retryScript.Run(ctx, s.rdb, nil, s.prefix, l.ID, item, max(wait, delay).Milliseconds()).Err()
	})
	if err != nil {
		return fmt.Errorf("crawlstate: retry %s: %w", l.URL, err)
	}
	s.release(l.ID)
	return nil
}

func (s *State) release(id string) {
	s.mu.Lock()
	delete(s.held, id)
	s.mu.Unlock()
}

// Seeding reports whether this worker is to queue the seeds: no worker has
// yet, and no other is doing so (its claim runs out with its leases).
func (s *State) Seeding(ctx context.Context) (bool, error) {
	var ok bool
	err := s.retry(ctx, func(ctx context.Context) error {
		seeded, err := s.rdb.HExists(ctx, s.prefix+"meta", "seeded").Result()
		if err != nil || seeded {
			ok = false
			return err
		}
		ok, err = s.rdb.SetNX(ctx, s.prefix+"seeder", s.worker, s.lease).Result()
		return err
	})
	if err != nil {
		return false, fmt.Errorf("crawlstate: seeding: %w", err)
	}
	s.mu.Lock()
	s.seeding = ok
	s.mu.Unlock()
	return ok, nil
}

// Seeded notes that the seeds and sitemaps are queued.
func (s *State) Seeded(ctx context.Context) error {
	err := s.retry(ctx, func(ctx context.Context) error {
		return s.rdb.HSet(ctx, s.prefix+"meta", "seeded", s.worker).Err()
	})
	s.mu.Lock()
	s.seeding = false
	s.mu.Unlock()
	return err
}

// heartbeat renews this worker's leases and seeder claim and keeps its
// line in the workers' table, every third of the lease, until Close.
func (s *State) heartbeat() {
	t := time.NewTicker(s.lease / 3)
	defer t.Stop()
	var last int64
	lastAt := time.Now()
	for {
		pages := s.pages.Load()
		rate := float64(pages-last) / max(time.Since(lastAt).Seconds(), 0.001)
		last, lastAt = pages, time.Now()
		s.beat(rate)
		select {
		case <-s.stop:
			return
		case <-t.C:
		}
	}
}

// WorkerInfo is a worker's line in the crawl's table of workers.
type WorkerInfo struct {
	Name     string    `json:"name"`
	Started  time.Time `json:"started"`
	Seen     time.Time `json:"seen"`        // its last heartbeat
	Pages    int64     `json:"pages"`       // URLs it finished in this run
	PagesPer float64   `json:"pages_per_s"` // since its heartbeat before
	Leases   int64     `json:"leases"`      // URLs it holds now (from the state)
	Done     int64     `json:"done"`        // URLs it finished in the crawl, all runs (from the state)
}

// beat renews the leases held and writes the worker's line. It tries once:
// a Redis gone is waited for by the crawl's own calls.
func (s *State) beat(rate float64) {
	ctx, cancel := context.WithTimeout(context.Background(), s.lease/3)
	defer cancel()
	s.mu.Lock()
	args := []any{s.prefix, s.lease.Milliseconds()}
	for id := range s.held {
		args = append(args, id)
	}
	seeding := s.seeding
	s.mu.Unlock()
	info, _ := json.Marshal(WorkerInfo{Name: s.worker, Started: s.started, Seen: time.Now(), Pages: s.pages.Load(), PagesPer: rate})
	_, err := s.rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
		if len(args) > 2 {
			renewScript.Eval(ctx, p, nil, args...) // not EVALSHA: a restarted Redis has no script cached, and a pipeline cannot fall back
		}
		if seeding {
			p.Expire(ctx, s.prefix+"seeder", s.lease)
		}
		p.HSet(ctx, s.prefix+"workers", s.worker, info)
		return nil
	})
	if err != nil && !errors.Is(err, redis.Nil) {
		s.log.Debug("heartbeat failed", "error", err)
	}
}
