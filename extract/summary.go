package extract

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// summaryChars is the length a summary of first sentences reaches for;
// maxSummaryChars is the most it may have.
const (
	summaryChars    = 160
	maxSummaryChars = 320
)

// summaryWords is the fewest words a paragraph needs to open a summary:
// bylines, dates and labels do not.
const summaryWords = 8

// summarize returns the first sentences of a text's first real paragraph
// (of summaryWords words or more, not a byline or a date): the paragraph
// when it is short, else its sentences up to the first end past
// summaryChars characters, or, when that end is past maxSummaryChars, up
// to the last end before it; failing these, the paragraph cut at a word
// before maxSummaryChars with an ellipsis.
func summarize(text string) string {
	var para string
	for _, p := range strings.Split(text, "\n\n") {
		p = strings.TrimSpace(strings.TrimPrefix(p, "- "))
		if wordCount(p) < summaryWords || strings.Contains(p, " | ") || parseByline(p) != nil {
			continue
		}
		if d, rest := leadingDate(p); d != "" {
			p = rest
		}
		if wordCount(p) >= summaryWords {
			para = strings.ReplaceAll(p, "\n", " ")
			break
		}
	}
	if para == "" {
		return ""
	}
	limit := maxSummaryByte(para)
	if limit == len(para) && len(para) <= summaryChars {
		return para
	}
	if end := sentenceEnd(para, summaryChars); end > 0 && end <= limit {
		return para[:end]
	}
	if end := lastSentenceEnd(para[:limit]); end >= minSummaryChars {
		return para[:end]
	}
	if limit == len(para) {
		return para
	}
	cut := limit
	if i := strings.LastIndexByte(para[:cut], ' '); i > 0 {
		cut = i
	}
	return strings.TrimRight(para[:cut], " ,;:-–—") + "…"
}

// minSummaryChars is the shortest run of whole sentences a summary is
// made of rather than a longer cut text.
const minSummaryChars = 60

// lastSentenceEnd returns the offset just past the last sentence end in
// s, or 0.
func lastSentenceEnd(s string) int {
	last := 0
	for from := 1; from <= len(s); {
		end := sentenceEnd(s, from)
		if end == 0 {
			break
		}
		last = end
		from = end + 1
	}
	return last
}

// maxSummaryByte returns the byte offset of the maxSummaryChars-th rune of s.
func maxSummaryByte(s string) int {
	n := 0
	for i := range s {
		if n == maxSummaryChars {
			return i
		}
		n++
	}
	return len(s)
}

// sentenceEnd returns the byte offset just past the first sentence end at
// or after from bytes: a full stop, question or exclamation mark followed
// by a space and a capital letter, a digit or a quote, or the text's end;
// 0 when there is none.
func sentenceEnd(s string, from int) int {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c != '.' && c != '?' && c != '!' {
			continue
		}
		end := i + 1
		for end < len(s) && (s[end] == '"' || s[end] == ')' || s[end] == '\'') {
			end++
		}
		if end >= from && (end == len(s) || sentenceFollows(s[end:])) {
			return end
		}
	}
	return 0
}

// sentenceFollows reports whether s (what follows a full stop) starts a
// new sentence: a space, then a capital, a digit or an opening quote.
func sentenceFollows(s string) bool {
	if len(s) < 2 || s[0] != ' ' {
		return false
	}
	r, _ := utf8.DecodeRuneInString(s[1:])
	return unicode.IsUpper(r) || unicode.IsDigit(r) || r == '"' || r == '“' || r == '‘'
}
