package index

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2"

	"rankfile/record"
)

// BenchmarkCompare is the benchmark of issue 8: rankfile's index against
// plain bleve (plainMapping, batches of 1,000) and against rg -c over the
// same records as JSON Lines. Each index is built in a child process, so
// that its peak RSS is its own; then the same queries (one, two and three
// terms and a phrase, each with the site, kind and year facets and
// highlights) run on each. It logs a table and reports the ratios the issue
// sets targets for:
//
//	RANKFILE_BENCH_RECORDS=100000 go test ./index -run '^$' -bench Compare -benchtime 1x -timeout 2h
//
// RANKFILE_BENCH_QUERIES sets the queries per kind for the indexes (50),
// RANKFILE_BENCH_RG_QUERIES for rg (15). Without rg on PATH its part is
// skipped.
func BenchmarkCompare(b *testing.B) {
	n := benchRecords(b)
	work := b.TempDir()
	jsonl := filepath.Join(work, "records.jsonl")
	recs := genRecords(n, 1)
	if err := record.WriteFile(jsonl, recs); err != nil {
		b.Fatal(err)
	}
	recs = nil // the children read the file
	fi, err := os.Stat(jsonl)
	if err != nil {
		b.Fatal(err)
	}

	type system struct {
		name  string
		dir   string
		build childResult
	}
	systems := []*system{{name: "rankfile"}, {name: "bleve"}}
	for _, s := range systems {
		s.dir = filepath.Join(work, s.name)
		if s.build, err = runChild(s.name, jsonl, s.dir); err != nil {
			b.Fatal(err)
		}
	}
	rk, err := OpenReadOnly(systems[0].dir)
	if err != nil {
		b.Fatal(err)
	}
	defer rk.Close()
	pl, err := bleve.OpenUsing(systems[1].dir, map[string]any{"read_only": true})
	if err != nil {
		b.Fatal(err)
	}
	defer pl.Close()

	ctx := context.Background()
	iters, rgIters := envInt(b, "RANKFILE_BENCH_QUERIES", 50), envInt(b, "RANKFILE_BENCH_RG_QUERIES", 15)
	rg, rgErr := exec.LookPath("rg")
	var table strings.Builder
	fmt.Fprintf(&table, "\n%d records, %.0f MiB of JSON Lines, GOMAXPROCS %d\n", n, mib(fi.Size()), runtimeProcs())
	fmt.Fprintf(&table, "%-9s %10s %9s %9s %9s %9s\n", "indexing", "records/s", "cpu s", "wall s", "MiB", "peak RSS")
	for _, s := range systems {
		fmt.Fprintf(&table, "%-9s %10.0f %9.1f %9.1f %9.0f %9.0f\n", s.name, float64(n)/s.build.Seconds,
			s.build.CPU, s.build.Seconds, mib(dirSize(s.dir)), mib(s.build.MaxRSS))
	}
	indexRatio := systems[1].build.Seconds / systems[0].build.Seconds
	fmt.Fprintf(&table, "rankfile indexes %.2fx as fast as plain bleve (target 2x)\n\n", indexRatio)
	fmt.Fprintf(&table, "%-8s %-36s %9s %9s %9s %9s %9s %9s %9s\n", "query", "", "hits", "rk p50", "rk p99", "bleve p50", "bleve p99", "rg p50", "rg/rk p50")
	worstRatio, worstP99 := 0.0, time.Duration(0)
	for _, qs := range compareQueries { // warm up: page the indexes in
		for _, q := range qs.queries {
			if _, err := rk.Search(ctx, Query{Text: q, Facets: true}); err != nil {
				b.Fatal(err)
			}
		}
		for _, q := range qs.bleveForm() {
			if _, err := pl.SearchInContext(ctx, plainRequest(q)); err != nil {
				b.Fatal(err)
			}
		}
	}
	for _, qs := range compareQueries {
		var rkT, plT, rgT []time.Duration
		var hits uint64
		for i := range iters {
			q := qs.queries[i%len(qs.queries)]
			t0 := time.Now()
			res, err := rk.Search(ctx, Query{Text: q, Facets: true})
			if err != nil {
				b.Fatal(err)
			}
			rkT = append(rkT, time.Since(t0))
			hits += res.Total
			t0 = time.Now()
			if _, err := pl.SearchInContext(ctx, plainRequest(qs.bleveForm()[i%len(qs.queries)])); err != nil {
				b.Fatal(err)
			}
			plT = append(plT, time.Since(t0))
		}
		if rgErr == nil && qs.plain == nil { // rg has no query language: words and phrases only
			for i := range rgIters {
				t0 := time.Now()
				if err := runRg(rg, jsonl, qs.queries[i%len(qs.queries)]); err != nil {
					b.Fatal(err)
				}
				rgT = append(rgT, time.Since(t0))
			}
		}
		rkP50, rkP99 := percentile(rkT, 50), percentile(rkT, 99)
		worstP99 = max(worstP99, rkP99)
		rgCol, ratioCol := "-", "-"
		if len(rgT) > 0 {
			ratio := float64(percentile(rgT, 50)) / float64(rkP50)
			if worstRatio == 0 || ratio < worstRatio {
				worstRatio = ratio
			}
			rgCol, ratioCol = ms(percentile(rgT, 50)), fmt.Sprintf("%.1fx", ratio)
		}
		fmt.Fprintf(&table, "%-8s %-36s %9d %9s %9s %9s %9s %9s %9s\n", qs.kind, strings.Join(qs.queries[:2], ", ")+", …",
			hits/uint64(iters), ms(rkP50), ms(rkP99), ms(percentile(plT, 50)), ms(percentile(plT, 99)), rgCol, ratioCol)
	}
	if rgErr != nil {
		fmt.Fprintf(&table, "rg not found (%v): its column is empty\n", rgErr)
	} else {
		fmt.Fprintf(&table, "rankfile is at least %.1fx faster than rg at p50 (target 5x); its worst p99 is %s (target < 50 ms)\n", worstRatio, ms(worstP99))
	}
	fmt.Print(table.String()) // b.Log would cut it to ten lines
	b.ReportMetric(indexRatio, "index-speedup")
	b.ReportMetric(float64(n)/systems[0].build.Seconds, "records/s")
	b.ReportMetric(float64(worstP99.Microseconds())/1000, "worst-p99-ms")
	if worstRatio > 0 {
		b.ReportMetric(worstRatio, "min-rg-ratio")
	}
}

