package extract

import (
	"strings"
	"unicode"

	"golang.org/x/text/language"
)

// declaredLanguage returns the primary language subtag ("en", "es") of a
// declared language such as "en-US", "en_US" or "EN", or "" when the
// declaration is not a language tag.
func declaredLanguage(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, ','); i >= 0 {
		s = s[:i] // Content-Language may list several; the first is the main one
	}
	if s == "" || strings.EqualFold(s, "und") || strings.EqualFold(s, "x-default") {
		return ""
	}
	tag, err := language.Parse(strings.ReplaceAll(s, "_", "-"))
	if err != nil {
		return ""
	}
	base, conf := tag.Base()
	if conf == language.No || base.String() == "und" {
		return ""
	}
	return base.String()
}

// stopwords are the commonest short words of the languages rankfile's
// sites are written in, for guessing the language of pages that do not
// declare it. A word in two languages' lists counts for neither.
var stopwords = func() map[string]string {
	lists := map[string]string{
		"en": "the and of to in is that for it with as was on are be this by at from have not or but which they we their has an will were been would",
		"es": "el la de que y en los las del se por un una para con no es al lo como más pero sus le ya o este ha porque esta entre cuando muy sin sobre también",
		"fr": "le la les de des et est un une du que qui dans en pour pas sur au avec il ce sont par plus ne se nous vous aux ont cette été",
		"de": "der die das und ist nicht mit den von zu ein eine sich auf für im dem des auch es als wir sie werden wird bei oder aus nach",
		"pt": "o os as de do da dos das e que em um uma para com não por se na no mais ao como mas foi pelo pela são também seu sua",
		"it": "il lo gli le di che e un una per non con del della sono si da al nel alla anche come più ma questo ha dei delle",
		"nl": "de het een en van in is dat op te zijn voor met niet aan er ook als bij door om maar wordt dit uit naar",
	}
	count := map[string]int{}
	for _, l := range lists {
		for _, w := range strings.Fields(l) {
			count[w]++
		}
	}
	out := map[string]string{}
	for lang, l := range lists {
		for _, w := range strings.Fields(l) {
			if count[w] == 1 {
				out[w] = lang
			}
		}
	}
	return out
}()

// guessWords is how many words of a text the guess reads.
const guessWords = 2000

// minGuessHits is the fewest stopwords a guess needs.
const minGuessHits = 8

// guessLanguage guesses the language of a text from its stopwords: the
// language whose stopwords are at least twice as common as any other's,
// or "" when none stands out.
func guessLanguage(text string) string {
	hits := map[string]int{}
	words := 0
	start := -1
	flush := func(end int) {
		if start >= 0 && end-start <= 8 {
			if lang, ok := stopwords[strings.ToLower(text[start:end])]; ok {
				hits[lang]++
			}
		}
		start = -1
		words++
	}
	for i, r := range text {
		if words >= guessWords {
			break
		}
		if unicode.IsLetter(r) {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 {
			flush(i)
		}
	}
	if start >= 0 && words < guessWords {
		flush(len(text))
	}
	best := ""
	for lang, n := range hits {
		if best == "" || n > hits[best] || (n == hits[best] && lang < best) {
			best = lang
		}
	}
	second := 0
	for lang, n := range hits {
		if lang != best {
			second = max(second, n)
		}
	}
	if best == "" || hits[best] < minGuessHits || hits[best] < 2*second {
		return ""
	}
	return best
}

// pageLanguage returns the language of a page's writing: the one it
// declares (html lang, Content-Language, JSON-LD, og:locale), unless its
// stopwords say clearly that it is written in another, else the guess.
func pageLanguage(declared, text string) string {
	d := declaredLanguage(declared)
	g := guessLanguage(text)
	switch {
	case d == "":
		return g
	case g == "" || g == d:
		return d
	case !strings.Contains(" en es fr de pt it nl ", " "+d+" "):
		return d // a language the guess does not know: the page knows better
	default:
		return g // a theme's lang="en-US" on a page written in Spanish
	}
}
