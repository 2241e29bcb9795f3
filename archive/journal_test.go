package archive

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestOpen_TornJournal opens what a kill in the middle of a journal append
// leaves: the last line cut short. Open drops the line, recovers the open
// WARC file (whose records give the capture back) and rewrites the index,
// so that the next journal starts clean.
func TestOpen_TornJournal(t *testing.T) {
	for _, keep := range []struct {
		name string
		cut  func(line string) string
	}{
		{"half a line", func(l string) string { return l[:len(l)/2] }},
		{"all but the newline", func(l string) string { return strings.TrimSuffix(l, "\n") }},
	} {
		t.Run(keep.name, func(t *testing.T) {
			live := t.TempDir()
			a := mustOpen(t, live, Options{})
			var entries []Entry
			for i := range 3 {
				entries = append(entries, mustWrite(t, a, page(fmtURL(4, i), 200, pageBody(4, i))).Entry)
			}
			dir := copyDir(t, live)
			mustClose(t, a)

			journal := filepath.Join(dir, journalName)
			data, err := os.ReadFile(journal)
			if err != nil {
				t.Fatal(err)
			}
			ls := strings.SplitAfter(string(data), "\n")
			torn := ls[0] + ls[1] + keep.cut(ls[2])
			if err := os.WriteFile(journal, []byte(torn), 0o644); err != nil {
				t.Fatal(err)
			}

			b := mustOpen(t, dir, Options{})
			defer mustClose(t, b)
			for _, e := range entries {
				got, err := b.Lookup(e.URL)
				if err != nil || len(got) != 1 || got[0] != e {
					t.Errorf("%s after recovery: %+v, %v; want %+v", e.URL, got, err, e)
				}
			}
			if _, err := os.Stat(journal); !os.IsNotExist(err) {
				t.Errorf("torn journal still there after Open: %v", err)
			}
			mustCheck(t, b)
		})
	}
}
