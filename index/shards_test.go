package index

import (
	"fmt"
	"path/filepath"
	"slices"
	"testing"

	"rankfile/record"
)

// mustOpenShards builds recs into an index of n shards and opens it for
// writing.
func mustOpenShards(t *testing.T, recs []record.Record, n int) *Index {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "index")
	if err := buildInto(dir, recs, n); err != nil {
		t.Fatal(err)
	}
	x, err := Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { x.Close() })
	if len(x.shards) != n {
		t.Fatalf("opened %d shards, want %d", len(x.shards), n)
	}
	return x
}

// TestShards runs the search tests over the corpus split into three
// shards: the same records match, in the same order where the order does
// not depend on relevance (each shard scores with its own statistics).
func TestShards(t *testing.T) {
	x := mustOpenShards(t, mustCorpus(t), 3)
	for _, tt := range searchTests {
		if tt.match == first {
			continue
		}
		t.Run(tt.name, func(t *testing.T) {
			got, want := recordIDs(mustSearch(t, x, tt.q)), tt.want
			if tt.match == anyOrder {
				got, want = sorted(got), sorted(want)
			}
			if !slices.Equal(got, want) {
				t.Errorf("got %q, want %q", got, want)
			}
		})
	}
}

func TestShards_versions(t *testing.T) {
	x := mustOpenShards(t, append(mustCorpus(t), v2023), 2)
	if err := x.Add([]record.Record{v2025, v2024}); err != nil {
		t.Fatal(err)
	}
	marks := versionMarks(t, x, "charter")
	want := map[string]bool{DocID(v2023): false, DocID(v2024): false, DocID(v2025): true}
	for id, latest := range want {
		if got, ok := marks[id]; !ok || got != latest {
			t.Errorf("%s: latest=%v (present %v), want %v", id, got, ok, latest)
		}
	}
	n, err := x.Count()
	if err != nil {
		t.Fatal(err)
	}
	if got, want := n, uint64(len(mustCorpus(t))+3); got != want {
		t.Errorf("count %d, want %d", got, want)
	}
	st, err := x.Sync(append(mustCorpus(t), v2023, v2024))
	if err != nil {
		t.Fatal(err)
	}
	if want := (SyncStats{Deleted: 1, Unchanged: len(mustCorpus(t)) + 2}); st != want {
		t.Errorf("sync: got %v, want %v", st, want)
	}
	if marks := versionMarks(t, x, "charter"); !marks[DocID(v2024)] || marks[DocID(v2023)] {
		t.Errorf("after sync, marks %v: want %s latest", marks, DocID(v2024))
	}
}

func TestShards_facets(t *testing.T) {
	one, three := mustOpen(t, mustCorpus(t)), mustOpenShards(t, mustCorpus(t), 3)
	for _, q := range []Query{{Facets: true}, {Text: "schools", Facets: true}, {Author: "Ben Cole", Facets: true}} {
		got, want := mustSearch(t, three, q).Facets, mustSearch(t, one, q).Facets
		if g, w := fmt.Sprint(got), fmt.Sprint(want); g != w {
			t.Errorf("%+v: three shards count\n%s\none counts\n%s", q, g, w)
		}
	}
}

// TestBuildFrom_shardsByText builds an archive whose text is larger than a
// shard may hold (shardText, made small here), streaming: it gets shards
// enough (a divisor of spoolBuckets), each record's versions in the shard Update
// writes them to, and searches, facets and latest marks as one shard gives
// them; an update afterwards lands in the right shards.
func TestBuildFrom_shardsByText(t *testing.T) {
	corpus := mustCorpus(t)
	recs := append(slices.Clone(corpus), v2023, v2024, v2023) // a repeated version: the last counts
	var text int64
	for _, r := range recs {
		text += int64(len(r.Text))
	}
	defer func(old int64) { shardText = old }(shardText)
	shardText = text/5 + 1
	dir := filepath.Join(t.TempDir(), "index")
	reads, indexed := 0, 0
	err := BuildFrom(dir, func(fn func(record.Record) error) error {
		reads++
		for _, r := range recs {
			if err := fn(r); err != nil {
				return err
			}
		}
		return nil
	}, OnIndexed(func(n int) { indexed += n }))
	if err != nil {
		t.Fatal(err)
	}
	if reads != 1 {
		t.Errorf("the source was read %d times, want once", reads)
	}
	if indexed != len(recs) {
		t.Errorf("progress told of %d records indexed, want %d", indexed, len(recs))
	}
	x := mustReopen(t, dir)()
	if len(x.shards) != 5 {
		t.Fatalf("%d shards for text of 5 shards' size, want 5", len(x.shards))
	}
	for s, bi := range x.shards {
		n, err := bi.DocCount()
		if err != nil {
			t.Fatal(err)
		}
		var held int
		for _, r := range append(slices.Clone(corpus), v2023, v2024) {
			if shardOf(r.ID, len(x.shards)) == s {
				held++
			}
		}
		if n != uint64(held) {
			t.Errorf("shard %d holds %d documents, want the %d shardOf puts there", s, n, held)
		}
	}
	one := mustOpen(t, append(slices.Clone(corpus), v2023, v2024))
	for _, q := range []Query{{Facets: true}, {Text: "schools", Facets: true}, {Author: "Ben Cole", Facets: true}, {Text: "charter", AllVersions: true}} {
		got, want := mustSearch(t, x, q), mustSearch(t, one, q)
		if g, w := fmt.Sprint(got.Facets), fmt.Sprint(want.Facets); g != w {
			t.Errorf("%+v: five shards count\n%s\none counts\n%s", q, g, w)
		}
		if g, w := sorted(recordIDs(got)), sorted(recordIDs(want)); !slices.Equal(g, w) {
			t.Errorf("%+v: five shards find %q, one %q", q, g, w)
		}
	}
	x.Close()
	if err := Update(dir, []record.Record{v2025}); err != nil {
		t.Fatal(err)
	}
	x = mustReopen(t, dir)()
	marks := versionMarks(t, x, "charter")
	want := map[string]bool{DocID(v2023): false, DocID(v2024): false, DocID(v2025): true}
	for id, latest := range want {
		if got, ok := marks[id]; !ok || got != latest {
			t.Errorf("%s: latest=%v (present %v), want %v", id, got, ok, latest)
		}
	}
}
