package crawl

import (
	"bytes"
	"io"
	"net/http/httptest"
	"slices"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"rankfile/fixtures"
)

// tagToken is a tag as html.Tokenizer returns it.
type tagToken struct {
	tt    html.TokenType
	name  string
	attrs []html.Attribute
}

// tags tokenizes body with html.Tokenizer, returning every tag, either
// reading the page as it is or through a textSkipper driven as htmlLinks
// drives it.
func tags(body []byte, skip bool) []tagToken {
	r := &textSkipper{b: body}
	var z *html.Tokenizer
	if skip {
		z = html.NewTokenizer(r)
	} else {
		z = html.NewTokenizer(bytes.NewReader(body))
	}
	var out []tagToken
	rawNext := false
	for {
		r.skip = skip && !rawNext && len(z.Buffered()) == 0
		rawNext = false
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return out
		case html.StartTagToken, html.SelfClosingTagToken, html.EndTagToken:
			tok := z.Token()
			out = append(out, tagToken{tt, tok.Data, tok.Attr})
			rawNext = tt != html.EndTagToken && rawTextElement(tok.DataAtom)
		}
	}
}

// htmlLinksReference is htmlLinks as it was before textSkipper: the
// tokenizer reads every byte.
func htmlLinksReference(body []byte) (links, embeds []string, base string) {
	for _, t := range tags(body, false) {
		if t.tt == html.EndTagToken || len(t.attrs) == 0 {
			continue
		}
		var want string
		switch t.name {
		case "a", "area", "base", "link":
			want = "href"
		case "frame", "iframe", "img", "script", "source", "video", "audio", "embed":
			want = "src"
		default:
			continue
		}
		var val, rel, typ string
		for _, a := range t.attrs {
			switch a.Key {
			case want:
				val = a.Val
			case "rel":
				rel = strings.ToLower(a.Val)
			case "type":
				typ = strings.ToLower(a.Val)
			}
		}
		switch {
		case val == "":
		case t.name == "base":
			if base == "" {
				base = val
			}
		case t.name == "img" || t.name == "script" || t.name == "source" || t.name == "video" || t.name == "audio" || t.name == "embed":
			embeds = append(embeds, val)
		case t.name == "link" && requisiteRel(rel):
			embeds = append(embeds, val)
		case t.name == "link" && !followLinkRel(rel, typ):
		default:
			links = append(links, val)
		}
	}
	return links, embeds, base
}

// tricky are pages where dropping text could go wrong: '<' and '>' in
// text, attributes, comments and raw text, script escapes, unterminated
// tags and comments.
var tricky = []string{
	`<html><head><title>a <a href="/in-title">x</a></title></head><body><a href="/after-title">y</a></body></html>`,
	`text before <a href=/a>a</a> 1 < 2 > 0 <a href='/b'>b</a> trailing`,
	`<a title="x > y" href="/quoted-gt">q</a><a title='<a href=/no>' href=/yes>`,
	`x < y <a title="p>q" href=/buffered-then-quoted-gt>`,
	`<!-- <a href="/in-comment"> --> <a href="/after-comment">`,
	`<!-- a > b -- > <a href=/still-comment> --><a href=/out>`,
	`<!--><a href=/abrupt-comment><!---><a href=/abrupt2>`,
	`<script>var s = "<a href='/in-script'>"; if (a < b && c > d) {}</script><a href=/after-script>`,
	`<script><!-- <script> </script> <a href=/escaped> --></script><a href=/after-escaped>`,
	`<script><!--</script><a href=/after-escape-start>`,
	`<style>a > b { background: url(<a href=/in-style>) }</style><img src=/after-style>`,
	`<textarea><a href=/in-textarea></textarea ><a href=/after-textarea>`,
	`<SCRIPT>document.write("<a href=/x>")</Script ><A HREF=/upper>`,
	`<script/><a href=/self-closing-script></script><a href=/after>`,
	`<plaintext><a href=/in-plaintext>`,
	`<noscript><img src=/in-noscript></noscript><iframe src=/frame><a href=/in-iframe></iframe>`,
	`<xmp><a href=/in-xmp></xmp><noembed><a href=/x></noembed><noframes><a href=/y></noframes>`,
	`<a href=/unterminated`,
	`<a href="/unterminated-quote>text<a href=/next>`,
	`<!DOCTYPE html><?xml version="1.0"?><![CDATA[<a href=/cdata>]]><a href=/after-cdata>`,
	`</><a href=/after-empty-end></ a href=/bogus><a href=/after-bogus>`,
	`<a href=/a>` + strings.Repeat("x", 10000) + `<a href=/far>` + strings.Repeat("<", 5000) + `<a href=/lts>`,
	`<a href="/amp?a=1&amp;b=2&lt;" rel=next>&amp;</a><link rel="alternate stylesheet" href=/alt.css><link rel=alternate type="application/rss+xml" href=/feed>`,
	`<base href="http://example.org/base/"><a href=x>`,
	"<a\nhref\n=\n/newlines\r\n>\x00<img\tsrc=/tab>\f<a href=/ff\f>",
	`<p a=/><a href=/after-slash-attr/><br/></br><a href=/end>`,
	`<title>unterminated title <a href=/x>`,
	`<script>unterminated <!-- script`,
}

