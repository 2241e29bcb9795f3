package archive

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"rankfile/record"
)

// The wget-sample files were written by GNU Wget 1.21.3 (--warc-file)
// fetching a two-page site from a loopback server: one uncompressed, one
// gzip-per-record.
const wgetIndex = `<html><head><meta charset="iso-8859-1"><title>Caucus</title></head><body><p>Rank and file caf` + "\xe9" + `</p><a href="/second.html">second</a></body></html>`

func TestArchive_Import(t *testing.T) {
	dir := t.TempDir()
	a := mustOpen(t, dir, Options{})
	defer mustClose(t, a)
	srcs := []string{filepath.Join("testdata", "wget-sample.warc"), filepath.Join("testdata", "wget-sample-gz.warc.gz")}
	imps, err := a.Import(context.Background(), srcs...)
	names := addedFiles(imps)
	if err != nil {
		t.Fatalf("Import: %v", err)
	}
	if want := []string{"wget-sample.warc.gz", "wget-sample-gz.warc.gz"}; !equalStrings(names, want) {
		t.Fatalf("Import added %v, want %v", names, want)
	}
	for i, src := range srcs {
		t.Run(names[i], func(t *testing.T) {
			orig := readPath(t, src)
			got := readPath(t, filepath.Join(dir, names[i]))
			if len(got) != len(orig)-imps[i].Duplicates {
				t.Fatalf("%d records imported, source has %d of which %d already in the archive", len(got), len(orig), imps[i].Duplicates)
			}
			byID := map[string]readRecord{}
			for _, o := range orig {
				byID[o.Header.Get("WARC-Record-ID")] = o
			}
			for j := range got {
				o, ok := byID[got[j].Header.Get("WARC-Record-ID")]
				if !ok {
					t.Errorf("record %d is not in the source", j)
					continue
				}
				if got[j].Version != o.Version || !bytes.Equal(got[j].Block, o.Block) {
					t.Errorf("record %d: %s %d bytes, source %s %d bytes", j, got[j].Version, len(got[j].Block), o.Version, len(o.Block))
				}
				for _, f := range o.Header {
					if got[j].Header.Get(f.Name) != f.Value {
						t.Errorf("record %d: %s %q, source %q", j, f.Name, got[j].Header.Get(f.Name), f.Value)
					}
				}
				if j > 0 && got[j].Offset != got[j-1].End {
					t.Errorf("record %d at %d, previous ends at %d: not one gzip member per record", j, got[j].Offset, got[j-1].End)
				}
			}
			if first := got[0]; first.Offset != 0 || first.End >= got[len(got)-1].End {
				t.Errorf("records share a gzip member: first ends at %d", first.End)
			}
			warcioCheck(t, filepath.Join(dir, names[i]))
		})
	}

	home, err := a.Lookup("http://127.0.0.1:18731/")
	if err != nil || len(home) != 1 || home[0].Status != 200 || home[0].Mime != "text/html" || home[0].File != "wget-sample.warc.gz" {
		t.Errorf("Lookup of the imported home page = %+v, %v", home, err)
	}
	// The gzip sample holds second.html again, fetched in the same
	// second with the same payload: kept once, with its request.
	if second, _ := a.Lookup("http://127.0.0.1:18731/second.html"); len(second) != 1 || second[0].File != "wget-sample.warc.gz" {
		t.Errorf("second.html has captures %v, want the first file's alone", second)
	}
	if imps[1].Duplicates != 2 || imps[1].Records != 3 {
		t.Errorf("gzip sample: %d records copied, %d left out as already there; want 3 and 2 (second.html's response and request)", imps[1].Records, imps[1].Duplicates)
	}
	var body []byte
	for _, c := range allCaptures(t, a) {
		if c.URL == "http://127.0.0.1:18731/" {
			body = c.Body
		}
	}
	if string(body) != wgetIndex {
		t.Errorf("captured home page %q, want %q", body, wgetIndex)
	}
	mustCheck(t, a)

	files, _ := a.Files()
	if again, err := a.Import(context.Background(), srcs[0]); err != nil || len(again) != 1 || !again[0].Repeat || again[0].File != "wget-sample.warc.gz" {
		t.Errorf("importing a file twice: %+v, %v; want it named as imported before as wget-sample.warc.gz", again, err)
	}
	if now, _ := a.Files(); !equalStrings(now, files) {
		t.Errorf("importing a file twice added files: %v, before %v", now, files)
	}
	_, err = a.Import(context.Background(), filepath.Join("testdata", "truncated.warc.gz"))
	var re *RecordError
	if !errors.As(err, &re) || re.Offset != 955 {
		t.Errorf("importing a damaged file: %v, want its *RecordError at 955", err)
	}
	ents, _ := os.ReadDir(dir)
	for _, e := range ents {
		if strings.HasPrefix(e.Name(), "truncated") {
			t.Errorf("damaged import left %s", e.Name())
		}
	}
}

