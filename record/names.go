package record

import (
	"strings"
	"unicode"
)

// Name is a person's name split as citation formats want it: CSL-JSON's
// family and given, RIS's "Family, Given". A name that is not a person's
// (an organization, a user name) has only Literal.
type Name struct {
	Family, Given, Suffix string
	Literal               string // the name as written, when it is not split
}

// particles are lowercase words that belong to the family name: "van
// Beethoven", "de la Cruz".
var particles = map[string]bool{
	"van": true, "von": true, "de": true, "del": true, "della": true, "der": true, "den": true, "di": true,
	"da": true, "dos": true, "das": true, "du": true, "la": true, "le": true, "ter": true, "ten": true, "bin": true, "al": true,
}

// suffixes end a name and are kept apart: "Martin Luther King Jr."
var suffixes = map[string]bool{"jr": true, "sr": true, "ii": true, "iii": true, "iv": true}

// groupWords mark a name that is an organization's, not a person's.
var groupWords = map[string]bool{
	"caucus": true, "union": true, "team": true, "staff": true, "committee": true, "network": true,
	"association": true, "editors": true, "editor": true, "admin": true, "administrator": true, "board": true,
	"federation": true, "coalition": true, "alliance": true, "educators": true, "teachers": true, "project": true,
	"collective": true, "council": true, "rank": true, "and": true, "of": true, "the": true, "for": true,
}

// SplitName splits an author's name as a page gives it: "Amrita Dani",
// "Dani, Amrita", "Ana de la Cruz", "Martin Luther King Jr.". One word, a
// name with a digit or @, or an organization's name ("Riverside Rank and
// File", "TURN Staff") stays literal.
func SplitName(s string) Name {
	s = strings.Join(strings.Fields(s), " ")
	if family, given, ok := strings.Cut(s, ", "); ok && !strings.Contains(given, ",") {
		if len(strings.Fields(family)) <= 3 && !isGroup(s) && personal(s) {
			return Name{Family: family, Given: given}
		}
	}
	words := strings.Fields(s)
	if len(words) < 2 || len(words) > 5 || isGroup(s) || !personal(s) {
		return Name{Literal: s}
	}
	var n Name
	if last := strings.ToLower(strings.Trim(words[len(words)-1], ".,")); suffixes[last] && len(words) > 2 {
		n.Suffix = strings.TrimSuffix(words[len(words)-1], ",")
		words = words[:len(words)-1]
		words[len(words)-1] = strings.TrimSuffix(words[len(words)-1], ",")
	}
	cut := len(words) - 1
	for cut > 1 && particles[words[cut-1]] {
		cut--
	}
	n.Given, n.Family = strings.Join(words[:cut], " "), strings.Join(words[cut:], " ")
	return n
}

func isGroup(s string) bool {
	for _, w := range strings.Fields(strings.ToLower(s)) {
		if groupWords[strings.Trim(w, ".,")] {
			return true
		}
	}
	return false
}

// personal reports whether s reads as a person's name: words of letters
// (with . ' - inside), the first upper case.
func personal(s string) bool {
	for i, w := range strings.Fields(s) {
		for _, r := range w {
			if !unicode.IsLetter(r) && !strings.ContainsRune(".'’-,", r) {
				return false
			}
		}
		if i == 0 && !unicode.IsUpper([]rune(w)[0]) {
			return false
		}
	}
	return true
}

// RIS returns the name as RIS writes it: "Family, Given[, Suffix]".
func (n Name) RIS() string {
	if n.Literal != "" {
		return n.Literal
	}
	s := n.Family + ", " + n.Given
	if n.Suffix != "" {
		s += ", " + n.Suffix
	}
	return s
}
