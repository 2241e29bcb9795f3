package crawlstate

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strconv"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"

	"rankfile/crawl"
)

// Robots returns the robots.txt a worker kept for scheme://host.
func (s *State) Robots(ctx context.Context, scheme, host string) (int, []byte, bool, error) {
	var v string
	err := s.retry(ctx, func(ctx context.Context) error {
		var err error
		v, err = s.rdb.HGet(ctx, s.prefix+"robots", scheme+"://"+host).Result()
		return err
	})
	if err == redis.Nil {
		return 0, nil, false, nil
	}
	if err != nil {
		return 0, nil, false, fmt.Errorf("crawlstate: robots.txt of %s: %w", host, err)
	}
	code, body, ok := strings.Cut(v, "\n")
	status, err := strconv.Atoi(code)
	if !ok || err != nil {
		return 0, nil, false, nil
	}
	return status, []byte(body), true, nil
}

// KeepRobots keeps robots.txt for scheme://host for the other workers.
func (s *State) KeepRobots(ctx context.Context, scheme, host string, status int, body []byte) error {
	return s.retry(ctx, func(ctx context.Context) error {
		return s.rdb.HSet(ctx, s.prefix+"robots", scheme+"://"+host, strconv.Itoa(status)+"\n"+string(body)).Err()
	})
}

// current is the crawl joined, or without a Join the crawl the state holds.
func (s *State) current(ctx context.Context) (string, error) {
	if s.crawlID != "" {
		return s.crawlID, nil
	}
	id, err := s.rdb.HGet(ctx, crawlKey, "crawl_id").Result()
	if err == redis.Nil {
		return "", errors.New("crawlstate: no crawl in this state")
	}
	if err != nil {
		return "", fmt.Errorf("crawlstate: read the crawl: %w", err)
	}
	return id, nil
}

// KeepReport keeps this worker's report of this run in the crawl's report.
func (s *State) KeepReport(ctx context.Context, r *crawl.Report) error {
	var b strings.Builder
	if err := r.WriteJSON(&b); err != nil {
		return err
	}
	return s.retry(ctx, func(ctx context.Context) error {
		return s.rdb.HSet(ctx, s.prefix+"reports", s.worker+"/"+s.run, b.String()).Err()
	})
}

// Report returns the crawl's report: those its workers kept, summed site
// by site, each URL named once.
func (s *State) Report(ctx context.Context) (*crawl.Report, error) {
	id, err := s.current(ctx)
	if err != nil {
		return nil, err
	}
	all, err := s.rdb.HGetAll(ctx, "rankfile:"+id+":reports").Result()
	if err != nil {
		return nil, fmt.Errorf("crawlstate: reports: %w", err)
	}
	keys := make([]string, 0, len(all))
	for k := range all {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	sum := &crawl.Report{CrawlID: id}
	var end time.Time
	for _, k := range keys {
		var r crawl.Report
		if err := json.Unmarshal([]byte(all[k]), &r); err != nil {
			return nil, fmt.Errorf("crawlstate: report of %s: %w", k, err)
		}
		if sum.Started.IsZero() || r.Started.Before(sum.Started) {
			sum.Started = r.Started
		}
		if e := r.Started.Add(r.Duration); e.After(end) {
			end = e
		}
		sum.Add(&r)
	}
	sum.Duration = end.Sub(sum.Started)
	return sum, nil
}
