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
