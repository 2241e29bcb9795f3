package pipeline

// diffOp is one line of a line diff: kept (' '), removed ('-') or added
// ('+').
type diffOp struct {
	kind byte
	text string
	a, b int // the line's index in the old and the new text (-1 where absent)
}

// maxLCSCells bounds the table of the longest-common-subsequence diff;
// past it, the changed middle of two texts is shown as removed and added
// whole.
const maxLCSCells = 16 << 20

// diffLines returns the edit script turning a into b: a longest common
// subsequence of lines is kept, the rest removed or added. Common leading
// and trailing lines are matched first, so a small change in a long text
// costs little.
func diffLines(a, b []string) []diffOp {
	pre := 0
	for pre < len(a) && pre < len(b) && a[pre] == b[pre] {
		pre++
	}
	suf := 0
	for suf < len(a)-pre && suf < len(b)-pre && a[len(a)-1-suf] == b[len(b)-1-suf] {
		suf++
	}
	var ops []diffOp
	for i := range pre {
		ops = append(ops, diffOp{' ', a[i], i, i})
	}
	ops = append(ops, lcsDiff(a[pre:len(a)-suf], b[pre:len(b)-suf], pre, pre)...)
	for k := suf; k > 0; k-- {
		i, j := len(a)-k, len(b)-k
		ops = append(ops, diffOp{' ', a[i], i, j})
	}
	return ops
}

// lcsDiff diffs a and b, whose first lines are lines a0 and b0 of the
// whole texts, by dynamic programming over the suffixes.
func lcsDiff(a, b []string, a0, b0 int) []diffOp {
	n, m := len(a), len(b)
	var ops []diffOp
	if n*m > maxLCSCells {
		for i, l := range a {
			ops = append(ops, diffOp{'-', l, a0 + i, -1})
		}
		for j, l := range b {
			ops = append(ops, diffOp{'+', l, -1, b0 + j})
		}
		return ops
	}
	// t[i][j] = length of the LCS of a[i:] and b[j:]
	t := make([][]int32, n+1)
	for i := range t {
		t[i] = make([]int32, m+1)
	}
	for i := n - 1; i >= 0; i-- {
		for j := m - 1; j >= 0; j-- {
			if a[i] == b[j] {
				t[i][j] = t[i+1][j+1] + 1
			} else {
				t[i][j] = max(t[i+1][j], t[i][j+1])
			}
		}
	}
	i, j := 0, 0
	for i < n || j < m {
		switch {
		case i < n && j < m && a[i] == b[j]:
			ops = append(ops, diffOp{' ', a[i], a0 + i, b0 + j})
			i, j = i+1, j+1
		case i < n && (j == m || t[i+1][j] >= t[i][j+1]): // removals before additions
			ops = append(ops, diffOp{'-', a[i], a0 + i, -1})
			i++
		default:
			ops = append(ops, diffOp{'+', b[j], -1, b0 + j})
			j++
		}
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
