package pipeline

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"rankfile/archive"
	"rankfile/crawl"
	"rankfile/crawlstate"
	"rankfile/internal/perm"
	"rankfile/store"
)

// CrawlOptions configure one crawl.
type CrawlOptions struct {
	SitesFile string // path of the sites file; or
	SitesData []byte // the sites file itself (the demo's)
	// Transport is the base HTTP transport; nil uses the network. The demo and
	// tests pass one that reaches the fixture web on loopback.
	Transport http.RoundTripper
	Contact   string // URL or address for site owners, sent in the User-Agent
	Operator  string // who runs the crawl, written to the warcinfo record
	NoIndex   bool   // archive only: skip extraction and indexing
	// MaxFileSize rotates WARC files past this size; 0 means the archive's default.
	MaxFileSize int64
	// Timeout bounds one request, Retries the tries after a failed one
	// (negative: none); 0 means the crawler's defaults (60s, 3).
	Timeout time.Duration
	Retries int
	// State, when set, makes this run a worker of a crawl shared through it
	// (see crawlShared).
	State *crawlstate.State
}

// Crawl crawls the sites, archives every exchange, keeps the sites file
// and the crawl report in the data directory, and then (unless NoIndex)
// extracts and indexes the archive.
func (p *Pipeline) Crawl(ctx context.Context, o CrawlOptions) (*crawl.Report, error) {
	data := o.SitesData
	if data == nil {
		var err error
		if data, err = os.ReadFile(o.SitesFile); err != nil {
			return nil, fmt.Errorf("read sites file: %w", err)
		}
	}
	sites, err := crawl.ParseSites(data)
	if err != nil {
		return nil, fmt.Errorf("sites file %s: %w", o.SitesFile, err)
	}
	if err := os.MkdirAll(p.Dir, 0o755); err != nil {
		return nil, fmt.Errorf("create data directory: %w", err)
	}
	if o.State != nil {
		return p.crawlShared(ctx, sites, data, o)
	}
	st, resumed, err := p.chooseCrawl(data, time.Now())
	if err != nil {
		return nil, err
	}
	// The archive's lock is the data directory's: nothing is written before it is held.
	arc, err := archive.Open(p.path(archiveDir), crawlArchiveOptions(st.CrawlID, "", sites, o, p))
	if err != nil {
		return nil, fmt.Errorf("open archive: %w", err)
	}
	release := p.reserveSpace()
	var report *crawl.Report
	var runErr error
	if o.NoIndex {
		report, runErr = p.runCrawl(ctx, arc, arc, sites, data, &st, resumed, o)
	} else {
		report, runErr = p.crawlAndDerive(ctx, arc, sites, data, &st, resumed, o)
	}
	release() // for the report, the capture index and the state, even on a full disk
	if err := arc.Close(); err != nil && runErr == nil {
		runErr = fmt.Errorf("close archive: %w", err)
	}
	return p.endCrawl(report, runErr)
}

// endCrawl keeps and prints the crawl's report and says how it ended: an
// error wrapping ErrPartial when some fetches failed.
func (p *Pipeline) endCrawl(report *crawl.Report, runErr error) (*crawl.Report, error) {
	if report != nil {
		if err := p.keepReport(report); err != nil && runErr == nil {
			runErr = err
		}
		report.WriteText(p.out())
	}
	if runErr != nil {
		return report, runErr
	}
	if failed := report.Totals().Failed; len(failed) > 0 {
		return report, fmt.Errorf("crawl %s: %w: %v", report.CrawlID, ErrPartial, failed)
	}
	return report, nil
}

// crawlArchiveOptions are the archive's options for a crawl: its id, the
// worker's name in a shared crawl, and the settings warcinfo records.
func crawlArchiveOptions(id, worker string, sites *crawl.Sites, o CrawlOptions, p *Pipeline) archive.Options {
	return archive.Options{
		CrawlID:     id,
		Worker:      worker,
		Software:    "rankfile/" + crawl.Version,
		Operator:    o.Operator,
		MaxFileSize: o.MaxFileSize,
		Logger:      p.logger(),
		Settings: map[string]string{
			"user-agent": crawl.UserAgent(o.Contact),
			"robots":     "obey",
			"sites":      strconv.Itoa(len(sites.Sites)),
			"max-depth":  strconv.Itoa(sites.Defaults.MaxDepth),
			"delay":      sites.Defaults.Delay.String(),
		},
	}
}

// reserveSize is the room a crawl keeps aside on the data directory's disk
// so that, should the disk fill up, it can still write its report.
const reserveSize = 1 << 20

