package pipeline

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"rankfile/archive"
	"rankfile/crawl"
	"rankfile/index"
	"rankfile/store"
)

// Status is the state of a data directory, as `rankfile status` prints it:
// what the archive, the records and the index hold, how the last crawl
// went, and what needs the operator's attention.
type Status struct {
	Dir       string        `json:"data_dir"`
	Archive   ArchiveStatus `json:"archive"`
	LastCrawl *CrawlStatus  `json:"last_crawl,omitempty"`
	Records   RecordsStatus `json:"records"`
	Index     IndexStatus   `json:"index"`
	Attention []string      `json:"attention,omitempty"` // what to look at, in plain words; empty when all is well
	Reports   int           `json:"reports"`             // crawl reports kept in reports/
}

// ArchiveStatus counts the WARC files and the captures indexed.
type ArchiveStatus struct {
	Files     int   `json:"files"`      // finished WARC files
	OpenFiles int   `json:"open_files"` // files a crawl is writing (or a killed crawl left, cut on its next run)
	Bytes     int64 `json:"bytes"`
	archive.Summary
}

// CrawlStatus is the last crawl: its state and its report's totals.
type CrawlStatus struct {
	ID        string    `json:"crawl_id"`
	Started   time.Time `json:"started"`
	Finished  bool      `json:"finished"`
	Extracted bool      `json:"extracted"`
	// Running: a rankfile process (PID) holds the data directory's lock
	// while the crawl is unfinished: it is running now, not interrupted.
	Running bool              `json:"running"`
	PID     int               `json:"pid,omitempty"`
	Totals  *crawl.SiteReport `json:"totals,omitempty"` // from its report, when it has one
	Report  *crawl.Report     `json:"report,omitempty"` // its report, site by site
}

// RecordsStatus counts the extracted record versions by kind, and says
// what each site's records cover: a researcher reading "no result" needs to
// know whether the site was archived for those years at all.
type RecordsStatus struct {
	Count  int            `json:"count"`
	ByKind map[string]int `json:"by_kind,omitempty"`
	Sites  []SiteCoverage `json:"sites,omitempty"` // by site name
	// Skipped are the captures the extractor could not read: they stay in
	// the archive, without records, until a better extractor re-extracts
	// them (rankfile extract).
	Skipped []SkippedCapture `json:"skipped,omitempty"`
}

// SkippedCapture is a capture that could not be extracted, and why.
type SkippedCapture struct {
	Place  string `json:"warc_place"` // FILE@OFFSET
	URL    string `json:"url"`
	Reason string `json:"reason"`
}

// SiteCoverage is what one site's record versions span.
type SiteCoverage struct {
	Site           string `json:"site"`
	Records        int    `json:"records"`
	FirstPublished string `json:"first_published,omitempty"` // YYYY-MM-DD, of the records that give a date
	LastPublished  string `json:"last_published,omitempty"`
	FirstCaptured  string `json:"first_captured,omitempty"` // YYYY-MM-DD, UTC
	LastCaptured   string `json:"last_captured,omitempty"`
}

// add counts one record version of the site.
func (c *SiteCoverage) add(published string, captured time.Time) {
	c.Records++
	widen(&c.FirstPublished, &c.LastPublished, published, published)
	if !captured.IsZero() {
		day := captured.UTC().Format(time.DateOnly)
		widen(&c.FirstCaptured, &c.LastCaptured, day, day)
	}
}

// IndexStatus says whether there is a search index and how many record
// versions it holds.
type IndexStatus struct {
	Present   bool   `json:"present"`
	Documents uint64 `json:"documents"`
}

// maxCrawlTime is how long a crawl may run before status asks whether it is stuck.
const maxCrawlTime = 24 * time.Hour

