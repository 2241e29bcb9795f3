package pipeline

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"net/url"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"rankfile/archive"
	"rankfile/crawl"
	"rankfile/extract"
	"rankfile/index"
	"rankfile/record"
	"rankfile/store"
)

// deriveBatch bounds how many captures' records one store transaction
// takes: the derived stage holds no more than these (and the captures the
// workers are extracting) in memory.
const deriveBatch = 128

// deriver extracts captures on every core as they come (from a crawl as
// it archives them, or from a scan of the archive) and keeps their records
// in the store, assembling each batch with the records it changes.
type deriver struct {
	p     *Pipeline
	st    *store.Store
	arc   *archive.Archive
	sites *crawl.Sites
	ctx   context.Context

	jobs    chan deriveJob
	results chan extracted
	workers sync.WaitGroup
	big     sync.Mutex // held while a large capture is extracted: one at a time
	done    chan struct{}
	err     error // the committer's first error

	mu      sync.Mutex // guards ex and orgs, which the committer changes
	ex      *extract.Extractor
	orgs    []extract.Organization
	grew    bool // an organization was found during the run
	start   string
	counted deriveCounts
	bar     *counterBar
}

// deriveCounts says what a derived stage did.
type deriveCounts struct {
	Captures int // captures extracted
	Skipped  int // captures that could not be extracted
	Records  int // records extracted
	// Storing is the time spent keeping and assembling records in the
	// store, one batch at a time (the rest of the work runs on every core).
	Storing time.Duration
}

// deriveJob is a capture to extract: given whole, or by its index entry
// (read from the archive by the worker).
type deriveJob struct {
	c     *record.Capture
	entry archive.Entry
}

// extracted is what a worker made of a capture.
type extracted struct {
	place, url string
	recs       []record.Record
	err        error
}

// newDeriver starts the workers and the committer; feed captures with
// add or addEntry and end with finish.
// Records carry their sites' names from sites (none when nil). A progress
// bar labelled label shows the captures kept; none when label is "" (a
// crawl, whose own bar is on the terminal).
func (p *Pipeline) newDeriver(ctx context.Context, st *store.Store, arc *archive.Archive, sites *crawl.Sites, label string) (*deriver, error) {
	d := &deriver{p: p, st: st, arc: arc, sites: sites, ctx: ctx,
		jobs: make(chan deriveJob, 2*runtime.GOMAXPROCS(0)), results: make(chan extracted, deriveBatch), done: make(chan struct{})}
	if err := st.View(ctx, func(tx *store.Tx) error {
		orgs, err := tx.Organizations()
		for _, o := range orgs {
			d.orgs = append(d.orgs, extract.Organization{Name: o.Name, Acronym: o.Acronym})
		}
		return err
	}); err != nil {
		return nil, err
	}
	d.ex = extract.New(extract.Options{Logger: p.logger(), Organizations: d.known()})
	d.start = orgsDigest(d.known())
	if p.Progress != nil && label != "" {
		d.bar = newCounterBar(p.Progress, label, "captures")
	}
	for range runtime.GOMAXPROCS(0) {
		d.workers.Add(1)
		go d.work()
	}
	go d.commit()
	return d, nil
}

// add hands the deriver a capture read from the archive.
func (d *deriver) add(c record.Capture) error {
	select {
	case d.jobs <- deriveJob{c: &c}:
		return nil
	case <-d.done:
		return d.err
	}
}

// has reports whether the store holds the capture at place already.
func (d *deriver) has(place string) (done bool, err error) {
	err = d.st.View(d.ctx, func(tx *store.Tx) error {
		done, err = tx.Extracted(place)
		return err
	})
	return done, err
}

// addExtracted hands the committer a capture extracted elsewhere (by a
// worker of a shared extraction), as if the deriver's workers had.
func (d *deriver) addExtracted(e extracted) error {
	select {
	case d.results <- e:
		return nil
	case <-d.done:
		return d.err
	}
}

