package crawl

import (
	"context"
	"errors"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/gocolly/colly/v2"
)

// retryable reports whether a failed fetch may succeed if tried again: a
// server error, a 429, or a network fault (not a cancelled crawl).
func retryable(status int, err error) bool {
	if errors.Is(err, context.Canceled) {
		return false
	}
	return status == http.StatusTooManyRequests || status >= 500 || (status == 0 && err != nil)
}

// retryAfter parses a Retry-After header: seconds or an HTTP date. It
// returns false when there is none or it cannot be read.
func retryAfter(h *http.Header, now time.Time) (time.Duration, bool) {
	if h == nil {
		return 0, false
	}
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0, false
	}
	if secs, err := strconv.Atoi(v); err == nil && secs >= 0 {
		return time.Duration(secs) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}

// backoff is the wait before retry number attempt (1, 2, ...): exponential
// from base, with full jitter in its upper half so that many failed
// requests do not come back at once.
func backoff(base time.Duration, attempt int) time.Duration {
	d := base << min(attempt-1, 16)
	return d/2 + rand.N(d/2+1)
}

// retry schedules another try of the failed request r after the wait the
// server asked for (Retry-After) or an exponential backoff, and reports
// whether it did; it gives up after Options.Retries tries.
func (c *Crawler) retry(ctx context.Context, r *colly.Response, err error) bool {
	if !retryable(r.StatusCode, err) || ctx.Err() != nil {
		return false
	}
	attempt, _ := strconv.Atoi(r.Ctx.Get("attempt"))
	attempt++
	if attempt > c.opts.Retries {
		return false
	}
	r.Ctx.Put("attempt", strconv.Itoa(attempt))
	if _, uc := c.inflight.context(r.Request.URL.String()); uc != nil {
		uc.tries.Add(1) // before the next try: the recorder archives a failed try only when it is the last
	}
	if site := c.siteOf(r.Request.URL.String()); site != nil {
		c.report.update(site.Name, func(sr *SiteReport) { sr.Retried++ })
	}
	wait, asked := retryAfter(r.Headers, c.opts.now())
	if !asked {
		wait = backoff(c.opts.RetryBase, attempt)
	}
	wait = min(wait, c.opts.MaxRetryWait)
	c.log.Info("retrying", "url", r.Request.URL.String(), "status", r.StatusCode, "attempt", attempt, "wait", wait, "error", err)
	t := time.NewTimer(wait)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return false
	case <-t.C:
	}
	if rerr := r.Request.Retry(); rerr != nil {
		c.log.Warn("retry not queued", "url", r.Request.URL.String(), "error", rerr)
		return false
	}
	return true
}
