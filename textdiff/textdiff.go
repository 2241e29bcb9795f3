// Package textdiff finds a shortest edit script between two texts split
// into lines (or paragraphs, or words): Myers' O(ND) algorithm, used by
// rankfile diff and by the web interface's version diff.
package textdiff

// Op is what an edit does.
type Op int

// The edit operations.
const (
	Equal  Op = iota // the line is in both texts
	Delete           // the line is only in the old text
	Insert           // the line is only in the new text
)

// Edit is one step of a diff: a line kept, deleted from a or inserted from
// b, with its index in each text (-1 where it is not in that text).
type Edit struct {
	Op   Op
	Text string
	A, B int
}

// MaxEdits bounds the edit distance Lines searches for; beyond it the two
// texts are shown as wholly replaced, so a diff of two unrelated long texts
// costs O(N), not O(N²).
const MaxEdits = 2000

// Lines returns a shortest edit script turning a into b, or, past
// MaxEdits, the deletion of all of a and the insertion of all of b.
func Lines(a, b []string) []Edit {
	n, m := len(a), len(b)
	limit := min(n+m, MaxEdits)
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
	out := make([]Edit, 0, n+m)
	for i, s := range a {
		out = append(out, Edit{Delete, s, i, -1})
	}
	for j, s := range b {
		out = append(out, Edit{Insert, s, -1, j})
	}
	return out
}

func backtrack(a, b []string, trace [][]int) []Edit {
	x, y := len(a), len(b)
	var rev []Edit
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
			rev = append(rev, Edit{Equal, a[x-1], x - 1, y - 1})
			x--
			y--
		}
		if d > 0 {
			if x == prevX {
				rev = append(rev, Edit{Insert, b[y-1], -1, y - 1})
			} else {
				rev = append(rev, Edit{Delete, a[x-1], x - 1, -1})
			}
		}
		x, y = prevX, prevY
	}
	for i, j := 0, len(rev)-1; i < j; i, j = i+1, j-1 {
		rev[i], rev[j] = rev[j], rev[i]
	}
	return rev
}
