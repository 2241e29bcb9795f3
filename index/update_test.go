package index

import (
	"crypto/sha1"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"testing"
	"time"

	"github.com/blevesearch/bleve/v2/index/scorch"
	"github.com/blevesearch/bleve/v2/index/scorch/mergeplan"

	"rankfile/record"
)

func TestUpdate(t *testing.T) {
	corpus := mustCorpus(t)
	for _, shards := range []int{1, 3} {
		t.Run(shardName(shards), func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "index")
			if err := buildInto(dir, slices.Concat(corpus[:5], []record.Record{v2023}), shards); err != nil {
				t.Fatal(err)
			}
			before := mustReopen(t, dir)()
			if err := Update(dir, slices.Concat(corpus[5:], []record.Record{v2024})); err != nil {
				t.Fatal(err)
			}
			x := mustReopen(t, dir)()
			if got, want := len(x.shards), shards; got != want {
				t.Errorf("%d shards after the update, want %d", got, want)
			}
			n, err := x.Count()
			if err != nil {
				t.Fatal(err)
			}
			if got, want := n, uint64(len(corpus)+2); got != want {
				t.Errorf("%d documents, want %d", got, want)
			}
			// new records found, old ones kept, the old version unmarked
			for _, q := range []struct {
				text string
				want []string
			}{{"alliance", []string{"mirror-a"}}, {"picket", []string{"strike"}}, {"rejected", []string{"charter-vote"}}, {"sign-ups", nil}} {
				if got := recordIDs(mustSearch(t, x, Query{Text: q.text})); !slices.Equal(got, q.want) {
					t.Errorf("search %q: got %q, want %q", q.text, got, q.want)
				}
			}
			// a searcher opened before keeps its view
			if got := recordIDs(mustSearch(t, before, Query{Text: "alliance"})); len(got) != 0 {
				t.Errorf("searcher opened before the update found %q", got)
			}
			if !before.Stale() {
				t.Error("searcher opened before the update is not stale")
			}
			entries, _ := os.ReadDir(filepath.Dir(dir))
			if len(entries) != 2 {
				t.Errorf("update left %d entries beside the index", len(entries)-2)
			}
		})
	}
	t.Run("no index", func(t *testing.T) {
		err := Update(filepath.Join(t.TempDir(), "index"), corpus)
		if !errors.Is(err, ErrNoIndex) {
			t.Errorf("got %v, want ErrNoIndex", err)
		}
	})
	t.Run("writer open", func(t *testing.T) {
		dir := filepath.Join(t.TempDir(), "index")
		w, err := Open(dir)
		if err != nil {
			t.Fatal(err)
		}
		defer w.Close()
		if err := Update(dir, corpus); !errors.Is(err, ErrLocked) {
			t.Errorf("got %v, want ErrLocked", err)
		}
	})
}

