package record

import (
	"encoding/json"
	"strings"
	"testing"
	"time"
)

var citedPost = Record{
	ID: "db179c2ffa0b47b2", Kind: KindPost, URL: "https://example.org/2020/10/29/beginnings/",
	Site: "Urban Education and Democracy Project", Title: "Beginnings:\n a caucus in formation",
	Authors: []string{"Amrita Dani", "Chloe Asselin"}, Published: "2020-10-29", Language: "en",
	Tags: []string{"Boston", "caucus"}, Summary: "On the first meetings.",
	Captured: time.Date(2026, 11, 23, 4, 58, 45, 0, time.UTC), WARCFile: "rankfile-x-1.warc.gz", WARCOffset: 45439,
}

// TestRIS checks the reference a reference manager reads: type first,
// one AU line per author, dates as RIS writes them, the archived copy, and
// ER last; lines end CRLF and values are on one line.
func TestRIS(t *testing.T) {
	ris := citedPost.RIS("")
	lines := strings.Split(strings.TrimSuffix(ris, "\r\n"), "\r\n")
	want := []string{
		"TY  - BLOG", "TI  - Beginnings: a caucus in formation", "AU  - Dani, Amrita", "AU  - Asselin, Chloe",
		"T2  - Urban Education and Democracy Project", "PY  - 2020", "DA  - 2020/10/29",
		"UR  - https://example.org/2020/10/29/beginnings/", "Y2  - 2026/11/23", "DB  - rankfile web archive",
		"AN  - rankfile-x-1.warc.gz@45439", "N1  - Captured 2026-11-23T04:58:45Z", "LA  - en",
		"AB  - On the first meetings.", "KW  - Boston", "KW  - caucus", "ID  - db179c2ffa0b47b2", "ER  - ",
	}
	if strings.Join(lines, "\n") != strings.Join(want, "\n") {
		t.Errorf("RIS:\n%s\nwant:\n%s", strings.Join(lines, "\n"), strings.Join(want, "\n"))
	}
	page := Record{Kind: KindPage, URL: "https://example.org/about", Title: "About"}
	if got := page.RIS("https://archive.example/capture/1"); got != "TY  - ELEC\r\nTI  - About\r\nUR  - https://example.org/about\r\nER  - \r\n" {
		t.Errorf("RIS of a page never captured: %q", got)
	}
}

// TestCSL checks the CSL-JSON item Zotero imports.
func TestCSL(t *testing.T) {
	b, err := json.Marshal(citedPost.CSL("https://archive.example/capture/1"))
	if err != nil {
		t.Fatal(err)
	}
	var it map[string]any
	json.Unmarshal(b, &it)
	if it["type"] != "post-weblog" || it["container-title"] != citedPost.Site || it["URL"] != citedPost.URL ||
		it["archive_location"] != "https://archive.example/capture/1" || it["archive"] != "rankfile web archive" {
		t.Errorf("CSL item %s", b)
	}
	authors, _ := it["author"].([]any)
	if a, _ := json.Marshal(authors); string(a) != `[{"family":"Dani","given":"Amrita"},{"family":"Asselin","given":"Chloe"}]` {
		t.Errorf("CSL authors %v", it["author"])
	}
	if issued, _ := json.Marshal(it["issued"]); string(issued) != `{"date-parts":[[2020,10,29]]}` {
		t.Errorf("CSL issued %s", issued)
	}
	if loc := citedPost.CSL("").ArchiveLocation; loc != "rankfile-x-1.warc.gz@45439" {
		t.Errorf("CSL archive location without a replay URL: %q, want the WARC file and offset", loc)
	}
}
