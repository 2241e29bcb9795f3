package extract

import (
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"rankfile/record"
)

// Organization is an organization whose mentions the extractor notes in
// the records that name it (Record.Mentions).
type Organization struct {
	// Name is the organization's full name, found whatever its case and
	// punctuation ("Rank-and-File" matches "rank and file"); a one-word
	// name is found as an acronym is.
	Name string
	// Acronym is found as written (case matters) as a whole word in its
	// "(ACRONYM)" form, or alone when it has three letters or more and is
	// in capitals (all of it, or two letters or more, as in "AlbuCORE"),
	// outside runs of capitalized words ("OUR CORE VALUES" does not name
	// CORE). So "WE" is found only as "(WE)".
	Acronym string
}

// orgMatcher is an Organization ready to be looked for.
type orgMatcher struct {
	canonical string // what Mentions holds: the name, or the acronym when there is none
	name      string // the name as normPhrase reduces it, when it has two words or more
	words     []string
	bare      bool // the words may stand alone, not only in parentheses
	// index, shared by all the matchers newMatchers made together, finds
	// them all in one pass over a text.
	index *orgIndex
}

// orgIndex finds the organizations of a list of matchers in one pass over
// a text's words, whatever the length of the list: names by their first
// word, then the words after it; acronyms and one-word names by the word.
type orgIndex struct {
	byFirst map[string][]int // first word of a name -> matchers
	names   [][]string       // per matcher, its name's words; nil when none
	byWord  map[string][]int // a word of Matcher.words -> matchers
}

func newOrgIndex(ms []orgMatcher) *orgIndex {
	ix := &orgIndex{byFirst: map[string][]int{}, names: make([][]string, len(ms)), byWord: map[string][]int{}}
	for i, m := range ms {
		if m.name != "" {
			ix.names[i] = strings.Split(m.name, " ")
			ix.byFirst[ix.names[i][0]] = append(ix.byFirst[ix.names[i][0]], i)
		}
		for _, w := range m.words {
			if !slices.Contains(ix.byWord[w], i) {
				ix.byWord[w] = append(ix.byWord[w], i)
			}
		}
	}
	return ix
}

// find marks in found the matchers whose organization text names, in
// one pass over its words: only a word that starts a name, or is an
// acronym or one-word name, is looked at further.
func (ix *orgIndex) find(ms []orgMatcher, text string, found []bool) {
	if len(ix.byFirst) > 0 {
		words := phraseWords(strings.ToLower(text))
		for i, w := range words {
			for _, m := range ix.byFirst[w] {
				if name := ix.names[m]; len(words)-i >= len(name) && slices.Equal(words[i:i+len(name)], name) {
					found[m] = true
				}
			}
		}
	}
	if len(ix.byWord) == 0 {
		return
	}
	ws := textWords(text)
	for i, w := range ws {
		matchers := ix.byWord[text[w.start:w.end]]
		if len(matchers) == 0 {
			continue
		}
		parens := w.start > 0 && text[w.start-1] == '(' && w.end < len(text) && text[w.end] == ')'
		// A word in a run of capitals ("OUR CORE VALUES": words a space
		// apart, all in capitals) is shouted, not named; a list of
		// acronyms ("UCORE, TDP and CEDE") is not such a run.
		s := text[w.start:w.end]
		before := i > 0 && capitals(text[ws[i-1].start:ws[i-1].end]) && blank(text[ws[i-1].end:w.start])
		after := i < len(ws)-1 && capitals(text[ws[i+1].start:ws[i+1].end]) && blank(text[w.end:ws[i+1].start])
		alone := !capitals(s) || !(before || after)
		for _, m := range matchers {
			found[m] = found[m] || parens || (alone && ms[m].bare)
		}
	}
}

// phraseWords cuts a text into the words normPhrase keeps: runs of
// letters, digits and "%".
func phraseWords(s string) []string {
	var out []string
	start := -1
	for i, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || r == '%' {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 {
			out = append(out, s[start:i])
			start = -1
		}
	}
	if start >= 0 {
		out = append(out, s[start:])
	}
	return out
}

