package linesort

import (
	"fmt"
	"math/rand/v2"
	"os"
	"slices"
	"strings"
	"testing"
)

// TestSorter_runs sorts more lines than its memory holds, beside a sorted
// source, and checks the order, that nothing is lost or repeated, and that
// Close leaves no temporary file.
func TestSorter_runs(t *testing.T) {
	dir := t.TempDir()
	rng := rand.New(rand.NewPCG(1, 2))
	var want []string
	s := New(dir, 1<<10) // some 40 runs
	for i := range 2000 {
		l := fmt.Sprintf("%x %d", rng.Uint32(), i%7)
		if i%100 == 0 {
			l = "" // empty lines sort first
		}
		want = append(want, l)
		if err := s.Add(l); err != nil {
			t.Fatal(err)
		}
	}
	if len(s.runs) < 10 {
		t.Fatalf("%d runs written, want the lines spilled to disk", len(s.runs))
	}
	other := []string{"0 sorted", "5 sorted", "zz sorted"}
	want = append(want, other...)
	slices.Sort(want)
	src, err := s.Sorted(NewReader(strings.NewReader(strings.Join(other, "\n"))))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for src.Next() {
		got = append(got, src.Line())
	}
	if err := src.Err(); err != nil {
		t.Fatal(err)
	}
	if !slices.Equal(got, want) {
		t.Errorf("got %d lines, want %d; first differing at %d", len(got), len(want), firstDiff(got, want))
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if ents, _ := os.ReadDir(dir); len(ents) != 0 {
		t.Errorf("Close left %d files", len(ents))
	}
}

func TestSorter_refusesNewline(t *testing.T) {
	s := New(t.TempDir(), 0)
	defer s.Close()
	if err := s.Add("a\nb"); err == nil {
		t.Error("a line holding a newline was taken")
	}
}

func firstDiff(a, b []string) int {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return i
		}
	}
	return min(len(a), len(b))
}
