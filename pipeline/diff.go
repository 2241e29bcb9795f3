package pipeline

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"regexp"
	"strings"
	"time"

	"rankfile/index"
)

// ErrOneVersion means a diff was asked of a record captured only once.
var ErrOneVersion = errors.New("the record has a single version: nothing to compare")

// ErrNoVersion means --from or --to names no version of the record.
var ErrNoVersion = errors.New("no version of the record at that time")

// diffContext is how many unchanged lines surround each change.
const diffContext = 2

// Diff writes what changed in a record's text between two versions, as a
// unified line diff (paragraphs are lines). from and to pick a version
// each: a version as Show lists it (20240301100000.305338, or
// RECORD@VERSION); or a time, meaning the newest version captured by then:
// 14 digits (a second), a date (YYYY-MM-DD, to the end of that day) or
// RFC 3339. Empty from and to compare the two newest
// versions; an empty from alone, the version before to.
func (p *Pipeline) Diff(ctx context.Context, id, from, to string) error {
	vs, err := p.versions(ctx, id)
	if err != nil {
		return err
	}
	if len(vs) < 2 {
		return fmt.Errorf("%s: %w", id, ErrOneVersion)
	}
	j := len(vs) - 1
	if to != "" {
		if j, err = pickVersion(vs, to); err != nil {
			return fmt.Errorf("--to %s: %w", to, err)
		}
	}
	i := j - 1
	if from != "" {
		if i, err = pickVersion(vs, from); err != nil {
			return fmt.Errorf("--from %s: %w", from, err)
		}
	} else if i < 0 {
		return fmt.Errorf("--to %s is the first version: %w", to, ErrNoVersion)
	}
	return writeDiff(p.out(), vs[i], vs[j])
}

// versionStamp matches a version as 14 digits, a WARC timestamp.
var versionStamp = regexp.MustCompile(`^\d{14}$`)

// pickVersion returns the index in vs (oldest first) of the version spec
// names.
func pickVersion(vs []index.Version, spec string) (int, error) {
	spec = strings.TrimSpace(spec)
	for i, v := range vs {
		if v.DocID == spec || versionOf(v.DocID) == spec {
			return i, nil
		}
	}
	at, err := parseAsOf(spec)
	if err != nil {
		return 0, fmt.Errorf("want a version (20240301100000), a date (YYYY-MM-DD) or an RFC 3339 time: %w", ErrNoVersion)
	}
	for i := len(vs) - 1; i >= 0; i-- {
		if !vs[i].Captured.IsZero() && !vs[i].Captured.After(at) {
			return i, nil
		}
	}
	return 0, fmt.Errorf("first capture %s: %w", stamp(vs[0].Captured), ErrNoVersion)
}

// parseAsOf reads a point in time as rankfile's commands take it: 14
// digits (a WARC timestamp: the end of that second), a date (YYYY-MM-DD:
// the end of that UTC day) or an RFC 3339 time. What was captured at or
// before the time returned counts as captured by then.
func parseAsOf(spec string) (time.Time, error) {
	spec = strings.TrimSpace(spec)
	if versionStamp.MatchString(spec) {
		t, err := time.Parse(ts14, spec)
		if err != nil {
			return time.Time{}, err
		}
		return t.Add(time.Second - time.Nanosecond), nil
	}
	if t, err := time.Parse(time.DateOnly, spec); err == nil {
		return t.Add(24*time.Hour - time.Nanosecond), nil
	}
	t, err := time.Parse(time.RFC3339, spec)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is not a time: want 20240301100000, YYYY-MM-DD or RFC 3339", spec)
	}
	return t, nil
}

func writeDiff(w io.Writer, a, b index.Version) error {
	bw := bufio.NewWriter(w)
	fmt.Fprintf(bw, "--- %s\tcaptured %s\t%s\n", a.DocID, stamp(a.Captured), a.Record.WARCPlace())
	fmt.Fprintf(bw, "+++ %s\tcaptured %s\t%s\n", b.DocID, stamp(b.Captured), b.Record.WARCPlace())
	if a.Title != b.Title {
		fmt.Fprintf(bw, "title: %q -> %q\n", a.Title, b.Title)
	}
	al, bl := lines(a.Text), lines(b.Text)
	ops := diffLines(al, bl)
	changed := false
	for _, h := range hunks(ops, diffContext) {
		changed = true
		fmt.Fprintf(bw, "@@ -%s +%s @@\n", span(h.aStart, h.aLen), span(h.bStart, h.bLen))
		for _, op := range h.ops {
			fmt.Fprintf(bw, "%c%s\n", op.kind, op.text)
		}
	}
	if !changed {
		fmt.Fprintln(bw, "(the text is the same)")
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write diff: %w", err)
	}
	return nil
}

// lines splits a record's text into its non-empty lines: paragraphs,
// list items, table rows.
func lines(text string) []string {
	var out []string
	for _, l := range strings.Split(text, "\n") {
		if l = strings.TrimRight(l, " \t\r"); strings.TrimSpace(l) != "" {
			out = append(out, l)
		}
	}
	return out
}

// span formats a hunk range as unified diff does: start,length, 1-based
// (0 for an empty range's start before the first line).
func span(start, n int) string {
	if n == 0 {
		return fmt.Sprintf("%d,0", start)
	}
	return fmt.Sprintf("%d,%d", start+1, n)
}
