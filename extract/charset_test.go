package extract

import (
	"strings"
	"testing"
	"unicode/utf8"
)

func TestDecode(t *testing.T) {
	tests := []struct {
		name        string
		body        []byte
		contentType string
		want        string // a substring of the decoded page
		charset     string
	}{
		{"windows-1252 without any label", []byte("<html><body><p>Caf\xe9 \x93quoted\x94 \x97 na\xefve</p></body></html>"), "",
			"Café “quoted” — naïve", "windows-1252"},
		{"header charset", []byte("<p>\xe9t\xe9</p>"), "text/html; charset=ISO-8859-1", "été", "windows-1252"},
		{"header charset beats meta", []byte(`<meta charset="utf-8"><p>` + "\xe9t\xe9</p>"), "text/html; charset=windows-1252", "été", "windows-1252"},
		{"meta charset", []byte(`<html><head><meta charset="windows-1252"></head><body>` + "\x93hi\x94</body>"), "text/html", "“hi”", "windows-1252"},
		{"meta http-equiv", []byte(`<meta http-equiv="Content-Type" content="text/html; charset=iso-8859-15"><p>` + "\xa4</p>"), "", "€", "iso-8859-15"},
		{"utf-8 bom", []byte("\xef\xbb\xbf<p>caf\xc3\xa9</p>"), "", "<p>café", "utf-8"},
		{"utf-16le bom", []byte("\xff\xfe<\x00p\x00>\x00\xe9\x00"), "text/html; charset=iso-8859-1", "<p>é", "utf-16le"},
		{"valid utf-8 without label", []byte("<p>caf\xc3\xa9 \xe2\x80\x94</p>"), "", "café —", "utf-8"},
		{"meta utf-16 read as utf-8", []byte(`<meta charset="utf-16"><p>caf` + "\xc3\xa9</p>"), "", "café", "utf-8"},
		{"invalid utf-8 declared utf-8", []byte("<p>a\xffb</p>"), "text/html; charset=utf-8", "a\ufffdb", "utf-8"},
		{"utf-8 body under an old meta charset", []byte(`<meta charset="iso-8859-1"><p>caf` + "\xc3\xa9</p>"), "", "café", "utf-8"},
		{"ascii body keeps its meta charset", []byte(`<meta charset="iso-8859-1"><p>cafe</p>`), "", "cafe", "windows-1252"},
		{"unknown label falls through", []byte("<p>caf\xc3\xa9</p>"), "text/html; charset=x-unknown", "café", "utf-8"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, cs := decode(tt.body, tt.contentType)
			if !utf8.ValidString(got) {
				t.Errorf("decoded page is not valid UTF-8: %q", got)
			}
			if !strings.Contains(got, tt.want) {
				t.Errorf("decode = %q, want it to hold %q", got, tt.want)
			}
			if cs != tt.charset {
				t.Errorf("charset = %q, want %q", cs, tt.charset)
			}
		})
	}
}

// TestExtractor_Windows1252 extracts a windows-1252 page served without a
// charset: the records' text is the right UTF-8.
func TestExtractor_Windows1252(t *testing.T) {
	page := []byte("<html><head><title>Caf\xe9</title></head><body><main><h1>Caf\xe9 society</h1>" +
		"<p>The caucus met at the caf\xe9 on Monday \x96 \x93everyone\x94 came, and na\xefve questions were welcome.</p>" +
		"</main></body></html>")
	recs, err := New(Options{}).ExtractHTML("http://example.test/cafe", page, nil)
	if err != nil {
		t.Fatal(err)
	}
	got := Text(recs)
	want := "The caucus met at the café on Monday – “everyone” came, and naïve questions were welcome."
	if !strings.Contains(got, want) {
		t.Errorf("text = %q, want it to hold %q", got, want)
	}
}
