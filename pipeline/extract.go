package pipeline

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"runtime"
	"strings"
	"sync"

	"rankfile/archive"
	"rankfile/crawl"
	"rankfile/extract"
	"rankfile/record"
)

// Extract re-extracts every capture in the archive with the current
// extractor and replaces the records file; it returns how many records it
// wrote. A capture the extractor cannot read is logged and skipped: it stays
// in the archive for a better extractor. A revisit adds no record: its
// content is the capture it revisits.
func (p *Pipeline) Extract(ctx context.Context) (int, error) {
	if _, err := os.Stat(p.path(archiveDir)); errors.Is(err, os.ErrNotExist) {
		return 0, ErrNoArchive
	}
	arc, err := archive.Open(p.path(archiveDir), archive.Options{Logger: p.logger()})
	if err != nil {
		return 0, fmt.Errorf("open archive: %w", err)
	}
	defer arc.Close()
	old, err := record.ReadFile(p.path(recordsFile))
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return 0, err
	}
	recs, err := p.extractCaptures(ctx, arc, knownOrganizations(old), func(record.Capture) bool { return true })
	if err != nil {
		return 0, err
	}
	recs = p.assemble(recs)
	if err := record.WriteFile(p.path(recordsFile), recs); err != nil {
		return 0, err
	}
	return len(recs), nil
}

// extractNew extracts the captures of the given crawls and adds their
// records to the records file, returning the new records: an unchanged
// page (a revisit) is neither extracted nor indexed again.
func (p *Pipeline) extractNew(ctx context.Context, arc *archive.Archive, crawlIDs ...string) ([]record.Record, error) {
	old, err := record.ReadFile(p.path(recordsFile))
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	have := map[string]bool{}
	for _, r := range old {
		have[r.WARCPlace()] = true
	}
	recs, err := p.extractCaptures(ctx, arc, knownOrganizations(old), func(c record.Capture) bool {
		for _, id := range crawlIDs {
			if strings.HasPrefix(c.File, "rankfile-"+id+"-") {
				return !have[record.Place(c.File, c.Offset)]
			}
		}
		return false
	})
	if err != nil {
		return nil, err
	}
	all := p.assemble(append(old, recs...))
	if err := record.WriteFile(p.path(recordsFile), all); err != nil {
		return nil, err
	}
	return changedRecords(old, all), nil
}

// assemble puts together what pages of a whole archive say about each
// other: teasers date their posts and give way to them, one post reached
// through several URLs is one record, and the organizations named anywhere
// in the archive (partner lists, the sites file) are found in all writing.
func (p *Pipeline) assemble(recs []record.Record) []record.Record {
	orgs := knownOrganizations(recs)
	if sites, err := p.sites(); err == nil && sites != nil {
		for _, s := range sites.Sites {
			orgs = append(orgs, extract.Organization{Name: s.Name, Acronym: s.Acronym})
		}
	}
	return extract.Mention(extract.Dedupe(extract.ResolveTeasers(recs)), orgs)
}

// changedRecords returns the records of now that before did not hold as
// they are: new versions, and old ones that assembling changed (a post
// dated by a newly archived teaser).
func changedRecords(before, now []record.Record) []record.Record {
	seen := map[string]bool{}
	for _, r := range before {
		seen[recordKey(r)] = true
	}
	var out []record.Record
	for _, r := range now {
		if !seen[recordKey(r)] {
			out = append(out, r)
		}
	}
	return out
}

func recordKey(r record.Record) string {
	b, _ := json.Marshal(r)
	return string(b)
}

// knownOrganizations lists the organizations whose names the extractor
// looks for in the writing: those of the sites file's sites and the
// organization records already extracted.
func knownOrganizations(recs []record.Record) []extract.Organization {
	var orgs []extract.Organization
	seen := map[string]bool{}
	add := func(name, acronym string) {
		if name == "" || seen[name] {
			return
		}
		seen[name] = true
		orgs = append(orgs, extract.Organization{Name: name, Acronym: acronym})
	}
	for _, r := range recs {
		if r.Kind == record.KindOrganization {
			add(r.Title, r.Acronym)
		}
	}
	return orgs
}

