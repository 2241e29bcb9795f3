package crawlstate

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// Status is what `rankfile status --state` shows of a shared crawl.
type Status struct {
	CrawlID      string       `json:"crawl_id"`
	Sites        string       `json:"sites_sha1"`
	Started      time.Time    `json:"started"`
	Finished     *time.Time   `json:"finished,omitempty"`
	Seeded       bool         `json:"seeded"`
	Frontier     int64        `json:"frontier"`       // URLs queued, not leased
	Leased       int64        `json:"leased"`         // URLs leased to workers now
	Done         int64        `json:"done"`           // URLs finished
	Retried      int64        `json:"retried"`        // fetches put back for another try
	Expired      int64        `json:"leases_expired"` // leases run out and handed on
	Seen         int64        `json:"seen"`           // URLs in the seen set
	HostsWaiting int64        `json:"hosts_waiting"`  // hosts with URLs queued waiting for their turn
	HostsReady   int64        `json:"hosts_ready"`    // of which may be asked now
	Workers      []WorkerInfo `json:"workers"`
}

// ReadStatus reads the status of the crawl the state holds. It needs no
// Join: status is read beside the workers.
func (s *State) ReadStatus(ctx context.Context) (*Status, error) {
	c, err := s.rdb.HGetAll(ctx, crawlKey).Result()
	if err != nil {
		return nil, fmt.Errorf("crawlstate: read the crawl: %w", err)
	}
	if c["crawl_id"] == "" {
		return nil, fmt.Errorf("crawlstate: no crawl in this state")
	}
	st := &Status{CrawlID: c["crawl_id"], Sites: c["sites"], Started: msTime(c["started"])}
	if f := c["finished"]; f != "" {
		t := msTime(f)
		st.Finished = &t
	}
	p := "rankfile:" + st.CrawlID + ":"
	now, err := s.rdb.Time(ctx).Result()
	if err != nil {
		return nil, fmt.Errorf("crawlstate: %w", err)
	}
	var stats, done, wleases, workers *redis.MapStringStringCmd
	var seeded *redis.BoolCmd
	var leased, seen, waiting, ready *redis.IntCmd
	_, err = s.rdb.Pipelined(ctx, func(pl redis.Pipeliner) error {
		stats, done, wleases, workers = pl.HGetAll(ctx, p+"stats"), pl.HGetAll(ctx, p+"done"), pl.HGetAll(ctx, p+"wleases"), pl.HGetAll(ctx, p+"workers")
		seeded = pl.HExists(ctx, p+"meta", "seeded")
		leased, seen, waiting = pl.ZCard(ctx, p+"leases"), pl.SCard(ctx, p+"seen"), pl.ZCard(ctx, p+"hosts")
		ready = pl.ZCount(ctx, p+"hosts", "-inf", strconv.FormatInt(now.UnixMilli(), 10))
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("crawlstate: read the crawl's state: %w", err)
	}
	n := func(m map[string]string, k string) int64 { v, _ := strconv.ParseInt(m[k], 10, 64); return v }
	sm := stats.Val()
	st.Frontier, st.Done, st.Retried, st.Expired = n(sm, "queued"), n(sm, "done"), n(sm, "retried"), n(sm, "expired")
	st.Seeded, st.Leased, st.Seen, st.HostsWaiting, st.HostsReady = seeded.Val(), leased.Val(), seen.Val(), waiting.Val(), ready.Val()
	names := map[string]bool{}
	for k := range workers.Val() {
		names[k] = true
	}
	for k := range done.Val() {
		names[k] = true
	}
	for name := range names {
		w := WorkerInfo{Name: name}
		if v, ok := workers.Val()[name]; ok {
			json.Unmarshal([]byte(v), &w)
		}
		w.Leases, w.Done = n(wleases.Val(), name), n(done.Val(), name)
		st.Workers = append(st.Workers, w)
	}
	sort.Slice(st.Workers, func(i, j int) bool { return st.Workers[i].Name < st.Workers[j].Name })
	return st, nil
}

func msTime(v string) time.Time {
	ms, _ := strconv.ParseInt(v, 10, 64)
	return time.UnixMilli(ms).UTC()
}

// WriteText writes the status as a short table.
func (st *Status) WriteText(w io.Writer, now time.Time) {
	state := "under way"
	if st.Finished != nil {
		state = "finished " + st.Finished.Format(time.RFC3339)
	} else if !st.Seeded {
		state = "being seeded"
	}
	fmt.Fprintf(w, "shared crawl %s (sites sha1 %.12s), started %s, %s\n", st.CrawlID, st.Sites, st.Started.Format(time.RFC3339), state)
	fmt.Fprintf(w, "  frontier %d queued, %d leased, %d done, %d retried, %d leases run out; %d URLs seen\n",
		st.Frontier, st.Leased, st.Done, st.Retried, st.Expired, st.Seen)
	fmt.Fprintf(w, "  hosts waiting %d (%d may be asked now)\n", st.HostsWaiting, st.HostsReady)
	for _, wk := range st.Workers {
		seen := "gone"
		if !wk.Seen.IsZero() {
			seen = now.Sub(wk.Seen).Round(time.Second).String() + " ago"
		}
		fmt.Fprintf(w, "  worker %-20s %4d leases %7d done %7.1f pages/s  last seen %s\n", wk.Name, wk.Leases, wk.Done, wk.PagesPer, seen)
	}
}
