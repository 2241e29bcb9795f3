package crawl

import (
	"encoding/json"
	"fmt"
	"io"
	"sort"
	"sync"
	"time"
)

// SiteReport counts what a crawl did on one site.
type SiteReport struct {
	Site      string         `json:"site"`
	Fetched   int            `json:"fetched"`   // exchanges archived, robots.txt and redirects included
	New       int            `json:"new"`       // responses for URLs the archive had no capture of
	Changed   int            `json:"changed"`   // responses for archived URLs whose content changed
	Unchanged int            `json:"unchanged"` // responses archived as revisits
	Resumed   int            `json:"resumed"`   // pages an interrupted run archived, not fetched again
	Retried   int            `json:"retried"`   // tries repeated after a 5xx, a 429 or a network fault (not archived, not counted as fetched)
	Bytes     int64          `json:"bytes"`     // payload bytes received
	Status    map[string]int `json:"status"`    // responses by HTTP status code
	Failed    map[string]int `json:"failed"`    // fetches that failed, by reason
	Dropped   map[string]int `json:"dropped"`   // discovered URLs not fetched, by reason
	// FailedURLs names every fetch counted in Failed; DroppedURLs every
	// URL counted in Dropped, each once (already_seen and not_http are
	// counted only: a URL named or fetched already, or a javascript:,
	// mailto: or data: link).
	FailedURLs  []URLProblem `json:"failed_urls,omitempty"`
	DroppedURLs []URLProblem `json:"dropped_urls,omitempty"`
	// TruncatedURLs names the captures archived cut short (WARC-Truncated):
	// past the maximum body size ("length"), or a connection lost mid-body
	// on the last try ("disconnect").
	TruncatedURLs []URLProblem `json:"truncated_urls,omitempty"`
}

// URLProblem is a URL a crawl failed to fetch or chose not to, and why.
type URLProblem struct {
	URL    string `json:"url"`
	Reason string `json:"reason"`           // its key in Failed or Dropped
	Detail string `json:"detail,omitempty"` // the error, the status, the rule
	Via    string `json:"via,omitempty"`    // the page that led to it
}

func (p URLProblem) String() string {
	s := p.URL + " (" + p.Reason
	if p.Detail != "" {
		s += ": " + p.Detail
	}
	return s + ")"
}

// Report is the outcome of a crawl: what was fetched, kept and dropped, per site.
type Report struct {
	CrawlID  string        `json:"crawl_id"`
	Started  time.Time     `json:"started"`
	Duration time.Duration `json:"duration_ns"`
	Sites    []*SiteReport `json:"sites"`

	mu     sync.Mutex
	bySite map[string]*SiteReport
	named  map[string]bool // site + "\x00" + URL, for URLs named in DroppedURLs
}

func newReport(id string, started time.Time, sites []*Site) *Report {
	r := &Report{CrawlID: id, Started: started, bySite: map[string]*SiteReport{}, named: map[string]bool{}}
	for _, s := range sites {
		sr := &SiteReport{Site: s.Name, Status: map[string]int{}, Failed: map[string]int{}, Dropped: map[string]int{}}
		r.Sites = append(r.Sites, sr)
		r.bySite[s.Name] = sr
	}
	return r
}

// update applies f to the named site's counts under the report's lock.
func (r *Report) update(site string, f func(*SiteReport)) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if sr := r.bySite[site]; sr != nil {
		f(sr)
	}
}

// drop counts the URL p.URL of the site as not fetched, and names it
// once (unless it was seen already).
func (r *Report) drop(site string, p URLProblem) {
	r.mu.Lock()
	defer r.mu.Unlock()
	sr := r.bySite[site]
	if sr == nil {
		return
	}
	sr.Dropped[p.Reason]++
	if p.Reason == DropSeen || p.Reason == DropScheme || p.URL == "" {
		return // a URL named or fetched already; a javascript:, mailto: or data: link
	}
	if key := site + "\x00" + p.URL; !r.named[key] {
		r.named[key] = true
		sr.DroppedURLs = append(sr.DroppedURLs, p)
	}
}

// fail counts and names a fetch of the site that failed.
func (r *Report) fail(site string, p URLProblem) {
	r.update(site, func(sr *SiteReport) {
		sr.Failed[p.Reason]++
		sr.FailedURLs = append(sr.FailedURLs, p)
	})
}

// Totals sums the per-site counts.
func (r *Report) Totals() SiteReport {
	r.mu.Lock()
	defer r.mu.Unlock()
	t := SiteReport{Site: "all", Status: map[string]int{}, Failed: map[string]int{}, Dropped: map[string]int{}}
	for _, s := range r.Sites {
		t.add(s, false)
	}
	return t
}

