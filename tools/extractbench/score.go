package main

import (
	"regexp"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
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
// characters (NUL included) or markup that the page does not show as text.
// A tutorial on HTML shows "<table>" as writing, often cut into
// highlighted spans (<span>&lt;</span><span>table</span>): what counts is
// the page's text as a reader sees it (shown), not its source, so markup
// kept from a <noscript> or an attribute is dirty and a code sample is not.
// Each piece of markup is looked for whole (a tag with its attributes).
func dirty(s string, p *page) bool {
	for _, r := range s {
		if r < 0x20 && r != '\n' && r != '\t' && r != '\r' || r == 0x7f {
			return true
		}
	}
	for _, m := range markupRe.FindAllString(s, -1) {
		if !strings.Contains(p.shown(), squeeze(m)) {
			return true
		}
	}
	return false
}

// shown is the page's text as a browser shows it, squeezed: its text
// nodes joined, without those of the head, scripts, styles, templates and
// <noscript> (raw markup to a browser that runs scripts).
func (p *page) shown() string {
	p.shownOnce.Do(func() {
		doc, err := html.Parse(strings.NewReader(p.HTML))
		if err != nil {
			return
		}
		var b strings.Builder
		var walk func(n *html.Node)
		walk = func(n *html.Node) {
			if n.Type == html.ElementNode {
				switch n.DataAtom {
				case atom.Head, atom.Script, atom.Style, atom.Template, atom.Noscript:
					return
				}
			}
			if n.Type == html.TextNode {
				b.WriteString(n.Data)
			}
			for c := n.FirstChild; c != nil; c = c.NextSibling {
				walk(c)
			}
		}
		walk(doc)
		p.shownText = squeeze(b.String())
	})
	return p.shownText
}

// squeeze lower-cases s and drops its white space, so that markup compares
// with the page's text however an extractor laid out its lines.
func squeeze(s string) string {
	return strings.Join(strings.Fields(strings.ToLower(s)), "")
}

var markupRe = regexp.MustCompile(`(?i)<(/?(?:p|div|span|a|img|br|script|style|noscript|iframe|ul|li|table|td|tr|h[1-6])\b[^>]*>|!--)`)
