package extract

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"rankfile/fixtures"
	"rankfile/record"
)

// seedChrome are the seed lines that are platform chrome or image alt
// texts, not writing: no record may hold them.
var seedChrome = map[string]bool{
	"top of page": true, "bottom of page": true, "Please reload": true, "Leave a Reply": true,
	"Skip to toolbar": true, "View More Posts": true, "Connecting to %s": true,
	"Fill in your details below or click an icon to log in:":                  true,
	"Your email address will not be published. Required fields are marked *":  true,
	"You are commenting using your WordPress.com account. Log Out / Change )": true,
	"You are commenting using your Google account. Log Out / Change )":        true,
	"You are commenting using your Twitter account. Log Out / Change )":       true,
	"You are commenting using your Facebook account. Log Out / Change )":      true,
	"WordPress.com Logo": true, "Google photo": true, "Twitter picture": true, "Facebook photo": true,
}

// seedMore matches the link words ending a teaser line of seed 003.
var seedMore = regexp.MustCompile(`\s+(READ MORE|WATCH NOW)$`)

// seedWriting returns the lines of writing of the seed numbered seed
// (testdata/seeds/NNN_*.txt): its non-empty lines, whitespace collapsed,
// bullets and chrome dropped.
func seedWriting(tb testing.TB, seed string) []string {
	tb.Helper()
	matches, err := filepath.Glob(filepath.Join("testdata", "seeds", seed+"_*.txt"))
	if err != nil || len(matches) != 1 {
		tb.Fatalf("seed %s: want one file, found %d (%v)", seed, len(matches), err)
	}
	b, err := os.ReadFile(matches[0])
	if err != nil {
		tb.Fatal(err)
	}
	var out []string
	for _, l := range strings.Split(string(b), "\n") {
		l = collapse(strings.TrimLeft(collapse(l), "•"))
		if l == "" || seedChrome[l] {
			continue
		}
		out = append(out, seedMore.ReplaceAllString(l, ""))
	}
	return out
}

// recordsText is everything the records of a page say, for searching: the
// page's Text, then each record's title, acronym, organization, authors and
// text, whitespace collapsed and table cell separators read as spaces.
func recordsText(recs []record.Record) string {
	parts := []string{Text(recs)}
	for _, r := range recs {
		parts = append(parts, r.Title, r.Acronym, r.Organization, strings.Join(r.Authors, " "), r.Text)
	}
	return collapse(strings.ReplaceAll(strings.Join(parts, "\n"), " | ", " "))
}

func seedPages(t *testing.T) map[string]fixtures.Page {
	t.Helper()
	out := map[string]fixtures.Page{}
	for _, p := range fixtures.Pages() {
		if p.Seed != "" {
			out[p.Seed] = p
		}
	}
	if len(out) != 5 {
		t.Fatalf("fixtures imitate %d seeds, want 5", len(out))
	}
	return out
}

// TestExtractor_SeedWriting checks that every line of writing of each seed
// is in the records of the fixture page imitating it.
func TestExtractor_SeedWriting(t *testing.T) {
	for seed, p := range seedPages(t) {
		t.Run(seed, func(t *testing.T) {
			text := recordsText(mustExtractFixture(t, p))
			lines := seedWriting(t, seed)
			if len(lines) < 5 {
				t.Fatalf("seed %s has %d lines of writing", seed, len(lines))
			}
			for _, l := range lines {
				if !strings.Contains(text, l) {
					t.Errorf("seed line missing from records: %q", l)
				}
			}
		})
	}
}

func findRecord(recs []record.Record, kind record.Kind, title string) (record.Record, bool) {
	for _, r := range recs {
		if r.Kind == kind && r.Title == title {
			return r, true
		}
	}
	return record.Record{}, false
}

func TestExtractor_Seed000Organizations(t *testing.T) {
	recs := mustExtractFixture(t, seedPages(t)["000"])
	tests := []struct {
		name, acronym, starts string
	}{
		{"United Caucuses of Rank-and-File Educators", "UCORE", "UCORE’s 20 member caucuses come from all over the country"},
		{"Teachers' Democracy Project", "TDP", "Teachers' Democracy Project (TDP) supports Baltimore City Public School teachers"},
		{"Caucus of Working Educators", "WE", "The Caucus of Working Educators, a social justice caucus of the PFT"},
		{"Baltimore Caucus of Educators for Democracy and Equity", "CEDE", "The purpose of this group is to organize teachers"},
	}
	orgs := 0
	for _, r := range recs {
		if r.Kind == record.KindOrganization {
			orgs++
		}
	}
	if got, want := orgs, len(tests); got != want {
		t.Errorf("got %d organization records, want %d", got, want)
	}
	for _, tt := range tests {
		t.Run(tt.acronym, func(t *testing.T) {
			r, ok := findRecord(recs, record.KindOrganization, tt.name)
			if !ok {
				t.Fatalf("no organization %q", tt.name)
			}
			if got, want := r.Acronym, tt.acronym; got != want {
				t.Errorf("acronym = %q, want %q", got, want)
			}
			if !strings.HasPrefix(r.Text, tt.starts) {
				t.Errorf("description starts %.80q, want %q", r.Text, tt.starts)
			}
		})
	}
}

