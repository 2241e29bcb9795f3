package main

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"net/http"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestServe runs `rankfile serve` in-process on the demo's data directory,
// searches it over HTTP and stops it the way SIGINT does, by ending the
// context: it exits 0.
func TestServe(t *testing.T) {
	dir, _ := demo()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	pr, pw := io.Pipe()
	var errOut bytes.Buffer
	done := make(chan int, 1)
	go func() {
		done <- run(ctx, []string{"rankfile", "--data", dir, "serve", "--addr", "127.0.0.1:0"}, pw, &errOut)
		pw.Close()
	}()
	line, err := bufio.NewReader(pr).ReadString('\n')
	if err != nil {
		t.Fatalf("no banner line: %v (%s)", err, errOut.String())
	}
	go io.Copy(io.Discard, pr)
	addr := regexp.MustCompile(`http://127\.0\.0\.1:\d+/`).FindString(line)
	if addr == "" {
		t.Fatalf("banner %q names no loopback address", line)
	}
	resp, err := http.Get(addr + "api/search?q=union")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 || !strings.Contains(string(body), `"hits"`) {
		t.Errorf("search: %d %s", resp.StatusCode, body)
	}
	cancel()
	if code := <-done; code != exitOK {
		t.Errorf("exit code %d after the signal, want 0 (%s)", code, errOut.String())
	}
}

func TestServe_noData(t *testing.T) {
	_, errOut, code := rankfile(t, "--data", filepath.Join(t.TempDir(), "none"), "serve", "--addr", "127.0.0.1:0")
	if code != exitFailure || !strings.Contains(errOut, "no data directory") {
		t.Errorf("exit %d: %s", code, errOut)
	}
}