// Add adds the counts of o, another worker's report of the same crawl, to
// r's, site by site; a URL both name under the same reason is named once.
func (r *Report) Add(o *Report) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, s := range o.Sites {
		var t *SiteReport
		for _, have := range r.Sites {
			if have.Site == s.Site {
				t = have
			}
		}
		if t == nil {
			t = &SiteReport{Site: s.Site, Status: map[string]int{}, Failed: map[string]int{}, Dropped: map[string]int{}}
			r.Sites = append(r.Sites, t)
		}
		t.add(s, true)
	}
}

// add adds the counts and URLs of s to t; with once, a URL t names
// already under the same reason is not named again.
func (t *SiteReport) add(s *SiteReport, once bool) {
	t.Fetched += s.Fetched
	t.New += s.New
	t.Changed += s.Changed
	t.Unchanged += s.Unchanged
	t.Resumed += s.Resumed
	t.Retried += s.Retried
	t.Bytes += s.Bytes
	addAll(t.Status, s.Status)
	addAll(t.Failed, s.Failed)
	addAll(t.Dropped, s.Dropped)
	t.FailedURLs = appendProblems(t.FailedURLs, s.FailedURLs, once)
	t.DroppedURLs = appendProblems(t.DroppedURLs, s.DroppedURLs, once)
	t.TruncatedURLs = appendProblems(t.TruncatedURLs, s.TruncatedURLs, once)
}

// appendProblems appends src to dst; with once, only the problems whose
// URL and reason dst lacks.
func appendProblems(dst, src []URLProblem, once bool) []URLProblem {
	if !once {
		return append(dst, src...)
	}
	have := map[string]bool{}
	for _, p := range dst {
		have[p.URL+"\x00"+p.Reason] = true
	}
	for _, p := range src {
		if k := p.URL + "\x00" + p.Reason; !have[k] {
			have[k] = true
			dst = append(dst, p)
		}
	}
	return dst
}

func addAll(dst, src map[string]int) {
	for k, v := range src {
		dst[k] += v
	}
}

// WriteJSON writes the report as one indented JSON document.
func (r *Report) WriteJSON(w io.Writer) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(r)
}

// WriteText writes the report as a short table an archivist reads in the morning.
func (r *Report) WriteText(w io.Writer) {
	t := r.Totals()
	fmt.Fprintf(w, "crawl %s: %d fetched (%d new, %d changed, %d unchanged), %s, %s\n",
		r.CrawlID, t.Fetched, t.New, t.Changed, t.Unchanged, ByteSize(t.Bytes), r.Duration.Round(time.Millisecond))
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, s := range r.Sites {
		fmt.Fprintf(w, "  %-50s %4d fetched %4d new %4d changed %4d unchanged  status %s", s.Site, s.Fetched, s.New, s.Changed, s.Unchanged, FormatCounts(s.Status))
		if len(s.Failed) > 0 {
			fmt.Fprintf(w, "  failed %s", FormatCounts(s.Failed))
		}
		if len(s.Dropped) > 0 {
			fmt.Fprintf(w, "  dropped %s", FormatCounts(s.Dropped))
		}
		fmt.Fprintln(w)
	}
	var failed, dropped, truncated []URLProblem
	for _, s := range r.Sites {
		failed = append(failed, s.FailedURLs...)
		truncated = append(truncated, s.TruncatedURLs...)
		dropped = append(dropped, s.DroppedURLs...)
	}
	// the drops an archivist acts on first: robots and limits before links out of scope
	sort.SliceStable(dropped, func(i, j int) bool {
		return dropped[i].Reason != DropOutOfScope && dropped[j].Reason == DropOutOfScope
	})
	writeFirst(w, "failed", failed)
	writeFirst(w, "truncated", truncated)
	writeFirst(w, "dropped", dropped)
}

// shownURLs is how many failed and dropped URLs the text report names;
// the JSON report names them all.
const shownURLs = 5

func writeFirst(w io.Writer, what string, ps []URLProblem) {
	for i, p := range ps {
		if i == shownURLs {
			fmt.Fprintf(w, "  %s: %d more, named in the JSON report (reports/)\n", what, len(ps)-shownURLs)
			break
		}
		fmt.Fprintf(w, "  %s: %s\n", what, p)
	}
}

// FormatCounts writes counts by name as reports do: "200=3 404=2", "-" for none.
func FormatCounts(m map[string]int) string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	s := ""
	for i, k := range keys {
		if i > 0 {
			s += " "
		}
		s += fmt.Sprintf("%s=%d", k, m[k])
	}
	if s == "" {
		return "-"
	}
	return s
}

// ByteSize writes a number of bytes as reports do: "1.5 MiB".
func ByteSize(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GiB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KiB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
