package index

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	unicodeTokenizer "github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
)

// tokenizerCases are inputs whose words the fast tokenizer must split as
// bleve's unicode tokenizer does.
var tokenizerCases = []string{
	"", "   ", "Union democracy is not a slogan.",
	"don't can’t UCORE’s students' ‘quoted’ “double”",
	"U.S.A. e.g. a.b.c 3.14 1,000,000.50 10:30 a:b 12;34 x;y",
	"abc123 123abc 4th 1st_place snake_case __init__ _ __ a_ _a 1_ _1",
	"co-operate e-mail — dash – endash … ellipsis •bullet",
	"naïve café Ærø façade Œuvre ß Straße ª º µ",
	"soft\u00adhyphen a\u00ad.b word\u200djoiner \u00adstart end\u00ad \u2060x\u2060",
	"price: $1,200.00 €30 £5 ¥9 50% 3×4 5÷6 ½ ² ³ ©2024 ®",
	"a·b l·l middle·dot 1·2 a‧b a⁄b 1⁄2",
	"tab\tnew\nline\r\ncr\u2028ls\u2029ps nbsp\u00a0here",
	"'quoted' 'tis .5 5. .a. ..a.. a..b 1..2 a''b a'.b",
	"end.", "end'", "end,", "1,", ",1", "a.", ".a",
}

func TestFastTokenizer(t *testing.T) {
	for _, s := range tokenizerCases {
		t.Run(fmt.Sprintf("%.30q", s), func(t *testing.T) { checkTokens(t, []byte(s)) })
	}
	seeds, _ := filepath.Glob(filepath.Join("..", "fixtures", "web", "*", "*.html"))
	corpus := mustCorpus(t)
	for _, r := range corpus {
		checkTokens(t, []byte(r.Text))
	}
	for _, f := range seeds[:min(len(seeds), 10)] {
		b, err := os.ReadFile(f)
		if err == nil {
			checkTokens(t, b)
		}
	}
}

// fuzzAlphabet is what FuzzFastTokenizer builds its inputs of: runes of
// every class the fast tokenizer knows, and one it does not (ا).
var fuzzAlphabet = []rune("aZé9_:.'‘’,;·‧⁄\u00ad\u200d\u2060 \n-“…$²ªµ×ا")

// FuzzFastTokenizer checks the property that the fast tokenizer splits
// any text as the unicode tokenizer does: arbitrary input, and input made
// of fuzzAlphabet, where every rule of the fast path applies.
func FuzzFastTokenizer(f *testing.F) {
	for _, s := range tokenizerCases {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, in []byte) {
		if utf8.Valid(in) {
			checkTokens(t, in)
		}
		var b strings.Builder
		for _, c := range in {
			b.WriteRune(fuzzAlphabet[int(c)%len(fuzzAlphabet)])
		}
		checkTokens(t, []byte(b.String()))
	})
}

// checkTokens compares the fast tokenizer's tokens of in with the unicode
// tokenizer's.
func checkTokens(t *testing.T, in []byte) {
	t.Helper()
	got := fastTokenizer{fallback: unicodeTokenizer.NewUnicodeTokenizer()}.Tokenize(in)
	want := unicodeTokenizer.NewUnicodeTokenizer().Tokenize(in)
	if g, w := tokensString(got), tokensString(want); g != w {
		t.Errorf("%q:\ngot  %s\nwant %s", in, g, w)
	}
}

func tokensString(ts analysis.TokenStream) string {
	var b strings.Builder
	for _, t := range ts {
		fmt.Fprintf(&b, "%q@%d-%d#%d/%d ", t.Term, t.Start, t.End, t.Position, t.Type)
	}
	return b.String()
}
