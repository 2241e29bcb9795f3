package index

import (
	"unicode"
	"unicode/utf8"

	"github.com/blevesearch/bleve/v2/analysis"
	"github.com/blevesearch/bleve/v2/analysis/lang/en"
	"github.com/blevesearch/bleve/v2/analysis/token/lowercase"
	"github.com/blevesearch/bleve/v2/analysis/token/porter"
	unicodeTokenizer "github.com/blevesearch/bleve/v2/analysis/tokenizer/unicode"
	"github.com/blevesearch/bleve/v2/registry"
)

// The text and title fields are analysed as bleve's "en" analyzer does
// (unicode tokenizer, possessive, lowercase, English stop words, Porter
// stemmer), but with a tokenizer that splits Latin-script text itself,
// following the same word-boundary rules (Unicode TR 29) the unicode
// tokenizer follows, several times faster; text in other scripts goes to
// the unicode tokenizer. Tokenizing was the largest part of analysis, and
// analysis a third of indexing.

// analyzerName is the analyzer of title and text.
const analyzerName = "rankfile_en"

// tokenizerName is fastTokenizer's name in bleve's registry.
const tokenizerName = "rankfile_latin"

func init() {
	registry.RegisterTokenizer(tokenizerName, func(map[string]any, *registry.Cache) (analysis.Tokenizer, error) {
		return fastTokenizer{fallback: unicodeTokenizer.NewUnicodeTokenizer()}, nil
	})
	registry.RegisterAnalyzer(analyzerName, func(_ map[string]any, c *registry.Cache) (analysis.Analyzer, error) {
		tok, err := c.TokenizerNamed(tokenizerName)
		if err != nil {
			return nil, err
		}
		var filters []analysis.TokenFilter
		for _, name := range []string{en.PossessiveName, lowercase.Name, en.StopName, porter.Name} {
			f, err := c.TokenFilterNamed(name)
			if err != nil {
				return nil, err
			}
			filters = append(filters, f)
		}
		return &analysis.DefaultAnalyzer{Tokenizer: tok, TokenFilters: filters}, nil
	})
}

// fastTokenizer splits Latin-script text into words by the word-boundary
// rules of Unicode TR 29 as bleve's unicode tokenizer applies them; input
// holding any other script goes to fallback.
type fastTokenizer struct {
	fallback analysis.Tokenizer
}

// wordClass is a rune's word-break property, for the runes the fast path
// knows.
type wordClass uint8

const (
	wbOther        wordClass = iota // breaks, and is no part of a word
	wbLetter                        // ALetter
	wbNumeric                       // Numeric
	wbExtendNumLet                  // joins words: _
	wbMidLetter                     // between letters: : ·
	wbMidNumLet                     // between letters or numbers: . ' ‘ ’
	wbMidNum                        // between numbers: , ;
	wbFormat                        // ignored inside a word: soft hyphen, joiners, marks
	wbUnknown                       // a rune the fast path leaves to the fallback
)

// asciiClass is classOf of the ASCII runes.
var asciiClass = func() (t [utf8.RuneSelf]wordClass) {
	for r := range rune(utf8.RuneSelf) {
		t[r] = classOfSlow(r)
	}
	return t
}()

// classOf returns r's word-break class.
func classOf(r rune) wordClass {
	if r < utf8.RuneSelf {
		return asciiClass[r]
	}
	return classOfSlow(r)
}

