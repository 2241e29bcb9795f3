// Command extractbench measures rankfile's extractor beside go-trafilatura
// and go-readability on the extraction dev pages (../shared/extract-dev),
// in one run and in process: main-text word F1 (WCXB's), boilerplate
// snippets kept out, must-have snippets found, title, author and
// publication date against the ground truth, and time per page.
//
// The WCXB pages are split by site into a tuning part and a checking part
// (split.tsv, made once by -write-split and committed): rules may be
// written against tuning pages only, and a change counts as an improvement
// only if it lifts both parts. Per-page output (-details) covers tuning
// pages only.
//
//	go run ./tools/extractbench                  # both parts and the Readability pages
//	go run ./tools/extractbench -x rankfile      # rankfile alone, quicker
package main

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
	"sort"
	"strings"
	"sync"
	"time"
)

func main() {
	var (
		data      = flag.String("data", "../shared/extract-dev", "folder holding wcxb/ and readability/")
		splitFile = flag.String("split", "tools/extractbench/split.tsv", "the committed split of the WCXB pages")
		write     = flag.Bool("write-split", false, "make the split file from the pages and exit")
		xs        = flag.String("x", "rankfile,trafilatura,readability", "extractors to run")
		jobs      = flag.Int("j", 1, "pages run in parallel (time per page is cleanest at 1)")
		details   = flag.String("details", "", "write per-page scores as JSON lines to this file (never of the checking part)")
		sets      = flag.String("sets", "wcxb,readability", "page sets to run")
		byLang    = flag.Bool("lang", true, "tables by language")
		dump      = flag.String("dump", "", "write each extracted text of a tuning page as DIR/extractor/id.txt")
		cpuProf   = flag.String("cpuprofile", "", "write a CPU profile of the run to this file")
		ids       = flag.String("ids", "", "run only these tuning pages (comma-separated IDs; checking pages are refused)")
	)
	flag.Parse()
	if *cpuProf != "" {
		f, err := os.Create(*cpuProf)
		if err == nil {
			err = pprof.StartCPUProfile(f)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "extractbench:", err)
			os.Exit(1)
		}
		defer pprof.StopCPUProfile()
	}
	only = idSet(*ids)
	if err := run(*data, *splitFile, *write, *xs, *jobs, *details, *sets, *byLang, *dump); err != nil {
		fmt.Fprintln(os.Stderr, "extractbench:", err)
		pprof.StopCPUProfile()
		os.Exit(1)
	}
}

// only holds the page IDs -ids asks for; nil runs every page.
var only map[string]bool

func idSet(s string) map[string]bool {
	if s == "" {
		return nil
	}
	m := map[string]bool{}
	for _, id := range strings.Split(s, ",") {
		m[strings.TrimSpace(id)] = true
	}
	return m
}

func run(data, splitFile string, write bool, xs string, jobs int, details, sets string, byLang bool, dump string) error {
	all := map[string]func() extractor{"rankfile": rankfileExtractor, "trafilatura": trafilaturaExtractor, "readability": readabilityExtractor}
	var exs []extractor
	for _, x := range strings.Split(xs, ",") {
		mk, ok := all[x]
		if !ok {
			return fmt.Errorf("unknown extractor %q", x)
		}
		exs = append(exs, mk())
	}
	var pages []*page
	if strings.Contains(sets, "wcxb") || write {
		wc, err := loadSet(filepath.Join(data, "wcxb", "dev"), "wcxb")
		if err != nil {
			return err
		}
		if write {
			parts := makeSplit(wc, readIDs(filepath.Join(data, "wcxb", "first500.txt")))
			return writeSplit(splitFile, wc, parts)
		}
		parts, err := readSplit(splitFile)
		if err != nil {
			return err
		}
		for _, p := range wc {
			if p.Part = parts[p.ID]; p.Part == "" {
				return fmt.Errorf("page %s is not in %s", p.ID, splitFile)
			}
			if only != nil && only[p.ID] && p.Part != "tune" {
				return fmt.Errorf("page %s is a checking page: -ids takes tuning pages only", p.ID)
			}
		}
		if only != nil {
			var kept []*page
			for _, p := range wc {
				if only[p.ID] {
					kept = append(kept, p)
				}
			}
			wc = kept
		}
		pages = append(pages, wc...)
	}
	if strings.Contains(sets, "readability") {
		rd, err := loadSet(filepath.Join(data, "readability", "pages"), "readability")
		if err != nil {
			return err
		}
		for _, p := range rd {
			p.Part = "readability"
		}
		pages = append(pages, rd...)
	}
	start := time.Now()
	results := runAll(pages, exs, jobs)
	fmt.Printf("extractbench: %d pages, %d extractors, -j %d, %s, %s\n\n", len(pages), len(exs), jobs, time.Since(start).Round(time.Second), runtime.Version())
	for _, part := range []string{"tune", "check", "readability"} {
		report(os.Stdout, part, pages, exs, results, byLang)
	}
	if dump != "" {
		if err := writeDump(dump, pages, exs, results); err != nil {
			return err
		}
	}
	if details != "" {
		return writeDetails(details, pages, exs, results)
	}
	return nil
}

