// Package genweb serves a generated web of many hosts for the shared crawl
// tests and benchmarks: host hN.test (N from 0) has pages /, /p/1.html ...
// each linking to the next two pages of its host and to the home page of
// the next host, all from one httptest server on 127.0.0.1. Its Dial sends
// every hN.test name to that server and refuses every other name, so
// nothing is resolved and nothing leaves loopback. It records the time each
// request to each host began and ended, so that a test can check that no
// host was asked faster than its politeness allows, whichever worker asked.
package genweb

import (
	"context"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Web is a generated web being served.
type Web struct {
	Hosts, Pages int // hosts, and pages per host
	srv          *httptest.Server
	filler       []byte
	// Robots, when set, is served as every host's robots.txt (else 404).
	Robots string
	// Hold, when set, is called at the start of each page request (not
	// robots.txt) with its URL; tests use it to hold a fetch in flight.
	Hold func(url string)

	mu       sync.Mutex
	requests map[string][]Request // host -> requests, in arrival order
}

// Request is one request the web answered.
type Request struct {
	Path       string
	Start, End time.Time
}

// Start serves a web of hosts × pages pages of about size bytes each.
func Start(hosts, pages, size int) *Web {
	w := &Web{Hosts: hosts, Pages: pages, requests: map[string][]Request{}}
	para := "<p>Rank-and-file educators organized in every building for the schools our students deserve.</p>\n"
	w.filler = []byte(strings.Repeat(para, max(size/len(para), 1)))
	w.srv = httptest.NewServer(http.HandlerFunc(w.serve))
	return w
}

// Close stops the server.
func (w *Web) Close() { w.srv.Close() }

// Addr is the server's loopback address.
func (w *Web) Addr() string { return w.srv.Listener.Addr().String() }

// Host is the name of host i.
func Host(i int) string { return "h" + strconv.Itoa(i) + ".test" }

// URLs lists every page of the web, as the crawler normalizes them.
func (w *Web) URLs() []string {
	var us []string
	for h := range w.Hosts {
		for p := range w.Pages {
			us = append(us, w.pageURL(h, p))
		}
	}
	return us
}

func (w *Web) pageURL(h, p int) string {
	if p == 0 {
		return "http://" + Host(h) + "/"
	}
	return fmt.Sprintf("http://%s/p/%d.html", Host(h), p)
}

// SitesFile is a sites file naming every host as a site of its own, seeded
// at its home page, asked at most parallelism at once and delay apart.
func (w *Web) SitesFile(delay time.Duration, parallelism int) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "defaults:\n  delay: %s\n  parallelism: %d\n  max_depth: 0\n  max_pages: 0\n  requisites: false\nsites:\n", delay, parallelism)
	for h := range w.Hosts {
		fmt.Fprintf(&b, "  - name: Caucus %d\n    kind: caucus\n    seeds: [\"http://%s/\"]\n", h, Host(h))
	}
	return []byte(b.String())
}

// Dial reaches the server for every hN.test host and refuses any other.
func (w *Web) Dial(ctx context.Context, network, addr string) (net.Conn, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil || !strings.HasSuffix(host, ".test") || !strings.HasPrefix(host, "h") {
		return nil, &net.AddrError{Err: "not a host of the generated web", Addr: addr}
	}
	var d net.Dialer
	return d.DialContext(ctx, "tcp", w.Addr())
}

func (w *Web) serve(rw http.ResponseWriter, r *http.Request) {
	start := time.Now()
	host := r.Host
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	defer func() {
		w.mu.Lock()
		w.requests[host] = append(w.requests[host], Request{Path: r.URL.Path, Start: start, End: time.Now()})
		w.mu.Unlock()
	}()
	if r.URL.Path == "/robots.txt" && w.Robots != "" {
		fmt.Fprint(rw, w.Robots)
		return
	}
	if r.URL.Path == "/robots.txt" || r.URL.Path == "/sitemap.xml" {
		http.NotFound(rw, r)
		return
	}
	h, err := strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(host, "h"), ".test"))
	if err != nil || h >= w.Hosts {
		http.NotFound(rw, r)
		return
	}
	p := 0
	if r.URL.Path != "/" {
		if p, err = strconv.Atoi(strings.TrimSuffix(strings.TrimPrefix(r.URL.Path, "/p/"), ".html")); err != nil || p < 1 || p >= w.Pages {
			http.NotFound(rw, r)
			return
		}
	}
	if w.Hold != nil {
		w.Hold(w.pageURL(h, p))
	}
	rw.Header().Set("Content-Type", "text/html; charset=utf-8")
	fmt.Fprintf(rw, "<html><head><title>Host %d page %d</title></head><body><h1>Host %d page %d</h1>", h, p, h, p)
	for _, q := range []int{p + 1, p + 2} {
		if q < w.Pages {
			fmt.Fprintf(rw, `<a href="/p/%d.html">page %d</a> `, q, q)
		}
	}
	fmt.Fprintf(rw, `<a href="http://%s/">next host</a>`, Host((h+1)%w.Hosts))
	rw.Write(w.filler)
	fmt.Fprint(rw, "</body></html>")
}

// Requests returns the requests each host answered, by start time.
func (w *Web) Requests() map[string][]Request {
	w.mu.Lock()
	defer w.mu.Unlock()
	out := map[string][]Request{}
	for h, rs := range w.requests {
		rs = append([]Request(nil), rs...)
		sort.Slice(rs, func(i, j int) bool { return rs[i].Start.Before(rs[j].Start) })
		out[h] = rs
	}
	return out
}

// Impolite lists the page requests (robots.txt aside, which a crawler
// fetches as its first request's prerequisite) that began while another
// request to the same host was being answered, or less than delay after
// the one before ended: with parallelism 1, none should.
func (w *Web) Impolite(delay time.Duration) []string {
	var bad []string
	for host, rs := range w.Requests() {
		var last *Request
		for i := range rs {
			r := &rs[i]
			if r.Path == "/robots.txt" {
				continue
			}
			if last != nil && r.Start.Sub(last.End) < delay {
				bad = append(bad, fmt.Sprintf("%s%s began %v after %s ended (delay %v)", host, r.Path, r.Start.Sub(last.End), last.Path, delay))
			}
			last = r
		}
	}
	sort.Strings(bad)
	return bad
}