// span is a word's place in a text.
type span struct{ start, end int }

// textWords cuts a text into words: runs of letters and digits.
func textWords(text string) []span {
	var ws []span
	start := -1
	for i, r := range text {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			if start < 0 {
				start = i
			}
			continue
		}
		if start >= 0 {
			ws = append(ws, span{start, i})
			start = -1
		}
	}
	if start >= 0 {
		ws = append(ws, span{start, len(text)})
	}
	return ws
}

// newMatchers prepares the organizations, dropping those with neither a
// name nor an acronym.
func newMatchers(orgs []Organization) []orgMatcher {
	var out []orgMatcher
	for _, o := range orgs {
		name, acr := strings.TrimSpace(o.Name), strings.TrimSpace(o.Acronym)
		m := orgMatcher{canonical: firstString(name, acr)}
		if m.canonical == "" {
			continue
		}
		if n := normPhrase(name); strings.Contains(n, " ") {
			m.name = n
		} else if name != "" && wordLike(name) {
			m.words = append(m.words, name)
			m.bare = true
		}
		if acr != "" && wordLike(acr) {
			m.words = append(m.words, acr)
			m.bare = m.bare || bareAcronym(acr)
		}
		out = append(out, m)
	}
	ix := newOrgIndex(out)
	for i := range out {
		out[i].index = ix
	}
	return out
}

// wordLike reports whether s is one word of letters and digits, as the
// mention scan cuts text into.
func wordLike(s string) bool {
	for _, r := range s {
		if !unicode.IsLetter(r) && !unicode.IsDigit(r) {
			return false
		}
	}
	return s != ""
}

// bareAcronym reports whether an acronym is distinctive enough to be found
// alone: three letters or more, with two capitals or more and no lower
// case letter but inside ("CEDE", "AlbuCORE"; not "WE", not "Core").
func bareAcronym(s string) bool {
	letters, upper := 0, 0
	for _, r := range s {
		if unicode.IsLetter(r) {
			letters++
		}
		if unicode.IsUpper(r) {
			upper++
		}
	}
	first, _ := utf8.DecodeRuneInString(s)
	return letters >= 3 && upper >= 2 && unicode.IsUpper(first)
}

// blank reports whether s is only spaces.
func blank(s string) bool { return strings.Trim(s, " ") == "" }

// capitals reports whether a word has letters and they are all capitals.
func capitals(s string) bool {
	letters := false
	for _, r := range s {
		if unicode.IsLower(r) {
			return false
		}
		letters = letters || unicode.IsLetter(r)
	}
	return letters
}

// mentions returns the canonical names of the organizations the text
// names, in the order of the list: one pass over the text, whatever the
// list's length.
func mentions(ms []orgMatcher, text string) []string {
	if len(ms) == 0 || text == "" {
		return nil
	}
	ix := ms[0].index
	if ix == nil {
		ix = newOrgIndex(ms)
	}
	found := make([]bool, len(ms))
	ix.find(ms, text, found)
	var out []string
	for i, m := range ms {
		if found[i] {
			out = append(out, m.canonical)
		}
	}
	return dedupe(out)
}

// mention fills in the mentions of the records that are writing (posts,
// pages and missions), from their titles and texts.
func (e *Extractor) mention(recs []record.Record) {
	if len(e.orgs) == 0 {
		return
	}
	for i := range recs {
		r := &recs[i]
		if r.Kind == record.KindOrganization {
			continue
		}
		r.Mentions = mentions(e.orgs, r.Title+"\n\n"+r.Text)
	}
}

// Mention returns recs with the mentions of their writing (posts, pages
// and missions) found anew against orgs: over a whole archive, where the
// organizations named on one page (a partners list) are known when
// another page is read. The records given are not modified.
func Mention(recs []record.Record, orgs []Organization) []record.Record {
	out := make([]record.Record, len(recs))
	copy(out, recs)
	(&Extractor{orgs: newMatchers(orgs)}).mention(out)
	return out
}
