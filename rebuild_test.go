package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"testing"

	"rankfile/record"
)

// rebuildChildEnv, set to a data directory, makes TestRebuildChild rebuild
// its index rebuildRounds times and exit: the child process of
// TestSearch_duringRebuild.
const rebuildChildEnv = "RANKFILE_TEST_REBUILD_DATA"

const rebuildRounds = 4

func TestRebuildChild(t *testing.T) {
	dir := os.Getenv(rebuildChildEnv)
	if dir == "" {
		t.Skip("the child process of TestSearch_duringRebuild")
	}
	for range rebuildRounds {
		if code := run(context.Background(), []string{"rankfile", "--data", dir, "index", "--rebuild"}, io.Discard, os.Stderr); code != 0 {
			os.Exit(code)
		}
	}
	os.Exit(0) // not TestMain's end, which would run the demo
}

// TestSearch_duringRebuild searches, in this process, while another
// process rebuilds the index again and again: every search must see the
// whole index, old or new, with the same number of matches.
func TestSearch_duringRebuild(t *testing.T) {
	if testing.Short() {
		t.Skip("starts a process rebuilding the index")
	}
	dir := t.TempDir()
	var recs []record.Record
	for copy := range 10 { // enough records for a rebuild to take a while
		for _, r := range demoRecords(t) {
			r.ID += "-" + strconv.Itoa(copy)
			r.URL += "?copy=" + strconv.Itoa(copy)
			recs = append(recs, r)
		}
	}
	if err := record.WriteFile(filepath.Join(dir, "records", "records.jsonl"), recs); err != nil {
		t.Fatal(err)
	}
	if _, errOut, code := rankfile(t, "--data", dir, "index"); code != 0 {
		t.Fatalf("index: exit %d: %s", code, errOut)
	}
	total := func() (string, error) {
		out, errOut, code := rankfile(t, "--data", dir, "search", "--json", "--facets", "--size", "1", "union")
		if code != 0 {
			return "", fmt.Errorf("search: exit %d: %s", code, errOut)
		}
		lines := jsonLines(t, out)
		return fmt.Sprint(lines[len(lines)-1]["total"]), nil
	}
	want, err := total()
	if err != nil {
		t.Fatal(err)
	}

	child := exec.Command(os.Args[0], "-test.run=^TestRebuildChild$")
	child.Env = append(os.Environ(), rebuildChildEnv+"="+dir)
	child.Stderr = os.Stderr
	if err := child.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- child.Wait() }()
	searches := 0
	for running := true; running; {
		select {
		case err := <-done:
			if err != nil {
				t.Fatalf("rebuilding process: %v", err)
			}
			running = false
		default:
		}
		got, err := total()
		if err != nil {
			t.Fatalf("after %d searches: %v", searches, err)
		}
		if got != want {
			t.Fatalf("after %d searches: %s matches, want %s", searches, got, want)
		}
		searches++
	}
	t.Logf("%d searches during %d rebuilds", searches, rebuildRounds)
	if searches < 2 {
		t.Errorf("only %d searches ran during the rebuilds", searches)
	}
}
