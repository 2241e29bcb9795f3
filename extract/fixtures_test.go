package extract

import (
	"bytes"
	"encoding/json"
	"flag"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"rankfile/fixtures"
	"rankfile/record"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/golden")

// goldenPath returns testdata/golden/<host>/<path-slug>.golden.json for a
// fixture URL: the path's segments joined by "_", "index" for the root.
func goldenPath(tb testing.TB, pageURL string) string {
	tb.Helper()
	u, err := url.Parse(pageURL)
	if err != nil {
		tb.Fatalf("parse %s: %v", pageURL, err)
	}
	slug := strings.ReplaceAll(strings.Trim(u.Path, "/"), "/", "_")
	if slug == "" {
		slug = "index"
	}
	return filepath.Join("testdata", "golden", u.Host, slug+".golden.json")
}

// mustExtractFixture extracts the records of a fixture page.
func mustExtractFixture(tb testing.TB, p fixtures.Page) []record.Record {
	tb.Helper()
	body, ok := fixtures.Body(p.URL)
	if !ok {
		tb.Fatalf("no fixture body for %s", p.URL)
	}
	recs, err := New(Options{}).ExtractHTML(p.URL, body, nil)
	if err != nil {
		tb.Fatalf("extract %s: %v", p.URL, err)
	}
	return recs
}

func TestExtractor_Golden(t *testing.T) {
	for _, p := range fixtures.Pages() {
		t.Run(strings.TrimPrefix(p.URL, "http://"), func(t *testing.T) {
			checkGolden(t, goldenPath(t, p.URL), mustExtractFixture(t, p))
		})
	}
}

// checkGolden compares records with the golden file at path, or writes
// the file under -update.
func checkGolden(t *testing.T, path string, recs []record.Record) {
	t.Helper()
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(recs); err != nil {
		t.Fatal(err)
	}
	if *update {
		if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(path, buf.Bytes(), 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("read golden file (run go test ./extract -update to write it): %v", err)
	}
	if got := buf.String(); got != string(want) {
		t.Errorf("records differ from %s:\n got: %s\nwant: %s", path, got, want)
	}
}

// TestExtractor_Kinds checks that every fixture page yields a record of the
// kind the fixture web expects of it. A listing of posts with no writing of
// its own (a blog's home page) yields only its teasers, post records linking
// to the posts: it satisfies an expected page record with them.
func TestExtractor_Kinds(t *testing.T) {
	for _, p := range fixtures.Pages() {
		t.Run(strings.TrimPrefix(p.URL, "http://"), func(t *testing.T) {
			recs := mustExtractFixture(t, p)
			for _, r := range recs {
				if string(r.Kind) == p.Kind {
					return
				}
			}
			if p.Kind == string(record.KindPage) && len(recs) > 0 {
				teasers := 0
				for _, r := range recs {
					if r.Kind == record.KindPost && r.Link != "" && r.Link != p.URL {
						teasers++
					}
				}
				if teasers == len(recs) {
					return
				}
			}
			t.Errorf("no %s record among %d records", p.Kind, len(recs))
		})
	}
}

// forbidden are chrome strings no record of any page may hold.
var forbidden = []string{
	"top of page", "bottom of page", "Please reload", "Leave a Reply",
	"Fill in your details below or click an icon to log in", "You are commenting using your",
	"Log Out", "Change )", "Connecting to %s", "Skip to toolbar", "Your email address will not be published",
	"Required fields are marked", "READ MORE", "WATCH NOW", "View More Posts", "Continue reading",
	"Skip to main content", "Skip to navigation", "Report abuse", "Page details", "Share this:", "Like this:",
}

// TestExtractor_NoChrome checks that no record of the fixture web's and
// the platform pages holds chrome: the strings every page must lack, and
// each platform page's own.
func TestExtractor_NoChrome(t *testing.T) {
	for _, p := range allTestPages(t) {
		t.Run(p.name, func(t *testing.T) {
			recs, err := New(Options{}).ExtractHTML(p.url, p.body, nil)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range recs {
				fields := [...]string{r.Title, r.Text, r.Markdown, r.Summary, r.Organization, r.Acronym, strings.Join(r.Authors, ", "), strings.Join(r.Tags, ", ")}
				for _, f := range fields {
					for _, s := range append(forbidden[:len(forbidden):len(forbidden)], p.chrome...) {
						if strings.Contains(f, s) {
							t.Errorf("record %s (%s %q) holds chrome %q", r.ID, r.Kind, r.Title, s)
						}
					}
				}
			}
		})
	}
}

// TestExtractor_Valid checks the fields every record must have.
func TestExtractor_Valid(t *testing.T) {
	for _, p := range allTestPages(t) {
		t.Run(p.name, func(t *testing.T) {
			recs, err := New(Options{}).ExtractHTML(p.url, p.body, nil)
			if err != nil {
				t.Fatal(err)
			}
			ids := map[string]bool{}
			for _, r := range recs {
				if r.ID == "" || ids[r.ID] {
					t.Errorf("record %q: empty or repeated ID %q", r.Title, r.ID)
				}
				ids[r.ID] = true
				if r.URL != p.url {
					t.Errorf("record %s: URL %q, want %q", r.ID, r.URL, p.url)
				}
				if r.Text == "" && r.Kind != record.KindOrganization {
					t.Errorf("record %s (%s %q) has no text", r.ID, r.Kind, r.Title)
				}
				if (r.Text == "") != (r.Markdown == "") {
					t.Errorf("record %s (%s %q): text and Markdown not both set or both empty", r.ID, r.Kind, r.Title)
				}
				for _, d := range [...]string{r.Published, r.Modified} {
					if _, err := time.Parse(time.DateOnly, d); d != "" && err != nil {
						t.Errorf("record %s: malformed date %q", r.ID, d)
					}
				}
				if r.Language == "" {
					t.Errorf("record %s (%s %q) has no language", r.ID, r.Kind, r.Title)
				}
			}
		})
	}
}
