package crawl

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"sync"
	"testing"
	"time"

	"rankfile/archive"
)

func TestRetryAfter(t *testing.T) {
	now := time.Date(2026, 11, 23, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		value string
		want  time.Duration
		ok    bool
	}{
		{"", 0, false},
		{"120", 2 * time.Minute, true},
		{"0", 0, true},
		{"Mon, 23 Nov 2026 12:00:30 GMT", 30 * time.Second, true},
		{"Mon, 23 Nov 2026 11:00:00 GMT", 0, true},
		{"soon", 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.value, func(t *testing.T) {
			h := http.Header{}
			if tt.value != "" {
				h.Set("Retry-After", tt.value)
			}
			got, ok := retryAfter(&h, now)
			if got != tt.want || ok != tt.ok {
				t.Errorf("retryAfter(%q) = %v, %v; want %v, %v", tt.value, got, ok, tt.want, tt.ok)
			}
		})
	}
}

func TestBackoff(t *testing.T) {
	for attempt := 1; attempt <= 5; attempt++ {
		d := backoff(time.Second, attempt)
		full := time.Second << (attempt - 1)
		if d < full/2 || d > full {
			t.Errorf("backoff(1s, %d) = %v, want within [%v, %v]", attempt, d, full/2, full)
		}
	}
}

func TestRetryable(t *testing.T) {
	tests := []struct {
		status int
		err    error
		want   bool
	}{
		{500, errors.New("Internal Server Error"), true},
		{503, nil, true},
		{429, nil, true},
		{404, errors.New("Not Found"), false},
		{0, errors.New("connection reset by peer"), true},
		{0, context.Canceled, false},
	}
	for _, tt := range tests {
		if got := retryable(tt.status, tt.err); got != tt.want {
			t.Errorf("retryable(%d, %v) = %v, want %v", tt.status, tt.err, got, tt.want)
		}
	}
}

// TestCrawler_Run_retries serves a page that fails twice (503 with
// Retry-After, then 500) before it answers, and one that always fails.
func TestCrawler_Run_retries(t *testing.T) {
	var mu sync.Mutex
	hits := map[string]int{}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		mu.Lock()
		hits[r.URL.Path]++
		n := hits[r.URL.Path]
		mu.Unlock()
		switch {
		case r.URL.Path == "/robots.txt", r.URL.Path == "/sitemap.xml":
			http.NotFound(w, r)
		case r.URL.Path == "/" && n == 1:
			w.Header().Set("Retry-After", "1")
			http.Error(w, "busy", http.StatusServiceUnavailable)
		case r.URL.Path == "/" && n == 2:
			http.Error(w, "oops", http.StatusInternalServerError)
		case r.URL.Path == "/":
			w.Write([]byte(`<html><body><a href="/broken">b</a></body></html>`))
		default:
			http.Error(w, "always", http.StatusBadGateway)
		}
	}))
	defer srv.Close()
	sites, err := ParseSites([]byte("defaults: {delay: 0s}\nsites:\n  - name: Flaky\n    kind: caucus\n    seeds: [" + srv.URL + "/]\n"))
	if err != nil {
		t.Fatal(err)
	}
	arc, err := archive.Open(t.TempDir(), archive.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer arc.Close()
	c, err := New(Options{Sites: sites, Archive: arc, Retries: 2, RetryBase: time.Millisecond, MaxRetryWait: time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	report, err := c.Run(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	mu.Lock()
	defer mu.Unlock()
	if hits["/"] != 3 {
		t.Errorf("home fetched %d times, want 3 (two failures, then the page)", hits["/"])
	}
	if hits["/broken"] != 3 {
		t.Errorf("always-failing page fetched %d times, want 3 (1 + 2 retries)", hits["/broken"])
	}
	s := report.Sites[0]
	// the tries that were repeated are neither archived nor counted as fetched
	if s.Failed["http_502"] != 1 || s.Status["200"] != 1 || s.Status["503"] != 0 || s.Status["500"] != 0 || s.Status["502"] != 1 || s.Retried != 4 {
		t.Errorf("report failed %v status %v retried %d; want the 502 page failed once, fetched once, and 4 tries repeated", s.Failed, s.Status, s.Retried)
	}
	if len(s.FailedURLs) != 1 || s.FailedURLs[0].URL != srv.URL+"/broken" || s.FailedURLs[0].Reason != "http_502" || s.FailedURLs[0].Via != srv.URL+"/" {
		t.Errorf("failed URLs %+v, want /broken named with its status and the page linking to it", s.FailedURLs)
	}
}