// Status reads the data directory without changing it or taking its lock,
// so it may run beside a crawl.
func (p *Pipeline) Status() (*Status, error) {
	if _, err := os.Stat(p.Dir); err != nil {
		return nil, fmt.Errorf("data directory: %w", err)
	}
	st := &Status{Dir: p.Dir}
	attend := func(format string, args ...any) { st.Attention = append(st.Attention, fmt.Sprintf(format, args...)) }

	if err := p.archiveStatus(&st.Archive); err != nil {
		return nil, err
	}
	if err := p.lastCrawl(st); err != nil {
		return nil, err
	}
	running := st.LastCrawl != nil && st.LastCrawl.Running // it extracts and indexes what it archives when it ends
	if st.Archive.Files+st.Archive.OpenFiles == 0 && !running {
		attend("the archive is empty: run rankfile crawl")
	}
	if c := st.LastCrawl; c != nil {
		switch {
		case c.Running && time.Since(c.Started) > maxCrawlTime:
			attend("crawl %s has been running since %s (pid %d), more than %s: is it stuck?",
				c.ID, c.Started.UTC().Format(time.RFC3339), c.PID, maxCrawlTime)
		case c.Running:
		case !c.Finished:
			attend("crawl %s, started %s, has not finished: it is running now, or it was interrupted and the next crawl resumes it",
				c.ID, c.Started.UTC().Format(time.RFC3339))
		case !c.Extracted:
			attend("crawl %s finished but its captures are not extracted and indexed yet: the next crawl does it, or run rankfile extract", c.ID)
		}
		if c.Totals != nil && len(c.Totals.Failed) > 0 {
			n := 0
			for _, v := range c.Totals.Failed {
				n += v
			}
			attend("crawl %s: %d fetches failed (%s): see its report in reports/", c.ID, n, crawl.FormatCounts(c.Totals.Failed))
		}
	}
	if err := p.recordsStatus(&st.Records); err != nil {
		return nil, err
	}
	if err := p.indexStatus(&st.Index); err != nil {
		return nil, err
	}
	if n := len(st.Records.Skipped); n > 0 {
		first := st.Records.Skipped[0]
		attend("%d captures could not be extracted and have no records (first: %s at %s: %s): they stay in the archive for rankfile extract",
			n, first.URL, first.Place, first.Reason)
	}
	switch {
	case running:
	case st.Records.Count == 0 && st.Archive.Captures > 0:
		attend("no records are extracted from the archive's captures: run rankfile extract")
	case !st.Index.Present && st.Records.Count > 0:
		attend("there is no search index: run rankfile index")
	case st.Index.Present && st.Index.Documents != uint64(st.Records.Count):
		attend("the index holds %d record versions and records/ %d: run rankfile index", st.Index.Documents, st.Records.Count)
	}
	return st, nil
}

func (p *Pipeline) archiveStatus(as *ArchiveStatus) error {
	ents, err := os.ReadDir(p.path(archiveDir))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("archive: %w", err)
	}
	for _, e := range ents {
		name := e.Name()
		open := strings.HasSuffix(name, ".open")
		if e.IsDir() || !(open || strings.HasSuffix(name, ".warc.gz") || strings.HasSuffix(name, ".warc")) {
			continue
		}
		info, err := e.Info()
		if err != nil {
			continue // renamed meanwhile by a crawl closing it
		}
		as.Bytes += info.Size()
		if open {
			as.OpenFiles++
		} else {
			as.Files++
		}
	}
	arc, err := archive.OpenReadOnly(p.path(archiveDir))
	if err != nil {
		return err
	}
	defer arc.Close()
	as.Summary = arc.Summary()
	return nil
}

// lastCrawl fills in the crawl the state file names, with the totals of its
// report, and counts the reports kept.
func (p *Pipeline) lastCrawl(st *Status) error {
	reports, err := filepath.Glob(filepath.Join(p.path(reportsDir), "*.json"))
	if err != nil {
		return err
	}
	st.Reports = len(reports)
	data, err := os.ReadFile(p.path(stateFile))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	var cs crawlState
	if err := json.Unmarshal(data, &cs); err != nil {
		return fmt.Errorf("%s: %w", stateFile, err)
	}
	c := &CrawlStatus{ID: cs.CrawlID, Started: cs.Started, Finished: cs.Finished, Extracted: cs.Extracted}
	st.LastCrawl = c
	if !cs.Finished || !cs.Extracted {
		c.PID, _ = lockHolder(filepath.Join(p.path(archiveDir), ".lock"))
		c.Running = c.PID != 0
	}
	slices.Sort(reports) // named by start time
	for i := len(reports) - 1; i >= 0; i-- {
		if !strings.HasSuffix(reports[i], "-"+cs.CrawlID+".json") {
			continue
		}
		data, err := os.ReadFile(reports[i])
		if err != nil {
			return err
		}
		var r crawl.Report
		if err := json.Unmarshal(data, &r); err != nil {
			return fmt.Errorf("%s: %w", filepath.Base(reports[i]), err)
		}
		t := r.Totals()
		c.Totals, c.Report = &t, &r
		break
	}
	return nil
}

func (p *Pipeline) recordsStatus(rs *RecordsStatus) error {
	st, err := store.OpenExisting(p.path(recordStoreFile))
	if err == nil {
		defer st.Close()
		return storeStatus(st, rs)
	}
	if !errors.Is(err, store.ErrNoStore) {
		return err
	}
	f, err := os.Open(p.path(recordsFile))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return err
	}
	defer f.Close()
	rs.ByKind = map[string]int{}
	sites := map[string]*SiteCoverage{}
	dec := json.NewDecoder(f)
	for {
		var r struct {
			Kind      string    `json:"kind"`
			Site      string    `json:"site"`
			Published string    `json:"published"`
			Captured  time.Time `json:"captured"`
		}
		if err := dec.Decode(&r); err == io.EOF {
			break
		} else if err != nil {
			return fmt.Errorf("%s: record %d: %w", recordsFile, rs.Count+1, err)
		}
		rs.Count++
		rs.ByKind[r.Kind]++
		c := sites[r.Site]
		if c == nil {
			c = &SiteCoverage{Site: r.Site}
			sites[r.Site] = c
		}
		c.add(r.Published, r.Captured)
	}
	for _, c := range sites {
		rs.Sites = append(rs.Sites, *c)
	}
	slices.SortFunc(rs.Sites, func(a, b SiteCoverage) int { return strings.Compare(a.Site, b.Site) })
	return nil
}

