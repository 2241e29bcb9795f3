package pipeline

import (
	"context"
	"fmt"

	"rankfile/archive"
	"rankfile/crawl"
)

// crawlShared runs this process as one worker of a crawl shared through
// o.State: it joins the crawl under way (or starts one), takes its URLs
// from the shared frontier and archives what it fetches into its own WARC
// files, named after the crawl and the worker, in the data directory. It
// archives only: the workers' folders are brought together by `rankfile
// archive merge`, which extracts and indexes, or extracted by `rankfile
// extract --state`. The report it keeps and prints is its own; the
// crawl's is in the state (`rankfile status --state`).
func (p *Pipeline) crawlShared(ctx context.Context, sites *crawl.Sites, data []byte, o CrawlOptions) (*crawl.Report, error) {
	id, started, err := o.State.Join(ctx, data)
	if err != nil {
		return nil, err
	}
	worker := o.State.Worker()
	p.logger().Info("joined a shared crawl", "crawl_id", id, "worker", worker, "started_it", started)
	if err := writeFileAtomic(p.path(sitesFile), data); err != nil {
		return nil, err
	}
	arc, err := archive.Open(p.path(archiveDir), crawlArchiveOptions(id, worker, sites, o, p))
	if err != nil {
		return nil, fmt.Errorf("open archive: %w", err)
	}
	release := p.reserveSpace()
	copts := crawl.Options{
		Sites: sites, Archive: arc, History: arc, Shared: o.State, Contact: o.Contact, Transport: o.Transport,
		CrawlID: id, Logger: p.logger(), Timeout: o.Timeout, Retries: o.Retries,
	}
	if p.Progress != nil {
		bar := newProgressBar(p.Progress)
		defer bar.finish()
		copts.Progress = bar.update
	}
	c, err := crawl.New(copts)
	if err != nil {
		arc.Close()
		release()
		return nil, err
	}
	report, runErr := c.Run(ctx)
	release()
	if err := arc.Close(); err != nil && runErr == nil {
		runErr = fmt.Errorf("close archive: %w", err)
	}
	return p.endCrawl(report, runErr)
}
