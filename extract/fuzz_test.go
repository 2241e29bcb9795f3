package extract

import (
	"bytes"
	"net/http"
	"strings"
	"testing"
	"unicode"
	"unicode/utf8"

	"golang.org/x/net/html"

	"rankfile/fixtures"
)

// wordChars counts the letters and digits of s.
func wordChars(s string) int {
	n := 0
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			n++
		}
	}
	return n
}

// inputText returns all the text of a page: every text token, decoded as
// Extract decodes it.
func inputText(page []byte, contentType string) string {
	decoded, _ := decode(page, contentType)
	z := html.NewTokenizer(strings.NewReader(decoded))
	var b strings.Builder
	for {
		switch z.Next() {
		case html.ErrorToken:
			return b.String()
		case html.TextToken:
			b.Write(z.Text())
			b.WriteByte(' ')
		}
	}
}

// FuzzExtract checks that extraction never panics, always yields valid
// UTF-8 without control characters in every field, bounds a record's text, and never writes more text than the page holds:
// the letters and digits of each record's text, summary and comments are
// at most those of the page's text.
// The seed corpus is in testdata/fuzz/FuzzExtract; the fixture pages and
// the platform pages are added to it.
func FuzzExtract(f *testing.F) {
	for _, p := range fixtures.Pages() {
		f.Add(p.Body(), "text/html; charset=utf-8")
	}
	for _, p := range platformPages {
		f.Add(platformBody(f, p.name), "")
	}
	e := New(Options{Organizations: []Organization{{Name: "Caucus of Working Educators", Acronym: "WE"}, {Acronym: "UCORE"}}})
	f.Fuzz(func(t *testing.T, page []byte, contentType string) {
		recs, err := e.ExtractHTML("http://fuzz.test/2020/01/02/post", page, httpHeader(contentType))
		if err != nil {
			return
		}
		limit := wordChars(inputText(page, contentType))
		for _, r := range recs {
			fields := []string{r.Text, r.Title, r.Organization, r.Acronym, r.Link, r.Published, r.Modified, r.Language,
				r.Canonical, r.Summary, r.Markdown, strings.Join(r.Authors, ""), strings.Join(r.Tags, ""), strings.Join(r.Mentions, "")}
			comments := 0
			for _, c := range r.Comments {
				fields = append(fields, c.Author, c.Date, c.Text)
				comments += wordChars(c.Text)
			}
			for _, s := range fields {
				if !utf8.ValidString(s) {
					t.Fatalf("record %s holds invalid UTF-8: %q", r.ID, s)
				}
				if i := strings.IndexFunc(s, func(c rune) bool { return noControl(c) != c }); i >= 0 {
					t.Fatalf("record %s holds control character %q: %q", r.ID, s[i], s)
				}
			}
			if len(r.Text) > maxText || len(r.Markdown) > maxText {
				t.Fatalf("record %s holds %d bytes of text, %d of Markdown", r.ID, len(r.Text), len(r.Markdown))
			}
			for name, got := range map[string]int{"text": wordChars(r.Text), "summary": wordChars(r.Summary), "comments": comments} {
				if got > limit {
					t.Fatalf("record %s %s has %d letters and digits, the page %d", r.ID, name, got, limit)
				}
			}
		}
		if text := Text(recs); !utf8.ValidString(text) || bytes.ContainsRune([]byte(text), utf8.RuneError) && !bytes.ContainsRune(page, utf8.RuneError) && utf8.Valid(page) {
			t.Fatalf("Text is invalid or adds replacement characters: %q", text)
		}
	})
}

func httpHeader(contentType string) http.Header {
	if contentType == "" {
		return nil
	}
	return http.Header{"Content-Type": {contentType}}
}