// TestUpdateFrom checks an update given as a stream against an index built
// whole from the records it leaves: over three shards, with versions that
// take the latest mark from an older one, a document deleted, a version put
// twice (the last counts) and a record changed in place, the same records
// are found, with the same latest marks, each shard holds what a build gives
// it, and a shard no change falls in is left as it was.
func TestUpdateFrom(t *testing.T) {
	corpus := mustCorpus(t)
	const shards = 3
	dir := filepath.Join(t.TempDir(), "index")
	if err := buildInto(dir, append(slices.Clone(corpus), v2023), shards); err != nil {
		t.Fatal(err)
	}
	changed := corpus[1]
	changed.Text = "Rewritten: the caucus endorsed the walkout."
	stale := v2025
	stale.Text = "A draft that a later put of the same version replaces."
	// the changes, and the records an index built whole from them holds
	puts := []record.Record{v2024, stale, changed, v2025}
	gone := corpus[0]
	want := slices.Concat(corpus[2:], []record.Record{v2023, v2024, changed, v2025})
	untouched := map[int]bool{}
	for s := range shards {
		untouched[s] = true
	}
	for _, r := range append(slices.Clone(puts), gone) {
		delete(untouched, shardOf(r.ID, shards))
	}
	before := shardFiles(t, dir, shards)

	err := UpdateFrom(dir, func(put func(record.Record) error, del func(string) error) error {
		if err := del(DocID(gone)); err != nil {
			return err
		}
		for _, r := range puts {
			if err := put(r); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	x := mustReopen(t, dir)()
	whole := filepath.Join(t.TempDir(), "whole")
	if err := buildInto(whole, want, shards); err != nil {
		t.Fatal(err)
	}
	y := mustReopen(t, whole)()
	for s := range shards {
		got, err := x.shards[s].DocCount()
		if err != nil {
			t.Fatal(err)
		}
		w, err := y.shards[s].DocCount()
		if err != nil {
			t.Fatal(err)
		}
		if got != w {
			t.Errorf("shard %d holds %d documents after the update, %d built whole", s, got, w)
		}
	}
	for _, q := range []Query{{Text: "union"}, {Text: "walkout"}, {Text: "appealed"}, {Text: "draft"},
		{Text: "charter", AllVersions: true, KeepDuplicates: true, Size: 100}, {Facets: true, Size: 100}} {
		got, w := mustSearch(t, x, q), mustSearch(t, y, q)
		if g, w := sorted(recordIDs(got)), sorted(recordIDs(w)); !slices.Equal(g, w) {
			t.Errorf("%+v: the update finds %q, a whole build %q", q, g, w)
		}
		if g, w := fmt.Sprint(got.Facets), fmt.Sprint(w.Facets); g != w {
			t.Errorf("%+v: the update counts\n%s\na whole build\n%s", q, g, w)
		}
	}
	if got, w := versionMarks(t, x, "charter"), versionMarks(t, y, "charter"); fmt.Sprint(got) != fmt.Sprint(w) {
		t.Errorf("latest marks after the update %v, built whole %v", got, w)
	}
	if res := mustSearch(t, x, Query{Text: "draft"}); len(res.Hits) != 0 {
		t.Errorf("the version put twice kept its first text: %q", recordIDs(res))
	}
	after := shardFiles(t, dir, shards)
	for s := range untouched {
		if !maps.Equal(before[s], after[s]) {
			t.Errorf("shard %d, which no change falls in, was rewritten: files %v, were %v", s, after[s], before[s])
		}
	}
	if len(untouched) == 0 {
		t.Log("every shard had a change: none checked for being left alone")
	}
}

// shardFiles returns, for each shard of the index in dir, its files and
// their contents' SHA-1.
func shardFiles(t *testing.T, dir string, shards int) []map[string]string {
	t.Helper()
	out := make([]map[string]string, shards)
	for s := range shards {
		out[s] = map[string]string{}
		root := filepath.Join(dir, shardName(s))
		err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			data, err := os.ReadFile(path)
			if err != nil {
				return err
			}
			rel, _ := filepath.Rel(root, path)
			out[s][rel] = fmt.Sprintf("%x", sha1.Sum(data))
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// TestUpdateFrom_mergesSegments updates a shard again and again, as
// recrawls do: each update writes a segment, and after each the shard's
// segments are as bleve's merge policy leaves them (nothing left for it to
// merge), not one more each time. An update closes the shard it changed,
// which cuts bleve's background merges short.
func TestUpdateFrom_mergesSegments(t *testing.T) {
	corpus := mustCorpus(t)
	dir := filepath.Join(t.TempDir(), "index")
	if err := buildInto(dir, corpus, 1); err != nil {
		t.Fatal(err)
	}
	for i := range 4 {
		r := corpus[i]
		r.Captured = r.Captured.Add(time.Hour)
		if err := Update(dir, []record.Record{r}); err != nil {
			t.Fatal(err)
		}
		x, err := OpenReadOnly(dir)
		if err != nil {
			t.Fatal(err)
		}
		segs, plan := mergePlan(t, x)
		if plan != nil && len(plan.Tasks) > 0 {
			t.Errorf("after update %d: %d segments, and bleve's policy would merge %d of them", i+1, segs, len(plan.Tasks[0].Segments))
		}
		n, err := x.Count()
		if err != nil {
			t.Fatal(err)
		}
		if want := uint64(len(corpus) + i + 1); n != want {
			t.Errorf("after update %d: %d documents, want %d", i+1, n, want)
		}
		x.Close()
	}
}

// mergePlan returns the number of segments of x's only shard and the
// merges bleve's default policy plans for them.
func mergePlan(t *testing.T, x *Index) (int, *mergeplan.MergePlan) {
	t.Helper()
	adv, err := x.shards[0].Advanced()
	if err != nil {
		t.Fatal(err)
	}
	rd, err := adv.Reader()
	if err != nil {
		t.Fatal(err)
	}
	defer rd.Close()
	snap, ok := rd.(*scorch.IndexSnapshot)
	if !ok {
		t.Fatalf("index reader %T, want scorch's", rd)
	}
	var segs []mergeplan.Segment
	for _, s := range snap.Segments() {
		segs = append(segs, s)
	}
	policy := mergeplan.DefaultMergePlanOptions
	plan, err := mergeplan.Plan(segs, &policy)
	if err != nil {
		t.Fatal(err)
	}
	return len(segs), plan
}
