package crawlstate

import (
	"context"
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/redis/go-redis/v9"
)

// Jobs is a re-extraction shared by workers through Redis: the archive's
// WARC files are its jobs, each taken with a lease like a crawl's URL. A
// worker killed (or cut off) has its file handed to another worker when
// its lease runs out. Once every file is done, one worker claims the
// assembling (a claim that runs out with its heartbeat, so a worker
// started later takes it up when the claimant died).
//
// Keys start with "rankfile:extract:<digest of the file names>:", so
// workers started on the same archive join one run; the run's keys are
// deleted once it is assembled (Forget), and the next run starts anew.
type Jobs struct {
	s      *State
	prefix string

	mu   sync.Mutex
	held map[string]bool // files leased to this worker

	stop chan struct{}
	wg   sync.WaitGroup
}

// JobsPoll is how often a worker with nothing to take asks again while
// other workers hold the last files.
var JobsPoll = 200 * time.Millisecond

// Jobs starts the re-extraction of files (the archive's WARC file names,
// in archive order) or joins the one under way for the same files. It
// reports whether this worker started it. The state's connection is
// closed by Close.
func (s *State) Jobs(ctx context.Context, files []string) (*Jobs, bool, error) {
	if s.worker == "" {
		return nil, false, fmt.Errorf("crawlstate: a worker needs a name")
	}
	h := sha1.New()
	for _, f := range files {
		fmt.Fprintf(h, "%s\n", f)
	}
	j := &Jobs{s: s, prefix: "rankfile:extract:" + hex.EncodeToString(h.Sum(nil)) + ":", held: map[string]bool{}, stop: make(chan struct{})}
	args := []any{j.prefix}
	for _, f := range files {
		args = append(args, f)
	}
	var started int64
	err := s.retry(ctx, func(ctx context.Context) error {
		var err error
		started, err = jobsStartScript.Run(ctx, s.rdb, nil, args...).Int64()
		return err
	})
	if err != nil {
		return nil, false, fmt.Errorf("crawlstate: start extraction: %w", err)
	}
	j.wg.Go(j.heartbeat)
	return j, started == 1, nil
}

// Take leases the next file to extract, waiting while other workers hold
// the last ones (a file whose lease runs out comes back to be taken). It
// returns "" once every file is done, or the run was assembled and
// forgotten meanwhile.
func (j *Jobs) Take(ctx context.Context) (string, error) {
	for {
		var res []any
		err := j.s.retry(ctx, func(ctx context.Context) error {
			var err error
			res, err = jobsTakeScript.Run(ctx, j.s.rdb, nil, j.prefix, j.s.worker, j.s.lease.Milliseconds()).Slice()
			return err
		})
		if err != nil {
			return "", fmt.Errorf("crawlstate: take a file: %w", err)
		}
		if f := res[0].(string); f != "" {
			j.mu.Lock()
			j.held[f] = true
			j.mu.Unlock()
			return f, nil
		}
		done, total := res[2].(int64), res[3].(int64)
		if total < 0 || done >= total {
			return "", nil
		}
		t := time.NewTimer(JobsPoll)
		select {
		case <-ctx.Done():
			t.Stop()
			return "", ctx.Err()
		case <-t.C:
		}
	}
}

// Finish notes the file done (its parts written whole). It reports
// whether this made every file done: the caller then assembles.
func (j *Jobs) Finish(ctx context.Context, file string) (last bool, err error) {
	var n int64
	err = j.s.retry(ctx, func(ctx context.Context) error {
		var err error
		n, err = jobsFinishScript.Run(ctx, j.s.rdb, nil, j.prefix, file).Int64()
		return err
	})
	j.mu.Lock()
	delete(j.held, file)
	j.mu.Unlock()
	if err != nil {
		return false, fmt.Errorf("crawlstate: finish %s: %w", file, err)
	}
	return n == 1, nil
}

// Counts returns how many files are done and how many there are.
func (j *Jobs) Counts(ctx context.Context) (done, total int64, err error) {
	err = j.s.retry(ctx, func(ctx context.Context) error {
		d, err := j.s.rdb.SCard(ctx, j.prefix+"done").Result()
		if err != nil {
			return err
		}
		t, err := j.s.rdb.Get(ctx, j.prefix+"total").Int64()
		if err == redis.Nil {
			t, err = -1, nil
		}
		done, total = d, t
		return err
	})
	return done, total, err
}

// Claim claims the assembling of the run for this worker; false when
// another worker holds it. The claim is renewed with the leases and runs
// out when the worker dies.
func (j *Jobs) Claim(ctx context.Context) (bool, error) {
	var ok int64
	err := j.s.retry(ctx, func(ctx context.Context) error {
		var err error
		ok, err = jobsClaimScript.Run(ctx, j.s.rdb, nil, j.prefix, j.s.worker, j.s.lease.Milliseconds()).Int64()
		return err
	})
	return ok == 1, err
}

// Forget deletes the run's keys once it is assembled: a worker started
// later starts a new re-extraction.
func (j *Jobs) Forget(ctx context.Context) error {
	return j.s.retry(ctx, func(ctx context.Context) error {
		return j.s.rdb.Del(ctx, j.prefix+"q", j.prefix+"leases", j.prefix+"owner", j.prefix+"done", j.prefix+"total", j.prefix+"asm").Err()
	})
}

