package serve

import (
	"html"
	"html/template"
	"strings"
)

// op is what an edit does.
type op int

const (
	opEqual op = iota
	opDelete
	opInsert
)

// edit is one step of a diff: a line kept, deleted from a or inserted from b.
type edit struct {
	Op   op
	Text string
}

// maxEdits bounds the edit distance diffLines searches for; beyond it the
// two texts are shown as wholly replaced.
const maxEdits = 2000

// diffLines returns a shortest edit script turning a into b (Myers'
// O(ND) algorithm), or, past maxEdits, deletion of all a and insertion of
// all b.
func diffLines(a, b []string) []edit {
	n, m := len(a), len(b)
	limit := min(n+m, maxEdits)
	off := limit + 1
	v := make([]int, 2*limit+3)
	var trace [][]int // trace[d]: v before step d, keys -d-1..d+1
	for d := 0; d <= limit; d++ {
		trace = append(trace, append([]int(nil), v[off-d-1:off+d+2]...))
		for k := -d; k <= d; k += 2 {
			var x int
			if k == -d || (k != d && v[off+k-1] < v[off+k+1]) {
				x = v[off+k+1]
			} else {
				x = v[off+k-1] + 1
			}
			y := x - k
			for x < n && y < m && a[x] == b[y] {
				x++
				y++
			}
			v[off+k] = x
			if x >= n && y >= m {
				return backtrack(a, b, trace)
			}
		}
	}
	var out []edit
	for _, s := range a {
		out = append(out, edit{opDelete, s})
	}
	for _, s := range b {
		out = append(out, edit{opInsert, s})
	}
	return out
}

func backtrack(a, b []string, trace [][]int) []edit {
	x, y := len(a), len(b)
	var rev []edit
	for d := len(trace) - 1; d >= 0; d-- {
		t := trace[d]
		at := func(k int) int { return t[k+d+1] }
		k := x - y
		var prevK int
		if k == -d || (k != d && at(k-1) < at(k+1)) {
			prevK = k + 1
		} else {
			prevK = k - 1
		}
		prevX := at(prevK)
		prevY := prevX - prevK
		for x > prevX && y > prevY {
			rev = append(rev, edit{opEqual, a[x-1]})
			x--
			y--
		}
		if d > 0 {
			if x == prevX {
				rev = append(rev, edit{opInsert, b[y-1]})
			} else {
				rev = append(rev, edit{opDelete, a[x-1]})
			}
		}
		x, y = prevX, prevY
	}
	for i, j := 0, len(rev)-1; i < j; i, j = i+1, j-1 {
		rev[i], rev[j] = rev[j], rev[i]
	}
	return rev
}

// diffBlock is one paragraph of a diff as the page shows it.
type diffBlock struct {
	Kind    string // same, removed, added, changed or skipped
	HTML    template.HTML
	Skipped int // for skipped: unchanged paragraphs left out
}

// diffStats counts the paragraphs a diff touches.
type diffStats struct {
	Same, Removed, Added, Changed int
}

// diffContext is how many unchanged paragraphs a diff shows around a change.
const diffContext = 1

// diffParagraphs compares two texts paragraph by paragraph. A run of
// deletions followed by insertions pairs them up; a pair that shares most
// of its words shows as one changed paragraph with the words deleted and
// inserted marked.
func diffParagraphs(from, to string) ([]diffBlock, diffStats) {
	edits := diffLines(paragraphs(from), paragraphs(to))
	var blocks []diffBlock
	var st diffStats
	for i := 0; i < len(edits); {
		if edits[i].Op == opEqual {
			blocks = append(blocks, diffBlock{Kind: "same", HTML: escapeLines(edits[i].Text)})
			st.Same++
			i++
			continue
		}
		var dels, ins []string
		for ; i < len(edits) && edits[i].Op == opDelete; i++ {
			dels = append(dels, edits[i].Text)
		}
		for ; i < len(edits) && edits[i].Op == opInsert; i++ {
			ins = append(ins, edits[i].Text)
		}
		for k := 0; k < max(len(dels), len(ins)); k++ {
			switch {
			case k < len(dels) && k < len(ins) && similar(dels[k], ins[k]):
				blocks = append(blocks, diffBlock{Kind: "changed", HTML: wordDiff(dels[k], ins[k])})
				st.Changed++
			default:
				if k < len(dels) {
					blocks = append(blocks, diffBlock{Kind: "removed", HTML: escapeLines(dels[k])})
					st.Removed++
				}
				if k < len(ins) {
					blocks = append(blocks, diffBlock{Kind: "added", HTML: escapeLines(ins[k])})
					st.Added++
				}
			}
		}
	}
	return foldSame(blocks), st
}

// foldSame replaces runs of unchanged paragraphs far from any change by
// one skipped block.
func foldSame(blocks []diffBlock) []diffBlock {
	near := make([]bool, len(blocks))
	for i, b := range blocks {
		if b.Kind != "same" {
			for j := max(0, i-diffContext); j <= min(len(blocks)-1, i+diffContext); j++ {
				near[j] = true
			}
		}
	}
	var out []diffBlock
	for i, b := range blocks {
		if b.Kind != "same" || near[i] {
			out = append(out, b)
			continue
		}
		if n := len(out); n > 0 && out[n-1].Kind == "skipped" {
			out[n-1].Skipped++
		} else {
			out = append(out, diffBlock{Kind: "skipped", Skipped: 1})
		}
	}
	return out
}

// similar reports whether two paragraphs share at least half their words.
func similar(a, b string) bool {
	wa, wb := strings.Fields(a), strings.Fields(b)
	same := 0
	for _, e := range diffLines(wa, wb) {
		if e.Op == opEqual {
			same++
		}
	}
	return 2*same >= max(len(wa), len(wb))
}

// wordDiff shows the words deleted from a in <del> and inserted from b in
// <ins>, everything escaped.
func wordDiff(a, b string) template.HTML {
	var s strings.Builder
	for i, e := range diffLines(strings.Fields(a), strings.Fields(b)) {
		if i > 0 {
			s.WriteByte(' ')
		}
		w := html.EscapeString(e.Text)
		switch e.Op {
		case opDelete:
			s.WriteString("<del>" + w + "</del>")
		case opInsert:
			s.WriteString("<ins>" + w + "</ins>")
		default:
			s.WriteString(w)
		}
	}
	return template.HTML(strings.ReplaceAll(strings.ReplaceAll(s.String(), "</del> <del>", " "), "</ins> <ins>", " "))
}

// escapeLines escapes a paragraph, keeping its line breaks (list items).
func escapeLines(s string) template.HTML {
	return template.HTML(strings.ReplaceAll(html.EscapeString(s), "\n", "<br>\n"))
}
