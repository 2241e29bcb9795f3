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

// TestSearch_sitesFileAcronym: an acronym the sites file gives a site,
// which its name's initials do not make, names the site in --site.
func TestSearch_sitesFileAcronym(t *testing.T) {
	src, _ := demo()
	dir := t.TempDir()
	if err := os.CopyFS(dir, os.DirFS(src)); err != nil {
		t.Fatal(err)
	}
	if _, _, code := rankfile(t, "--data", dir, "search", "--site", "TOWSON", "caucus"); code != exitUsage {
		t.Fatalf("TOWSON named a site before the sites file gave it: exit %d", code)
	}
	sites := filepath.Join(dir, "sites.yaml")
	data, err := os.ReadFile(sites)
	if err != nil {
		t.Fatal(err)
	}
	edited := strings.Replace(string(data), "name: Urban Education and Democracy Project\n    acronym: null", "name: Urban Education and Democracy Project\n    acronym: TOWSON", 1)
	if edited == string(data) {
		t.Fatal("the demo's sites file does not list the Towson blog as expected")
	}
	if err := os.WriteFile(sites, []byte(edited), 0o644); err != nil {
		t.Fatal(err)
	}
	out, errOut, code := rankfile(t, "--data", dir, "search", "--site", "towson", "caucus")
	if code != 0 || !strings.Contains(out, "Beginnings: A Social Justice Caucus in Formation in Boston") {
		t.Errorf("--site towson: exit %d %s\n%s", code, errOut, out)
	}
}