// storeStatus counts the record store's records and lists its skipped
// captures, reading no record.
func storeStatus(st *store.Store, rs *RecordsStatus) error {
	return st.View(context.Background(), func(tx *store.Tx) error {
		cov, err := tx.Coverage()
		if err != nil {
			return err
		}
		rs.ByKind = map[string]int{}
		sites := map[string]*SiteCoverage{}
		var names []string
		for _, c := range cov {
			rs.Count += c.Records
			rs.ByKind[c.Kind] += c.Records
			sc := sites[c.Site]
			if sc == nil {
				sc = &SiteCoverage{Site: c.Site}
				sites[c.Site] = sc
				names = append(names, c.Site)
			}
			sc.Records += c.Records
			widen(&sc.FirstPublished, &sc.LastPublished, c.FirstPublished, c.LastPublished)
			widen(&sc.FirstCaptured, &sc.LastCaptured, c.FirstCaptured, c.LastCaptured)
		}
		slices.Sort(names)
		for _, n := range names {
			rs.Sites = append(rs.Sites, *sites[n])
		}
		return tx.Skipped(func(s store.Skip) error {
			rs.Skipped = append(rs.Skipped, SkippedCapture{Place: s.Place, URL: s.URL, Reason: s.Reason})
			return nil
		})
	})
}

// widen widens the span first..last to take in lo..hi; "" is no bound.
func widen(first, last *string, lo, hi string) {
	if lo != "" && (*first == "" || lo < *first) {
		*first = lo
	}
	if hi > *last {
		*last = hi
	}
}

func (p *Pipeline) indexStatus(is *IndexStatus) error {
	if _, err := os.Stat(p.path(indexDir)); errors.Is(err, os.ErrNotExist) {
		return nil
	}
	x, err := index.OpenReadOnly(p.path(indexDir))
	if err != nil {
		return fmt.Errorf("search index: %w", err)
	}
	defer x.Close()
	n, err := x.Count()
	if err != nil {
		return err
	}
	is.Present, is.Documents = true, n
	return nil
}

// WriteText prints the status for a person.
func (st *Status) WriteText(w io.Writer) {
	a := st.Archive
	fmt.Fprintf(w, "data directory %s\n", st.Dir)
	fmt.Fprintf(w, "archive   %d WARC files (%d open), %s; %d captures (%d revisits) of %d URLs",
		a.Files, a.OpenFiles, crawl.ByteSize(a.Bytes), a.Captures, a.Revisits, a.URLs)
	if a.Captures > 0 {
		fmt.Fprintf(w, ", %s to %s", a.First.UTC().Format(time.RFC3339), a.Last.UTC().Format(time.RFC3339))
	}
	fmt.Fprintln(w)
	if c := st.LastCrawl; c != nil {
		state := "finished"
		switch {
		case c.Running && !c.Finished:
			state = fmt.Sprintf("running now (pid %d)", c.PID)
		case c.Running:
			state = fmt.Sprintf("finished, extracting and indexing now (pid %d)", c.PID)
		case !c.Finished:
			state = "not finished"
		case !c.Extracted:
			state = "finished, not extracted"
		}
		fmt.Fprintf(w, "crawl     %s started %s, %s; %d reports kept\n", c.ID, c.Started.UTC().Format(time.RFC3339), state, st.Reports)
		if c.Report != nil {
			var b strings.Builder
			c.Report.WriteText(&b)
			for _, l := range strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n") {
				fmt.Fprintf(w, "          %s\n", l)
			}
		}
	} else {
		fmt.Fprintln(w, "crawl     none yet")
	}
	fmt.Fprintf(w, "records   %d", st.Records.Count)
	if len(st.Records.ByKind) > 0 {
		fmt.Fprintf(w, " (%s)", crawl.FormatCounts(st.Records.ByKind))
	}
	fmt.Fprintln(w)
	for _, c := range st.Records.Sites {
		name := c.Site
		if name == "" {
			name = "(no site)"
		}
		fmt.Fprintf(w, "          %s: %d records", name, c.Records)
		if c.FirstPublished != "" {
			fmt.Fprintf(w, ", published %s to %s", c.FirstPublished, c.LastPublished)
		}
		if c.FirstCaptured != "" {
			fmt.Fprintf(w, ", captured %s to %s", c.FirstCaptured, c.LastCaptured)
		}
		fmt.Fprintln(w)
	}
	if st.Index.Present {
		fmt.Fprintf(w, "index     %d record versions\n", st.Index.Documents)
	} else {
		fmt.Fprintln(w, "index     none")
	}
	if len(st.Attention) == 0 {
		fmt.Fprintln(w, "ok        nothing needs attention")
	}
	for _, s := range st.Attention {
		fmt.Fprintf(w, "attention %s\n", s)
	}
}
