package index

import (
	"slices"
	"testing"

	"rankfile/record"
)

func TestIndex_Sync(t *testing.T) {
	corpus := mustCorpus(t)
	changed := slices.Clone(corpus)
	changed[2].Text += " The strike was called off on Sunday night."
	withoutMission := slices.DeleteFunc(slices.Clone(corpus), func(r record.Record) bool { return r.ID == "mission" })

	for _, tt := range []struct {
		name  string
		first []record.Record // synced before
		then  []record.Record // synced and checked
		want  SyncStats
		text  string   // then searching this
		found []string // finds these record IDs
	}{
		{"into an empty index", nil, corpus, SyncStats{Added: 9}, "picket", []string{"strike"}},
		{"nothing changed", corpus, corpus, SyncStats{Unchanged: 9}, "picket", []string{"strike"}},
		{"changed text", corpus, changed, SyncStats{Updated: 1, Unchanged: 8}, "sunday", []string{"strike"}},
		{"record vanished", corpus, withoutMission, SyncStats{Deleted: 1, Unchanged: 8}, "racial", nil},
		{"new version", []record.Record{v2023}, []record.Record{v2023, v2024}, SyncStats{Added: 1, Unchanged: 1}, "rejected", []string{"charter-vote"}},
		{"newest version vanished", []record.Record{v2023, v2024}, []record.Record{v2023}, SyncStats{Deleted: 1, Unchanged: 1}, "testimony", []string{"charter-vote"}},
		{"duplicate versions count once", nil, []record.Record{v2023, v2023}, SyncStats{Added: 1}, "testimony", []string{"charter-vote"}},
		{"everything vanished", corpus, nil, SyncStats{Deleted: 9}, "picket", nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			x := mustOpen(t, nil)
			if _, err := x.Sync(tt.first); err != nil {
				t.Fatal(err)
			}
			got, err := x.Sync(tt.then)
			if err != nil {
				t.Fatal(err)
			}
			if got != tt.want {
				t.Errorf("got %v, want %v", got, tt.want)
			}
			if ids := recordIDs(mustSearch(t, x, Query{Text: tt.text})); !slices.Equal(ids, tt.found) {
				t.Errorf("search %q found %q, want %q", tt.text, ids, tt.found)
			}
			n, err := x.Count()
			if err != nil {
				t.Fatal(err)
			}
			if want := uint64(got.Added + got.Updated + got.Unchanged); n != want {
				t.Errorf("index holds %d documents, want %d", n, want)
			}
		})
	}
}

func TestIndex_Sync_marksLatest(t *testing.T) {
	x := mustOpen(t, nil)
	if _, err := x.Sync([]record.Record{v2023, v2024, v2025}); err != nil {
		t.Fatal(err)
	}
	if _, err := x.Sync([]record.Record{v2023, v2024}); err != nil { // the newest vanished
		t.Fatal(err)
	}
	marks := versionMarks(t, x, "charter")
	want := map[string]bool{"charter-vote@20230101000000": false, "charter-vote@20240101000000": true}
	if !mapsEqual(marks, want) {
		t.Errorf("got marks %v, want %v", marks, want)
	}
}

func mapsEqual(a, b map[string]bool) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}