func classOfSlow(r rune) wordClass {
	switch {
	case r < utf8.RuneSelf:
		switch {
		case 'a' <= r && r <= 'z', 'A' <= r && r <= 'Z':
			return wbLetter
		case '0' <= r && r <= '9':
			return wbNumeric
		}
		switch r {
		case '_':
			return wbExtendNumLet
		case ':':
			return wbMidLetter
		case '.', '\'':
			return wbMidNumLet
		case ',', ';':
			return wbMidNum
		}
		return wbOther
	case r < 0x250: // Latin-1 Supplement, Latin Extended-A and -B
		switch r {
		case 0xAD:
			return wbFormat
		case 0xB7:
			return wbMidLetter
		case 0xAA, 0xB5, 0xBA:
			return wbLetter
		}
		if r >= 0xC0 && unicode.IsLetter(r) {
			return wbLetter
		}
		return wbOther
	case 0x2000 <= r && r <= 0x206F: // General Punctuation
		switch r {
		case 0x2018, 0x2019, 0x2024:
			return wbMidNumLet
		case 0x2027:
			return wbMidLetter
		case 0x2044:
			return wbMidNum
		case 0x203F, 0x2040, 0x2054:
			return wbExtendNumLet
		case 0x200C, 0x200D, 0x200E, 0x200F, 0x202A, 0x202B, 0x202C, 0x202D, 0x202E, 0x2060, 0x2061, 0x2062, 0x2063, 0x2064:
			return wbFormat
		case 0x2028, 0x2029:
			return wbOther
		}
		if r >= 0x2066 { // isolates and deprecated format controls
			return wbUnknown
		}
		return wbOther
	case 0x20A0 <= r && r <= 0x20CF: // currency signs
		return wbOther
	}
	return wbUnknown
}

// Tokenize returns the words of input.
func (t fastTokenizer) Tokenize(input []byte) analysis.TokenStream {
	for i := 0; i < len(input); {
		if input[i] < utf8.RuneSelf {
			i++
			continue
		}
		r, n := utf8.DecodeRune(input[i:])
		if r == utf8.RuneError || classOf(r) == wbUnknown {
			return t.fallback.Tokenize(input)
		}
		i += n
	}
	return tokenize(input)
}

// tokenize splits input, whose runes all have known classes, into words.
func tokenize(input []byte) analysis.TokenStream {
	out := make(analysis.TokenStream, 0, len(input)/6+1)
	tokens := make([]analysis.Token, len(input)/6+1)
	// next returns the class and end of the significant rune at i and of
	// the format runes after it
	next := func(i int) (wordClass, int) {
		var c wordClass
		end := i + 1
		if b := input[i]; b < utf8.RuneSelf {
			c = asciiClass[b]
		} else {
			r, n := utf8.DecodeRune(input[i:])
			c, end = classOf(r), i+n
		}
		for end < len(input) && input[end] >= utf8.RuneSelf {
			r, n := utf8.DecodeRune(input[end:])
			if classOf(r) != wbFormat {
				break
			}
			end += n
		}
		return c, end
	}
	pos := 1
	for i := 0; i < len(input); {
		c, end := next(i)
		if c != wbLetter && c != wbNumeric && c != wbExtendNumLet {
			i = end
			continue
		}
		start, prev := i, c
		letters, numbers := c == wbLetter, c == wbNumeric
		i = end
		for i < len(input) {
			n, nEnd := next(i)
			switch n {
			case wbLetter, wbNumeric, wbExtendNumLet:
			case wbMidLetter, wbMidNumLet, wbMidNum:
				if nEnd >= len(input) {
					n = wbOther
					break
				}
				after, _ := next(nEnd)
				joins := prev == wbLetter && after == wbLetter && (n == wbMidLetter || n == wbMidNumLet) ||
					prev == wbNumeric && after == wbNumeric && (n == wbMidNum || n == wbMidNumLet)
				if !joins {
					n = wbOther
				}
			default:
				n = wbOther
			}
			if n == wbOther {
				break
			}
			if n == wbLetter {
				letters = true
			} else if n == wbNumeric {
				numbers = true
			}
			prev, i = n, nEnd
		}
		if len(tokens) == 0 {
			tokens = make([]analysis.Token, 64)
		}
		tok := &tokens[0]
		tokens = tokens[1:]
		*tok = analysis.Token{Term: input[start:i], Start: start, End: i, Position: pos, Type: analysis.AlphaNumeric}
		if numbers && !letters {
			tok.Type = analysis.Numeric
		}
		out = append(out, tok)
		pos++
	}
	return out
}
