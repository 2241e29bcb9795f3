package main

import (
	"archive/zip"
	"encoding/csv"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"rankfile/index"
	"rankfile/record"
)

// TestExport_roundTrip exports every record as JSON Lines, reads the file
// back as records and finds the records the extractor wrote.
func TestExport_roundTrip(t *testing.T) {
	dir, _ := demo()
	file := filepath.Join(t.TempDir(), "export.jsonl")
	out, errOut, code := rankfile(t, "--data", dir, "export", "--all-versions", "--format", "jsonl", "--output", file)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	got, err := record.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]string{} // document ID -> record as JSON
	for _, r := range demoRecords(t) {
		want[index.DocID(r)] = mustJSON(t, r)
	}
	if len(got) != len(want) || !strings.Contains(out, "records written") {
		t.Errorf("exported %d records, want %d; output %q", len(got), len(want), out)
	}
	for _, r := range got {
		if w, ok := want[index.DocID(r)]; !ok || mustJSON(t, r) != w {
			t.Errorf("exported record %s differs:\ngot  %s\nwant %s", index.DocID(r), mustJSON(t, r), w)
		}
	}

	// the citation fields ride along on each line
	data, _ := os.ReadFile(file)
	first := jsonLines(t, string(data))[0]
	for _, k := range []string{"doc_id", "citation", "url", "captured", "warc_file", "warc_offset"} {
		if first[k] == nil {
			t.Errorf("line lacks %q: %v", k, first)
		}
	}
	if c := str(first["citation"]); !strings.Contains(c, "(archived ") || !strings.Contains(c, str(first["url"])) {
		t.Errorf("citation %q", c)
	}
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestExport_filtersAndCSV(t *testing.T) {
	dir, _ := demo()
	out, errOut, code := rankfile(t, "--data", dir, "export", "--format", "csv", "--author", "Amrita Dani", "--kind", "post")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	ids := map[string]bool{} // the latest version of each is exported
	for _, r := range demoRecords(t) {
		if r.Kind == record.KindPost && strings.Contains(strings.Join(r.Authors, ";"), "Amrita Dani") {
			ids[r.ID] = true
		}
	}
	posts := len(ids)
	if len(rows) != posts+1 || posts == 0 {
		t.Fatalf("got %d rows, want a header and %d posts", len(rows), posts)
	}
	col := map[string]int{}
	for i, name := range rows[0] {
		col[name] = i
	}
	for _, row := range rows[1:] {
		if !strings.HasPrefix(row[col["citation"]], "Amrita Dani and Chloe Asselin. \"Beginnings") ||
			row[col["published"]] != "2020-10-29" || row[col["warc_file"]] == "" || row[col["text"]] == "" {
			t.Errorf("row %q", row)
		}
	}
	if _, _, code := rankfile(t, "--data", dir, "export", "--format", "xml"); code != exitUsage {
		t.Errorf("--format xml: exit %d, want %d", code, exitUsage)
	}
}

func TestExport_wacz(t *testing.T) {
	dir, _ := demo()
	file := filepath.Join(t.TempDir(), "demo.wacz")
	if _, errOut, code := rankfile(t, "--data", dir, "export", "--format", "wacz", "--output", file); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	z, err := zip.OpenReader(file)
	if err != nil {
		t.Fatal(err)
	}
	defer z.Close()
	names := map[string]bool{}
	for _, f := range z.File {
		names[f.Name] = true
	}
	for _, want := range []string{"datapackage.json", "indexes/index.cdxj", "pages/pages.jsonl"} {
		if !names[want] {
			t.Errorf("package lacks %s: %v", want, names)
		}
	}
	for _, args := range [][]string{
		{"export", "--format", "wacz"},
		{"export", "--format", "wacz", "--output", file, "--kind", "post"},
	} {
		if _, _, code := rankfile(t, append([]string{"--data", dir}, args...)...); code != exitUsage {
			t.Errorf("%q: exit %d, want %d", args, code, exitUsage)
		}
	}
}

// TestExport_citationFormats exports the same records as CSL-JSON and RIS,
// the formats reference managers import: one item or reference per record
// exported as JSON Lines, with the seed-002 post's two authors.
func TestExport_citationFormats(t *testing.T) {
	dir, _ := demo()
	jsonl, _, code := rankfile(t, "--data", dir, "export", "--kind", "post")
	if code != 0 {
		t.Fatal("export jsonl failed")
	}
	posts := jsonLines(t, jsonl)
	out, errOut, code := rankfile(t, "--data", dir, "export", "--kind", "post", "--format", "csl")
	if code != 0 {
		t.Fatalf("export csl: exit %d %s", code, errOut)
	}
	var items []record.CSLItem
	if err := json.Unmarshal([]byte(out), &items); err != nil {
		t.Fatalf("export csl is not a JSON array: %v\n%s", err, out)
	}
	if len(items) != len(posts) || len(posts) == 0 {
		t.Errorf("csl: %d items, want %d", len(items), len(posts))
	}
	for _, it := range items {
		if it.Type != "post-weblog" || it.URL == "" || it.ArchiveLocation == "" {
			t.Errorf("csl item %+v", it)
		}
	}
	out, errOut, code = rankfile(t, "--data", dir, "export", "--kind", "post", "--format", "ris")
	if code != 0 {
		t.Fatalf("export ris: exit %d %s", code, errOut)
	}
	if n, m := strings.Count(out, "TY  - BLOG\r\n"), strings.Count(out, "ER  - \r\n"); n != len(posts) || m != n {
		t.Errorf("ris: %d TY and %d ER lines, want %d each", n, m, len(posts))
	}
	if !strings.Contains(out, "AU  - Dani, Amrita\r\nAU  - Asselin, Chloe\r\n") {
		t.Errorf("ris lacks the seed-002 post's two authors:\n%s", out)
	}
	if _, _, code := rankfile(t, "--data", dir, "export", "--format", "bibtex"); code != exitUsage {
		t.Errorf("export --format bibtex: exit %d, want %d", code, exitUsage)
	}
}
