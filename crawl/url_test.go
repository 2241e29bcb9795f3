package crawl

import (
	"net/url"
	"strings"
	"testing"
)

func TestNormalize(t *testing.T) {
	base, _ := url.Parse("http://Example.test/blog/post/")
	tests := []struct{ ref, want string }{
		{"../other/", "http://example.test/blog/other/"},
		{"HTTP://EXAMPLE.TEST:80/a#frag", "http://example.test/a"},
		{"https://example.test:443", "https://example.test/"},
		{"/p?b=2&a=1&utm_source=x&fbclid=y", "http://example.test/p?a=1&b=2"},
		{"/p?PHPSESSID=abc&q=x", "http://example.test/p?q=x"},
		{"http://example.test:8080/x", "http://example.test:8080/x"},
		{"  /spaces  ", "http://example.test/spaces"},
	}
	for _, tt := range tests {
		t.Run(tt.ref, func(t *testing.T) {
			u, err := Normalize(base, tt.ref)
			if err != nil {
				t.Fatal(err)
			}
			if got := u.String(); got != tt.want {
				t.Errorf("Normalize(%q) = %q, want %q", tt.ref, got, tt.want)
			}
		})
	}
}

func TestIsTrap(t *testing.T) {
	tests := []struct {
		url  string
		trap bool
	}{
		{"http://a.test/2017/10/23/post/", false},
		{"http://a.test/2017/10/23/post/?replytocom=12", true},
		{"http://a.test/post/?share=twitter", true},
		{"http://a.test/post/?like_comment=3", true},
		{"http://a.test/wp-login.php?redirect_to=x", true},
		{"http://a.test/wp-admin/edit.php", true},
		{"http://a.test/a/b/a/b/a/b/", true},
		{"http://a.test/page/2/", false},
		{"http://a.test/events/2019-05/", false},
		{"http://a.test/calendar/?month=2187-03", true},
		{"http://a.test/events/month/1850-01/", true},
		{"http://a.test/?date=20990101", true},
		{"http://a.test/uploads/2017/10/photo.jpg", false},
		{"http://a.test/?p=1234", false},
		{"http://a.test/?q=" + strings.Repeat("a", 3000), true},
	}
	for _, tt := range tests {
		t.Run(tt.url[:min(len(tt.url), 60)], func(t *testing.T) {
			u, err := url.Parse(tt.url)
			if err != nil {
				t.Fatal(err)
			}
			if got := isTrap(u); got != tt.trap {
				t.Errorf("isTrap(%s) = %v, want %v", tt.url, got, tt.trap)
			}
		})
	}
}

func TestHTMLLinks(t *testing.T) {
	page := `<html><head><base href="http://b.test/"><link rel="stylesheet" href="/s.css">
<link rel="canonical" href="/canon"><link rel="alternate" type="application/rss+xml" href="/feed/">
<link rel="icon" href="/i.png"></head><body><a href="/a">a</a><a name="x">no href</a>
<iframe src="/frame"></iframe><area href="/area"><img src="/logo.png"><script src="/app.js"></script></body></html>`
	links, embeds, base := htmlLinks([]byte(page))
	want := []string{"/canon", "/feed/", "/a", "/frame", "/area"}
	if base != "http://b.test/" {
		t.Errorf("base %q", base)
	}
	if got := strings.Join(embeds, " "); got != "/s.css /i.png /logo.png /app.js" {
		t.Errorf("requisites %q", got)
	}
	if len(links) != len(want) {
		t.Fatalf("links %q, want %q", links, want)
	}
	for i := range want {
		if links[i] != want[i] {
			t.Errorf("link %d = %q, want %q", i, links[i], want[i])
		}
	}
}

func TestXMLLinks(t *testing.T) {
	tests := []struct {
		name, doc string
		want      []string
	}{
		{"sitemap", `<?xml version="1.0"?><urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><url><loc> http://a.test/1 </loc></url><url><loc>http://a.test/2</loc></url></urlset>`, []string{"http://a.test/1", "http://a.test/2"}},
		{"sitemap index", `<sitemapindex xmlns="http://www.sitemaps.org/schemas/sitemap/0.9"><sitemap><loc>http://a.test/s1.xml</loc></sitemap></sitemapindex>`, []string{"http://a.test/s1.xml"}},
		{"rss", `<rss version="2.0"><channel><link>http://a.test/</link><item><title>T</title><link>http://a.test/post/</link></item></channel></rss>`, []string{"http://a.test/", "http://a.test/post/"}},
		{"atom", `<feed xmlns="http://www.w3.org/2005/Atom"><link href="http://a.test/"/><entry><link rel="alternate" href="http://a.test/e1"/></entry></feed>`, []string{"http://a.test/", "http://a.test/e1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := xmlLinks([]byte(tt.doc))
			if len(got) != len(tt.want) {
				t.Fatalf("got %q, want %q", got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Errorf("link %d = %q, want %q", i, got[i], tt.want[i])
				}
			}
		})
	}
}
