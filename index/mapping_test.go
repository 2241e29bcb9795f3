package index

import (
	"crypto/sha1"
	"encoding/hex"
	"strings"
	"testing"
)

func TestTextHash(t *testing.T) {
	long := strings.Repeat("Word  wörd\n", 100) // spaces fall across the hash's buffer boundary
	for _, tt := range []struct{ name, text string }{
		{"empty", ""},
		{"spaces only", " \n\t "},
		{"case and spacing", "  Union  DEMOCRACY\n\nnow "},
		{"unicode", "Ünïcode   Text\tHere"},
		{"long", long},
		{"long, odd offset", "ab " + long},
	} {
		t.Run(tt.name, func(t *testing.T) {
			sum := sha1.Sum([]byte(normalizeText(tt.text)))
			if got, want := textHash(tt.text), hex.EncodeToString(sum[:]); got != want {
				t.Errorf("got %s, want %s (the hash of the normalised text)", got, want)
			}
		})
	}
}