// reserveSpace writes reports/.reserve, reserveSize bytes, and returns the
// function that removes it. A disk that cannot hold it now gets no reserve.
func (p *Pipeline) reserveSpace() (release func()) {
	path := filepath.Join(p.path(reportsDir), ".reserve")
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return func() {}
	}
	if err := os.WriteFile(path, make([]byte, reserveSize), 0o600); err != nil {
		os.Remove(path)
		return func() {}
	}
	return func() { os.Remove(path) }
}

// keepReport writes the crawl report to reports/<time>-<crawl id>.json.
func (p *Pipeline) keepReport(r *crawl.Report) error {
	var b bytes.Buffer
	if err := r.WriteJSON(&b); err != nil {
		return fmt.Errorf("encode crawl report: %w", err)
	}
	name := fmt.Sprintf("%s-%s.json", r.Started.UTC().Format("20060102T150405Z"), r.CrawlID)
	return writeFileAtomic(filepath.Join(p.path(reportsDir), name), b.Bytes())
}

// writeFileAtomic replaces path with data through a synced temporary file.
func writeFileAtomic(path string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("create %s: %w", filepath.Dir(path), err)
	}
	f, err := perm.CreateTemp(filepath.Dir(path), ".tmp-*")
	if err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	defer os.Remove(f.Name())
	if _, err := f.Write(data); err != nil {
		f.Close()
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return fmt.Errorf("sync %s: %w", path, err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("write %s: %w", path, err)
	}
	if err := os.Rename(f.Name(), path); err != nil {
		return fmt.Errorf("replace %s: %w", path, err)
	}
	return nil
}

// runCrawl runs the crawl the state file calls for (a new one, or the
// interrupted one resumed) and marks it finished when it ends whole.
func (p *Pipeline) runCrawl(ctx context.Context, arc *archive.Archive, to crawl.Archiver, sites *crawl.Sites, data []byte, st *crawlState, resumed bool, o CrawlOptions) (*crawl.Report, error) {
	if err := writeFileAtomic(p.path(sitesFile), data); err != nil {
		return nil, err
	}
	if err := p.saveState(*st); err != nil {
		return nil, err
	}
	copts := crawl.Options{
		Sites: sites, Archive: to, History: arc, Contact: o.Contact, Transport: o.Transport,
		CrawlID: st.CrawlID, Logger: p.logger(), Timeout: o.Timeout, Retries: o.Retries,
	}
	if p.Progress != nil {
		bar := newProgressBar(p.Progress)
		defer bar.finish()
		copts.Progress = bar.update
	}
	if resumed {
		p.logger().Warn("resuming an interrupted crawl", "crawl_id", st.CrawlID, "started", st.Started)
		copts.Resume = resumeFrom(arc, st.CrawlID)
	}
	c, err := crawl.New(copts)
	if err != nil {
		return nil, err
	}
	report, err := c.Run(ctx)
	if err != nil {
		return report, err
	}
	st.Finished = true
	return report, p.saveState(*st)
}

// crawlAndDerive runs the crawl with its derived work beside it: each
// capture is extracted, on every core, as soon as it is archived, and its
// records assembled into the record store in batches. It then extracts
// what an earlier run archived and did not extract (a crawl resumed, or
// one whose extraction a kill cut short), brings the records file and the
// index up to the store, and marks the crawl extracted.
func (p *Pipeline) crawlAndDerive(ctx context.Context, arc *archive.Archive, sites *crawl.Sites, data []byte, cs *crawlState, resumed bool, o CrawlOptions) (*crawl.Report, error) {
	st, err := store.Open(p.path(recordStoreFile))
	if err != nil {
		return nil, err
	}
	defer st.Close()
	d, err := p.newDeriver(ctx, st, arc, sites, "")
	if err != nil {
		return nil, err
	}
	report, runErr := p.runCrawl(ctx, arc, entryArchiver{arc, d}, sites, data, cs, resumed, o)
	var ids []string
	if resumed {
		ids = append(ids, cs.CrawlID)
	}
	if cs.Previous != "" {
		ids = append(ids, cs.Previous)
	}
	if runErr == nil && len(ids) > 0 {
		runErr = p.extractCrawls(ctx, d, arc, ids...)
	}
	counts, err := d.finish()
	if runErr != nil || err != nil {
		return report, errors.Join(runErr, err)
	}
	p.logger().Info("extracted", "captures", counts.Captures, "skipped", counts.Skipped, "records", counts.Records, "storing", counts.Storing.Round(time.Millisecond))
	if err := p.syncDerived(ctx, st); err != nil {
		return report, err
	}
	cs.Extracted, cs.Previous = true, ""
	return report, p.saveState(*cs)
}
