package serve_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"rankfile/record"
)

// TestData checks the test data holds what the other tests rely on.
func TestData(t *testing.T) {
	d := mustData(t)
	recs, err := record.ReadFile(filepath.Join(d.dir, "records/records.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	versions := map[string]int{}
	for _, r := range recs {
		if r.URL == postURL || r.URL == evilURL {
			versions[r.URL]++
			t.Logf("%s %s %q %s", r.ID, r.Captured.Format("2006-01-02"), r.Title, strings.ReplaceAll(r.Text[:min(80, len(r.Text))], "\n", " "))
		}
	}
	if versions[postURL] < 2 || versions[evilURL] < 1 {
		t.Fatalf("versions of the scripts site's pages: %v", versions)
	}
	if _, err := os.Stat(filepath.Join(d.dir, "index")); err != nil {
		t.Fatal(err)
	}
}