// compareQueries are the queries BenchmarkCompare times, by kind; each
// kind cycles through its list. The boolean and field queries use
// rankfile's query language; plain bleve gets the nearest query string
// (bleve has no AND, OR or NOT: + and - stand for them) and rg none.
type compareQuery struct {
	kind    string
	queries []string
	plain   []string // bleve query strings, when they differ from queries
}

var compareQueries = []compareQuery{
	{"1 term", []string{"union", "strike", "charter", "pension", "testing", "segregation", "walkout", "delegates"}, nil},
	{"2 terms", []string{"union democracy", "strike contract", "charter budget", "pension layoffs", "racial justice", "steward picket", "parents students", "tenure reform"}, nil},
	{"3 terms", []string{"picket solidarity walkout", "union democracy caucus", "charter testing budget", "members election delegates", "rank file organizing", "community parents students", "contract bargaining steward", "pension layoffs tenure"}, nil},
	{"phrase", []string{`"union democracy"`, `"strike contract"`, `"rank file"`, `"racial justice"`, `"charter budget"`, `"picket solidarity"`, `"parents students"`, `"tenure reform"`}, nil},
	{"boolean",
		[]string{"union AND democracy", "strike OR walkout", "(charter OR testing) AND budget", "pension NOT layoffs",
			"(racial OR justice) AND NOT tenure", "steward AND (picket OR strike)", "parents AND students AND community", "union AND NOT (charter OR testing)"},
		[]string{"+union +democracy", "strike walkout", "+budget charter testing", "pension -layoffs",
			"racial justice -tenure", "+steward picket strike", "+parents +students +community", "+union -charter -testing"}},
	{"fields",
		[]string{`site:"Turn Web" AND union`, "kind:post AND strike", `site:"albuquerque core" AND pension`, "kind:posts AND racial",
			"published:2021 AND democracy", `site:("AROS Louisville" OR "Turn Web") AND charter`, `kind:mission AND NOT site:"Turn Web"`, `year:2019 AND (steward OR picket)`},
		[]string{`+site:"Turn Web" +union`, "+kind:post +strike", `+site:"Albuquerque CORE" +pension`, "+kind:post +racial",
			`+published:>="2021-01-01" +published:<"2022-01-01" +democracy`, `+charter site:"AROS Louisville" site:"Turn Web"`, `+kind:mission -site:"Turn Web"`, "+year:2019 steward picket"}},
}

// bleveForm returns the queries as plain bleve gets them.
func (qs compareQuery) bleveForm() []string {
	if qs.plain != nil {
		return qs.plain
	}
	return qs.queries
}

