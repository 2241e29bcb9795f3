package index

import (
	"slices"
	"testing"
	"time"

	"rankfile/record"
)

// version returns a version of the record "charter-vote" captured at
// when, with text.
func charterVote(when, text string) record.Record {
	return record.Record{
		ID: "charter-vote", Kind: record.KindPost, URL: "http://turnweb.test/posts/charter-vote",
		Site: "Turn Web", Title: "Charter vote", Published: "2021-06-01", Text: text,
		Captured: instant(when),
	}
}

var (
	v2023 = charterVote("2023-01-01T00:00:00Z", "The board will vote on the charter in June; testimony sign-ups are open.")
	v2024 = charterVote("2024-01-01T00:00:00Z", "The board rejected the charter after a packed hearing.")
	v2025 = charterVote("2025-01-01T00:00:00Z", "A year on, the charter operator has appealed to the state.")
)

// latestIDs returns the document IDs of all versions matching text and
// which of them are marked latest.
func versionMarks(t *testing.T, x *Index, text string) map[string]bool {
	t.Helper()
	res := mustSearch(t, x, Query{Text: text, AllVersions: true, Size: 100, KeepDuplicates: true})
	out := map[string]bool{}
	for _, h := range res.Hits {
		out[h.ID] = h.Latest
	}
	return out
}

func TestIndex_Add_versions(t *testing.T) {
	for _, tt := range []struct {
		name   string
		adds   [][]record.Record // one Add call each
		latest string            // document ID marked latest
		all    int               // versions in the index
	}{
		{"one version", [][]record.Record{{v2024}}, "charter-vote@20240101000000", 1},
		{"newer arrives later", [][]record.Record{{v2023}, {v2024}}, "charter-vote@20240101000000", 2},
		{"older arrives later", [][]record.Record{{v2024}, {v2023}}, "charter-vote@20240101000000", 2},
		{"versions in one call", [][]record.Record{{v2025, v2023, v2024}}, "charter-vote@20250101000000", 3},
		{"newest in a second call", [][]record.Record{{v2023, v2024}, {v2025}}, "charter-vote@20250101000000", 3},
		{"same version again", [][]record.Record{{v2023, v2024}, {v2024}}, "charter-vote@20240101000000", 2},
	} {
		t.Run(tt.name, func(t *testing.T) {
			x := mustOpen(t, nil)
			for _, recs := range tt.adds {
				if err := x.Add(recs); err != nil {
					t.Fatal(err)
				}
			}
			marks := versionMarks(t, x, "charter")
			if got, want := len(marks), tt.all; got != want {
				t.Errorf("got %d versions, want %d: %v", got, want, marks)
			}
			for id, latest := range marks {
				if got, want := latest, id == tt.latest; got != want {
					t.Errorf("%s: latest=%v, want %v", id, got, want)
				}
			}
			res := mustSearch(t, x, Query{Text: "charter"})
			if got := hitIDs(res); !slices.Equal(got, []string{tt.latest}) {
				t.Errorf("default search found %q, want only %q", got, tt.latest)
			}
		})
	}
}

func TestIndex_Add_oldVersionKeepsFields(t *testing.T) {
	// re-marking an old version re-indexes it from its stored fields:
	// nothing may be lost on the way
	old := v2023
	old.Authors = []string{"Ana Ruiz"}
	old.Link, old.Acronym, old.Organization, old.SiteKind = "http://example.test/", "TW", "Turn", "partner"
	old.WARCFile, old.WARCOffset, old.Digest = "f.warc.gz", 1<<40, "sha1:XYZ"
	x := mustOpen(t, []record.Record{old})
	if err := x.Add([]record.Record{v2024}); err != nil {
		t.Fatal(err)
	}
	res := mustSearch(t, x, Query{Text: "sign-ups", AllVersions: true})
	if len(res.Hits) != 1 {
		t.Fatalf("got %d hits, want 1", len(res.Hits))
	}
	h := res.Hits[0]
	if h.Latest {
		t.Error("old version still marked latest")
	}
	got := Hit{Authors: h.Authors, Link: h.Link, Organization: h.Organization, SiteKind: h.SiteKind,
		WARCFile: h.WARCFile, WARCOffset: h.WARCOffset, Digest: h.Digest, Published: h.Published, Captured: h.Captured}
	want := Hit{Authors: old.Authors, Link: old.Link, Organization: old.Organization, SiteKind: old.SiteKind,
		WARCFile: old.WARCFile, WARCOffset: old.WARCOffset, Digest: old.Digest, Published: day("2021-06-01"), Captured: old.Captured}
	if !equalHits(got, want) {
		t.Errorf("old version after re-marking:\ngot  %+v\nwant %+v", got, want)
	}
	// and Sync sees it as unchanged: the stored content hash survived
	st, err := x.Sync([]record.Record{old, v2024})
	if err != nil {
		t.Fatal(err)
	}
	if want := (SyncStats{Unchanged: 2}); st != want {
		t.Errorf("sync after re-marking: got %v, want %v", st, want)
	}
}

