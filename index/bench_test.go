package index

import (
	"context"
	"encoding/json"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/mapping"

	"rankfile/record"
)

// benchRecords is the corpus size for the benchmarks: RANKFILE_BENCH_RECORDS,
// or 2,000 so that go test -bench stays quick.
func benchRecords(b *testing.B) int {
	n := 2000
	if s := os.Getenv("RANKFILE_BENCH_RECORDS"); s != "" {
		var err error
		if n, err = strconv.Atoi(s); err != nil || n <= 0 {
			b.Fatalf("RANKFILE_BENCH_RECORDS=%q: want a positive number", s)
		}
	}
	return n
}

// topics are the words caucus writing is about; each generated record
// leans on a few of them.
var topics = strings.Fields(`union democracy caucus strike contract charter bargaining steward picket
	testing pension layoffs segregation racial justice budget reform tenure walkout solidarity
	organizing members election delegates convention rank file community parents students`)

// genRecords returns n records of about 600 words each, drawn with a
// Zipf-like law from a vocabulary of made-up words, with a few topical
// words mixed in: the same n and seed give the same records.
func genRecords(n int, seed uint64) []record.Record {
	recs := make([]record.Record, 0, n)
	genEach(n, seed, func(r record.Record) error {
		recs = append(recs, r)
		return nil
	})
	return recs
}

// genEach gives fn the records genRecords returns, one at a time, so that a
// corpus of any size never is in memory.
func genEach(n int, seed uint64, fn func(record.Record) error) error {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	vocab := make([]string, 20000)
	syll := []string{"ka", "to", "re", "mi", "sa", "lu", "ne", "po", "di", "va", "go", "he", "ri", "mo", "te", "ba"}
	for i := range vocab {
		var w strings.Builder
		for j := 0; j < 2+i%3; j++ {
			w.WriteString(syll[rng.IntN(len(syll))])
		}
		vocab[i] = w.String()
	}
	zipf := rand.NewZipf(rng, 1.1, 2, uint64(len(vocab)-1))
	sites := []string{"Baltimore Movement", "Albuquerque CORE", "Urban Education Democracy Project", "Turn Web", "AROS Louisville"}
	kinds := []record.Kind{record.KindPost, record.KindPost, record.KindPost, record.KindPage, record.KindMission}
	words := func(k int, topical []string) string {
		var b strings.Builder
		for i := range k {
			if i > 0 {
				b.WriteByte(' ')
				if i%15 == 0 {
					b.WriteString("\n\n")
				}
			}
			if rng.IntN(20) == 0 {
				b.WriteString(topical[rng.IntN(len(topical))])
			} else {
				b.WriteString(vocab[zipf.Uint64()])
			}
		}
		return b.String()
	}
	start := time.Date(2012, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range n {
		topical := []string{topics[rng.IntN(len(topics))], topics[rng.IntN(len(topics))], topics[rng.IntN(len(topics))]}
		kind := kinds[rng.IntN(len(kinds))]
		title := words(4+rng.IntN(5), topical)
		url := fmt.Sprintf("http://site%d.test/posts/%d", i%len(sites), i)
		r := record.Record{
			ID: record.MakeID(kind, url, title), Kind: kind, URL: url,
			Site: sites[i%len(sites)], SiteKind: "caucus", Title: title,
			Authors:   []string{fmt.Sprintf("Author %d", rng.IntN(50))},
			Published: start.AddDate(0, 0, rng.IntN(13*365)).Format(time.DateOnly),
			Text:      words(550+rng.IntN(100), topical),
			Captured:  time.Date(2024, 3, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Second),
			WARCFile:  "rankfile-bench.warc.gz", WARCOffset: int64(i) * 4096,
			Digest: fmt.Sprintf("sha1:%032d", i),
		}
		if err := fn(r); err != nil {
			return err
		}
	}
	return nil
}

// plainDocs returns recs as plain bleve indexes them: each record's JSON
// object, with the year of publication added for the year facet.
func plainDocs(recs []record.Record) ([]map[string]any, error) {
	docs := make([]map[string]any, len(recs))
	for i, r := range recs {
		b, err := json.Marshal(r)
		if err != nil {
			return nil, err
		}
		if err := json.Unmarshal(b, &docs[i]); err != nil {
			return nil, err
		}
		if t := r.PublishedTime(); !t.IsZero() {
			docs[i]["year"] = t.Format("2006")
		}
	}
	return docs, nil
}

// plainMapping is what a bleve user would write for these records: the
// default mapping, with the English analyzer on title and text (and as the
// default, so that queries of the _all field are analysed as its terms
// were) and keywords for the faceted fields; everything else dynamic,
// stored and in the _all field.
func plainMapping() *mapping.IndexMappingImpl {
	doc := bleve.NewDocumentMapping()
	for _, f := range []string{"title", "text"} {
		fm := bleve.NewTextFieldMapping()
		fm.Analyzer = en.AnalyzerName
		doc.AddFieldMappingsAt(f, fm)
	}
	for _, f := range []string{"site", "kind", "year"} {
		doc.AddFieldMappingsAt(f, bleve.NewKeywordFieldMapping())
	}
	m := bleve.NewIndexMapping()
	m.DefaultMapping = doc
	m.DefaultAnalyzer = en.AnalyzerName
	return m
}

// plainIndex indexes docs (see plainDocs) into a new bleve index in dir,
// plainly: one index, plainMapping, batches of 1,000.
func plainIndex(dir string, docs []map[string]any) (bleve.Index, error) {
	bi, err := bleve.New(dir, plainMapping())
	if err != nil {
		return nil, err
	}
	b := bi.NewBatch()
	for _, d := range docs {
		if err := b.Index(d["id"].(string), d); err != nil {
			return nil, err
		}
		if b.Size() >= 1000 {
			if err := bi.Batch(b); err != nil {
				return nil, err
			}
			b = bi.NewBatch() // see writer.flushShard
		}
	}
	return bi, bi.Batch(b)
}

// plainRequest is the plain search: the query string over _all, ten hits
// with their stored fields, a highlighted text and the site, kind and year
// facets.
func plainRequest(text string) *bleve.SearchRequest {
	req := bleve.NewSearchRequest(bleve.NewQueryStringQuery(text))
	req.Fields = []string{"*"}
	req.Highlight = bleve.NewHighlightWithStyle("html")
	req.Highlight.AddField("text")
	for _, f := range []string{"site", "kind", "year"} {
		req.AddFacet(f, bleve.NewFacetRequest(f, 50))
	}
	return req
}

func dirSize(dir string) int64 {
	var n int64
	filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			if fi, err := d.Info(); err == nil {
				n += fi.Size()
			}
		}
		return nil
	})
	return n
}

