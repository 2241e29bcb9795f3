package extract

import (
	"strings"
	"testing"
	"time"

	"golang.org/x/net/html"
)

// TestGuessDate_textDates: htmldate's extensive search reads a date written
// in the page's language, or in English on a page in another language, and
// a page whose language the date parser does not know still has its
// English date read (with every locale).
func TestGuessDate_textDates(t *testing.T) {
	captured := time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC)
	for _, c := range []struct{ lang, line, want string }{
		{"de", "Veröffentlicht am 14. März 2021 von der Redaktion", "2021-03-14"},
		{"es", "3 de febrero de 2019", "2019-02-03"},
		{"de", "Published on March 14, 2021 by the editors", "2021-03-14"},
		{"tlh", "Published on March 14, 2021 by the editors", "2021-03-14"},
		{"", "Published on March 14, 2021 by the editors", "2021-03-14"},
	} {
		page := `<html><body><main><h1>Bericht</h1><p>` + strings.Repeat("Text ohne Datum, nur Worte. ", 20) +
			`</p><p>` + c.line + `</p></main></body></html>`
		doc, err := html.Parse(strings.NewReader(page))
		if err != nil {
			t.Fatal(err)
		}
		if got := guessDate(doc, "https://news.example/bericht", captured, true, c.lang); got != c.want {
			t.Errorf("lang %q, %q: got %q, want %s", c.lang, c.line, got, c.want)
		}
		if got := guessDate(doc, "https://news.example/bericht", captured, false, c.lang); got != "" && got != c.want {
			t.Errorf("lang %q, fast mode: got %q", c.lang, got)
		}
	}
}
