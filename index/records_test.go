package index

import (
	"context"
	"errors"
	"reflect"
	"slices"
	"testing"

	"rankfile/record"
)

func TestIndex_Versions(t *testing.T) {
	full := v2024
	full.Tags, full.Language, full.Markdown = []string{"charters"}, "en", "The board **rejected** the charter."
	full.Comments = []record.Comment{{Author: "Ana", Date: "2024-01-02", Text: "Good."}}
	x := mustOpen(t, []record.Record{v2025, full, v2023})
	ctx := context.Background()
	for _, tt := range []struct {
		name, id string
	}{
		{"record ID", "charter-vote"},
		{"document ID", "charter-vote@20230101000000"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			vs, err := x.Versions(ctx, tt.id)
			if err != nil {
				t.Fatal(err)
			}
			var ids []string
			var latest []bool
			for _, v := range vs {
				ids = append(ids, v.DocID)
				latest = append(latest, v.Latest)
			}
			if want := []string{DocID(v2023), DocID(v2024), DocID(v2025)}; !slices.Equal(ids, want) {
				t.Errorf("versions %q, want %q", ids, want)
			}
			if want := []bool{false, false, true}; !slices.Equal(latest, want) {
				t.Errorf("latest marks %v, want %v", latest, want)
			}
			if got := vs[1].Record; !reflect.DeepEqual(got, full) {
				t.Errorf("version read back:\ngot  %+v\nwant %+v", got, full)
			}
		})
	}
	t.Run("unknown", func(t *testing.T) {
		if _, err := x.Versions(ctx, "nope"); !errors.Is(err, ErrNotFound) {
			t.Errorf("got %v, want ErrNotFound", err)
		}
	})
}

func TestIndex_Records(t *testing.T) {
	corpus := mustCorpus(t)
	x := mustOpen(t, append(slices.Clone(corpus), v2023, v2024))
	byID := map[string]record.Record{}
	for _, r := range corpus {
		byID[r.ID] = r
	}
	for _, tt := range []struct {
		name string
		q    Query
		want []string // document IDs, in order
	}{
		{"posts by date", Query{Kind: "post", Sort: SortDate}, []string{
			"contract@20240301100500", "strike@20240302090000", "democracy@20240301100000",
			"charter@20240302090100", "teaser@20240302090000", "charter-vote@20240101000000"}},
		{"duplicates are kept", Query{Text: "alliance"}, []string{"mirror-a@20240303080000", "mirror-b@20240303080005"}},
		{"all versions", Query{Text: "board", Site: "Turn Web", Kind: "post", AllVersions: true, Sort: SortDate}, []string{
			"charter@20240302090100", "teaser@20240302090000",
			"charter-vote@20240101000000", "charter-vote@20230101000000"}},
		{"no match", Query{Text: "zeppelin"}, nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			err := x.Records(context.Background(), tt.q, func(v Version) error {
				got = append(got, v.DocID)
				if r, ok := byID[v.ID]; ok && !reflect.DeepEqual(v.Record, r) {
					t.Errorf("%s differs from the record indexed:\ngot  %+v\nwant %+v", v.DocID, v.Record, r)
				}
				return nil
			})
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}
