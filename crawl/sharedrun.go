package crawl

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gocolly/colly/v2"
	"github.com/temoto/robotstxt"
)

// sharedRun is what a crawler on a Shared state keeps of its own: the
// leases it holds and what it learned of hosts.
type sharedRun struct {
	state    Shared
	leases   sync.Map // lease ID -> Lease
	running  atomic.Int64
	wake     chan struct{} // a lease ended: a slot is free, links may be queued
	delays   sync.Map      // host -> robots.txt's Crawl-delay
	hostRule map[string]Politeness
}

// sharedPoll is the longest a worker waits before asking the state again
// when no host is ready: other workers' pages may have queued new URLs.
const sharedPoll = 250 * time.Millisecond

// sharedBatch is the most leases a worker takes in one call: many hosts
// ready at once are not taken one round trip each.
const sharedBatch = 32

// sharedSeedCheck is how often an idle worker checks that the crawl was
// seeded.
const sharedSeedCheck = 5 * time.Second

// sharedReportEvery is how often a worker keeps its report in the state.
const sharedReportEvery = 5 * time.Second

// runShared crawls from the shared state until it reports the crawl done
// or ctx ends. Politeness is the state's, for all workers together: colly
// gets no limit rules.
func (c *Crawler) runShared(ctx context.Context, col *colly.Collector) error {
	s := &sharedRun{state: c.opts.Shared, wake: make(chan struct{}, 1), hostRule: map[string]Politeness{}}
	c.shared = s
	for _, site := range c.opts.Sites.Sites {
		for _, seed := range site.Seeds {
			if u, err := url.Parse(seed); err == nil {
				if _, ok := s.hostRule[u.Host]; !ok {
					s.hostRule[u.Host] = Politeness{Delay: site.Delay, Parallelism: site.Parallelism}
				}
			}
		}
	}
	c.robots.archived = func(scheme, host string) (*robotstxt.RobotsData, bool) { return c.sharedRobots(ctx, scheme, host) }
	c.robots.keep = func(scheme, host string, status int, body []byte) {
		if err := s.state.KeepRobots(ctx, scheme, host, status, body); err != nil {
			c.log.Warn("robots.txt not kept in the shared state", "host", host, "error", err)
		}
	}
	col.OnRequest(func(r *colly.Request) { c.admit(ctx, r) })
	col.OnResponse(func(r *colly.Response) { c.follow(ctx, r) })
	col.OnError(func(r *colly.Response, err error) {
		if c.retryShared(ctx, r, err) {
			return
		}
		c.inflight.finished(r.Request.URL.String())
		c.failed(ctx, r, err)
		c.endLease(ctx, r.Request, r.StatusCode >= 500 || r.StatusCode == 0)
	})
	col.OnScraped(func(r *colly.Response) { c.endLease(ctx, r.Request, false) })

	if err := c.seedShared(ctx); err != nil {
		return err
	}
	keeping := make(chan struct{})
	kept := make(chan struct{})
	go func() {
		defer close(kept)
		c.keepReports(ctx, keeping)
	}()
	err := c.pump(ctx, col)
	c.bg.Wait()
	col.Wait()
	close(keeping)
	<-kept
	return err
}

// seedShared queues the seeds when this worker is the one to (see
// Shared.Seeding): the first to join, or, when the seeder died before it
// was done, a worker that finds its claim run out. A seed's lease queues
// its host's sitemaps when it ends (endLeaseID), so a worker killed in
// between loses none.
func (c *Crawler) seedShared(ctx context.Context) error {
	seeding, err := c.shared.state.Seeding(ctx)
	if err != nil || !seeding {
		return err
	}
	bctx, queue := c.batchAdds(ctx)
	for _, site := range c.opts.Sites.Sites {
		for _, seed := range site.Seeds {
			if u, err := Normalize(nil, seed); err == nil {
				c.enqueue(bctx, site, u, 0, origin{})
			}
		}
	}
	queue()
	if ctx.Err() != nil {
		return nil
	}
	return c.shared.state.Seeded(ctx)
}

// keepReports keeps the worker's report in the state every
// sharedReportEvery, and once more when stop closes.
func (c *Crawler) keepReports(ctx context.Context, stop <-chan struct{}) {
	t := time.NewTicker(sharedReportEvery)
	defer t.Stop()
	for {
		select {
		case <-stop:
			c.report.Duration = c.opts.now().Sub(c.report.Started)
			// the last report is kept even when ctx ended (an interrupted worker)
			kctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
			if err := c.shared.state.KeepReport(kctx, c.report); err != nil {
				c.log.Warn("report not kept in the shared state", "error", err)
			}
			cancel()
			return
		case <-t.C:
			c.report.Duration = c.opts.now().Sub(c.report.Started)
			if err := c.shared.state.KeepReport(ctx, c.report); err != nil && ctx.Err() == nil {
				c.log.Warn("report not kept in the shared state", "error", err)
			}
		}
	}
}

