package index

import (
	"hash/maphash"
	"slices"
	"strings"
	"unicode"
)

// minContained is the fewest words a text needs to count as contained in
// another: shorter ones ("Read more", a one-line caption) are in too many
// texts to mean anything.
const minContained = 12

// containedShare is the share of a text's word triples another text must
// hold for the first to count as contained in it: a teaser adds a date
// line and cuts its last sentence short ("Agreements on professional..."),
// which costs it a few triples.
const containedShare = 0.85

// collapse folds near-identical hits into one, keeping rank order. Two
// hits are near-identical when they come from different URLs and
// different records, and their texts are the same (by text hash), or they
// have the same title or one links to the other, and one text, a teaser's
// or a listing's, is contained in the other's: nearly all its word triples
// are in the other. Of the two, the survivor is the page's
// own record rather than a teaser pointing elsewhere (Link set), else the
// one with more words, else the better ranked; it takes the better rank of the two, and the other's URL
// joins its Duplicates.
func collapse(hits []Hit) []Hit {
	var kept []Hit
next:
	for _, h := range hits {
		for i := range kept {
			k := &kept[i]
			if k.URL == h.URL || k.RecordID == h.RecordID || !nearIdentical(k, &h) {
				continue
			}
			if survives(&h, k) {
				h.fold(*k)
				kept[i] = h
			} else {
				k.fold(h)
			}
			continue next
		}
		kept = append(kept, h)
	}
	return kept
}

func nearIdentical(a, b *Hit) bool {
	if a.textHash != "" && a.textHash == b.textHash && strings.TrimSpace(a.rec.Text) != "" {
		return true
	}
	// only hits with one title, or one linking to the other, are compared
	// word by word: a teaser carries its post's title and links to it
	sameTitle := a.Title != "" && a.normTitle() == b.normTitle()
	linked := a.Link != "" && a.Link == b.URL || b.Link != "" && b.Link == a.URL
	if !sameTitle && !linked {
		return false
	}
	sa, sb := a.wordTriples(), b.wordTriples()
	if len(sa.set) > len(sb.set) {
		sa, sb = sb, sa
	}
	return sa.words >= minContained && sb.holds(sa)
}

// survives reports whether h rather than k, ranked above it, stands for
// the two.
func survives(h, k *Hit) bool {
	if ht, kt := h.teaser(), k.teaser(); ht != kt {
		return kt
	}
	return h.textHash != k.textHash && h.wordTriples().words > k.wordTriples().words
}

// normTitle returns the title normalised as normalizeText does, computed
// once.
func (h *Hit) normTitle() string {
	if h.title == "" && h.Title != "" {
		h.title = normalizeText(h.Title)
	}
	return h.title
}

// teaser reports whether the hit points to writing elsewhere: a teaser or
// a listing entry linking to its post.
func (h *Hit) teaser() bool { return h.Link != "" && h.Link != h.URL }

// fold records o as a duplicate of h, which takes the better score of
// the two.
func (h *Hit) fold(o Hit) {
	h.folded += 1 + o.folded
	h.Score = max(h.Score, o.Score)
	for _, u := range append([]string{o.URL}, o.Duplicates...) {
		if u != h.URL && !slices.Contains(h.Duplicates, u) {
			h.Duplicates = append(h.Duplicates, u)
		}
	}
}

// shingles is the set of a text's word triples, hashed.
type shingles struct {
	set   map[uint64]struct{}
	words int
	done  bool
}

var shingleSeed = maphash.MakeSeed()

func (h *Hit) wordTriples() *shingles {
	if h.shingles.done {
		return &h.shingles
	}
	words := strings.FieldsFunc(strings.ToLower(h.rec.Text), func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsNumber(r)
	})
	s := shingles{set: make(map[uint64]struct{}, len(words)), words: len(words), done: true}
	for i := 0; i+2 < len(words); i++ {
		s.set[maphash.String(shingleSeed, words[i]+" "+words[i+1]+" "+words[i+2])] = struct{}{}
	}
	h.shingles = s
	return &h.shingles
}

// holds reports whether s holds nearly all of the word triples of o.
func (s *shingles) holds(o *shingles) bool {
	if len(o.set) == 0 {
		return false
	}
	in := 0
	for k := range o.set {
		if _, ok := s.set[k]; ok {
			in++
		}
	}
	return float64(in) >= containedShare*float64(len(o.set))
}
