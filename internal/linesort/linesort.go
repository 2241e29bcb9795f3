// Package linesort sorts lines of text that need not fit in memory, as
// sort(1) does: lines are held up to a bound, each full batch is sorted and
// written to a temporary file (a run), and the runs are merged. Lines are
// compared as byte strings. The archive sorts its capture index with it,
// and the WACZ export joins captures to their records.
package linesort

import (
	"bufio"
	"container/heap"
	"errors"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
)

// TempPrefix starts the names of a Sorter's temporary files, for a
// program to remove those a killed process left.
const TempPrefix = ".linesort-"

// DefaultMemory is the bytes of lines a Sorter holds before it writes a run.
const DefaultMemory = 8 << 20

// Source is a sorted stream of lines, read with Next then Line.
type Source interface {
	// Next moves to the next line; false at the end or on an error.
	Next() bool
	// Line is the line Next moved to, without its newline.
	Line() string
	// Err is the error that ended the stream, nil at its end.
	Err() error
}

// Sorter collects lines and gives them back sorted. Lines must not hold a
// newline. Close removes its temporary files.
type Sorter struct {
	dir    string
	memory int
	lines  []string
	size   int
	runs   []*os.File
}

// New returns a Sorter writing its runs in dir (os.TempDir() when "")
// once memory bytes of lines are held (DefaultMemory when 0 or less).
func New(dir string, memory int) *Sorter {
	if memory <= 0 {
		memory = DefaultMemory
	}
	return &Sorter{dir: dir, memory: memory}
}

// Add adds a line.
func (s *Sorter) Add(line string) error {
	if strings.IndexByte(line, '\n') >= 0 {
		return fmt.Errorf("linesort: line holds a newline")
	}
	s.lines = append(s.lines, line)
	s.size += len(line) + 16
	if s.size >= s.memory {
		return s.spill()
	}
	return nil
}

// spill writes the lines held, sorted, as a run.
func (s *Sorter) spill() error {
	slices.Sort(s.lines)
	f, err := os.CreateTemp(s.dir, TempPrefix+"*")
	if err != nil {
		return fmt.Errorf("linesort: %w", err)
	}
	s.runs = append(s.runs, f)
	w := bufio.NewWriterSize(f, 256<<10)
	for _, l := range s.lines {
		w.WriteString(l)
		w.WriteByte('\n')
	}
	if err := w.Flush(); err != nil {
		return fmt.Errorf("linesort: write run: %w", err)
	}
	clear(s.lines)
	s.lines, s.size = s.lines[:0], 0
	return nil
}

// Sorted returns the lines added, in order, merged with the sorted sources
// given (equal lines all kept). No line may be added after it. The Sorter
// must stay open while the result is read.
func (s *Sorter) Sorted(more ...Source) (Source, error) {
	slices.Sort(s.lines)
	srcs := append([]Source{&sliceSource{lines: s.lines}}, more...)
	for _, f := range s.runs {
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			return nil, fmt.Errorf("linesort: %w", err)
		}
		srcs = append(srcs, NewReader(f))
	}
	return Merge(srcs...), nil
}

// Close removes the Sorter's temporary files.
func (s *Sorter) Close() error {
	var errs []error
	for _, f := range s.runs {
		f.Close()
		if err := os.Remove(f.Name()); err != nil && !os.IsNotExist(err) {
			errs = append(errs, err)
		}
	}
	s.runs, s.lines = nil, nil
	return errors.Join(errs...)
}

// sliceSource reads lines from a sorted slice.
type sliceSource struct {
	lines []string
	i     int
	line  string
}

func (s *sliceSource) Next() bool {
	if s.i >= len(s.lines) {
		return false
	}
	s.line = s.lines[s.i]
	s.i++
	return true
}
func (s *sliceSource) Line() string { return s.line }
func (s *sliceSource) Err() error   { return nil }

// Reader is a Source reading lines from an io.Reader; a last line without
// its newline counts. Lines may be of any length.
type Reader struct {
	r    *bufio.Reader
	line string
	err  error
}

// NewReader returns a Reader of r.
func NewReader(r io.Reader) *Reader { return &Reader{r: bufio.NewReaderSize(r, 64<<10)} }

// Next moves to the next line.
func (r *Reader) Next() bool {
	if r.err != nil {
		return false
	}
	line, err := r.r.ReadString('\n')
	if err != nil && (err != io.EOF || line == "") {
		if err != io.EOF {
			r.err = err
		} else {
			r.err = io.EOF
		}
		return false
	}
	r.line = strings.TrimSuffix(line, "\n")
	return true
}

// Line is the line Next moved to.
func (r *Reader) Line() string { return r.line }

// Err is the read error that ended the lines, nil at their end.
func (r *Reader) Err() error {
	if r.err == io.EOF {
		return nil
	}
	return r.err
}

// Merge merges sorted sources into one sorted Source.
func Merge(srcs ...Source) Source {
	m := &merged{}
	for _, s := range srcs {
		if s.Next() {
			m.h = append(m.h, s)
		} else if err := s.Err(); err != nil {
			m.err = err
		}
	}
	heap.Init(&m.h)
	return m
}

type merged struct {
	h    sourceHeap
	line string
	err  error
}

func (m *merged) Next() bool {
	if m.err != nil || len(m.h) == 0 {
		return false
	}
	top := m.h[0]
	m.line = top.Line()
	if top.Next() {
		heap.Fix(&m.h, 0)
	} else {
		if err := top.Err(); err != nil {
			m.err = err
		}
		heap.Pop(&m.h)
	}
	return true
}
func (m *merged) Line() string { return m.line }
func (m *merged) Err() error   { return m.err }

type sourceHeap []Source

func (h sourceHeap) Len() int           { return len(h) }
func (h sourceHeap) Less(i, j int) bool { return h[i].Line() < h[j].Line() }
func (h sourceHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *sourceHeap) Push(x any)        { *h = append(*h, x.(Source)) }
func (h *sourceHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}