// pump takes leases from the state and hands them to colly, at most
// maxRunning at once, until the state reports the crawl done.
func (c *Crawler) pump(ctx context.Context, col *colly.Collector) error {
	s := c.shared
	lastSeedCheck := time.Now()
	for ctx.Err() == nil {
		if s.running.Load() >= maxRunning {
			c.waitShared(ctx, sharedPoll)
			continue
		}
		ls, wait, done, err := s.state.TakeMany(ctx, min(maxRunning-int(s.running.Load()), sharedBatch))
		switch {
		case err != nil:
			if ctx.Err() != nil {
				return nil
			}
			return err
		case len(ls) > 0:
			for _, l := range ls {
				c.startLease(ctx, col, l)
			}
			continue
		case done && s.running.Load() == 0:
			return nil
		case !done && time.Since(lastSeedCheck) > sharedSeedCheck:
			// a crawl whose seeder died before it was done is never done:
			// the first worker to find its claim run out seeds it
			lastSeedCheck = time.Now()
			if err := c.seedShared(ctx); err != nil && ctx.Err() == nil {
				return err
			}
		}
		if wait <= 0 || wait > sharedPoll {
			wait = sharedPoll
		}
		c.waitShared(ctx, wait)
	}
	return nil
}

// waitShared waits d, or until a lease of this worker ends or ctx does.
func (c *Crawler) waitShared(ctx context.Context, d time.Duration) {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
	case <-c.shared.wake:
	case <-t.C:
	}
}

// startLease hands the leased URL to colly with its crawl context.
func (c *Crawler) startLease(ctx context.Context, col *colly.Collector, l Lease) {
	s := c.shared
	uc := newURLContext(origin{via: l.Via, path: l.Hops})
	c.inflight.add(l.URL, uc)
	uc.site, uc.requisite = c.siteNamed(l.Site), l.Requisite
	uc.tries.Store(int32(l.Tries))
	s.leases.Store(l.ID, l)
	s.running.Add(1)
	c.queued.Add(1)
	cctx := colly.NewContext()
	cctx.Put("depth", strconv.Itoa(l.Depth))
	cctx.Put("via", l.Via)
	cctx.Put("lease", l.ID)
	if err := col.Request(http.MethodGet, l.URL, nil, cctx, nil); err != nil {
		c.inflight.finished(l.URL)
		c.log.Warn("not queued", "url", l.URL, "error", err)
		if uc.site != nil {
			c.report.fail(uc.site.Name, URLProblem{URL: l.URL, Reason: "queue", Detail: err.Error(), Via: l.Via})
		}
		c.endLeaseID(ctx, l.ID, true)
	}
}

// siteNamed returns the site of the sites file with that name.
func (c *Crawler) siteNamed(name string) *Site {
	for _, s := range c.opts.Sites.Sites {
		if s.Name == name {
			return s
		}
	}
	return nil
}

// endRequest ends a request that colly calls nothing else for (one
// robots.txt disallows): the lease it was taken with, or the local count.
func (c *Crawler) endRequest(ctx context.Context, r *colly.Request, failed bool) {
	if c.shared != nil {
		c.endLease(ctx, r, failed)
		return
	}
	c.finish(failed)
}

// endLease finishes the lease the request was made under: its host may be
// asked again after its delay.
func (c *Crawler) endLease(ctx context.Context, r *colly.Request, failed bool) {
	c.endLeaseID(ctx, r.Ctx.Get("lease"), failed)
}

