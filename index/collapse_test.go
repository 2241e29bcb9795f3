package index

import (
	"fmt"
	"strings"
	"testing"

	"rankfile/record"
)

func TestCollapse(t *testing.T) {
	post := "Parents and teachers packed the board meeting to oppose two new charter schools that would drain money from neighborhood schools. The board delayed its vote."
	teaser := "Parents and teachers packed the board meeting to oppose two new charter schools that would drain money …"
	dated := "March 3, 2024 Parents and teachers packed the board meeting to oppose two new charter schools that would drain money from neighborhood schools. The board delayed its vote."
	other := "Members voted to authorise a strike if the district does not return to the table with a fair offer on class sizes and pay."
	h := func(rec, url, text string) Hit {
		return Hit{RecordID: rec, URL: url, Title: "Board meeting", textHash: textHash(text), rec: record.Record{Text: text}}
	}
	linked := func(rec, url, link, text string) Hit {
		x := h(rec, url, text)
		x.Link = link
		return x
	}
	retitled := func(rec, url, text string) Hit {
		x := h(rec, url, text)
		x.Title = "Read more"
		return x
	}
	relinked := func(rec, url, link, text string) Hit {
		x := linked(rec, url, link, text)
		x.Title = "Read more"
		return x
	}
	for _, tt := range []struct {
		name string
		in   []Hit
		want string // kept hits as url[duplicates]
	}{
		{"same text, two URLs", []Hit{h("a", "u1", post), h("b", "u2", strings.ToUpper(post))}, "u1[u2]"},
		{"teaser below its post", []Hit{h("p", "post", post), h("t", "home", teaser)}, "post[home]"},
		{"teaser above its post", []Hit{h("t", "home", teaser), h("x", "other", other), h("p", "post", post)}, "post[home] other[]"},
		{"dated teaser longer than its post", []Hit{linked("t", "home", "post", dated), h("p", "post", post)}, "post[home]"},
		{"post above its dated teaser", []Hit{h("p", "post", post), linked("t", "home", "post", dated)}, "post[home]"},
		{"different writing stays apart", []Hit{h("a", "u1", post), h("b", "u2", other)}, "u1[] u2[]"},
		{"another title stays apart", []Hit{h("p", "post", post), retitled("t", "home", teaser)}, "post[] home[]"},
		{"another title linking to the post folds", []Hit{h("p", "post", post), relinked("t", "home", "post", teaser)}, "post[home]"},
		{"versions of one record stay apart", []Hit{h("a", "u1", post), h("a", "u1", post)}, "u1[] u1[]"},
		{"short texts stay apart", []Hit{h("a", "u1", "Read more about the strike vote"), h("b", "u2", "Read more")}, "u1[] u2[]"},
		{"empty texts stay apart", []Hit{h("a", "u1", ""), h("b", "u2", "")}, "u1[] u2[]"},
		{"chains fold into the first", []Hit{h("a", "u1", post), h("b", "u2", post), h("t", "u3", teaser)}, "u1[u2 u3]"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, k := range collapse(tt.in) {
				got = append(got, fmt.Sprintf("%s%v", k.URL, k.Duplicates))
			}
			if g := strings.Join(got, " "); g != tt.want {
				t.Errorf("got %s, want %s", g, tt.want)
			}
		})
	}
}
