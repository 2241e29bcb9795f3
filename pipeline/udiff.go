package pipeline

import "rankfile/textdiff"

// diffOp is one line of a line diff: kept (' '), removed ('-') or added
// ('+').
type diffOp struct {
	kind byte
	text string
	a, b int // the line's index in the old and the new text (-1 where absent)
}

// diffLines returns the edit script turning a into b (textdiff.Lines), as
// unified-diff lines.
func diffLines(a, b []string) []diffOp {
	edits := textdiff.Lines(a, b)
	ops := make([]diffOp, len(edits))
	for i, e := range edits {
		ops[i] = diffOp{kind: " -+"[e.Op], text: e.Text, a: e.A, b: e.B}
	}
	return ops
}

// hunk is a run of changes with their context lines.
type hunk struct {
	aStart, aLen, bStart, bLen int
	ops                        []diffOp
}

// hunks groups the changes of ops into hunks, each with up to ctx kept
// lines around; changes closer than 2×ctx lines share a hunk.
func hunks(ops []diffOp, ctx int) []hunk {
	var out []hunk
	for k := 0; k < len(ops); {
		if ops[k].kind == ' ' {
			k++
			continue
		}
		start := max(0, k-ctx)
		end := k // one past the last change of the hunk
		for i := k; i < len(ops); i++ {
			if ops[i].kind != ' ' {
				end = i + 1
			} else if i-end >= 2*ctx {
				break
			}
		}
		stop := min(len(ops), end+ctx)
		h := hunk{ops: ops[start:stop], aStart: -1, bStart: -1}
		for _, op := range h.ops {
			if op.kind != '+' {
				if h.aStart < 0 {
					h.aStart = op.a
				}
				h.aLen++
			}
			if op.kind != '-' {
				if h.bStart < 0 {
					h.bStart = op.b
				}
				h.bLen++
			}
		}
		// with context lines, a side is empty only when its whole text is
		h.aStart, h.bStart = max(h.aStart, 0), max(h.bStart, 0)
		out = append(out, h)
		k = stop
	}
	return out
}