func (c *Crawler) endLeaseID(ctx context.Context, id string, failed bool) {
	s := c.shared
	v, ok := s.leases.LoadAndDelete(id)
	if !ok {
		return
	}
	l := v.(Lease)
	if l.Via == "" && l.Hops == "" { // a seed: its host's sitemaps, robots.txt now known
		if site := c.siteNamed(l.Site); site != nil {
			if u, err := url.Parse(l.URL); err == nil {
				c.hostSitemaps(ctx, site, u.Scheme, u.Host)
			}
		}
	}
	// a finished page whose end the state cannot hear of (ctx ended) is
	// handed to another worker when its lease runs out
	if err := s.state.Finish(ctx, l, c.hostDelay(l.Host)); err != nil && ctx.Err() == nil {
		c.log.Warn("lease not finished in the shared state", "url", l.URL, "error", err)
	}
	s.running.Add(-1)
	c.count(failed)
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// retryShared puts a failed fetch that may succeed if tried again back in
// the shared frontier, for any worker to try after its backoff; it reports
// whether it did.
func (c *Crawler) retryShared(ctx context.Context, r *colly.Response, err error) bool {
	if !retryable(r.StatusCode, err) || ctx.Err() != nil {
		return false
	}
	v, ok := c.shared.leases.Load(r.Ctx.Get("lease"))
	if !ok {
		return false
	}
	l := v.(Lease)
	if l.Tries+1 > c.opts.Retries {
		return false
	}
	c.shared.leases.Delete(l.ID)
	raw := r.Request.URL.String()
	if site := c.siteOf(raw); site != nil {
		c.report.update(site.Name, func(sr *SiteReport) { sr.Retried++ })
	}
	wait, asked := retryAfter(r.Headers, c.opts.now())
	if !asked {
		wait = backoff(c.opts.RetryBase, l.Tries+1)
	}
	wait = min(wait, c.opts.MaxRetryWait)
	c.log.Info("retrying", "url", raw, "status", r.StatusCode, "attempt", l.Tries+1, "wait", wait, "error", err)
	c.inflight.finished(raw)
	if rerr := c.shared.state.Retry(ctx, l, wait, c.hostDelay(l.Host)); rerr != nil && ctx.Err() == nil {
		c.log.Warn("retry not queued in the shared state", "url", raw, "error", rerr)
	}
	c.shared.running.Add(-1)
	select {
	case c.shared.wake <- struct{}{}:
	default:
	}
	return true
}

// politeness is how host is asked: by the rule of the site it is a seed
// host of, else by the sites file's defaults (as colly's limit rules in a
// crawl of one machine).
func (c *Crawler) politeness(host string) Politeness {
	if p, ok := c.shared.hostRule[host]; ok {
		return p
	}
	d := c.opts.Sites.Defaults
	return Politeness{Delay: d.Delay, Parallelism: max(d.Parallelism, 1)}
}

// hostDelay is the wait after a request to host: the rule's delay, or
// robots.txt's Crawl-delay when longer (capped as admit caps it).
func (c *Crawler) hostDelay(host string) time.Duration {
	d := c.politeness(host).Delay
	if v, ok := c.shared.delays.Load(host); ok {
		d = max(d, min(v.(time.Duration), c.opts.MaxRetryWait))
	}
	return d
}

// sharedRobots is the robots.txt another worker kept for scheme://host.
func (c *Crawler) sharedRobots(ctx context.Context, scheme, host string) (*robotstxt.RobotsData, bool) {
	status, body, ok, err := c.shared.state.Robots(ctx, scheme, host)
	if err != nil || !ok {
		return nil, false
	}
	data, err := robotstxt.FromStatusAndBytes(status, body)
	if err != nil {
		return nil, false
	}
	return data, true
}

// enqueueShared queues u in the shared frontier (its seen set, its limits)
// for site; drop names it when it is not queued. Within a batch (follow's,
// see batchAdds) it waits to go with the page's other links.
func (c *Crawler) enqueueShared(ctx context.Context, site *Site, u *url.URL, depth int, o origin, requisite bool, drop func(reason, detail string)) {
	counter, limit, over := site.Name+"\x00pages", site.MaxPages, DropMaxPages
	if o.hop == hopEmbed {
		counter, limit, over = site.Name+"\x00requisites", site.MaxRequisites, DropMaxRequisites
	}
	q := Queued{URL: u.String(), Site: site.Name, Via: o.via, Hops: o.hops(), Depth: depth, Requisite: requisite}
	a := pendingAdd{Adding: Adding{Host: u.Host, Queued: q, Politeness: c.politeness(u.Host), Counter: counter, Limit: limit}, drop: drop, over: over}
	if b, ok := ctx.Value(addBatchKey{}).(*[]pendingAdd); ok {
		*b = append(*b, a)
		return
	}
	c.addShared(ctx, []pendingAdd{a})
}

// pendingAdd is a URL waiting to be queued in the shared state, with how to
// name it if it is not.
type pendingAdd struct {
	Adding
	drop func(reason, detail string)
	over string // the drop reason of its limit
}

// addBatchKey keys, in a context, the URLs a page queues together.
type addBatchKey struct{}

// batchAdds returns ctx carrying a batch that enqueueShared fills, and the
// function that queues the batch in one call to the shared state (a page's
// links, before its lease ends). Without a shared state it does nothing.
func (c *Crawler) batchAdds(ctx context.Context) (context.Context, func()) {
	if c.shared == nil {
		return ctx, func() {}
	}
	b := &[]pendingAdd{}
	return context.WithValue(ctx, addBatchKey{}, b), func() {
		if len(*b) > 0 {
			c.addShared(ctx, *b)
		}
	}
}

// addShared queues adds in the shared state and names those it did not queue.
func (c *Crawler) addShared(ctx context.Context, adds []pendingAdd) {
	as := make([]Adding, len(adds))
	for i, a := range adds {
		as[i] = a.Adding
	}
	got, err := c.shared.state.AddMany(ctx, as)
	for i, a := range adds {
		switch {
		case err != nil:
			a.drop(DropStopped, "not queued in the shared state: "+err.Error())
		case got[i] == AddedSeen:
			a.drop(DropSeen, "")
		case got[i] == AddedOverLimit:
			a.drop(a.over, "")
		}
	}
}

// seenAdd marks u seen, in the shared state when there is one, and reports
// whether it was seen before.
func (c *Crawler) seenAdd(ctx context.Context, u string) bool {
	if c.shared == nil {
		return c.seen.add(u)
	}
	seen, err := c.shared.state.Seen(ctx, u)
	if err != nil {
		c.log.Warn("seen set unreachable: redirect not followed", "url", u, "error", err)
		return true
	}
	return seen
}
