package serve

import (
	"rankfile/textdiff"
	"strings"
	"testing"
)

func TestDiffLines(t *testing.T) {
	for _, c := range []struct {
		name string
		a, b string // one letter per line
		want string // "=x" kept, "-x" deleted, "+x" inserted
	}{
		{"equal", "abc", "abc", "=a =b =c"},
		{"empty to some", "", "ab", "+a +b"},
		{"some to empty", "ab", "", "-a -b"},
		{"both empty", "", "", ""},
		{"insert middle", "ac", "abc", "=a +b =c"},
		{"delete middle", "abc", "ac", "=a -b =c"},
		{"replace", "abc", "axc", "=a -b +x =c"},
		{"classic", "abcabba", "cbabac", "-a -b =c +b =a =b -b =a +c"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var got []string
			for _, e := range textdiff.Lines(split(c.a), split(c.b)) {
				got = append(got, map[textdiff.Op]string{textdiff.Equal: "=", textdiff.Delete: "-", textdiff.Insert: "+"}[e.Op]+e.Text)
			}
			if g := strings.Join(got, " "); g != c.want {
				t.Errorf("got %q, want %q", g, c.want)
			}
		})
	}
}

func split(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, "")
}

// TestDiffLines_script checks the property every diff must have: applying
// the edits to a gives b, and the kept lines are common to both.
func TestDiffLines_script(t *testing.T) {
	texts := []string{"", "a", "ab", "ba", "abcabba", "cbabac", "xyzabc", "aaaa", "abab", "qwertyuiop", "poiuytrewq"}
	for _, a := range texts {
		for _, b := range texts {
			var fromA, toB []string
			for _, e := range textdiff.Lines(split(a), split(b)) {
				if e.Op != textdiff.Insert {
					fromA = append(fromA, e.Text)
				}
				if e.Op != textdiff.Delete {
					toB = append(toB, e.Text)
				}
			}
			if strings.Join(fromA, "") != a || strings.Join(toB, "") != b {
				t.Errorf("diff %q → %q: edits give %q and %q", a, b, strings.Join(fromA, ""), strings.Join(toB, ""))
			}
		}
	}
}

func TestDiffParagraphs(t *testing.T) {
	from := "One <b>bold</b> start.\n\nWe met on Monday with nine schools.\n\nA paragraph that goes.\n\nThe end."
	to := "One <b>bold</b> start.\n\nWe met on Tuesday with nine schools.\n\nThe end.\n\nA new closing line."
	blocks, st := diffParagraphs(from, to)
	if st != (diffStats{Same: 2, Removed: 1, Added: 1, Changed: 1}) {
		t.Errorf("stats %+v", st)
	}
	var kinds []string
	html := ""
	for _, b := range blocks {
		kinds = append(kinds, b.Kind)
		html += string(b.HTML)
	}
	if got := strings.Join(kinds, " "); got != "same changed removed same added" {
		t.Errorf("blocks %s", got)
	}
	for _, want := range []string{"<del>Monday</del> <ins>Tuesday</ins>", "One &lt;b&gt;bold&lt;/b&gt; start."} {
		if !strings.Contains(html, want) {
			t.Errorf("diff lacks %q: %s", want, html)
		}
	}
	if strings.Contains(html, "<b>") {
		t.Error("the text's markup is not escaped")
	}
}

func TestFoldSame(t *testing.T) {
	var paras []string
	for i := range 10 {
		paras = append(paras, "Paragraph "+string(rune('A'+i)))
	}
	from := strings.Join(paras, "\n\n")
	paras[5] = "Paragraph changed F"
	blocks, _ := diffParagraphs(from, strings.Join(paras, "\n\n"))
	var kinds []string
	for _, b := range blocks {
		kinds = append(kinds, b.Kind)
	}
	if got := strings.Join(kinds, " "); got != "skipped same changed same skipped" || blocks[0].Skipped != 4 || blocks[4].Skipped != 3 {
		t.Errorf("blocks %s (%d, %d skipped)", got, blocks[0].Skipped, blocks[len(blocks)-1].Skipped)
	}
}

func TestDiffLines_limit(t *testing.T) {
	var a, b []string
	for i := range textdiff.MaxEdits + 10 {
		a = append(a, "a"+string(rune(i)))
		b = append(b, "b"+string(rune(i)))
	}
	edits := textdiff.Lines(a, b)
	if len(edits) != len(a)+len(b) || edits[0].Op != textdiff.Delete || edits[len(edits)-1].Op != textdiff.Insert {
		t.Errorf("%d edits past the limit", len(edits))
	}
}
