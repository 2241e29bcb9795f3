package archive

import (
	"archive/zip"
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestArchive_ImportWACZ imports a WACZ package as Browsertrix writes it:
// its WARC file under archive/ is imported as a file of its own, named in
// the result as PACKAGE#archive/NAME, and the page lists beside it are
// left; the same package again adds nothing. A zip without a WARC file
// under archive/, and a package cut short, are refused.
func TestArchive_ImportWACZ(t *testing.T) {
	src := writeCorpus(t, "caucus-crawl.wacz")[0]
	dir := t.TempDir()
	a := mustOpen(t, dir, Options{})
	defer mustClose(t, a)
	imps, err := a.Import(context.Background(), src)
	if err != nil || len(imps) != 1 {
		t.Fatalf("Import: %+v, %v", imps, err)
	}
	if imp := imps[0]; imp.File != "rec-20240406100000000-crawler-0.warc.gz" || imp.Captures != 3 || !strings.HasSuffix(imp.Source, "caucus-crawl.wacz#archive/rec-20240406100000000-crawler-0.warc.gz") {
		t.Errorf("Import: %+v", imp)
	}
	if es, _ := a.Lookup("https://caucus-btrix.example/nurses"); len(es) != 1 || es[0].Status != 200 {
		t.Errorf("Lookup of the page: %+v", es)
	}
	if again, err := a.Import(context.Background(), src); err != nil || len(again) != 1 || !again[0].Repeat {
		t.Errorf("Import of the same package again: %+v, %v; want it named as imported before", again, err)
	}
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		if strings.HasSuffix(e.Name(), importSuffix) {
			t.Errorf("left %s", e.Name())
		}
	}
	mustCheck(t, a)

	data, err := os.ReadFile(src)
	if err != nil {
		t.Fatal(err)
	}
	cut := filepath.Join(t.TempDir(), "cut.wacz")
	if err := os.WriteFile(cut, data[:len(data)/2], 0o644); err != nil {
		t.Fatal(err)
	}
	if imps, err := a.Import(context.Background(), cut); err == nil || len(imps) != 0 {
		t.Errorf("Import of a package cut short: %+v, %v; want it refused", imps, err)
	}
	empty := filepath.Join(t.TempDir(), "empty.wacz")
	if err := os.WriteFile(empty, zipBytes(t, map[string]string{"pages/pages.jsonl": "{}\n"}), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Import(context.Background(), empty); !errors.Is(err, ErrHeader) {
		t.Errorf("Import of a package without WARC files: %v, want ErrHeader", err)
	}
}

// zipBytes returns a zip file of the named entries.
func zipBytes(t *testing.T, entries map[string]string) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for name, body := range entries {
		w, err := zw.Create(name)
		if err != nil {
			t.Fatal(err)
		}
		w.Write([]byte(body))
	}
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}
