package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// demoArchiveOnly returns a new data directory holding a copy of the demo's
// archive and nothing derived from it: what a backup restores.
func demoArchiveOnly(t *testing.T) string {
	t.Helper()
	dir, _ := demo()
	data := t.TempDir()
	if err := os.CopyFS(filepath.Join(data, "archive"), os.DirFS(filepath.Join(dir, "archive"))); err != nil {
		t.Fatal(err)
	}
	return data
}

// TestExtract_rebuildsIndex: from the archive alone, `rankfile extract`
// leaves records and a search index that finds the seed-001 post; with
// --no-index it leaves the records only, and search says there is no index.
func TestExtract_rebuildsIndex(t *testing.T) {
	data := demoArchiveOnly(t)
	out, errOut, code := rankfile(t, "--data", data, "extract")
	if code != 0 {
		t.Fatalf("extract: exit %d\n%s", code, errOut)
	}
	if !strings.Contains(out, " records") {
		t.Errorf("extract printed %q, want the number of records", out)
	}
	out, errOut, code = rankfile(t, "--data", data, "search", "--json", "vouchers")
	if code != 0 || !strings.Contains(out, "albu-core.test") {
		t.Errorf("search vouchers after extract: exit %d, %q %s", code, out, errOut)
	}

	bare := demoArchiveOnly(t)
	if _, errOut, code := rankfile(t, "--data", bare, "extract", "--no-index"); code != 0 {
		t.Fatalf("extract --no-index: exit %d\n%s", code, errOut)
	}
	if _, err := os.Stat(filepath.Join(bare, "records", "records.jsonl")); err != nil {
		t.Errorf("extract --no-index wrote no records: %v", err)
	}
	if out, _, code := rankfile(t, "--data", bare, "search", "vouchers"); code == 0 {
		t.Errorf("search found an index extract --no-index should not have built: %q", out)
	}
}
