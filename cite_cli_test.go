package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestBaseURL: with base_url in the data directory's settings, show and
// export cite the archived copy at BASE/capture/TIMESTAMP/URL, and a bad
// base URL is refused with the file named.
func TestBaseURL(t *testing.T) {
	src, _ := demo()
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS(src)); err != nil {
		t.Fatal(err)
	}
	settings := filepath.Join(dir, "settings.yaml")
	if err := os.WriteFile(settings, []byte("# where rankfile serve is reached\nbase_url: https://archive.example.org/\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	const page = "http://albu-core.test/2017/10/23/ucore-report-back/"
	archived := regexp.MustCompile(`https://archive\.example\.org/capture/\d{14}/` + regexp.QuoteMeta(page))
	out, errOut, code := rankfile(t, "--data", dir, "show", page)
	if code != 0 || !regexp.MustCompile(`Cite as: .*\(archived \S+ at `+archived.String()+`\)\.`).MatchString(out) {
		t.Errorf("show: exit %d %s\n%s", code, errOut, out)
	}
	for _, format := range []string{"jsonl", "csv", "ris", "csl"} {
		out, errOut, code := rankfile(t, "--data", dir, "export", "--format", format, "--site", "AlbuCORE")
		if code != 0 || !archived.MatchString(out) || strings.Contains(out, "WARC rankfile-") {
			t.Errorf("export %s: exit %d %s: no archived copy URL in\n%s", format, code, errOut, out)
		}
	}
	if err := os.WriteFile(settings, []byte("base_url: archive.example.org\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, errOut, code := rankfile(t, "--data", dir, "show", page); code == 0 || !strings.Contains(errOut, "settings.yaml") {
		t.Errorf("a bad base URL: exit %d, %q", code, errOut)
	}
}
