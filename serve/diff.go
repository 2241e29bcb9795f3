package serve

import (
	"html"
	"html/template"
	"rankfile/textdiff"
	"strings"
)

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
	edits := textdiff.Lines(paragraphs(from), paragraphs(to))
	var blocks []diffBlock
	var st diffStats
	for i := 0; i < len(edits); {
		if edits[i].Op == textdiff.Equal {
			blocks = append(blocks, diffBlock{Kind: "same", HTML: escapeLines(edits[i].Text)})
			st.Same++
			i++
			continue
		}
		var dels, ins []string
		for ; i < len(edits) && edits[i].Op == textdiff.Delete; i++ {
			dels = append(dels, edits[i].Text)
		}
		for ; i < len(edits) && edits[i].Op == textdiff.Insert; i++ {
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
	for _, e := range textdiff.Lines(wa, wb) {
		if e.Op == textdiff.Equal {
			same++
		}
	}
	return 2*same >= max(len(wa), len(wb))
}

// wordDiff shows the words deleted from a in <del> and inserted from b in
// <ins>, everything escaped.
func wordDiff(a, b string) template.HTML {
	var s strings.Builder
	for i, e := range textdiff.Lines(strings.Fields(a), strings.Fields(b)) {
		if i > 0 {
			s.WriteByte(' ')
		}
		w := html.EscapeString(e.Text)
		switch e.Op {
		case textdiff.Delete:
			s.WriteString("<del>" + w + "</del>")
		case textdiff.Insert:
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