// readPath reads every record of the WARC file at path.
func readPath(t *testing.T, path string) []readRecord {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	recs, err := readAll(t, f, filepath.Base(path))
	if err != nil {
		t.Fatalf("read %s: %v", path, err)
	}
	return recs
}

// TestArchive_Salvage imports damaged files without their damaged records:
// a file cut short keeps the records before the cut, a file with a corrupt
// member keeps the records on both sides of it. The damage comes back
// wrapped in ErrSalvaged, with the offsets in the source file, and the
// imported copies pass Check.
func TestArchive_Salvage(t *testing.T) {
	a := mustOpen(t, t.TempDir(), Options{})
	defer mustClose(t, a)
	srcs := []string{filepath.Join("testdata", "corrupt-member.warc.gz"), filepath.Join("testdata", "truncated.warc.gz")}
	imps, err := a.Salvage(context.Background(), srcs...)
	names := addedFiles(imps)
	if want := []string{"corrupt-member.warc.gz", "truncated.warc.gz"}; !equalStrings(names, want) {
		t.Fatalf("Salvage added %v (%v), want %v", names, err, want)
	}
	if !errors.Is(err, ErrSalvaged) {
		t.Errorf("Salvage error %v, want ErrSalvaged", err)
	}
	for file, offset := range map[string]int64{"truncated.warc.gz": 955, "corrupt-member.warc.gz": 209} {
		if !reportsDamage(err, file, offset) {
			t.Errorf("Salvage error %v does not report %s at %d", err, file, offset)
		}
	}
	var got []string
	for _, c := range allCaptures(t, a) {
		got = append(got, c.File+" "+c.URL)
	}
	want := []string{
		"corrupt-member.warc.gz http://example.test/two", // after its corrupt member
		"truncated.warc.gz http://example.test/",         // its /two is the same capture, kept once
	}
	if !equalStrings(got, want) {
		t.Errorf("captures after Salvage %q, want %q", got, want)
	}
	mustCheck(t, a)

	// Import refuses what Salvage takes
	b := mustOpen(t, t.TempDir(), Options{})
	defer mustClose(t, b)
	if names, err := b.Import(context.Background(), srcs[0]); len(names) != 0 || err == nil || errors.Is(err, ErrSalvaged) {
		t.Errorf("Import of a damaged file: added %v, error %v; want it refused", names, err)
	}
}

// TestArchive_ImportDigestFault imports an uncompressed file whose
// response fails its block digest (one flipped bit): Import refuses it as
// it refuses a gzip member failing its CRC, naming the record; Salvage
// takes the file without that record, and the archive checks clean.
func TestArchive_ImportDigestFault(t *testing.T) {
	f := corpusFile(t, "digest-damaged.warc")
	src := filepath.Join(t.TempDir(), f.Name)
	if err := os.WriteFile(src, f.Data, 0o644); err != nil {
		t.Fatal(err)
	}
	a := mustOpen(t, t.TempDir(), Options{})
	defer mustClose(t, a)
	imps, err := a.Import(context.Background(), src)
	names := addedFiles(imps)
	var re *RecordError
	if len(names) != 0 || !errors.Is(err, ErrDigest) || !errors.As(err, &re) || re.Offset == 0 {
		t.Fatalf("Import of a file failing a digest: added %v, error %v; want it refused with a *RecordError wrapping ErrDigest", names, err)
	}
	if es, _ := a.Lookup("http://caucus-damage.example/"); len(es) != 0 {
		t.Errorf("refused import indexed %v", es)
	}
	imps, err = a.Salvage(context.Background(), src)
	names = addedFiles(imps)
	if len(names) != 1 || !errors.Is(err, ErrSalvaged) || !reportsDamage(err, f.Name, re.Offset) {
		t.Fatalf("Salvage: added %v, error %v; want the file, the damage at %d wrapped in ErrSalvaged", names, err, re.Offset)
	}
	if es, _ := a.Lookup("http://caucus-damage.example/"); len(es) != 0 {
		t.Errorf("the damaged response was kept: %v", es)
	}
	mustCheck(t, a)
}