// addEntry hands the deriver a capture just archived, by its index entry.
func (d *deriver) addEntry(e archive.Entry) {
	select {
	case d.jobs <- deriveJob{entry: e}:
	case <-d.done:
	}
}

func (d *deriver) work() {
	defer d.workers.Done()
	for j := range d.jobs {
		c := j.c
		if c == nil {
			rc, err := d.arc.ReadCapture(j.entry)
			if err != nil {
				d.results <- extracted{place: record.Place(j.entry.File, j.entry.Offset), url: j.entry.URL, err: err}
				continue
			}
			c = &rc
		}
		d.mu.Lock()
		ex := d.ex
		d.mu.Unlock()
		if len(c.Body) > bigCapture {
			d.big.Lock()
			out := d.extractOne(ex, *c)
			d.big.Unlock()
			d.results <- out
			continue
		}
		d.results <- d.extractOne(ex, *c)
	}
}

// bigCapture is the body size past which captures are extracted one at a
// time: a page of a hundred thousand links or megabytes of text costs
// tens of megabytes to extract, and one such page per core at once would
// take a crawl's memory past its bound; real pages are far smaller.
const bigCapture = 1 << 20

// extractOne extracts one capture; a capture the extractor cannot read
// comes back with its error, to be named in the store and skipped.
func (d *deriver) extractOne(ex *extract.Extractor, c record.Capture) (out extracted) {
	out = extracted{place: record.Place(c.File, c.Offset), url: c.URL}
	defer func() {
		if v := recover(); v != nil { // one page must not stop the archive's extraction
			out.recs, out.err = nil, fmt.Errorf("extractor failed: %v", v)
		}
	}()
	rs, err := ex.Extract(c)
	if errors.Is(err, extract.ErrNotHTML) {
		return out // robots.txt, feeds, sitemaps, images: archived, not extracted
	}
	if err != nil {
		out.err = err
		return out
	}
	for i := range rs {
		if s := d.sites.SiteFor(rs[i].URL); s != nil {
			rs[i].Site, rs[i].SiteKind = s.Name, s.Kind
		} else if u, err := url.Parse(rs[i].URL); err == nil {
			rs[i].Site = u.Host // an imported capture of a site not in the sites file
		}
	}
	out.recs = rs
	return out
}

// commit takes the workers' results in batches: whatever has arrived, up
// to deriveBatch captures, in one transaction.
func (d *deriver) commit() {
	defer close(d.done)
	for first := range d.results {
		batch := []extracted{first}
	more:
		for len(batch) < deriveBatch {
			select {
			case r, ok := <-d.results:
				if !ok {
					break more
				}
				batch = append(batch, r)
			default:
				break more
			}
		}
		if d.err == nil {
			start := time.Now()
			d.err = d.commitBatch(batch)
			d.counted.Storing += time.Since(start)
		}
		if d.err != nil {
			go func() { // let the workers finish
				for range d.results {
				}
			}()
			return
		}
	}
}

func (d *deriver) commitBatch(batch []extracted) error {
	slices.SortFunc(batch, func(a, b extracted) int { return comparePlaces(a.place, b.place) })
	return d.st.Update(d.ctx, func(tx *store.Tx) error {
		var fresh []uint64
		known := &heldRecords{Tx: tx, recs: map[uint64]record.Record{}}
		for _, e := range batch {
			if done, err := tx.Extracted(e.place); err != nil || done {
				if err != nil {
					return err
				}
				continue
			}
			var seqs []uint64
			err := e.err
			if err == nil {
				seqs, err = tx.AddCapture(e.place, e.url, e.recs)
			}
			if err != nil {
				d.p.logger().Warn("capture not extracted", "url", e.url, "warc_place", e.place, "error", err)
				d.counted.Skipped++
				if err := tx.SkipCapture(e.place, e.url, err.Error()); err != nil {
					return err
				}
				continue
			}
			d.counted.Captures++
			d.counted.Records += len(e.recs)
			fresh = append(fresh, seqs...)
			for i, s := range seqs {
				known.recs[s] = e.recs[i]
			}
		}
		if d.bar != nil {
			d.bar.add(len(batch))
		}
		if len(fresh) == 0 {
			return nil
		}
		part, err := extract.Assemble(known, fresh)
		if err != nil {
			return fmt.Errorf("assemble: %w", err)
		}
		return d.keep(tx, part)
	})
}

