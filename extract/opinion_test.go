package extract

import (
	"strings"
	"testing"
)

// TestSecondOpinion checks that a line of other stories' headlines (links
// only, in a language no rule of ours names, under a class name that says
// nothing) inside an article's own container is left out when
// readability's choice of body agrees on the rest, and that the article's
// writing stays whole.
func TestSecondOpinion(t *testing.T) {
	rail := `<div class="x9">`
	headlines := []string{
		"Bundesregierung plant neue Regeln für die Bildungsfinanzierung der Länder im kommenden Jahr",
		"Lehrkräfte in Sachsen streiken für kleinere Klassen und bessere Arbeitsbedingungen an Schulen",
		"Gewerkschaft fordert mehr Mitsprache der Beschäftigten bei der Digitalisierung des Unterrichts",
		"Kommunen klagen über fehlende Mittel für die Sanierung maroder Schulgebäude in vielen Städten",
	}
	for i, h := range headlines {
		rail += ` <a href="/artikel/` + string(rune('a'+i)) + `">` + h + `</a>`
	}
	rail += `</div>`
	page := `<html><head><title>A long story</title>
<script type="application/ld+json">{"@type":"NewsArticle","headline":"A long story","datePublished":"2024-03-01"}</script>
</head><body><div id="wrap"><h1>A long story</h1><div class="body">` +
		strings.Repeat("<p>"+para+"</p>", 6) + rail + `</div></div></body></html>`
	recs, err := New(Options{}).ExtractHTML("http://news.test/2024/03/01/story", []byte(page), nil)
	if err != nil {
		t.Fatal(err)
	}
	text := Text(recs)
	if strings.Count(text, para) != 6 {
		t.Errorf("the writing is not whole: %d of 6 paragraphs", strings.Count(text, para))
	}
	for _, h := range headlines {
		if strings.Contains(text, h) {
			t.Errorf("another story's headline %q kept in the article's text", h)
		}
	}
}
