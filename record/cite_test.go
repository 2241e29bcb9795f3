package record

import (
	"testing"
	"time"
)

func TestRecord_Citation(t *testing.T) {
	r := Record{
		Title: "Beginnings: A Social Justice Caucus in Formation in Boston", Site: "Urban Education and Democracy Project",
		Authors: []string{"Amrita Dani", "Chloe Asselin"}, Published: "2020-10-29", URL: "http://wp.towson.test/x/",
		WARCFile: "rankfile-a.warc.gz", WARCOffset: 57409,
	}
	r.Captured, _ = time.Parse(time.RFC3339, "2024-03-01T10:00:00Z")
	bare := Record{Title: "Why Union-Led Reform?", URL: "http://turnweb.test/posts/why"}
	three := bare
	three.Authors = []string{"A", "B", "C"}
	for _, tt := range []struct {
		name string
		r    Record
		want string
	}{
		{"full", r, `Amrita Dani and Chloe Asselin. "Beginnings: A Social Justice Caucus in Formation in Boston." ` +
			`Urban Education and Democracy Project, published October 29, 2020. http://wp.towson.test/x/ ` +
			`(archived 2024-03-01T10:00:00Z, WARC rankfile-a.warc.gz@57409).`},
		{"bare, title ending a sentence", bare, `"Why Union-Led Reform?" http://turnweb.test/posts/why.`},
		{"three authors", three, `A, B, and C. "Why Union-Led Reform?" http://turnweb.test/posts/why.`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			if got := tt.r.Citation(); got != tt.want {
				t.Errorf("got\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}

func TestRecord_CitationAt(t *testing.T) {
	r := Record{Title: "Why Union-Led Reform?", URL: "http://turnweb.test/posts/why", WARCFile: "a.warc.gz", WARCOffset: 7,
		Captured: time.Date(2026, 12, 6, 9, 30, 5, 0, time.UTC)}
	archived := ArchivedURL("https://archive.example.org/", r.Captured, r.URL)
	if want := "https://archive.example.org/capture/20261206093005/http://turnweb.test/posts/why"; archived != want {
		t.Fatalf("ArchivedURL %q, want %q", archived, want)
	}
	got := r.CitationAt(archived)
	want := `"Why Union-Led Reform?" http://turnweb.test/posts/why (archived 2026-12-06T09:30:05Z at ` + archived + `).`
	if got != want {
		t.Errorf("got\n%s\nwant\n%s", got, want)
	}
	if ArchivedURL("", r.Captured, r.URL) != "" || ArchivedURL("https://a.test", time.Time{}, r.URL) != "" {
		t.Error("an archived URL without a base or a capture time")
	}
}

func TestSplitName(t *testing.T) {
	for _, tt := range []struct {
		in   string
		want Name
	}{
		{"Amrita Dani", Name{Family: "Dani", Given: "Amrita"}},
		{"Dani, Amrita", Name{Family: "Dani", Given: "Amrita"}},
		{"Mary Ann  Smith", Name{Family: "Smith", Given: "Mary Ann"}},
		{"Ana de la Cruz", Name{Family: "de la Cruz", Given: "Ana"}},
		{"Ludwig van Beethoven", Name{Family: "van Beethoven", Given: "Ludwig"}},
		{"Martin Luther King Jr.", Name{Family: "King", Given: "Martin Luther", Suffix: "Jr."}},
		{"Seán O’Brien", Name{Family: "O’Brien", Given: "Seán"}},
		{"albucore", Name{Literal: "albucore"}},
		{"Chloe", Name{Literal: "Chloe"}},
		{"Riverside Rank and File", Name{Literal: "Riverside Rank and File"}},
		{"TURN Staff", Name{Literal: "TURN Staff"}},
		{"user123 smith", Name{Literal: "user123 smith"}},
	} {
		if got := SplitName(tt.in); got != tt.want {
			t.Errorf("SplitName(%q) = %+v, want %+v", tt.in, got, tt.want)
		}
	}
}