// extractCaptures extracts the HTML 200 captures that keep accepts, on
// every core, giving each record its site from the sites file of the last
// crawl. Records come out in archive order, whatever the workers' order.
func (p *Pipeline) extractCaptures(ctx context.Context, arc *archive.Archive, orgs []extract.Organization, keep func(record.Capture) bool) ([]record.Record, error) {
	sites, err := p.sites()
	if err != nil {
		return nil, err
	}
	if sites != nil {
		for _, s := range sites.Sites {
			orgs = append(orgs, extract.Organization{Name: s.Name, Acronym: s.Acronym})
		}
	}
	ex := extract.New(extract.Options{Logger: p.logger(), Organizations: orgs})
	type job struct {
		seq int
		c   record.Capture
	}
	jobs := make(chan job, 64)
	results := map[int][]record.Record{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for range runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				rs := p.extractOne(ex, sites, j.c)
				mu.Lock()
				results[j.seq] = rs
				mu.Unlock()
			}
		}()
	}
	seq := 0
	err = arc.Captures(ctx, func(c record.Capture) error {
		if c.Status != 200 || c.Revisit || !keep(c) {
			return nil
		}
		seq++
		jobs <- job{seq, c}
		return nil
	})
	close(jobs)
	wg.Wait()
	var recs []record.Record
	for i := 1; i <= seq; i++ {
		recs = append(recs, results[i]...)
	}
	if err != nil {
		return recs, fmt.Errorf("read archive: %w", err)
	}
	p.logger().Info("extracted", "captures", seq, "records", len(recs))
	return recs, nil
}

// extractOne extracts one capture; a capture the extractor cannot read is
// logged and yields nothing.
func (p *Pipeline) extractOne(ex *extract.Extractor, sites *crawl.Sites, c record.Capture) []record.Record {
	rs, err := ex.Extract(c)
	if errors.Is(err, extract.ErrNotHTML) {
		return nil // robots.txt, feeds, sitemaps, images: archived, not extracted
	}
	if err != nil {
		p.logger().Warn("capture not extracted", "url", c.URL, "warc_file", c.File, "warc_offset", c.Offset, "error", err)
		return nil
	}
	for i := range rs {
		if s := sites.SiteFor(rs[i].URL); s != nil {
			rs[i].Site, rs[i].SiteKind = s.Name, s.Kind
		} else if u, err := url.Parse(rs[i].URL); err == nil {
			rs[i].Site = u.Host // an imported capture of a site not in the sites file
		}
	}
	return rs
}

// maxPageSize bounds what ExtractPage reads from its input.
const maxPageSize = 256 << 20

// ExtractPage extracts one page given as HTML (not from the archive), as
// if captured from pageURL, and writes its main writing in format: "text"
// (plain text, chrome stripped) or "json" (its records, one JSON object per
// line).
func (p *Pipeline) ExtractPage(r io.Reader, pageURL, format string) error {
	html, err := io.ReadAll(io.LimitReader(r, maxPageSize+1))
	if err != nil {
		return fmt.Errorf("read page: %w", err)
	}
	if len(html) > maxPageSize {
		return fmt.Errorf("page is larger than %d MiB", maxPageSize>>20)
	}
	recs, err := extract.New(extract.Options{Logger: p.logger()}).ExtractHTML(pageURL, html, nil)
	if err != nil {
		return err
	}
	switch format {
	case "json":
		enc := json.NewEncoder(p.out())
		enc.SetEscapeHTML(false)
		for _, r := range recs {
			if err := enc.Encode(r); err != nil {
				return err
			}
		}
		return nil
	case "text", "":
		text := extract.Text(recs)
		if text == "" {
			return nil
		}
		_, err := fmt.Fprintln(p.out(), text)
		return err
	}
	return fmt.Errorf("unknown format %q (text or json)", format)
}
