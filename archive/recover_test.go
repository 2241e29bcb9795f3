package archive

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// copyDir copies the regular files of src into a new temporary directory,
// as a crash would leave them.
func copyDir(t *testing.T, src string) string {
	t.Helper()
	dst := t.TempDir()
	ents, err := os.ReadDir(src)
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		data, err := os.ReadFile(filepath.Join(src, e.Name()))
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(dst, e.Name()), data, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dst
}

// crashCopy copies the directory of a, which is open and writing, as a
// crash would leave it, then closes a. It returns the copy and the path of
// its one .open WARC file.
func crashCopy(t *testing.T, live string, a *Archive) (dir, openPath string) {
	t.Helper()
	dir = copyDir(t, live)
	mustClose(t, a)
	_, open := warcFilesIn(t, dir)
	if len(open) != 1 {
		t.Fatalf("open files %v, want 1", open)
	}
	return dir, filepath.Join(dir, open[0])
}

// mustCheck runs Check and fails the test on any problem.
func mustCheck(t *testing.T, a *Archive) *Report {
	t.Helper()
	rep, err := a.Check(context.Background())
	if err != nil {
		t.Fatalf("Check: %v", err)
	}
	for _, p := range rep.Problems {
		t.Errorf("Check: %s", p)
	}
	return rep
}

func TestOpen_RecoversInterruptedFile(t *testing.T) {
	live := t.TempDir()
	a := mustOpen(t, live, Options{})
	var entries []Entry
	for i := range 4 {
		entries = append(entries, mustWrite(t, a, page(fmtURL(2, i), 200, pageBody(2, i))).Entry)
	}
	// The state a SIGKILL leaves now: an .open file, a journal, no index.cdxj.
	dir, openPath := crashCopy(t, live, a)
	whole, err := os.ReadFile(openPath)
	if err != nil {
		t.Fatal(err)
	}
	// The last exchange was being appended: only part of its bytes made it,
	// and its index line did not.
	last := entries[3]
	cut := last.Offset + last.Length/2
	if err := os.WriteFile(openPath, whole[:cut], 0o644); err != nil {
		t.Fatal(err)
	}
	journal := filepath.Join(dir, journalName)
	lines, err := os.ReadFile(journal)
	if err != nil {
		t.Fatal(err)
	}
	ls := strings.SplitAfter(string(lines), "\n")
	// Drop the line of the third exchange (its records are whole) and keep
	// the fourth's, which now points past the end of the file.
	kept := ls[0] + ls[1] + ls[3]
	if err := os.WriteFile(journal, []byte(kept), 0o644); err != nil {
		t.Fatal(err)
	}

	b := mustOpen(t, dir, Options{})
	defer mustClose(t, b)
	finished, stillOpen := warcFilesIn(t, dir)
	if len(stillOpen) != 0 || len(finished) != 1 || finished[0] != strings.TrimSuffix(filepath.Base(openPath), openSuffix) {
		t.Fatalf("after recovery: finished %v, open %v; want %s renamed", finished, stillOpen, filepath.Base(openPath))
	}
	st, err := os.Stat(filepath.Join(dir, finished[0]))
	if err != nil {
		t.Fatal(err)
	}
	if st.Size() != last.Offset {
		t.Errorf("recovered file is %d bytes, want %d (cut at the last whole record)", st.Size(), last.Offset)
	}
	for i, e := range entries {
		got, err := b.Lookup(e.URL)
		if err != nil {
			t.Fatal(err)
		}
		want := 1
		if i == 3 {
			want = 0
		}
		if len(got) != want {
			t.Errorf("%s: %d entries after recovery, want %d", e.URL, len(got), want)
		}
		if want == 1 && got[0] != e {
			t.Errorf("%s: entry %+v after recovery, want %+v", e.URL, got[0], e)
		}
	}
	mustCheck(t, b)
	if _, err := os.Stat(journal); !os.IsNotExist(err) {
		t.Errorf("journal still there after recovery: %v", err)
	}
}

// killChildEnv makes the test binary a child that writes to an archive until
// it is killed.
const killChildEnv = "RANKFILE_ARCHIVE_KILL_CHILD"

func TestKillChild(t *testing.T) {
	dir := os.Getenv(killChildEnv)
	if dir == "" {
		t.Skip("run by TestOpen_AfterSIGKILL as a child process")
	}
	a, err := Open(dir, Options{CrawlID: "kill", MaxFileSize: 64 << 10})
	if err != nil {
		fmt.Println("error", err)
		return
	}
	for i := range 1_000_000 { // bounded; the parent kills it long before
		if _, err := a.Write(page(fmtURL(9, i), 200, pageBody(9, i))); err != nil {
			fmt.Println("error", err)
			return
		}
		fmt.Println("wrote", i)
	}
}

