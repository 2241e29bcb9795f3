package index

import (
	"slices"
	"strings"
)

// minContained is the shortest normalised text that counts as contained in
// another: shorter ones ("Read more", a one-line caption) are in too many
// texts to mean anything.
const minContained = 80

// collapse folds near-identical hits into one, keeping rank order. Two
// hits are near-identical when they come from different URLs and different
// records, and their texts are the same (by text hash) or one text, a
// teaser's, is contained in the other's. The container survives at the
// better rank of the two; the other's URL joins its Duplicates.
func collapse(hits []Hit) []Hit {
	var kept []Hit
next:
	for _, h := range hits {
		for i := range kept {
			k := &kept[i]
			if k.URL == h.URL || k.RecordID == h.RecordID {
				continue
			}
			switch {
			case h.norm != "" && h.textHash == k.textHash, contains(k.norm, h.norm):
				k.fold(h)
				continue next
			case contains(h.norm, k.norm):
				h.fold(*k)
				kept[i] = h
				continue next
			}
		}
		kept = append(kept, h)
	}
	return kept
}

// fold records o as a duplicate of h.
func (h *Hit) fold(o Hit) {
	for _, u := range append([]string{o.URL}, o.Duplicates...) {
		if u != h.URL && !slices.Contains(h.Duplicates, u) {
			h.Duplicates = append(h.Duplicates, u)
		}
	}
}

func contains(outer, inner string) bool {
	return len(inner) >= minContained && len(outer) > len(inner) && strings.Contains(outer, inner)
}

// trimEllipsis drops the marks a teaser ends with, so that its text can be
// found inside the full post.
func trimEllipsis(s string) string {
	s = strings.TrimSpace(s)
	for {
		t := strings.TrimSpace(strings.TrimSuffix(strings.TrimSuffix(strings.TrimSuffix(strings.TrimSuffix(s, "[…]"), "[...]"), "…"), "..."))
		if t == s {
			return s
		}
		s = t
	}
}
