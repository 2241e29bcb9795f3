package crawlstate

import (
	"bytes"
	"context"
	"net"
	"sync/atomic"
	"testing"
	"time"

	"rankfile/crawl"
	"rankfile/internal/redistest"
)

// dropProxy forwards loopback connections to Redis; when dropTake is set,
// it drops the answer to the next command that runs the take script, and
// the connection with it, as a network failing between a command and its
// answer does.
type dropProxy struct {
	l        net.Listener
	to       string
	dropTake atomic.Bool
}

func startDropProxy(t *testing.T, to string) *dropProxy {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &dropProxy{l: l, to: to}
	t.Cleanup(func() { l.Close() })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			go p.serve(c)
		}
	}()
	return p
}

func (p *dropProxy) serve(c net.Conn) {
	defer c.Close()
	r, err := net.Dial("tcp", p.to)
	if err != nil {
		return
	}
	defer r.Close()
	var drop atomic.Bool
	go func() {
		buf := make([]byte, 64<<10)
		for {
			n, err := c.Read(buf)
			if err != nil {
				r.Close()
				return
			}
			if bytes.Contains(buf[:n], []byte(takeScript.Hash())) && p.dropTake.CompareAndSwap(true, false) {
				drop.Store(true)
			}
			if _, err := r.Write(buf[:n]); err != nil {
				return
			}
		}
	}()
	buf := make([]byte, 64<<10)
	for {
		n, err := r.Read(buf)
		if err != nil {
			return
		}
		if drop.Load() {
			return // the answer is lost; both connections close
		}
		if _, err := c.Write(buf[:n]); err != nil {
			return
		}
	}
}

// TestState_lostAnswer: a Take that Redis ran but whose answer was lost is
// tried again under a new lease ID; the lease the lost try took runs out
// and its URL comes back, and the crawl ends with nothing left behind.
func TestState_lostAnswer(t *testing.T) {
	srv := redistest.Start(t)
	px := startDropProxy(t, srv.Addr())
	ctx := context.Background()
	s := mustJoin(t, "redis://"+px.l.Addr().String()+"/0", "a", 300*time.Millisecond, "sites")
	for _, u := range []string{"http://a.test/1", "http://b.test/1"} {
		mustAdd(t, s, u[7:13], u, crawl.Politeness{Parallelism: 1})
	}
	if err := s.Seeded(ctx); err != nil {
		t.Fatal(err)
	}
	if err := takeScript.Load(ctx, s.rdb).Err(); err != nil { // so the take below is an EVALSHA naming it
		t.Fatal(err)
	}
	px.dropTake.Store(true)
	first := takeWhenReady(t, s)
	if err := s.Finish(ctx, first, 0); err != nil {
		t.Fatal(err)
	}
	second := takeWhenReady(t, s) // the lost try's URL, once its lease ran out
	if second.URL == first.URL {
		t.Fatalf("took %s twice", first.URL)
	}
	if err := s.Finish(ctx, second, 0); err != nil {
		t.Fatal(err)
	}
	if _, ok, _, done, err := s.Take(ctx); ok || !done || err != nil {
		t.Errorf("Take after both URLs finished: ok %v done %v err %v; want the crawl done", ok, done, err)
	}
}
