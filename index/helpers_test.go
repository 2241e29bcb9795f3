package index

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"rankfile/record"
)

// mustCorpus returns the test corpus: a handful of records from the five
// fixture sites, including a teaser with its post and one text under two
// URLs.
func mustCorpus(tb testing.TB) []record.Record {
	tb.Helper()
	recs, err := record.ReadFile(filepath.Join("testdata", "corpus.jsonl"))
	if err != nil {
		tb.Fatal(err)
	}
	return recs
}

// mustOpen opens a new index in a temporary directory, adds recs, and
// closes it when the test ends.
func mustOpen(tb testing.TB, recs []record.Record) *Index {
	tb.Helper()
	x, err := Open(filepath.Join(tb.TempDir(), "index"))
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		if err := x.Close(); err != nil {
			tb.Error(err)
		}
	})
	if err := x.Add(recs); err != nil {
		tb.Fatal(err)
	}
	return x
}

func mustSearch(tb testing.TB, x *Index, q Query) *Result {
	tb.Helper()
	res, err := x.Search(context.Background(), q)
	if err != nil {
		tb.Fatalf("search %+v: %v", q, err)
	}
	return res
}

// recordIDs returns the record IDs of res's hits in order.
func recordIDs(res *Result) []string {
	var out []string
	for _, h := range res.Hits {
		out = append(out, h.RecordID)
	}
	return out
}

func sorted(s []string) []string {
	s = slices.Clone(s)
	slices.Sort(s)
	return s
}

func day(s string) time.Time {
	t, err := time.Parse(time.DateOnly, s)
	if err != nil {
		panic(err)
	}
	return t
}

func instant(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

// buildInto writes an index of recs with n shards into dir, which must not
// exist.
func buildInto(dir string, recs []record.Record, n int) error {
	sp, err := newSpool(filepath.Join(filepath.Dir(dir), "."+filepath.Base(dir)+".spool"))
	if err != nil {
		return err
	}
	defer os.RemoveAll(sp.dir)
	for _, r := range recs {
		if err := sp.add(r); err != nil {
			return errors.Join(err, sp.finish())
		}
	}
	if err := sp.finish(); err != nil {
		return err
	}
	return buildShards(dir, sp, n, nil)
}
