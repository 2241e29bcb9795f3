package main

import (
	"regexp"
	"sort"
	"strings"
)

// wordRe is WCXB's tokenizer (Python's \w+).
var wordRe = regexp.MustCompile(`[\p{L}\p{N}_]+`)

func bag(s string) map[string]int {
	m := map[string]int{}
	for _, t := range wordRe.FindAllString(s, -1) {
		m[strings.ToLower(t)]++
	}
	return m
}

// wordPRF is WCXB's word F1: bag-of-words precision, recall and F1 of
// one page; an empty extraction scores 0.
func wordPRF(truth, pred string) (p, r, f float64) {
	t, e := bag(truth), bag(pred)
	var tp, fp, fn float64
	for k, n := range t {
		tp += float64(min(n, e[k]))
		fn += float64(max(0, n-e[k]))
	}
	for k, n := range e {
		fp += float64(max(0, n-t[k]))
	}
	if tp == 0 {
		return 0, 0, 0
	}
	p, r = tp/(tp+fp), tp/(tp+fn)
	return p, r, 2 * p * r / (p + r)
}

var nonWord = regexp.MustCompile(`[^\p{L}\p{M}\p{N}_]+`)

// squash lowercases s and turns every run of non-word characters into
// one space.
func squash(s string) string {
	return strings.TrimSpace(nonWord.ReplaceAllString(strings.ToLower(s), " "))
}

// found counts the snippets found in text (case, punctuation and spaces
// ignored).
func found(text string, snippets []string) int {
	t := squash(text)
	n := 0
	for _, s := range snippets {
		w := squash(s)
		if w == "" {
			w = strings.Join(strings.Fields(s), " ")
			if strings.Contains(strings.Join(strings.Fields(text), " "), w) {
				n++
			}
			continue
		}
		if strings.Contains(t, w) {
			n++
		}
	}
	return n
}

// sameTitle: the titles are equal once case, punctuation and spaces are
// ignored.
func sameTitle(truth, got string) bool {
	return squash(truth) != "" && squash(truth) == squash(got)
}

var authorSep = regexp.MustCompile(`(?i)\s*(?:,|;|&|\||\band\b|\bund\b|\bet\b|\by\b)\s*`)

// authorSet splits an author field into its names, squashed and sorted.
func authorSet(s string) []string {
	var out []string
	for _, a := range authorSep.Split(s, -1) {
		if a = squash(a); a != "" {
			out = append(out, a)
		}
	}
	sort.Strings(out)
	return out
}

// sameAuthors: every author of the truth and no other, in any order.
func sameAuthors(truth string, got []string) bool {
	t := authorSet(truth)
	g := authorSet(strings.Join(got, ", "))
	if len(t) == 0 || len(t) != len(g) {
		return false
	}
	for i := range t {
		if t[i] != g[i] {
			return false
		}
	}
	return true
}

// dirty reports text an extractor should never return: control
// characters (NUL included) or markup that the page does not show as text
// (a tutorial on HTML writes "&lt;table&gt;": its "<table>" is writing).
func dirty(s, page string) bool {
	for _, r := range s {
		if r < 0x20 && r != '\n' && r != '\t' && r != '\r' || r == 0x7f {
			return true
		}
	}
	for _, m := range markupRe.FindAllStringSubmatch(s, -1) {
		tag := strings.TrimSuffix(strings.SplitN(strings.SplitN(m[1], " ", 2)[0], ">", 2)[0], "/")
		if !strings.Contains(page, "&lt;"+tag) && !strings.Contains(page, "&#60;"+tag) && !strings.Contains(page, "&LT;"+tag) {
			return true
		}
	}
	return false
}

var markupRe = regexp.MustCompile(`(?i)<(/?(?:p|div|span|a|img|br|script|style|noscript|iframe|ul|li|table|td|tr|h[1-6])\b[^>]*>|!--)`)
