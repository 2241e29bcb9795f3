package extract

import (
	"html"
	"regexp"
	"strings"
	"unicode"
)

var (
	// "By Amrita Dani and Chloe Asselin", "Written by X", "Posted by X on May 1"
	bylineRE = regexp.MustCompile(`(?i)^(?:(?:written|posted|published|submitted|authored|story|text|words|photos?)\s+)?by[:\s]\s*(.+)$`)
	// "Author: X", "Authors: X and Y"
	authorLabelRE = regexp.MustCompile(`(?i)^authors?\s*:\s*(.+)$`)
	// what follows the names in a byline: a date, a role, a separator
	bylineTailRE = regexp.MustCompile(`(?i)\s+(?:on|in|at|posted|published|updated|-|–|—|\||·|•)\s+.*$|\s*[|·•].*$`)
	nameSplitRE  = regexp.MustCompile(`(?i)\s*(?:,\s*and\s+|,\s*&\s*|\s+and\s+|\s*&\s*|\s*,\s*|\s*;\s*|\s+with\s+)\s*`)
)

// parseByline returns the authors named by a byline such as "By Amrita Dani
// and Chloe Asselin" or "Author: X", or nil when s is not a byline.
func parseByline(s string) []string {
	s = collapse(s)
	if len(s) > 200 {
		return nil
	}
	m := bylineRE.FindStringSubmatch(s)
	if m == nil {
		m = authorLabelRE.FindStringSubmatch(s)
	}
	if m == nil {
		return nil
	}
	return splitAuthors(m[1])
}

// splitAuthors splits a list of names written as prose ("A, B and C") and
// drops what is not a name (dates, roles after a separator, e-mail links).
func splitAuthors(s string) []string {
	s = bylineTailRE.ReplaceAllString(strings.TrimSpace(s), "")
	if d, _ := leadingDate(s); d != "" {
		return nil
	}
	var out []string
	for _, p := range nameSplitRE.Split(s, -1) {
		p = strings.Trim(p, " .,:;")
		if plausibleName(p) {
			out = append(out, p)
		}
	}
	return dedupe(out)
}

// dataNames splits the names of a structured field (a meta author, a
// JSON-LD string), where a name may be a user name written in lower case.
func dataNames(s string) []string {
	var out []string
	for _, p := range nameSplitRE.Split(html.UnescapeString(s), -1) {
		if p = strings.Trim(collapse(p), " .,:;"); dataName(p) {
			out = append(out, p)
		}
	}
	return dedupe(out)
}

// dataName reports whether a structured field's value can be a name: as
// plausibleName, but in any case ("whova", a forum's "drat").
func dataName(s string) bool {
	if s == "" {
		return false
	}
	r := []rune(s)
	return plausibleName(string(unicode.ToUpper(r[0])) + string(r[1:]))
}

// plausibleName reports whether s looks like a person's or an
// organization's name: one to six words, starting with a capital letter,
// not a URL, no sentence.
func plausibleName(s string) bool {
	if s == "" || len(s) > 80 || strings.Contains(s, "://") || strings.Contains(s, "@") {
		return false
	}
	w := strings.Fields(s)
	if len(w) > 6 {
		return false
	}
	first := []rune(s)[0]
	if !unicode.IsUpper(first) && !unicode.IsDigit(first) {
		return false
	}
	if parseDate(s) != "" {
		return false
	}
	switch strings.ToLower(s) {
	case "admin", "administrator", "guest", "staff", "editor", "unknown", "anonymous":
		return false
	}
	return true
}

// dedupe drops repeated names (case-insensitively), keeping the first.
func dedupe(names []string) []string {
	seen := map[string]bool{}
	var out []string
	for _, n := range names {
		k := strings.ToLower(n)
		if seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, n)
	}
	return out
}
