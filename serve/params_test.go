package serve

import (
	"errors"
	"net/url"
	"strings"
	"testing"
	"time"
)

func TestParseSearch(t *testing.T) {
	for _, c := range []struct {
		name  string
		query string
		bad   string // part of the error message; "" for none
	}{
		{"empty", "", ""},
		{"all", "q=union&site=S&kind=post&author=A&org=O&published_from=2019&published_to=2020-06&captured_from=2024-01-02&captured_to=2024&sort=-date&page=3&size=20&versions=all", ""},
		{"sort", "sort=random", "Sort must be"},
		{"page", "page=-1", "page parameter"},
		{"size", "size=0", "size parameter"},
		{"date", "published_to=20200101", "published_to"},
		{"month", "published_from=2020-00", "published_from"},
		{"long q", "q=" + strings.Repeat("a", maxQueryText+1), "too long"},
		{"long site", "site=" + strings.Repeat("a", maxParam+1), "too long"},
		{"nul", "author=a%00b", "not valid text"},
		{"deep", "page=101&size=100", "Paging stops"},
	} {
		t.Run(c.name, func(t *testing.T) {
			v, _ := url.ParseQuery(c.query)
			p, err := parseSearch(v)
			var br *badRequest
			switch {
			case c.bad == "" && err != nil:
				t.Fatalf("error %v", err)
			case c.bad != "" && (!errors.As(err, &br) || !strings.Contains(err.Error(), c.bad)):
				t.Fatalf("error %v, want one about %q", err, c.bad)
			case c.bad == "":
				// the canonical URL gives the same parameters back
				v2, _ := url.ParseQuery(strings.TrimPrefix(p.url(), "/search?"))
				p2, err := parseSearch(v2)
				if err != nil || p2.url() != p.url() {
					t.Errorf("round trip %q → %q (%v)", p.url(), p2.url(), err)
				}
			}
		})
	}
}

func TestParseDay(t *testing.T) {
	for _, c := range []struct {
		in   string
		end  bool
		want string
	}{
		{"2020", false, "2020-01-01T00:00:00Z"},
		{"2020", true, "2020-12-31T23:59:59.999999999Z"},
		{"2020-02", true, "2020-02-29T23:59:59.999999999Z"},
		{"2020-02-03", true, "2020-02-03T23:59:59.999999999Z"},
		{"2020-02-03", false, "2020-02-03T00:00:00Z"},
	} {
		got, err := parseDay("x", c.in, c.end)
		if err != nil || got.Format(time.RFC3339Nano) != c.want {
			t.Errorf("parseDay(%q, %v) = %v, %v; want %s", c.in, c.end, got, err, c.want)
		}
	}
}

func TestSearchParams_with(t *testing.T) {
	p := searchParams{Q: "a b", Site: "S", Page: 4, Size: 20}
	if got := p.with("site", "", "kind", "post"); got != "/search?kind=post&q=a+b&size=20" {
		t.Errorf("with: %s", got)
	}
	if got := p.page(5); got != "/search?page=5&q=a+b&site=S&size=20" {
		t.Errorf("page: %s", got)
	}
}

func TestSafeSnippet(t *testing.T) {
	for in, want := range map[string]string{
		"plain &amp; <mark>hit</mark> text":     "plain &amp; <mark>hit</mark> text",
		"<script>x</script>":                    "&lt;script&gt;x&lt;/script&gt;",
		"<mark>open":                            "<mark>open</mark>",
		"close</mark> <mark>a</mark></mark>":    "close <mark>a</mark>",
		"a < b &lt;i&gt; <mark><b>x</b></mark>": "a &lt; b &lt;i&gt; <mark>&lt;b&gt;x&lt;/b&gt;</mark>",
	} {
		if got := string(safeSnippet(in)); got != want {
			t.Errorf("safeSnippet(%q) = %q, want %q", in, got, want)
		}
	}
}
