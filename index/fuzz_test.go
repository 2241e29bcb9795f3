package index

import (
	"context"
	"errors"
	"testing"
)

// FuzzSearch checks that any query text either searches or fails with
// ErrBadQuery, and that every hit it finds is a latest version.
func FuzzSearch(f *testing.F) {
	for _, tt := range searchTests {
		f.Add(tt.q.Text)
	}
	for _, s := range []string{`title:(`, `"`, `+`, `-`, `a^`, `/[/`, `published:>"x"`, `text:"" ~`, `*`, `?`, `union~9`,
		`(a OR`, `NOT NOT a`, `site:(`, `a AND AND b`, `((()))`, `-(a b)`, `kind:"post"^2`, `published:2020-13`, `site:"x`} {
		f.Add(s)
	}
	for _, tt := range langTests {
		f.Add(tt.q.Text)
	}
	x := mustOpen(f, mustCorpus(f))
	f.Fuzz(func(t *testing.T, text string) {
		res, err := x.Search(context.Background(), Query{Text: text})
		if err != nil {
			if !errors.Is(err, ErrBadQuery) {
				t.Errorf("search %q: %v, not ErrBadQuery", text, err)
			}
			return
		}
		for _, h := range res.Hits {
			if !h.Latest {
				t.Errorf("%q found %s, not a latest version", text, h.ID)
			}
		}
	})
}
