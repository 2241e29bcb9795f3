package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"

	"rankfile/archive"
	"rankfile/record"
)

// TestCrawl_tmpfsFull crawls 150 pages of 32 KiB that gzip hardly shrinks
// onto a 3 MiB tmpfs, mounted in a mount namespace of the crawl's own
// (unshare -rm), where the platform lets a test mount one; elsewhere it is
// skipped, and crawl's TestCrawler_Run_diskFull simulates the full disk.
// The crawl stops at once (no more requests than were in flight after the
// last page archived), exits 1 naming the full disk, and leaves its report,
// naming the page the archive refused and the pages left unfetched, and a
// valid archive; the next crawl, with room, resumes it and archives every
// page once.
func TestCrawl_tmpfsFull(t *testing.T) {
	unshare, err := exec.LookPath("unshare")
	if err != nil {
		t.Skip("no unshare(1): the full disk is simulated in crawl's TestCrawler_Run_diskFull")
	}
	const pages = 150
	var requests atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		requests.Add(1)
		var i int
		switch {
		case r.URL.Path == "/":
			for i := range pages {
				fmt.Fprintf(w, `<a href="/p/%d">%d</a> `, i, i)
			}
		case r.URL.Path == "/robots.txt" || r.URL.Path == "/sitemap.xml":
			http.NotFound(w, r)
		default:
			fmt.Sscanf(r.URL.Path, "/p/%d", &i)
			rng := rand.New(rand.NewPCG(uint64(i), 1)) // the same page on every request
			const letters = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789 ."
			b := make([]byte, 32<<10)
			for j := range b {
				b[j] = letters[rng.IntN(len(letters))]
			}
			fmt.Fprintf(w, "<html><body><p>%s</p></body></html>", b)
		}
	}))
	defer srv.Close()
	root := t.TempDir()
	bin := installRankfile(t, root)
	mnt, out := filepath.Join(root, "mnt"), filepath.Join(root, "out")
	os.Mkdir(mnt, 0o755)
	os.Mkdir(out, 0o755)
	sites := filepath.Join(root, "sites.yaml")
	os.WriteFile(sites, []byte("defaults: {delay: 0s, parallelism: 2}\nsites:\n  - name: Full\n    kind: caucus\n    seeds: ["+srv.URL+"/]\n"), 0o644)
	script := `mount -t tmpfs -o size=3m tmpfs "$1" || exit 97
"$2" --data "$1/data" crawl --no-index --sites "$3" 2>"$4/stderr"
echo $? >"$4/exit"
cp -a "$1/data" "$4/data"`
	cmd := exec.Command(unshare, "-rm", "sh", "-c", script, "sh", mnt, bin, sites, out)
	cmd.Env = append(os.Environ(), "RANKFILE_DATA=")
	if msg, err := cmd.CombinedOutput(); err != nil {
		if ee, ok := err.(*exec.ExitError); (ok && ee.ExitCode() == 97) || bytes.Contains(msg, []byte("unshare")) {
			t.Skipf("this platform lets no test mount a tmpfs (%s): the full disk is simulated in crawl's TestCrawler_Run_diskFull", bytes.TrimSpace(msg))
		}
		t.Fatalf("%v: %s", err, msg)
	}
	code, _ := os.ReadFile(filepath.Join(out, "exit"))
	stderr, _ := os.ReadFile(filepath.Join(out, "stderr"))
	if strings.TrimSpace(string(code)) != "1" || !strings.Contains(string(stderr), "no space left on device") || !strings.Contains(string(stderr), "crawl stopped at once") {
		t.Fatalf("crawl onto a full tmpfs: exit %s, stderr:\n%s\nwant exit 1 and the full disk named", code, stderr)
	}
	data := filepath.Join(out, "data")
	captures := func() map[string]int {
		arc, err := archive.Open(filepath.Join(data, "archive"), archive.Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer arc.Close()
		n := map[string]int{}
		arc.Captures(context.Background(), func(c record.Capture) error {
			n[c.URL]++
			return nil
		})
		return n
	}
	archived := len(captures())
	t.Logf("full tmpfs: %d captures archived, %d requests served; stderr:\n%s", archived, requests.Load(), stderr)
	if after := requests.Load() - int64(archived); archived < 20 || after > 2 {
		t.Errorf("%d pages archived and %d requests beyond them: want the crawl stopped with at most its 2 requests in flight", archived, after)
	}
	reports, _ := filepath.Glob(filepath.Join(data, "reports", "*.json"))
	if len(reports) != 1 {
		t.Fatalf("%d reports on the full disk, want the crawl's", len(reports))
	}
	var report struct {
		Sites []struct {
			Failed  []struct{ URL, Reason, Detail string } `json:"failed_urls"`
			Dropped []struct{ URL, Reason string }         `json:"dropped_urls"`
		}
	}
	raw, _ := os.ReadFile(reports[0])
	if err := json.Unmarshal(raw, &report); err != nil || len(report.Sites) != 1 {
		t.Fatalf("report: %v\n%s", err, raw)
	}
	s := report.Sites[0]
	if len(s.Failed) == 0 || s.Failed[0].Reason != "archive" || !strings.Contains(s.Failed[0].Detail, "no space left on device") {
		t.Errorf("the report names as failed %+v, want the page the full disk refused", s.Failed)
	}
	if stopped := strings.Count(string(raw), `"reason": "stopped"`); stopped+len(s.Failed)+archived < pages {
		t.Errorf("%d archived, %d failed, %d named as stopped: want every page of the %d accounted for", archived, len(s.Failed), stopped, pages)
	}
	if out, errOut, code := rankfile(t, "--data", data, "archive", "check"); code != 0 {
		t.Errorf("archive check after the full disk: exit %d\n%s%s", code, out, errOut)
	}
	if _, errOut, code := rankfile(t, "--data", data, "crawl", "--no-index", "--sites", sites); code != 0 || !strings.Contains(errOut, "resuming") {
		t.Errorf("the next crawl, with room: exit %d %s; want the crawl resumed and finished", code, errOut)
	}
	n := captures()
	for i := range pages {
		if u := fmt.Sprintf("%s/p/%d", srv.URL, i); n[u] != 1 {
			t.Errorf("%s archived %d times after the resumed crawl, want once", u, n[u])
		}
	}
}
