package index

import (
	"context"
	"slices"
	"testing"
)

func TestIndex_AtURL(t *testing.T) {
	x := mustOpen(t, mustCorpus(t))
	for _, tt := range []struct {
		name, url string
		want      []string
	}{
		{"as stored", "http://turnweb.test/posts/strike-vote", []string{"strike"}},
		{"without a scheme", "turnweb.test/posts/strike-vote", []string{"strike"}},
		{"not archived", "http://turnweb.test/posts/nowhere", nil},
	} {
		t.Run(tt.name, func(t *testing.T) {
			hits, err := x.AtURL(context.Background(), tt.url)
			if err != nil {
				t.Fatal(err)
			}
			var got []string
			for _, h := range hits {
				got = append(got, h.RecordID)
			}
			if !slices.Equal(got, tt.want) {
				t.Errorf("got %q, want %q", got, tt.want)
			}
		})
	}
}

func TestIsID(t *testing.T) {
	for ref, want := range map[string]bool{
		"0d5bb82f94c8dbba":                       true,
		"0d5bb82f94c8dbba@20240301100000.305338": true,
		"http://turnweb.test/":                   false,
		"turnweb.test/posts/strike-vote":         false,
		"0d5bb82f94c8dbb":                        false,
	} {
		if got := IsID(ref); got != want {
			t.Errorf("IsID(%q) = %v, want %v", ref, got, want)
		}
	}
}