func TestExtractor_Seed004Mission(t *testing.T) {
	recs := mustExtractFixture(t, seedPages(t)["004"])
	r, ok := findRecord(recs, record.KindMission, "Our Mission")
	if !ok {
		t.Fatalf("no mission record titled Our Mission among %d records", len(recs))
	}
	if got, want := r.Organization, "The Alliance to Reclaim Our Schools Louisville"; got != want {
		t.Errorf("organization = %q, want %q", got, want)
	}
	for _, area := range []string{
		"We are a virtual and literal table to bring together groups",
		"Keeping our public schools public -- Our students, their families",
		"Ensuring Equity for every student, regardless of race/ethnicity",
		"Fully funding public schools to meet the needs of each student",
	} {
		if !strings.Contains(r.Text, area) {
			t.Errorf("mission lacks %q", area)
		}
	}
	if strings.Contains(r.Text, "Coalition Member Organizations") {
		t.Errorf("mission holds the member list heading")
	}
	for _, name := range []string{"Jefferson County Teachers Association", "Kentucky Alliance Against Racist and Political Repression"} {
		if _, ok := findRecord(recs, record.KindOrganization, name); !ok {
			t.Errorf("no member organization %q", name)
		}
	}
}

func TestExtractor_SeedPosts(t *testing.T) {
	pages := seedPages(t)
	tests := []struct {
		seed, title, published string
		authors                []string
		starts                 string
	}{
		{"001", "UCORE Report Back", "2017-10-23", nil, "The weekend before school started two of our members"},
		{"002", "Beginnings: A Social Justice Caucus in Formation in Boston", "2020-10-29",
			[]string{"Amrita Dani", "Chloe Asselin"}, "By Amrita Dani and Chloe Asselin"},
		{"003", "Collaborating For Student Success", "2022-05-16", nil, "May 16, 2022 The National Labor Management Partnership"},
		{"003", "Grappling with CoVid's Impact on Education: Labor & Management Confront the Crisis!", "2021-11-23", nil, "November 23, 2021 What challenges"},
		{"003", "Northeast TURN", "2019-02-04", nil, "February 4, 2019 Reiche Community School"},
		{"003", "MASE TURN: Engaging Beginning Teachers", "2019-02-04", nil, "February 4, 2019 Engaging Beginning Teachers"},
	}
	for _, tt := range tests {
		t.Run(tt.seed+"/"+tt.title, func(t *testing.T) {
			recs := mustExtractFixture(t, pages[tt.seed])
			r, ok := findRecord(recs, record.KindPost, tt.title)
			if !ok {
				t.Fatalf("no post %q", tt.title)
			}
			if got, want := r.Published, tt.published; got != want {
				t.Errorf("published = %q, want %q", got, want)
			}
			if tt.authors != nil && !slices.Equal(r.Authors, tt.authors) {
				t.Errorf("authors = %q, want %q", r.Authors, tt.authors)
			}
			if !strings.HasPrefix(r.Text, tt.starts) {
				t.Errorf("text starts %.80q, want %q", r.Text, tt.starts)
			}
		})
	}
}

// TestExtractor_Seed003Teasers checks that each teaser of the listing
// links to its post's page.
func TestExtractor_Seed003Teasers(t *testing.T) {
	p := seedPages(t)["003"]
	teasers := 0
	for _, r := range mustExtractFixture(t, p) {
		if r.Kind != record.KindPost {
			continue
		}
		teasers++
		if !strings.HasPrefix(r.Link, "http://turnweb.test/posts/") {
			t.Errorf("teaser %q links to %q", r.Title, r.Link)
		}
		if _, ok := fixtures.Body(r.Link); !ok {
			t.Errorf("teaser %q links to %q, not a fixture page", r.Title, r.Link)
		}
	}
	if got, want := teasers, 6; got != want {
		t.Errorf("got %d teasers, want %d", got, want)
	}
}

// TestExtractor_Seed002Table checks that the demographics table of seed
// 002 stays a table: rows of cells in Text, a pipe table in Markdown.
func TestExtractor_Seed002Table(t *testing.T) {
	recs := mustExtractFixture(t, seedPages(t)["002"])
	r, ok := findRecord(recs, record.KindPost, "Beginnings: A Social Justice Caucus in Formation in Boston")
	if !ok {
		t.Fatal("no post")
	}
	for _, row := range []string{
		"Boston School District* | African American | Asian | Hispanic | White",
		"Students | 30% | 9% | 42% | 15%",
		"Paraprofessionals | 43% | 3% | 23% | 28%",
	} {
		if !strings.Contains(r.Text, row) {
			t.Errorf("text lacks table row %q", row)
		}
	}
	table := "| Boston School District\\* | African American | Asian | Hispanic | White |\n| --- | --- | --- | --- | --- |\n| Students | 30% | 9% | 42% | 15% |"
	if !strings.Contains(r.Markdown, table) {
		t.Errorf("Markdown lacks the pipe table %q", table)
	}
}
