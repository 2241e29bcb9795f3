package pipeline

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"rankfile/index"
	"rankfile/record"
)

func TestPipeline_IndexNew(t *testing.T) {
	ctx := context.Background()
	at := time.Date(2024, 3, 1, 10, 0, 0, 0, time.UTC)
	rec := func(id, text string, captured time.Time) record.Record {
		return record.Record{ID: id, Kind: record.KindPost, URL: "http://x.test/" + id, Title: id, Text: text, Captured: captured}
	}
	a := rec("a", "The strike vote passed.", at)
	b := rec("b", "Parents packed the board meeting.", at)
	a2 := rec("a", "The strike vote passed with ninety percent.", at.Add(time.Hour))

	p := &Pipeline{Dir: t.TempDir()}
	if err := record.WriteFile(p.path(recordsFile), []record.Record{a}); err != nil {
		t.Fatal(err)
	}
	// no index yet: built from the records file
	if err := p.IndexNew(ctx, []record.Record{a}); err != nil {
		t.Fatal(err)
	}
	// then new versions go in place: the records file, still holding a
	// alone, is not read again
	if err := p.IndexNew(ctx, []record.Record{b, a2}); err != nil {
		t.Fatal(err)
	}
	x, err := index.OpenReadOnly(filepath.Join(p.Dir, indexDir))
	if err != nil {
		t.Fatal(err)
	}
	defer x.Close()
	for _, tt := range []struct {
		text string
		want int
	}{{"board", 1}, {"ninety", 1}, {"strike", 1}} {
		res, err := x.Search(ctx, index.Query{Text: tt.text})
		if err != nil {
			t.Fatal(err)
		}
		if got := len(res.Hits); got != tt.want {
			t.Errorf("search %q: %d hits, want %d", tt.text, got, tt.want)
		}
	}
	vs, err := x.Versions(ctx, "a")
	if err != nil {
		t.Fatal(err)
	}
	if len(vs) != 2 || vs[0].Latest || !vs[1].Latest {
		t.Errorf("versions of a: %+v", vs)
	}
}