func BenchmarkIndex(b *testing.B) {
	recs := genRecords(benchRecords(b), 1)
	b.Run("rankfile", func(b *testing.B) {
		var size int64
		for i := 0; b.Loop(); i++ {
			dir := filepath.Join(b.TempDir(), "index")
			if err := Build(dir, recs); err != nil {
				b.Fatal(err)
			}
			size = dirSize(dir)
		}
		b.ReportMetric(float64(len(recs)*b.N)/b.Elapsed().Seconds(), "records/s")
		b.ReportMetric(float64(size)/(1<<20), "MiB")
	})
	docs, err := plainDocs(recs)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("bleve-plain", func(b *testing.B) {
		var size int64
		for i := 0; b.Loop(); i++ {
			dir := filepath.Join(b.TempDir(), "index")
			bi, err := plainIndex(dir, docs)
			if err != nil {
				b.Fatal(err)
			}
			if err := bi.Close(); err != nil {
				b.Fatal(err)
			}
			size = dirSize(dir)
		}
		b.ReportMetric(float64(len(recs)*b.N)/b.Elapsed().Seconds(), "records/s")
		b.ReportMetric(float64(size)/(1<<20), "MiB")
	})
}

// benchQueries mix single topical words, pairs, a phrase and exclusions.
var benchQueries = []string{
	"union", "strike", "union democracy", "+charter +budget", `"rank file"`,
	"caucus -election", "picket solidarity walkout", "segregation",
}