func equalHits(a, b Hit) bool {
	return slices.Equal(a.Authors, b.Authors) && a.Link == b.Link && a.Organization == b.Organization &&
		a.SiteKind == b.SiteKind && a.WARCFile == b.WARCFile && a.WARCOffset == b.WARCOffset &&
		a.Digest == b.Digest && a.Published.Equal(b.Published) && a.Captured.Equal(b.Captured)
}

func hitIDs(res *Result) []string {
	var out []string
	for _, h := range res.Hits {
		out = append(out, h.ID)
	}
	return out
}

func TestDocID(t *testing.T) {
	base := record.Record{ID: "r1", Kind: record.KindPage, URL: "http://x.test/", Text: "t"}
	withTime := base
	withTime.Captured = time.Date(2024, 3, 1, 10, 0, 0, 0, time.FixedZone("EST", -5*3600))
	withFraction := base
	withFraction.Captured = time.Date(2024, 3, 1, 15, 0, 0, 305338000, time.UTC)
	withDigest := base
	withDigest.Digest = "sha1:ABC"
	for _, tt := range []struct {
		name string
		r    record.Record
		want string
	}{
		{"capture time in UTC", withTime, "r1@20240301150000"},
		{"fraction of a second", withFraction, "r1@20240301150000.305338"},
		{"digest without time", withDigest, "r1@sha1:ABC"},
		{"content hash without either", base, "r1@" + contentHash(base)[:12]},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := DocID(tt.r); got != tt.want {
				t.Errorf("got %q, want %q", got, tt.want)
			}
			if got := recordIDOf(DocID(tt.r)); got != "r1" {
				t.Errorf("record ID of %q: got %q", DocID(tt.r), got)
			}
		})
	}
}

// TestIndex_Search_latestCounts: the total and the facets count the latest
// versions only, with or without a filter and in date order too; with
// AllVersions, every version. An old version re-marked by a later Add
// counts no more.
func TestIndex_Search_latestCounts(t *testing.T) {
	x := mustOpen(t, []record.Record{v2023, v2024})
	if err := x.Add([]record.Record{v2025}); err != nil {
		t.Fatal(err)
	}
	for _, tt := range []struct {
		name string
		q    Query
		want int
	}{
		{"text", Query{Text: "charter", Facets: true}, 1},
		{"filtered", Query{Text: "charter", Site: "Turn Web", Facets: true}, 1},
		{"by date", Query{Text: "charter", Sort: SortDate, Facets: true}, 1},
		{"every record", Query{Facets: true}, 1},
		{"old words", Query{Text: "sign-ups", Facets: true}, 0},
		{"all versions", Query{Text: "charter", AllVersions: true, Facets: true}, 3},
		{"all versions filtered", Query{Text: "charter", Site: "Turn Web", AllVersions: true, Facets: true}, 3},
	} {
		t.Run(tt.name, func(t *testing.T) {
			res := mustSearch(t, x, tt.q)
			if res.Total != uint64(tt.want) {
				t.Errorf("total %d, want %d", res.Total, tt.want)
			}
			var site []FacetTerm
			if tt.want > 0 {
				site = []FacetTerm{{Term: "Turn Web", Count: tt.want}}
			}
			if got := res.Facets[FacetSite].Terms; !slices.Equal(got, site) {
				t.Errorf("site facet %v, want %v", got, site)
			}
			if got := res.Facets[FacetYear].Total; got != tt.want {
				t.Errorf("year facet counts %d, want %d", got, tt.want)
			}
		})
	}
}
