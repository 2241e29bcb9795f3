package crawlstate

import (
	"context"
	"testing"
	"time"

	"rankfile/internal/redistest"
)

func mustJobs(t *testing.T, url, worker string, lease time.Duration, files []string) (*Jobs, bool) {
	t.Helper()
	s, err := Open(url, Options{Worker: worker, Lease: lease})
	if err != nil {
		t.Fatal(err)
	}
	j, started, err := s.Jobs(context.Background(), files)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { j.Close() })
	return j, started
}

func mustTake(t *testing.T, j *Jobs) string {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	f, err := j.Take(ctx)
	if err != nil {
		t.Fatal(err)
	}
	return f
}

// die stops a worker's heartbeat without giving its files back: a worker
// killed with SIGKILL.
func die(j *Jobs) {
	close(j.stop)
	j.wg.Wait()
}

// TestJobs_leases: two workers share two files; the one killed holding its
// file has it handed to the other when its lease runs out; the finish that
// makes every file done says so; one worker claims the assembling; a late
// finish of a file handed on changes nothing; once forgotten, the same
// files start a new run.
func TestJobs_leases(t *testing.T) {
	srv := redistest.Start(t)
	files := []string{"a.warc.gz", "b.warc.gz"}
	ctx := context.Background()
	a, started := mustJobs(t, srv.URL(), "a", 300*time.Millisecond, files)
	if !started {
		t.Fatal("the first worker did not start the run")
	}
	b, started := mustJobs(t, srv.URL(), "b", 300*time.Millisecond, files)
	if started {
		t.Fatal("the second worker started a run of its own")
	}
	fa, fb := mustTake(t, a), mustTake(t, b)
	if fa != files[0] || fb != files[1] {
		t.Fatalf("took %q and %q, want the files in order", fa, fb)
	}
	if last, err := b.Finish(ctx, fb); err != nil || last {
		t.Fatalf("finish %s: last %v, %v; want not last", fb, last, err)
	}
	die(a)
	if f := mustTake(t, b); f != fa { // waits for a's lease to run out
		t.Fatalf("b took %q, want the killed worker's %q", f, fa)
	}
	if last, err := b.Finish(ctx, fa); err != nil || !last {
		t.Fatalf("finish %s: last %v, %v; want last", fa, last, err)
	}
	if last, err := a.Finish(ctx, fa); err != nil || last {
		t.Fatalf("late finish by the killed worker: last %v, %v; want nothing", last, err)
	}
	if done, total, err := b.Counts(ctx); err != nil || done != 2 || total != 2 {
		t.Fatalf("counts %d/%d, %v; want 2/2", done, total, err)
	}
	if f := mustTake(t, b); f != "" {
		t.Fatalf("took %q once every file was done", f)
	}
	c, _ := mustJobs(t, srv.URL(), "c", time.Minute, files)
	if ok, err := b.Claim(ctx); err != nil || !ok {
		t.Fatalf("b's claim: %v, %v", ok, err)
	}
	if ok, err := c.Claim(ctx); err != nil || ok {
		t.Fatalf("c claimed the assembling b holds: %v, %v", ok, err)
	}
	if err := b.Forget(ctx); err != nil {
		t.Fatal(err)
	}
	if _, total, _ := c.Counts(ctx); total != -1 {
		t.Fatalf("total %d after Forget, want no run", total)
	}
	if ok, err := c.Claim(ctx); err != nil || ok {
		t.Fatalf("c claimed the assembling of a run assembled and forgotten: %v, %v", ok, err)
	}
	if _, started := mustJobs(t, srv.URL(), "d", time.Minute, files); !started {
		t.Fatal("the same files after Forget did not start a new run")
	}
}

// TestJobs_closeGivesBack: a worker stopping gives its file back at once,
// first in the queue, long before its lease would run out.
func TestJobs_closeGivesBack(t *testing.T) {
	srv := redistest.Start(t)
	files := []string{"a", "b", "c"}
	a, _ := mustJobs(t, srv.URL(), "a", time.Hour, files)
	b, _ := mustJobs(t, srv.URL(), "b", time.Hour, files)
	if f := mustTake(t, a); f != "a" {
		t.Fatalf("took %q", f)
	}
	a.Close()
	if f := mustTake(t, b); f != "a" {
		t.Fatalf("took %q after a stopped, want its file a back first", f)
	}
}
