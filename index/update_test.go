package index

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"testing"

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
