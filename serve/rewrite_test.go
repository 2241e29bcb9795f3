package serve

import (
	"net/url"
	"strings"
	"testing"
	"time"
)

func testRewriter() *rewriter {
	page, _ := url.Parse("http://site.test/dir/page.html")
	return &rewriter{page: page, ts: "20240101000000"}
}

func TestRewriter_html(t *testing.T) {
	const b = `<div id="banner"></div>`
	for _, c := range []struct{ name, in, want string }{
		{"banner after body", `<!DOCTYPE html><html><head><title>T</title></head><body class="x"><p>Hi</p></body></html>`,
			`<!DOCTYPE html><html><head><title>T</title></head><body class="x">` + b + `<p>Hi</p></body></html>`},
		{"no body tag", `<title>T</title><p>Hi</p>`, `<title>T</title>` + b + `<p>Hi</p>`},
		{"text first", `<html><head></head>Hello`, `<html><head></head>` + b + `Hello`},
		{"empty", ``, b},
		{"archived link", `<body><a href="other">o</a>`, `<body>` + b + `<a href="/capture/20240101000000/http://site.test/dir/other">o</a>`},
		{"link not archived stays in the archive", `<body><a href="/x?a=1&amp;b=2">x</a>`, `<body>` + b + `<a href="/capture/20240101000000/http://site.test/x?a=1&amp;b=2">x</a>`},
		{"fragment and javascript left", `<body><a href="#top">t</a><a href="javascript:alert(1)">j</a>`, `<body>` + b + `<a href="#top">t</a><a href="javascript:alert(1)">j</a>`},
		{"image to the archive", `<body><img src="/i.png" srcset="/a.png 1x, b.png 2x">`, `<body>` + b + `<img src="/capture/20240101000000/http://site.test/i.png" srcset="/capture/20240101000000/http://site.test/a.png 1x, /capture/20240101000000/http://site.test/dir/b.png 2x">`},
		{"style sheet to the archive", `<head><link rel="stylesheet" href="s.css"></head>`, `<head><link rel="stylesheet" href="/capture/20240101000000/http://site.test/dir/s.css"></head>` + b},
		{"css urls", `<body><p style="background:url('/bg.png')">x</p><style>a{background:url(/y.png)}</style>`, `<body>` + b + `<p style="background:url(&#39;/capture/20240101000000/http://site.test/bg.png&#39;)">x</p><style>a{background:url(/capture/20240101000000/http://site.test/y.png)}</style>`},
		{"base href", `<head><base href="http://site.test/"></head><body><a href="dir/other">o</a>`, `<head><base href="http://site.test/"></head><body>` + b + `<a href="/capture/20240101000000/http://site.test/dir/other">o</a>`},
		{"meta refresh", `<head><meta http-equiv="refresh" content="0; url=/"></head>`, `<head><meta http-equiv="refresh" content="0; url=/capture/20240101000000/http://site.test/"></head>` + b},
		{"scripts kept as captured", `<body onload="x()"><script>document.title="p"</script>`, `<body onload="x()">` + b + `<script>document.title="p"</script>`},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := string(testRewriter().html([]byte(c.in), b)); got != c.want {
				t.Errorf("got  %s\nwant %s", got, c.want)
			}
		})
	}
}

func TestBanner(t *testing.T) {
	c := capture{URL: `http://ex.test/caf%C3%A9?a=1&b="<x>"`, Time: time.Date(2024, 5, 1, 9, 30, 0, 0, time.UTC)}
	prev := c
	prev.Time = time.Date(2023, 1, 2, 3, 4, 5, 0, time.UTC)
	got := banner(c, prev, capture{})
	for _, want := range []string{"2024-05-01 09:30:00 UTC", `href="http://ex.test/caf%C3%A9?a=1&amp;b=&#34;&lt;x&gt;&#34;"`,
		`rel="prev" id="rankfile-prev" href="/capture/20230102030405/http://ex.test/caf%C3%A9?a=1&amp;b=&#34;&lt;x&gt;&#34;"`,
		`id="rankfile-calendar" href="/captures?url=http%3A%2F%2Fex.test%2Fcaf%25C3%25A9%3Fa%3D1%26b%3D%22%3Cx%3E%22"`} {
		if !strings.Contains(got, want) {
			t.Errorf("banner lacks %q: %s", want, got)
		}
	}
	if strings.Contains(got, "Next capture") {
		t.Errorf("banner links a next capture the page does not have: %s", got)
	}
	for _, r := range got {
		if r >= 0x80 {
			t.Fatalf("banner holds non-ASCII %q", r)
		}
	}
	if asciiHTML("café <") != "caf&#233; &lt;" {
		t.Errorf("asciiHTML %q", asciiHTML("café <"))
	}
}

func TestParseTimestamp(t *testing.T) {
	for ts, want := range map[string]string{
		"2024": "2024-01-01T00:00:00Z", "202405": "2024-05-01T00:00:00Z", "20240502": "2024-05-02T00:00:00Z",
		"20240502131415": "2024-05-02T13:14:15Z", "202": "", "20245": "", "2024x1": "", "202413": "", "202405021314151": "", "": "",
	} {
		got, ok := parseTimestamp(ts)
		if (want == "") == ok || (ok && got.Format(time.RFC3339) != want) {
			t.Errorf("parseTimestamp(%q) = %v, %v; want %q", ts, got, ok, want)
		}
	}
}