// TestArchive_ImportRevisitElsewhere imports a recrawl whose revisits
// (one URL-agnostic) stand on a record of another file before that file:
// the recrawl is kept whole, its revisits wait for their original (Check
// lists them as waiting, not as problems, and Captures skips them without
// an error), and once the first crawl's file is imported each revisit
// gives the original's page.
func TestArchive_ImportRevisitElsewhere(t *testing.T) {
	paths := writeCorpus(t, "crawl-part2.warc.gz", "crawl-part1.warc.gz")
	const url = "https://caucus-parts.example/campaign"
	const agnostic = url + "?ref=newsletter" // its URL-agnostic revisit
	a := mustOpen(t, t.TempDir(), Options{})
	defer mustClose(t, a)
	if imps, err := a.Import(context.Background(), paths[0]); err != nil || len(imps) != 1 || imps[0].Records != 5 {
		t.Fatalf("Import of the recrawl: %+v, %v; want its 5 records", imps, err)
	}
	rep := mustCheck(t, a)
	if len(rep.Waiting) != 2 || !strings.Contains(rep.Waiting[0].String(), url) || !strings.Contains(rep.Waiting[1].String(), agnostic) {
		t.Errorf("Check: waiting %v, want the revisits of %s and %s", rep.Waiting, url, agnostic)
	}
	var got []string
	err := a.Captures(context.Background(), func(c record.Capture) error {
		got = append(got, c.URL)
		return nil
	})
	if err != nil || !equalStrings(got, []string{"https://caucus-parts.example/second"}) {
		t.Errorf("Captures before the original: %v, %v; want the recrawl's new page alone, no error", got, err)
	}
	if _, err := a.Import(context.Background(), paths[1]); err != nil {
		t.Fatal(err)
	}
	if rep := mustCheck(t, a); len(rep.Waiting) != 0 {
		t.Errorf("Check after the original arrived: waiting %v", rep.Waiting)
	}
	found := map[string]bool{}
	for _, c := range allCaptures(t, a) {
		if c.Revisit && strings.Contains(string(c.Body), "Octoberpart") && c.Time.Year() == 2024 && c.Time.Day() == 12 {
			found[c.URL] = true
		}
	}
	if !found[url] || !found[agnostic] {
		t.Errorf("revisits with the original's page after it arrived: %v, want %s and %s", found, url, agnostic)
	}
}

// TestArchive_ImportAfterRemoval imports a file again after its copy was
// taken out of the archive (and the index rebuilt): imports.jsonl does not
// stand in the way.
func TestArchive_ImportAfterRemoval(t *testing.T) {
	src := writeCorpus(t, "wpull.warc.gz")[0]
	dir := t.TempDir()
	a := mustOpen(t, dir, Options{})
	defer mustClose(t, a)
	if _, err := a.Import(context.Background(), src); err != nil {
		t.Fatal(err)
	}
	if err := os.Remove(filepath.Join(dir, "wpull.warc.gz")); err != nil {
		t.Fatal(err)
	}
	if err := a.Reindex(context.Background()); err != nil {
		t.Fatal(err)
	}
	imps, err := a.Import(context.Background(), src)
	if err != nil || len(imps) != 1 || imps[0].Repeat || imps[0].File != "wpull.warc.gz" || imps[0].Records != 4 {
		t.Errorf("Import after removal: %+v, %v; want the file's 4 records again", imps, err)
	}
	mustCheck(t, a)
}

// TestArchive_ImportKilled: the copy an import killed half way leaves is
// removed when the archive is opened next (its source is where it was),
// not taken for a crawl's file; the import then runs again as new.
func TestArchive_ImportKilled(t *testing.T) {
	src := writeCorpus(t, "wpull.warc.gz")[0]
	dir := t.TempDir()
	f := corpusFile(t, "wpull.warc.gz")
	half := filepath.Join(dir, "wpull.warc.gz"+importSuffix)
	if err := os.WriteFile(half, f.Data[:len(f.Data)/2], 0o644); err != nil {
		t.Fatal(err)
	}
	a := mustOpen(t, dir, Options{})
	defer mustClose(t, a)
	if _, err := os.Stat(half); !os.IsNotExist(err) {
		t.Errorf("the killed import's copy is still there: %v", err)
	}
	if files, _ := a.Files(); len(files) != 0 {
		t.Errorf("files after opening: %v, want none", files)
	}
	imps, err := a.Import(context.Background(), src)
	if err != nil || len(imps) != 1 || imps[0].File != "wpull.warc.gz" || imps[0].Records != 4 {
		t.Errorf("Import after the killed one: %+v, %v", imps, err)
	}
	mustCheck(t, a)
}