// heldRecords is the store as Assemble reads it, with the batch's records
// taken from memory rather than read back.
type heldRecords struct {
	*store.Tx
	recs map[uint64]record.Record
}

func (h *heldRecords) Raw(seq uint64) (record.Record, error) {
	if r, ok := h.recs[seq]; ok {
		return r, nil
	}
	return h.Tx.Raw(seq)
}

// comparePlaces orders "FILE@OFFSET" places as the archive does: by file,
// then offset.
func comparePlaces(a, b string) int {
	split := func(place string) (string, int64) {
		i := strings.LastIndexByte(place, '@')
		if i < 0 {
			return place, 0
		}
		off, _ := strconv.ParseInt(place[i+1:], 10, 64)
		return place[:i], off
	}
	fa, oa := split(a)
	fb, ob := split(b)
	if c := strings.Compare(fa, fb); c != 0 {
		return c
	}
	return cmp.Compare(oa, ob)
}

// keep replaces in the store the assembled records of the extracted
// records the part holds with the part's, and files the extracted records
// under their keys.
func (d *deriver) keep(tx *store.Tx, part *extract.Part) error {
	now := map[uint64]bool{}
	for _, k := range part.Keys {
		now[k] = true
	}
	for _, s := range part.Seqs {
		k, ok, err := tx.Output(s)
		if err != nil {
			return err
		}
		if ok && !now[k] {
			if err := tx.Delete(k); err != nil {
				return err
			}
		}
	}
	// The mentions are found anew against the organizations known now: a
	// part may hold records extracted in an earlier run, before an
	// organization they name was known (their stored mentions are those of
	// that time); finish finds them anew over all records if more became
	// known during this run.
	for i, r := range extract.Mention(part.Records, d.known()) {
		if err := tx.Put(part.Keys[i], index.DocID(r), r); err != nil {
			return err
		}
		if r.Kind == record.KindOrganization && r.Title != "" {
			added, err := tx.AddOrganization(r.Title, r.Acronym, part.Keys[i])
			if err != nil {
				return err
			}
			if added {
				d.found(extract.Organization{Name: r.Title, Acronym: r.Acronym})
			}
		}
	}
	for _, s := range part.Seqs {
		k, ok := part.Into[s]
		if err := tx.SetOutput(s, k, ok); err != nil {
			return err
		}
		if err := tx.SetKeys(s, part.Filed[s]); err != nil {
			return err
		}
	}
	return nil
}

// finish waits for the captures handed over to be kept, then finds the
// mentions of the organizations anew over all records if the list of
// organizations changed since they were found.
func (d *deriver) finish() (deriveCounts, error) {
	close(d.jobs)
	d.workers.Wait()
	close(d.results)
	<-d.done
	if d.bar != nil {
		d.bar.finish()
	}
	if d.err != nil {
		return d.counted, d.err
	}
	if err := d.ctx.Err(); err != nil {
		return d.counted, err
	}
	return d.counted, d.remention()
}

// entryArchiver hands the deriver each capture the crawl archives, as it
// archives it, so that extraction runs beside the crawl.
type entryArchiver struct {
	*archive.Archive
	d *deriver
}

func (a entryArchiver) Write(ex *archive.Exchange) (archive.WriteResult, error) {
	res, err := a.Archive.Write(ex)
	if err == nil && !res.Revisit && res.Entry.Status == 200 {
		a.d.addEntry(res.Entry)
	}
	return res, err
}

var _ crawl.Archiver = entryArchiver{}
