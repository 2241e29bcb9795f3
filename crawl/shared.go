package crawl

import (
	"context"
	"errors"
	"time"
)

// Shared is a crawl state that several workers (processes, machines)
// share: the frontier, the seen set, each host's politeness, the robots.txt
// cache, retries and leases. A Crawler given one (Options.Shared) takes its
// URLs from it and queues the links it finds into it, so the workers crawl
// the sites once between them; without one the crawler keeps all of it in
// memory, as a single machine does.
//
// A URL is taken with a lease (TakeMany): while the worker holds it no other
// worker is handed it, and its host is asked by nobody else beyond the
// host's Parallelism. A worker that dies or loses the state has its leases
// handed to the others when they run out, so nothing is lost, and nothing is
// fetched twice but what was in flight then.
//
// Every method may block while the state cannot be reached, trying again
// until it can or ctx ends; an error means ctx ended or the state refused
// the call.
type Shared interface {
	// AddMany queues each URL for its host unless it was seen before, in
	// one call, and says what it did with each (in order).
	AddMany(ctx context.Context, adds []Adding) ([]Added, error)
	// Seen marks u as seen (a redirect's target fetched within another's
	// lease) and reports whether it was seen before.
	Seen(ctx context.Context, u string) (bool, error)
	// TakeMany leases up to n URLs whose hosts may be asked now, in one
	// call. When there is none, wait says when a host will be ready (0 when
	// no host is waiting); done is set when no URL is queued or leased by
	// any worker: the crawl is over.
	TakeMany(ctx context.Context, n int) (ls []Lease, wait time.Duration, done bool, err error)
	// Finish ends the lease l: the URL is done; its host may be asked again
	// delay after now (the site's delay, or robots.txt's Crawl-delay).
	Finish(ctx context.Context, l Lease, delay time.Duration) error
	// Retry puts the leased URL back, its tries counted one more, first in
	// its host's queue; the host is asked again no sooner than wait, and
	// delay, from now.
	Retry(ctx context.Context, l Lease, wait, delay time.Duration) error
	// Robots returns the robots.txt a worker fetched for scheme://host:
	// its status and body (ok false when none was kept).
	Robots(ctx context.Context, scheme, host string) (status int, body []byte, ok bool, err error)
	// KeepRobots keeps robots.txt's status and body for the other workers.
	KeepRobots(ctx context.Context, scheme, host string, status int, body []byte) error
	// Seeding reports whether this worker is to queue the seeds and the
	// sitemaps: the first to join the crawl, or one that finds the crawl not
	// seeded and its seeder gone.
	Seeding(ctx context.Context) (bool, error)
	// Seeded notes that this worker queued the seeds and sitemaps: until a
	// worker has, TakeMany never reports the crawl done.
	Seeded(ctx context.Context) error
	// KeepReport keeps this worker's report, so far, in the crawl's report.
	KeepReport(ctx context.Context, r *Report) error
}

// Queued is a URL in a shared frontier with what its fetch needs: the
// crawl context of its metadata record and what the links found on it
// inherit.
type Queued struct {
	URL       string `json:"url"`
	Site      string `json:"site"`
	Via       string `json:"via,omitempty"`
	Hops      string `json:"hops,omitempty"`
	Depth     int    `json:"depth,omitempty"`
	Tries     int    `json:"tries,omitempty"` // tries repeated so far
	Requisite bool   `json:"requisite,omitempty"`
}

// Adding is a URL to queue for Host, asked as Politeness says. When Limit
// is positive, at most Limit URLs are queued under Counter (a site's pages,
// or its requisites), for all workers together.
type Adding struct {
	Host string
	Queued
	Politeness Politeness
	Counter    string
	Limit      int
}

// Lease is a queued URL taken by one worker.
type Lease struct {
	ID   string
	Host string
	Queued
}

// Politeness is how a host is asked: at most Parallelism requests at once,
// each Delay after the last one ended.
type Politeness struct {
	Delay       time.Duration
	Parallelism int
}

// Added is what Add did with a URL.
type Added int

const (
	AddedQueued    Added = iota // queued
	AddedSeen                   // seen before: not queued
	AddedOverLimit              // the counter is at its limit: not queued
)

// ErrSharedState wraps an error of the shared crawl state that stopped the
// crawl.
var ErrSharedState = errors.New("shared crawl state")
