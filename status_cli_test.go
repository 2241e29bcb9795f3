package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestStatus: after the demo nothing needs attention and the counts are
// the archive's, the records' and the index's; a data directory holding
// only the archive, one without its index, and one whose last crawl did not
// finish each get exit code 3 and a line saying what to do.
func TestStatus(t *testing.T) {
	dir, _ := demo()
	out, errOut, code := rankfile(t, "--data", dir, "status", "--json")
	if code != exitOK {
		t.Fatalf("status after the demo: exit %d\n%s%s", code, out, errOut)
	}
	var st struct {
		Archive struct {
			Files, Captures, URLs int
		}
		LastCrawl *struct {
			Finished, Extracted bool
			Totals              struct{ Fetched, New int }
		} `json:"last_crawl"`
		Records struct {
			Count  int
			ByKind map[string]int `json:"by_kind"`
			Sites  []struct {
				Site           string
				Records        int
				FirstPublished string `json:"first_published"`
			}
		}
		Index struct {
			Present   bool
			Documents int
		}
		Attention []string
	}
	if err := json.Unmarshal([]byte(out), &st); err != nil {
		t.Fatalf("status --json: %v\n%s", err, out)
	}
	cdxj, err := os.ReadFile(filepath.Join(dir, "archive", "index.cdxj"))
	if err != nil {
		t.Fatal(err)
	}
	recs := demoRecords(t)
	kinds := map[string]int{}
	for _, r := range recs {
		kinds[string(r.Kind)]++
	}
	// the demo crawls twice: the fixture web, then the changed web, which
	// adds one page and removes none from the crawl (a removed page is
	// fetched, and archived, as a 404)
	lines := strings.Count(string(cdxj), "\n")
	if st.Archive.Captures != lines || st.Archive.Files != 2 || st.Archive.URLs != (lines+1)/2 {
		t.Errorf("archive: %+v, want 2 files and %d captures (index.cdxj lines) of %d URLs", st.Archive, lines, (lines+1)/2)
	}
	if st.LastCrawl == nil || !st.LastCrawl.Finished || !st.LastCrawl.Extracted || st.LastCrawl.Totals.Fetched != st.Archive.URLs || st.LastCrawl.Totals.New != 1 {
		t.Errorf("last crawl: %+v, want finished, extracted, every URL fetched and one new", st.LastCrawl)
	}
	if st.Records.Count != len(recs) || len(st.Records.ByKind) != len(kinds) || st.Records.ByKind["post"] != kinds["post"] {
		t.Errorf("records: %+v, want %d by kind %v", st.Records, len(recs), kinds)
	}
	perSite, first := map[string]int{}, map[string]string{}
	for _, r := range recs {
		perSite[r.Site]++
		if r.Published != "" && (first[r.Site] == "" || r.Published < first[r.Site]) {
			first[r.Site] = r.Published
		}
	}
	if len(st.Records.Sites) != len(perSite) {
		t.Errorf("coverage of %d sites, want %d", len(st.Records.Sites), len(perSite))
	}
	for _, c := range st.Records.Sites {
		if c.Records != perSite[c.Site] || c.FirstPublished != first[c.Site] {
			t.Errorf("coverage of %q: %d records, first published %q; want %d, %q", c.Site, c.Records, c.FirstPublished, perSite[c.Site], first[c.Site])
		}
	}
	if !st.Index.Present || st.Index.Documents != len(recs) || len(st.Attention) != 0 {
		t.Errorf("index %+v, attention %q; want every record version indexed and nothing to attend to", st.Index, st.Attention)
	}
	out, _, _ = rankfile(t, "--data", dir, "status")
	if !strings.Contains(out, "nothing needs attention") {
		t.Errorf("status as text: %q", out)
	}

	attention := func(data, want string) {
		t.Helper()
		out, errOut, code := rankfile(t, "--data", data, "status")
		if code != exitPartial || !strings.Contains(out, "attention ") || !strings.Contains(out, want) {
			t.Errorf("exit %d, printed %q %q; want %d and attention saying %q", code, out, errOut, exitPartial, want)
		}
	}
	bare := demoArchiveOnly(t)
	attention(bare, "run rankfile extract")
	if _, errOut, code := rankfile(t, "--data", bare, "extract", "--no-index"); code != 0 {
		t.Fatal(errOut)
	}
	attention(bare, "no search index: run rankfile index")
	os.WriteFile(filepath.Join(bare, "crawl-state.json"), []byte(`{"crawl_id":"cut","started":"2026-01-02T03:04:05Z","finished":false}`), 0o644)
	attention(bare, "crawl cut, started 2026-01-02T03:04:05Z, has not finished")
	if _, _, code := rankfile(t, "--data", filepath.Join(bare, "missing"), "status"); code != exitFailure {
		t.Errorf("status of a missing data directory: exit %d, want %d", code, exitFailure)
	}
}