// Close stops renewing; files still leased are handed back at once (first
// in the queue), and the connection is closed.
func (j *Jobs) Close() error {
	select {
	case <-j.stop:
		return nil
	default:
	}
	close(j.stop)
	j.wg.Wait()
	j.mu.Lock()
	args := []any{j.prefix, j.s.worker}
	for f := range j.held {
		args = append(args, f)
	}
	j.mu.Unlock()
	if len(args) > 2 {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		n, err := jobsGiveBackScript.Run(ctx, j.s.rdb, nil, args...).Int64()
		cancel()
		j.s.log.Info("files given back", "files", n, "error", err)
	}
	return j.s.rdb.Close()
}

// heartbeat renews this worker's leases and claim every third of a lease.
func (j *Jobs) heartbeat() {
	t := time.NewTicker(j.s.lease / 3)
	defer t.Stop()
	for {
		select {
		case <-j.stop:
			return
		case <-t.C:
		}
		j.mu.Lock()
		args := []any{j.prefix, j.s.worker, j.s.lease.Milliseconds()}
		for f := range j.held {
			args = append(args, f)
		}
		j.mu.Unlock()
		ctx, cancel := context.WithTimeout(context.Background(), j.s.lease/3)
		if err := jobsRenewScript.Run(ctx, j.s.rdb, nil, args...).Err(); err != nil && !strings.Contains(err.Error(), "context") {
			j.s.log.Warn("leases not renewed", "error", err)
		}
		cancel()
	}
}

const jobsNow = `
local function now_ms()
  local t = redis.call('TIME')
  return tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
end
`

// ARGV: prefix, files... Queues the files unless the run exists.
var jobsStartScript = redis.NewScript(`
local p = ARGV[1]
if redis.call('EXISTS', p .. 'total') == 1 then return 0 end
for i = 2, #ARGV do redis.call('RPUSH', p .. 'q', ARGV[i]) end
redis.call('SET', p .. 'total', #ARGV - 1)
return 1
`)

// ARGV: prefix, worker, lease ms. Hands back the leases run out (first in
// the queue), then leases the next file: {file} or {"", leased, done, total}.
var jobsTakeScript = redis.NewScript(jobsNow + `
local p, worker, lease = ARGV[1], ARGV[2], tonumber(ARGV[3])
local total = tonumber(redis.call('GET', p .. 'total') or '-1')
local now = now_ms()
for _, f in ipairs(redis.call('ZRANGEBYSCORE', p .. 'leases', '-inf', now)) do
  redis.call('ZREM', p .. 'leases', f)
  redis.call('HDEL', p .. 'owner', f)
  redis.call('LPUSH', p .. 'q', f)
end
local f = redis.call('LPOP', p .. 'q')
if f then
  redis.call('ZADD', p .. 'leases', now + lease, f)
  redis.call('HSET', p .. 'owner', f, worker)
  return {f, 0, 0, 0}
end
return {'', redis.call('ZCARD', p .. 'leases'), redis.call('SCARD', p .. 'done'), total}
`)

// ARGV: prefix, file. Notes the file done (whoever wrote it: its parts are
// whole either way); 1 when this made every file done.
var jobsFinishScript = redis.NewScript(`
local p, f = ARGV[1], ARGV[2]
if redis.call('SISMEMBER', p .. 'done', f) == 1 then return 0 end
redis.call('ZREM', p .. 'leases', f)
redis.call('HDEL', p .. 'owner', f)
redis.call('LREM', p .. 'q', 0, f)
redis.call('SADD', p .. 'done', f)
if redis.call('SCARD', p .. 'done') >= tonumber(redis.call('GET', p .. 'total') or '0') then return 1 end
return 0
`)

// ARGV: prefix, worker, lease ms, files... Renews the worker's leases that
// are still its own, and its claim.
var jobsRenewScript = redis.NewScript(jobsNow + `
local p, worker, lease = ARGV[1], ARGV[2], tonumber(ARGV[3])
local at = now_ms() + lease
for i = 4, #ARGV do
  if redis.call('HGET', p .. 'owner', ARGV[i]) == worker then
    redis.call('ZADD', p .. 'leases', 'XX', at, ARGV[i])
  end
end
if redis.call('GET', p .. 'asm') == worker then redis.call('PEXPIRE', p .. 'asm', lease) end
return 1
`)

// ARGV: prefix, worker, lease ms. 1 when the worker holds the claim; 0
// when another does, or the run was assembled and forgotten.
var jobsClaimScript = redis.NewScript(`
local p, worker = ARGV[1], ARGV[2]
if redis.call('EXISTS', p .. 'total') == 0 then return 0 end
if redis.call('SET', p .. 'asm', worker, 'NX', 'PX', tonumber(ARGV[3])) then return 1 end
if redis.call('GET', p .. 'asm') == worker then return 1 end
return 0
`)

// ARGV: prefix, worker, files... Hands the worker's files back first in
// the queue; returns how many.
var jobsGiveBackScript = redis.NewScript(`
local p, worker = ARGV[1], ARGV[2]
local n = 0
for i = 3, #ARGV do
  if redis.call('HGET', p .. 'owner', ARGV[i]) == worker then
    redis.call('ZREM', p .. 'leases', ARGV[i])
    redis.call('HDEL', p .. 'owner', ARGV[i])
    redis.call('LPUSH', p .. 'q', ARGV[i])
    n = n + 1
  end
end
return n
`)
