package crawlstate

import (
	"context"
	"crypto/rand"
	"crypto/sha1"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/redis/go-redis/v9/maintnotifications"

	"rankfile/crawl"
)

// DefaultLease is how long a URL stays leased to a worker that stops
// renewing its leases (killed, or cut off from Redis) before it is handed
// to another worker.
const DefaultLease = 30 * time.Second

// Options configure a State.
type Options struct {
	// Worker names this worker, unique among the crawl's workers: it keys
	// its leases and report and names its WARC files. Join needs it; reading
	// the status does not.
	Worker string
	// Lease is how long a lease lasts without renewal; default DefaultLease.
	// A worker renews its leases every third of it.
	Lease  time.Duration
	Logger *slog.Logger
}

// State is a crawl's state kept in Redis and shared by its workers. It
// implements crawl.Shared. Its methods are safe for concurrent use; those
// that talk to Redis wait while it cannot be reached, trying again until
// it can or their context ends.
type State struct {
	rdb    *redis.Client
	worker string
	lease  time.Duration
	log    *slog.Logger
	run    string // this process's token, in lease IDs and report keys

	crawlID string // set by Join
	prefix  string // "rankfile:<crawl id>:"

	mu      sync.Mutex
	held    map[string]bool // lease IDs held
	seeding bool            // this worker holds the seeder key
	started time.Time
	pages   atomic.Int64 // leases finished by this process
	seq     atomic.Int64 // lease ID counter

	down  atomic.Bool // Redis is unreachable: a warning was logged
	calls *callCounter

	stop chan struct{}
	wg   sync.WaitGroup
}

var _ crawl.Shared = (*State)(nil)

// crawlKey holds the crawl under way: its sites file's digest, its id, when
// it started and, once it is over, when it finished.
const crawlKey = "rankfile:crawl"

// ErrRefused is returned by Join when the state holds a crawl of another
// sites file that is not finished.
var ErrRefused = errors.New("crawlstate: the shared state holds another crawl")