// writeDump writes the texts extracted from tuning pages, one file each.
func writeDump(dir string, pages []*page, exs []extractor, results [][]result) error {
	for j, x := range exs {
		if err := os.MkdirAll(filepath.Join(dir, x.name), 0o755); err != nil {
			return err
		}
		for i, p := range pages {
			if p.Part == "check" {
				continue // the checking part is never looked into page by page
			}
			if err := os.WriteFile(filepath.Join(dir, x.name, p.Set+"-"+p.ID+".txt"), []byte(results[i][j].Text), 0o644); err != nil {
				return err
			}
		}
	}
	return nil
}

// runAll runs every extractor on every page; results[i][j] is extractor
// j's result on page i.
func runAll(pages []*page, exs []extractor, jobs int) [][]result {
	results := make([][]result, len(pages))
	next := make(chan int)
	var wg sync.WaitGroup
	for range max(1, jobs) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				results[i] = make([]result, len(exs))
				for j, x := range exs {
					t := time.Now()
					r := safeRun(x, pages[i])
					r.Dur = time.Since(t)
					results[i][j] = r
				}
			}
		}()
	}
	for i := range pages {
		next <- i
		if (i+1)%200 == 0 {
			fmt.Fprintf(os.Stderr, "%d/%d pages\n", i+1, len(pages))
		}
	}
	close(next)
	wg.Wait()
	return results
}

func safeRun(x extractor, p *page) (r result) {
	defer func() {
		if e := recover(); e != nil {
			r = result{Err: fmt.Errorf("panic: %v", e)}
		}
	}()
	return x.run(p)
}

func writeDetails(path string, pages []*page, exs []extractor, results [][]result) error {
	f, err := os.Create(path)
	if err != nil {
		return err
	}
	defer f.Close()
	enc := json.NewEncoder(f)
	for i, p := range pages {
		if p.Part == "check" {
			continue // the checking part is never looked into page by page
		}
		for j, x := range exs {
			r := results[i][j]
			pr, rc, f1 := wordPRF(p.Main, r.Text)
			enc.Encode(map[string]any{"id": p.ID, "url": p.URL, "type": p.Type, "lang": p.Lang, "wp": p.WP,
				"x": x.name, "p": pr, "r": rc, "f1": f1, "chars": len(r.Text), "dirty": dirty(r.Text, p),
				"with": found(r.Text, p.With), "nwith": len(p.With), "leaked": found(r.Text, p.Without), "nwithout": len(p.Without),
				"title": r.Title, "gt_title": p.Title, "authors": r.Authors, "gt_author": p.Author, "date": r.Date, "gt_date": p.Date,
				"ms": r.Dur.Seconds() * 1000})
		}
	}
	return nil
}

// stats sums one extractor's scores over some pages.
type stats struct {
	pages, scored, empty, fail, dirty int
	p, r, f1                          float64
	with, nwith, out, nwithout        int
	titleOK, titleN, authOK, authN    int
	dateOK, dateN                     int
	durs                              []time.Duration
	total                             time.Duration
}

func (s *stats) add(p *page, r result) {
	s.pages++
	if r.Err != nil && r.Text == "" {
		s.fail++
	}
	if strings.TrimSpace(r.Text) == "" {
		s.empty++
	}
	if dirty(r.Text, p) {
		s.dirty++
	}
	if p.HasTruth {
		pr, rc, f := wordPRF(p.Main, r.Text)
		s.scored++
		s.p, s.r, s.f1 = s.p+pr, s.r+rc, s.f1+f
	}
	s.with += found(r.Text, p.With)
	s.nwith += len(p.With)
	s.out += len(p.Without) - found(r.Text, p.Without)
	s.nwithout += len(p.Without)
	if p.Title != "" {
		s.titleN++
		if sameTitle(p.Title, r.Title) {
			s.titleOK++
		}
	}
	if p.Author != "" {
		s.authN++
		if sameAuthors(p.Author, r.Authors) {
			s.authOK++
		}
	}
	if p.Date != "" {
		s.dateN++
		if p.Date == r.Date {
			s.dateOK++
		}
	}
	s.durs = append(s.durs, r.Dur)
	s.total += r.Dur
}

func pct(a, b int) string {
	if b == 0 {
		return "-"
	}
	return fmt.Sprintf("%.1f", 100*float64(a)/float64(b))
}

