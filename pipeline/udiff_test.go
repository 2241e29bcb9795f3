package pipeline

import (
	"bytes"
	"strings"
	"testing"

	"rankfile/index"
	"rankfile/record"
)

func TestDiffLines(t *testing.T) {
	for _, tt := range []struct {
		name, a, b string
		want       string // the ops, one per line
	}{
		{"same", "x\ny", "x\ny", " x\n y"},
		{"changed line", "a\nb\nc", "a\nB\nc", " a\n-b\n+B\n c"},
		{"added at end", "a\nb", "a\nb\nc", " a\n b\n+c"},
		{"removed at start", "a\nb\nc", "b\nc", "-a\n b\n c"},
		{"from nothing", "", "a\nb", "+a\n+b"},
		{"to nothing", "a", "", "-a"},
		{"moved line", "a\nb\nc", "b\nc\na", "-a\n b\n c\n+a"},
		{"blank lines ignored", "a\n\nb", "a\nb", " a\n b"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, op := range diffLines(lines(tt.a), lines(tt.b)) {
				got = append(got, string(op.kind)+op.text)
			}
			if g := strings.Join(got, "\n"); g != tt.want {
				t.Errorf("got\n%s\nwant\n%s", g, tt.want)
			}
		})
	}
}

func TestWriteDiff(t *testing.T) {
	old := strings.Join([]string{"one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"}, "\n\n")
	changed := strings.Replace(strings.Replace(old, "two", "TWO", 1), "nine", "NINE", 1)
	v := func(id, text string) index.Version {
		return index.Version{DocID: "r@" + id, Record: record.Record{ID: "r", Text: text, WARCFile: "f.warc.gz", WARCOffset: 7}}
	}
	for _, tt := range []struct {
		name, a, b string
		want       string
	}{
		{"two hunks", old, changed, "" +
			"@@ -1,4 +1,4 @@\n one\n-two\n+TWO\n three\n four\n" +
			"@@ -7,4 +7,4 @@\n seven\n eight\n-nine\n+NINE\n ten\n"},
		{"same text", old, old, "(the text is the same)\n"},
		{"from empty", "", "new", "@@ -0,0 +1,1 @@\n+new\n"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var buf bytes.Buffer
			if err := writeDiff(&buf, v("1", tt.a), v("2", tt.b)); err != nil {
				t.Fatal(err)
			}
			got := buf.String()
			head := "--- r@1\tcaptured \tf.warc.gz@7\n+++ r@2\tcaptured \tf.warc.gz@7\n"
			if !strings.HasPrefix(got, head) {
				t.Fatalf("header of\n%s", got)
			}
			if got = strings.TrimPrefix(got, head); got != tt.want {
				t.Errorf("got\n%s\nwant\n%s", got, tt.want)
			}
		})
	}
}
