package index

import (
	"bufio"
	"bytes"
	"encoding/csv"
	"encoding/json"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata")

// checkGolden compares got with testdata/name, or rewrites it with -update.
func checkGolden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs (go test -update rewrites it):\ngot:\n%s\nwant:\n%s", name, got, want)
	}
}

func TestResult_WriteText(t *testing.T) {
	x := mustOpen(t, mustCorpus(t))
	for _, tt := range []struct {
		name, golden string
		q            Query
	}{
		{"posts by date", "posts-by-date.golden.txt", Query{Kind: "post", Sort: SortDate}},
		{"duplicates", "duplicates.golden.txt", Query{Text: "alliance"}},
		{"no hits", "no-hits.golden.txt", Query{Text: "zeppelin"}},
		{"second page", "second-page.golden.txt", Query{Kind: "post", Sort: SortDate, Size: 1, From: 1}},
		{"facets", "facets.golden.txt", Query{Text: "schools", Size: 1, Facets: true}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := mustSearch(t, x, tt.q).WriteText(&buf); err != nil {
				t.Fatal(err)
			}
			checkGolden(t, tt.golden, buf.Bytes())
		})
	}
}

func TestResult_WriteJSON(t *testing.T) {
	x := mustOpen(t, mustCorpus(t))
	res := mustSearch(t, x, Query{Text: "union schools"})
	var buf bytes.Buffer
	if err := res.WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	sc := bufio.NewScanner(&buf)
	var lines int
	for sc.Scan() {
		lines++
		var obj map[string]any
		if err := json.Unmarshal(sc.Bytes(), &obj); err != nil {
			t.Fatalf("line %d is not a JSON object: %v: %s", lines, err, sc.Bytes())
		}
		if got, want := obj["rank"], float64(lines); got != want {
			t.Errorf("line %d: rank %v, want %v", lines, got, want)
		}
		for _, k := range []string{"id", "record_id", "kind", "url", "score", "latest"} {
			if _, ok := obj[k]; !ok {
				t.Errorf("line %d lacks %q: %s", lines, k, sc.Bytes())
			}
		}
		for k := range obj {
			if strings.ToLower(k) != k || strings.Contains(k, "-") {
				t.Errorf("line %d: field %q is not snake_case", lines, k)
			}
		}
	}
	if got, want := lines, len(res.Hits); got != want || got == 0 {
		t.Errorf("got %d lines, want %d (> 0)", got, want)
	}
}

func TestResult_WriteJSON_fields(t *testing.T) {
	x := mustOpen(t, mustCorpus(t))
	var buf bytes.Buffer
	if err := mustSearch(t, x, Query{Text: "picket"}).WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	checkGolden(t, "picket.golden.jsonl", buf.Bytes())
}

func TestResult_WriteCSV(t *testing.T) {
	x := mustOpen(t, mustCorpus(t))
	res := mustSearch(t, x, Query{Text: "alliance picket", Sort: SortDate})
	var buf bytes.Buffer
	if err := res.WriteCSV(&buf); err != nil {
		t.Fatal(err)
	}
	rows, err := csv.NewReader(&buf).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if got, want := len(rows), len(res.Hits)+1; got != want {
		t.Fatalf("got %d rows, want %d", got, want)
	}
	if got, want := strings.Join(rows[0], ","), strings.Join(csvHeader, ","); got != want {
		t.Errorf("header %q, want %q", got, want)
	}
	col := func(name string) int {
		for i, h := range csvHeader {
			if h == name {
				return i
			}
		}
		t.Fatalf("no column %q", name)
		return -1
	}
	for _, c := range []struct {
		row       int
		col, want string
	}{
		{1, "title", "Strike vote"},
		{1, "published", "2019-01-15"},
		{1, "snippet", "«Picket» lines"},
		{1, "warc_offset", "42"},
		{2, "url", "http://sites.google.test/view/aroslouisville/about"},
		{2, "duplicates", "http://sites.google.test/view/aroslouisville/our-mission"},
	} {
		if got := rows[c.row][col(c.col)]; !strings.Contains(got, c.want) {
			t.Errorf("row %d %s: got %q, want it to contain %q", c.row, c.col, got, c.want)
		}
	}
}

func TestResult_WriteJSON_facets(t *testing.T) {
	x := mustOpen(t, mustCorpus(t))
	res := mustSearch(t, x, Query{Text: "schools", Size: 2, Facets: true})
	var buf bytes.Buffer
	if err := res.WriteJSON(&buf); err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(buf.String()), "\n")
	if got, want := len(lines), len(res.Hits)+1; got != want {
		t.Fatalf("got %d lines, want %d hits and a facets line", got, want)
	}
	for _, l := range lines[:len(lines)-1] {
		if strings.Contains(l, `"facets"`) {
			t.Errorf("hit line has facets: %s", l)
		}
	}
	var last struct {
		Total  uint64 `json:"total"`
		Facets map[string]struct {
			Terms []struct {
				Term  string `json:"term"`
				Count int    `json:"count"`
			} `json:"terms"`
			Missing int `json:"missing"`
		} `json:"facets"`
	}
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &last); err != nil {
		t.Fatal(err)
	}
	if last.Total != res.Total || len(last.Facets) != 5 {
		t.Errorf("facets line: total %d, %d facets; want %d and 5", last.Total, len(last.Facets), res.Total)
	}
	site := last.Facets["site"].Terms
	if len(site) == 0 || site[0].Term != "Turn Web" || site[0].Count != 3 {
		t.Errorf("site facet %+v, want Turn Web (3) first", site)
	}
	if got := last.Facets["year"].Missing; got != 3 {
		t.Errorf("year facet missing %d, want 3", got)
	}
}