func mean(x float64, n int) float64 {
	if n == 0 {
		return 0
	}
	return x / float64(n)
}

func (s *stats) median() float64 {
	if len(s.durs) == 0 {
		return 0
	}
	d := append([]time.Duration(nil), s.durs...)
	sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
	return d[len(d)/2].Seconds() * 1000
}

func collect(pages []*page, exs []extractor, results [][]result, keep func(*page) bool) []*stats {
	out := make([]*stats, len(exs))
	for j := range exs {
		out[j] = &stats{}
	}
	for i, p := range pages {
		if !keep(p) {
			continue
		}
		for j := range exs {
			out[j].add(p, results[i][j])
		}
	}
	return out
}

func report(w *os.File, part string, pages []*page, exs []extractor, results [][]result, byLang bool) {
	in := func(p *page) bool { return p.Part == part }
	n := 0
	for _, p := range pages {
		if in(p) {
			n++
		}
	}
	if n == 0 {
		return
	}
	title := map[string]string{"tune": "WCXB dev, tuning part", "check": "WCXB dev, checking part (never tuned on)", "readability": "Mozilla Readability test pages"}[part]
	fmt.Fprintf(w, "== %s: %d pages ==\n", title, n)
	table := func(label string, keep func(*page) bool) {
		st := collect(pages, exs, results, func(p *page) bool { return in(p) && keep(p) })
		if st[0].pages == 0 {
			return
		}
		fmt.Fprintf(w, "-- %s --\n", label)
		fmt.Fprintf(w, "%-12s %5s %4s %5s %5s  %5s %5s %5s  %6s %6s  %6s %6s %6s  %7s %7s\n",
			"extractor", "pages", "fail", "empty", "dirty", "P", "R", "F1", "with%", "w/o-ok", "title%", "auth%", "date%", "ms/page", "ms/mean")
		for j, x := range exs {
			s := st[j]
			fmt.Fprintf(w, "%-12s %5d %4d %5d %5d  %.3f %.3f %.3f  %6s %6s  %6s %6s %6s  %7.2f %7.2f\n",
				x.name, s.pages, s.fail, s.empty, s.dirty, mean(s.p, s.scored), mean(s.r, s.scored), mean(s.f1, s.scored),
				pct(s.with, s.nwith), pct(s.out, s.nwithout), pct(s.titleOK, s.titleN), pct(s.authOK, s.authN), pct(s.dateOK, s.dateN),
				s.median(), s.total.Seconds()*1000/float64(max(1, s.pages)))
		}
	}
	table("all pages", func(*page) bool { return true })
	if part == "readability" {
		fmt.Fprintln(w)
		return
	}
	table("WordPress pages", func(p *page) bool { return p.WP })
	breakdown(w, "page type", pages, exs, results, in, func(p *page) string { return p.Type })
	if byLang {
		breakdown(w, "language", pages, exs, results, in, func(p *page) string { return p.Lang })
	}
	fmt.Fprintln(w)
}

// breakdown prints mean F1 by a key (page type, language), keys with
// fewer than 5 pages pooled as "other".
func breakdown(w *os.File, label string, pages []*page, exs []extractor, results [][]result, in func(*page) bool, key func(*page) string) {
	count := map[string]int{}
	for _, p := range pages {
		if in(p) && p.HasTruth {
			count[key(p)]++
		}
	}
	k := func(p *page) string {
		if count[key(p)] < 5 {
			return "other"
		}
		return key(p)
	}
	keys := map[string]int{}
	for _, p := range pages {
		if in(p) && p.HasTruth {
			keys[k(p)]++
		}
	}
	var names []string
	for n := range keys {
		names = append(names, n)
	}
	sort.Slice(names, func(i, j int) bool { return keys[names[i]] > keys[names[j]] })
	fmt.Fprintf(w, "-- mean F1 by %s (pages) --\n%-12s", label, "extractor")
	for _, n := range names {
		fmt.Fprintf(w, " %16s", fmt.Sprintf("%s(%d)", n, keys[n]))
	}
	fmt.Fprintln(w)
	for j, x := range exs {
		fmt.Fprintf(w, "%-12s", x.name)
		for _, n := range names {
			st := collect(pages, []extractor{x}, sliceCol(results, j), func(p *page) bool { return in(p) && p.HasTruth && k(p) == n })
			fmt.Fprintf(w, " %16.3f", mean(st[0].f1, st[0].scored))
		}
		fmt.Fprintln(w)
	}
}

func sliceCol(results [][]result, j int) [][]result {
	out := make([][]result, len(results))
	for i := range results {
		if results[i] != nil {
			out[i] = []result{results[i][j]}
		}
	}
	return out
}