func TestOpen_AfterSIGKILL(t *testing.T) {
	if testing.Short() {
		t.Skip("runs a child process")
	}
	dir := t.TempDir()
	cmd := exec.Command(os.Args[0], "-test.run=^TestKillChild$", "-test.count=1")
	cmd.Env = append(os.Environ(), killChildEnv+"="+dir)
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	const enough = 150 // several rotations at 64 KiB
	sc := bufio.NewScanner(out)
	var wrote int
	for wrote < enough && sc.Scan() {
		line := sc.Text()
		if strings.HasPrefix(line, "error") {
			t.Fatalf("child: %s", line)
		}
		if strings.HasPrefix(line, "wrote ") {
			wrote++
		}
	}
	if err := cmd.Process.Kill(); err != nil {
		t.Fatal(err)
	}
	cmd.Wait()
	if wrote < enough {
		t.Fatalf("child wrote %d exchanges before exiting, want %d", wrote, enough)
	}

	a := mustOpen(t, dir, Options{CrawlID: "kill"})
	defer mustClose(t, a)
	if _, open := warcFilesIn(t, dir); len(open) != 0 {
		t.Errorf("open files left after recovery: %v", open)
	}
	rep := mustCheck(t, a)
	if rep.Entries < enough {
		t.Errorf("%d index entries after recovery, want at least %d", rep.Entries, enough)
	}
	for i := range enough {
		e, err := a.Latest(fmtURL(9, i))
		if err != nil {
			t.Errorf("exchange %d reported written but not in the index: %v", i, err)
			continue
		}
		c, err := a.readCapture(e)
		if err != nil || !bytes.Equal(c.Body, pageBody(9, i)) {
			t.Errorf("exchange %d: %v", i, err)
		}
	}
	// The archive goes on: new writes land in a new file.
	mustWrite(t, a, page("http://example.test/after", 200, []byte("after")))
}

func TestArchive_CheckFindsProblems(t *testing.T) {
	dir := t.TempDir()
	a := mustOpen(t, dir, Options{})
	var es []Entry
	for i := range 3 {
		es = append(es, mustWrite(t, a, page(fmtURL(3, i), 200, pageBody(3, i))).Entry)
	}
	mustClose(t, a)
	finished, _ := warcFilesIn(t, dir)
	path := filepath.Join(dir, finished[0])

	// Rewrite the second response record with a changed body but its old
	// digests, as bit rot would leave it.
	recs := readFileRecords(t, dir)
	bad := recordAtEntry(t, recs, es[1])
	var buf bytes.Buffer
	c := newCompressor()
	block := bytes.Replace(bad.Block, []byte("writer 3"), []byte("WRITER 3"), 1)
	var h Header
	for _, f := range bad.Header {
		if !strings.EqualFold(f.Name, "Content-Length") {
			h = append(h, f)
		}
	}
	if _, err := c.record(&buf, h, block); err != nil {
		t.Fatal(err)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	data = append(append(append([]byte{}, data[:es[1].Offset]...), buf.Bytes()...), data[bad.End:]...)
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	shift := int64(buf.Len()) - (bad.End - es[1].Offset)

	a = mustOpen(t, dir, Options{})
	defer mustClose(t, a)
	rep, err := a.Check(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	type want struct {
		offset int64
		err    error
		text   string
	}
	wants := []want{
		{es[1].Offset, ErrDigest, "WARC-Block-Digest"},
		{es[1].Offset, ErrDigest, "WARC-Payload-Digest"},
	}
	if shift != 0 {
		// The third exchange moved: its entry points at no record, and its
		// record is not in the index.
		wants = append(wants, want{es[1].Offset, ErrIndex, "length"},
			want{es[2].Offset, ErrIndex, "points at no"}, want{es[2].Offset + shift, ErrIndex, "not in the index"})
	}
	if len(rep.Problems) != len(wants) {
		t.Errorf("Check found %d problems, want %d:\n%v", len(rep.Problems), len(wants), rep.Problems)
	}
	for _, w := range wants {
		var found bool
		for _, p := range rep.Problems {
			if p.File == finished[0] && p.Offset == w.offset && errors.Is(p.Err, w.err) && strings.Contains(p.Err.Error(), w.text) {
				found = true
			}
		}
		if !found {
			t.Errorf("Check did not report %v (%s) at offset %d; got %v", w.err, w.text, w.offset, rep.Problems)
		}
	}
	if rep.OK() || rep.Files != 1 || rep.Records != 7 || rep.Entries != 3 {
		t.Errorf("report: ok %v, %d files, %d records, %d entries", rep.OK(), rep.Files, rep.Records, rep.Entries)
	}

	// Reindex rebuilds the index from the files: only the digests stay wrong.
	if err := a.Reindex(context.Background()); err != nil {
		t.Fatalf("Reindex: %v", err)
	}
	rep, err = a.Check(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range rep.Problems {
		if !errors.Is(p.Err, ErrDigest) {
			t.Errorf("after Reindex: %s", p)
		}
	}
	if got, _ := a.Lookup(fmtURL(3, 2)); len(got) != 1 || got[0].Offset != es[2].Offset+shift {
		t.Errorf("after Reindex, %s at %v; want offset %d", fmtURL(3, 2), got, es[2].Offset+shift)
	}
}

func TestArchive_CheckDamagedFile(t *testing.T) {
	dir := t.TempDir()
	data, err := os.ReadFile(filepath.Join("testdata", "truncated.warc.gz"))
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "truncated.warc.gz"), data, 0o644); err != nil {
		t.Fatal(err)
	}
	a := mustOpen(t, dir, Options{}) // indexes the file it does not know
	defer mustClose(t, a)
	rep, err := a.Check(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Problems) != 1 || rep.Problems[0].Offset != 955 || !errors.Is(rep.Problems[0].Err, ErrTruncated) {
		t.Errorf("problems %v, want one truncated record at 955", rep.Problems)
	}
	if es, _ := a.Lookup("http://example.test/two"); len(es) != 1 {
		t.Errorf("the whole records before the damage were not indexed: %v", es)
	}
}