func BenchmarkQuery(b *testing.B) {
	recs := genRecords(benchRecords(b), 1)
	ctx := context.Background()
	x := mustOpen(b, recs)
	since := time.Date(2018, 1, 1, 0, 0, 0, 0, time.UTC)
	for _, v := range []struct {
		name string
		q    func(text string) Query
	}{
		{"rankfile", func(text string) Query { return Query{Text: text} }},
		{"rankfile-facets", func(text string) Query { return Query{Text: text, Facets: true} }},
		{"rankfile-filtered", func(text string) Query {
			return Query{Text: text, Site: "Turn Web", PublishedSince: since, Sort: SortDateDesc}
		}},
	} {
		b.Run(v.name, func(b *testing.B) {
			for i := 0; b.Loop(); i++ {
				if _, err := x.Search(ctx, v.q(benchQueries[i%len(benchQueries)])); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
	docs, err := plainDocs(recs)
	if err != nil {
		b.Fatal(err)
	}
	bi, err := plainIndex(filepath.Join(b.TempDir(), "plain"), docs)
	if err != nil {
		b.Fatal(err)
	}
	defer bi.Close()
	b.Run("bleve-plain-facets", func(b *testing.B) {
		for i := 0; b.Loop(); i++ {
			if _, err := bi.SearchInContext(ctx, plainRequest(benchQueries[i%len(benchQueries)])); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkIndex_Scale builds an index of the generated corpus streaming
// (BuildFrom: the records are never all in memory), reports its build time,
// CPU, peak RSS (VmHWM, which counts the segment files bleve maps, and the
// highest anonymous RSS sampled) and the latency of faceted searches on it
// (p50, p99 of 200 after a warm-up); then the same for plain bleve
// (plainMapping, batches of 1,000, built in a child process so that its
// peak RSS is its own) over the first 100,000 records, or
// RANKFILE_BENCH_PLAIN records (0: none). The figure is at
// 1,000,000 records:
//
//	RANKFILE_BENCH_RECORDS=1000000 nice -n 10 go test -run '^$' -bench Index_Scale -benchtime 1x -timeout 3h ./index/
//
// RANKFILE_BENCH_INDEX names an index of the same RANKFILE_BENCH_RECORDS
// generated records built before (by BuildFrom, an hour at 1,000,000 on
// two cores) to time the searches on instead of building one: the build
// columns are then empty.
func BenchmarkIndex_Scale(b *testing.B) {
	n := benchRecords(b)
	plainN := min(n, 100000)
	if s := os.Getenv("RANKFILE_BENCH_PLAIN"); s != "" {
		var err error
		if plainN, err = strconv.Atoi(s); err != nil || plainN < 0 {
			b.Fatalf("RANKFILE_BENCH_PLAIN=%q: want a number", s)
		}
	}
	ctx := context.Background()
	kept := os.Getenv("RANKFILE_BENCH_INDEX")
	for range b.N {
		dir := kept
		var rk childResult
		var peakAnon int64
		if kept == "" {
			dir = filepath.Join(b.TempDir(), "index")
			runtime.GC()
			debug.FreeOSMemory()
			os.WriteFile("/proc/self/clear_refs", []byte("5"), 0) // the peak RSS of the build alone
			anon := sampleAnon()
			cpu0 := cpuTime()
			start := time.Now()
			if err := BuildFrom(dir, func(fn func(record.Record) error) error { return genEach(n, 1, fn) }); err != nil {
				b.Fatal(err)
			}
			rk = childResult{Seconds: time.Since(start).Seconds(), CPU: (cpuTime() - cpu0).Seconds(), MaxRSS: statusBytes("VmHWM:")}
			peakAnon = anon()
		}
		x, err := OpenReadOnly(dir)
		if err != nil {
			b.Fatal(err)
		}
		if count, err := x.Count(); err != nil || count != uint64(n) {
			b.Fatalf("index %s holds %d records (%v), want %d", dir, count, err, n)
		}
		shards := len(x.shards)
		rkLat, rkQueryCPU := timeQueries(b, func(q string) error {
			_, err := x.Search(ctx, Query{Text: q, Facets: true})
			return err
		})
		x.Close()
		fmt.Printf("\n%-22s %9s %9s %10s %9s %9s %9s %7s %9s %9s %9s\n", "", "records", "build s", "records/s", "CPU s", "peak MB", "anon MB", "shards", "p50 ms", "p99 ms", "CPU ms/q")
		build := fmt.Sprintf("%9.1f %10.0f %9.1f %9.0f %9.0f", rk.Seconds, float64(n)/rk.Seconds, rk.CPU, mib(rk.MaxRSS), mib(peakAnon))
		if kept != "" {
			build = fmt.Sprintf("%9s %10s %9s %9s %9s", "-", "-", "-", "-", "-")
		}
		fmt.Printf("%-22s %9d %s %7d %9.1f %9.1f %9.1f\n", "rankfile", n, build, shards,
			msf(percentile(rkLat, 50)), msf(percentile(rkLat, 99)), rkQueryCPU*1000)
		if kept == "" {
			b.ReportMetric(float64(n)/rk.Seconds, "records/s")
			b.ReportMetric(mib(rk.MaxRSS), "build-peak-RSS-MB")
			b.ReportMetric(mib(peakAnon), "build-peak-anon-MB")
			b.ReportMetric(mib(dirSize(dir)), "MiB")
			os.RemoveAll(dir)
		}
		b.ReportMetric(msf(percentile(rkLat, 50)), "facets-p50-ms")
		b.ReportMetric(msf(percentile(rkLat, 99)), "facets-p99-ms")
		b.ReportMetric(rkQueryCPU*1000, "facets-CPU-ms/query")
		if plainN == 0 {
			continue
		}
		work := b.TempDir()
		jsonl, pdir := filepath.Join(work, "records.jsonl"), filepath.Join(work, "plain")
		if err := record.WriteFile(jsonl, genRecords(plainN, 1)); err != nil {
			b.Fatal(err)
		}
		pl, err := runChild("bleve", jsonl, pdir)
		if err != nil {
			b.Fatal(err)
		}
		bi, err := bleve.OpenUsing(pdir, map[string]any{"read_only": true})
		if err != nil {
			b.Fatal(err)
		}
		plLat, plQueryCPU := timeQueries(b, func(q string) error {
			_, err := bi.SearchInContext(ctx, plainRequest(q))
			return err
		})
		bi.Close()
		fmt.Printf("%-22s %9d %9.1f %10.0f %9.1f %9.0f %9s %7d %9.1f %9.1f %9.1f\n", "plain bleve", plainN, pl.Seconds, float64(plainN)/pl.Seconds, pl.CPU,
			mib(pl.MaxRSS), "-", 1, msf(percentile(plLat, 50)), msf(percentile(plLat, 99)), plQueryCPU*1000)
		b.ReportMetric(float64(plainN)/pl.Seconds, "plain-records/s")
		b.ReportMetric(mib(pl.MaxRSS), "plain-peak-RSS-MB")
		b.ReportMetric(msf(percentile(plLat, 99)), "plain-facets-p99-ms")
	}
}

// timeQueries runs benchQueries once to warm up, then 200 times in turn,
// and returns the latencies and the CPU time the process spent per query
// meanwhile, in seconds.
func timeQueries(b *testing.B, search func(q string) error) ([]time.Duration, float64) {
	for _, q := range benchQueries {
		if err := search(q); err != nil {
			b.Fatal(err)
		}
	}
	var lat []time.Duration
	cpu0 := cpuTime()
	for i := range 200 {
		t := time.Now()
		if err := search(benchQueries[i%len(benchQueries)]); err != nil {
			b.Fatal(err)
		}
		lat = append(lat, time.Since(t))
	}
	return lat, (cpuTime() - cpu0).Seconds() / float64(len(lat))
}

func msf(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// sampleAnon samples the process's anonymous RSS every 50 ms until the
// function it returns is called, which returns the highest sampled.
func sampleAnon() func() int64 {
	stop, peak := make(chan struct{}), make(chan int64)
	go func() {
		var p int64
		for {
			p = max(p, statusBytes("RssAnon:"))
			select {
			case <-stop:
				peak <- p
				return
			case <-time.After(50 * time.Millisecond):
			}
		}
	}()
	return func() int64 { close(stop); return <-peak }
}

// cpuTime returns the user and system time this process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// statusBytes reads a kB field of /proc/self/status, in bytes.
func statusBytes(field string) int64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if rest, ok := strings.CutPrefix(line, field); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(rest), "kB")), 10, 64)
			return kb << 10
		}
	}
	return 0
}