func checkSkipping(t *testing.T, body []byte) {
	t.Helper()
	if got, want := tags(body, true), tags(body, false); !slices.EqualFunc(got, want, func(a, b tagToken) bool {
		return a.tt == b.tt && a.name == b.name && slices.Equal(a.attrs, b.attrs)
	}) {
		t.Fatalf("tags of %q with text skipped:\n%v\nwant\n%v", body, got, want)
	}
	links, embeds, base := htmlLinks(body)
	wl, we, wb := htmlLinksReference(body)
	if !slices.Equal(links, wl) || !slices.Equal(embeds, we) || base != wb {
		t.Fatalf("htmlLinks(%q) = %q %q %q, want %q %q %q", body, links, embeds, base, wl, we, wb)
	}
}

// TestHTMLLinks_textSkipped checks that skipping text changes no tag and
// no link, on tricky pages and on every page of the fixture web.
func TestHTMLLinks_textSkipped(t *testing.T) {
	for _, page := range tricky {
		checkSkipping(t, []byte(page))
	}
	h := fixtures.Handler()
	n := 0
	for _, p := range fixtures.Pages() {
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, httptest.NewRequest("GET", p.URL, nil))
		body, _ := io.ReadAll(rec.Body)
		if len(body) == 0 {
			continue
		}
		checkSkipping(t, body)
		if links, _, _ := htmlLinks(body); len(links) > 0 {
			n++
		}
	}
	if n == 0 {
		t.Fatal("no fixture page with links was checked")
	}
	// the test can fail: a skipper that dropped text in raw text would find
	// the link hidden in a script
	page := []byte(`<script>"<a href=/hidden>"</script>`)
	if links, _, _ := htmlLinksReference(page); len(links) != 0 {
		t.Fatalf("reference finds %q in a script", links)
	}
}

func FuzzHTMLLinks(f *testing.F) {
	for _, page := range tricky {
		f.Add([]byte(page))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		checkSkipping(t, body)
	})
}

// TestCSSLinks: a stylesheet's url(...) in its three spellings and its
// @import are requisites, each once, data: URLs left out; so are those of a
// page's <style> block, but not the text of the page.
func TestCSSLinks(t *testing.T) {
	css := `@import "print.css"; @import url(theme.css);
@font-face { src: url('/fonts/a.woff2') format("woff2"), url( "/fonts/a.woff" ) }
body { background: url(bg.png) } .x { background: URL(bg.png) } .dot { background: url(data:image/png;base64,AA) }`
	var got []string
	for _, l := range cssLinks([]byte(css)) {
		got = append(got, l.target)
	}
	if want := "print.css theme.css /fonts/a.woff2 /fonts/a.woff bg.png"; strings.Join(got, " ") != want {
		t.Errorf("cssLinks = %q, want %q", got, want)
	}
	_, embeds, _ := htmlLinks([]byte(`<html><head><style>h1 { background: url(/head.png) }</style></head>
<body><p>write url(/not-a-requisite.png) in a post</p><img src="/a.png" srcset="/a-300.png 300w, /a-768.png 768w,data:image/png;base64,AA 1w">
<picture><source srcset="/b.webp 1x, /b@2x.webp 2x" type="image/webp"><img src="/b.png"></picture></body></html>`))
	if want := "/head.png /a-300.png /a-768.png /a.png /b.webp /b@2x.webp /b.png"; strings.Join(embeds, " ") != want {
		t.Errorf("page requisites %q, want %q: the <style> block's picture, and each picture in every size", embeds, want)
	}
}