// runRg counts the lines of jsonl matching q as rg would be asked to: any
// of the words (case-insensitive, whole words), or the phrase.
func runRg(rg, jsonl, q string) error {
	args := []string{"-c", "-i", "-w", "-F"}
	if phrase, ok := strings.CutPrefix(q, `"`); ok {
		args = append(args, "-e", strings.TrimSuffix(phrase, `"`))
	} else {
		for _, w := range strings.Fields(q) {
			args = append(args, "-e", w)
		}
	}
	err := exec.Command(rg, append(args, jsonl)...).Run()
	var exit *exec.ExitError
	if errors.As(err, &exit) && exit.ExitCode() == 1 {
		return nil // no line matched
	}
	if err != nil {
		return fmt.Errorf("rg %q: %w", args, err)
	}
	return nil
}

// childEnv names the system a child process of BenchmarkCompare indexes.
const childEnv = "RANKFILE_BENCH_CHILD"

// childResult is what a child reports of its build.
type childResult struct {
	Seconds float64 `json:"seconds"` // indexing, after reading the records
	CPU     float64 `json:"cpu"`     // user and system time of the whole process
	MaxRSS  int64   `json:"max_rss"` // peak resident set of the process, bytes (VmHWM)
}

// peakRSS returns this process's peak resident set in bytes, from
// /proc/self/status (rusage's maxrss of a child also counts its parent's
// pages at the fork).
func peakRSS() int64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			var kb int64
			fmt.Sscan(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), &kb)
			return kb * 1024
		}
	}
	return 0
}

// runChild builds the index of system from jsonl into dir in a child
// process and returns its timings and peak RSS.
func runChild(system, jsonl, dir string) (childResult, error) {
	var res childResult
	cmd := exec.Command(os.Args[0], "-test.run=^TestCompareChild$", "-test.bench=^$", "-test.count=1")
	cmd.Env = append(os.Environ(), childEnv+"="+system, "RANKFILE_BENCH_JSONL="+jsonl, "RANKFILE_BENCH_DIR="+dir)
	var stdout bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, os.Stderr
	if err := cmd.Run(); err != nil {
		return res, fmt.Errorf("build %s: %w", system, err)
	}
	line := stdout.Bytes()
	if i := bytes.IndexByte(line, '{'); i >= 0 {
		line = line[i:]
	}
	if err := json.NewDecoder(bytes.NewReader(line)).Decode(&res); err != nil {
		return res, fmt.Errorf("build %s: read result %q: %w", system, stdout.String(), err)
	}
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok {
		res.CPU = time.Duration(ru.Utime.Nano() + ru.Stime.Nano()).Seconds()
	}
	return res, nil
}

// TestCompareChild is BenchmarkCompare's child process: it builds one
// index and prints its timing as JSON.
func TestCompareChild(t *testing.T) {
	system := os.Getenv(childEnv)
	if system == "" {
		t.Skip("a child process of BenchmarkCompare")
	}
	recs, err := record.ReadFile(os.Getenv("RANKFILE_BENCH_JSONL"))
	if err != nil {
		t.Fatal(err)
	}
	dir := os.Getenv("RANKFILE_BENCH_DIR")
	var elapsed time.Duration
	switch system {
	case "rankfile":
		t0 := time.Now()
		err = Build(dir, recs)
		elapsed = time.Since(t0)
	case "bleve":
		docs, derr := plainDocs(recs)
		if derr != nil {
			t.Fatal(derr)
		}
		recs = nil
		t0 := time.Now()
		var bi bleve.Index
		if bi, err = plainIndex(dir, docs); err == nil {
			err = bi.Close()
		}
		elapsed = time.Since(t0)
	default:
		t.Fatalf("unknown system %q", system)
	}
	if err != nil {
		t.Fatal(err)
	}
	json.NewEncoder(os.Stdout).Encode(childResult{Seconds: elapsed.Seconds(), MaxRSS: peakRSS()})
	os.Exit(0)
}

func percentile(ds []time.Duration, p int) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	s := slices.Clone(ds)
	slices.Sort(s)
	i := (len(s)*p + 99) / 100
	return s[max(0, min(i, len(s))-1)]
}

func ms(d time.Duration) string { return fmt.Sprintf("%.1fms", float64(d.Microseconds())/1000) }

func mib(n int64) float64 { return float64(n) / (1 << 20) }

func envInt(b *testing.B, name string, def int) int {
	s := os.Getenv(name)
	if s == "" {
		return def
	}
	var n int
	if _, err := fmt.Sscan(s, &n); err != nil || n <= 0 {
		b.Fatalf("%s=%q: want a positive number", name, s)
	}
	return n
}

func runtimeProcs() int { return runtime.GOMAXPROCS(0) }