// Open connects to the Redis server named by a URL such as
// redis://HOST:PORT/DB. It does not wait for Redis: Join does.
func Open(rawURL string, opts Options) (*State, error) {
	ro, err := redis.ParseURL(rawURL)
	if err != nil {
		return nil, fmt.Errorf("crawlstate: %q: %w", rawURL, err)
	}
	if strings.ContainsAny(opts.Worker, "\n/\\ ") {
		return nil, fmt.Errorf("crawlstate: worker name %q: no spaces, slashes or line breaks", opts.Worker)
	}
	if opts.Lease <= 0 {
		opts.Lease = DefaultLease
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	ro.MaintNotificationsConfig = &maintnotifications.Config{Mode: maintnotifications.ModeDisabled}
	ro.MaxRetries = -1 // the state tries again itself, logging once that Redis is gone
	b := make([]byte, 4)
	rand.Read(b)
	s := &State{rdb: redis.NewClient(ro), worker: opts.Worker, lease: opts.Lease, run: hex.EncodeToString(b),
		log: opts.Logger.With("component", "crawlstate", "worker", opts.Worker), held: map[string]bool{}, stop: make(chan struct{}), calls: &callCounter{}}
	s.rdb.AddHook(s.calls)
	return s, nil
}

// Join joins the crawl of the sites file (its bytes) under way, or starts
// one when there is none or the last one finished; it returns the crawl's
// id and whether it started it. It refuses (ErrRefused) a crawl of another
// sites file under way. After Join the state renews this worker's leases
// and keeps its heartbeat until Close.
func (s *State) Join(ctx context.Context, sites []byte) (id string, started bool, err error) {
	if s.worker == "" {
		return "", false, errors.New("crawlstate: a worker needs a name")
	}
	sum := sha1.Sum(sites)
	var res []any
	err = s.retry(ctx, func(ctx context.Context) error {
		var err error
		res, err = joinScript.Run(ctx, s.rdb, []string{crawlKey}, hex.EncodeToString(sum[:]), crawl.NewCrawlID()).Slice()
		return err
	})
	if err != nil {
		if strings.HasPrefix(err.Error(), "REFUSED ") {
			return "", false, fmt.Errorf("%w: %s", ErrRefused, strings.TrimPrefix(err.Error(), "REFUSED "))
		}
		return "", false, fmt.Errorf("crawlstate: join: %w", err)
	}
	s.crawlID, started = res[0].(string), res[1].(int64) == 1
	s.prefix = "rankfile:" + s.crawlID + ":"
	s.started = time.Now()
	if old, _ := res[2].(string); old != "" {
		s.wg.Go(func() { s.forget(context.WithoutCancel(ctx), old) })
	}
	s.wg.Go(s.heartbeat)
	return s.crawlID, started, nil
}

// CrawlID is the id of the crawl joined.
func (s *State) CrawlID() string { return s.crawlID }

// Worker is this worker's name.
func (s *State) Worker() string { return s.worker }

// Close stops renewing the leases, gives back those still held (a worker
// stopped part way: their URLs go to the other workers at once, first in
// their hosts' queues), drops this worker's heartbeat and closes the
// connection. Leases it cannot give back (Redis gone) run out.
func (s *State) Close() error {
	select {
	case <-s.stop:
		return nil
	default:
	}
	close(s.stop)
	s.wg.Wait()
	if s.crawlID != "" {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		s.mu.Lock()
		args := []any{s.prefix}
		for id := range s.held {
			args = append(args, id)
		}
		s.mu.Unlock()
		if len(args) > 1 {
			n, err := giveBackScript.Run(ctx, s.rdb, nil, args...).Int64()
			s.log.Info("leases given back", "leases", n, "error", err)
		}
		s.rdb.HDel(ctx, s.prefix+"workers", s.worker)
		cancel()
	}
	return s.rdb.Close()
}

// forget deletes the keys of a finished crawl replaced by a new one.
func (s *State) forget(ctx context.Context, crawlID string) {
	iter := s.rdb.Scan(ctx, 0, "rankfile:"+crawlID+":*", 1000).Iterator()
	var keys []string
	for iter.Next(ctx) {
		keys = append(keys, iter.Val())
		if len(keys) == 1000 {
			s.rdb.Unlink(ctx, keys...)
			keys = keys[:0]
		}
	}
	if len(keys) > 0 {
		s.rdb.Unlink(ctx, keys...)
	}
	if err := iter.Err(); err != nil {
		s.log.Warn("keys of a finished crawl left in redis", "crawl_id", crawlID, "error", err)
	}
}

// retry runs f until it succeeds, fails for a reason other than Redis
// being unreachable or loading its data, or ctx ends. It logs once when
// Redis goes and once when it is back.
func (s *State) retry(ctx context.Context, f func(context.Context) error) error {
	wait := 50 * time.Millisecond
	for {
		err := f(ctx)
		if err == nil || !transient(err) {
			if err == nil && s.down.CompareAndSwap(true, false) {
				s.log.Warn("redis is back: going on")
			}
			return err
		}
		if ctx.Err() != nil {
			return ctx.Err()
		}
		if s.down.CompareAndSwap(false, true) {
			s.log.Warn("redis unreachable: waiting for it, taking no new URL", "error", err)
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return ctx.Err()
		case <-t.C:
		}
		wait = min(wait*2, 2*time.Second)
	}
}

// transient reports whether err means Redis cannot answer now (a lost or
// refused connection, a server loading its data) rather than an answer.
func transient(err error) bool {
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) || errors.Is(err, redis.ErrClosed) {
		return false
	}
	var re redis.Error
	if errors.As(err, &re) {
		for _, p := range []string{"LOADING", "BUSY", "TRYAGAIN", "MASTERDOWN", "READONLY"} {
			if strings.HasPrefix(re.Error(), p) {
				return true
			}
		}
		return false
	}
	return true
}

// Calls is the number of commands this State sent to Redis (a script
// counting as one, each command of a pipeline as one), tries that failed
// included: what the benchmarks report per page.
func (s *State) Calls() int64 { return s.calls.n.Load() }

// callCounter is a go-redis hook counting the commands sent.
type callCounter struct{ n atomic.Int64 }

func (h *callCounter) DialHook(next redis.DialHook) redis.DialHook { return next }

func (h *callCounter) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error {
		h.n.Add(1)
		return next(ctx, cmd)
	}
}

func (h *callCounter) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error {
		h.n.Add(int64(len(cmds)))
		return next(ctx, cmds)
	}
}
