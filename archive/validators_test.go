package archive

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestArchive_Validators follows one URL through a full capture, an
// identical-payload revisit with new validators and a 304 that repeats only
// the ETag: Latest must give the validators a conditional GET needs after
// each, also once the archive is reopened or reindexed.
func TestArchive_Validators(t *testing.T) {
	const u = "http://turnweb.test/posts/contract"
	body := []byte("<p>The contract campaign.</p>")
	const (
		lm1 = "Wed, 01 Jun 2022 12:00:00 GMT"
		lm2 = "Thu, 02 Jun 2022 12:00:00 GMT"
	)
	steps := []struct {
		name             string
		status           int
		body             []byte
		headers          []string
		wantRevisit      bool
		wantOwnETag      string // as recorded in the index (Lookup)
		wantOwnLM        string
		wantETag, wantLM string // as Latest gives them
	}{
		{"full capture", 200, body, []string{"Content-Type: text/html", `ETag: "v1"`, "Last-Modified: " + lm1},
			false, `"v1"`, lm1, `"v1"`, lm1},
		{"same payload, new validators", 200, body, []string{"Content-Type: text/html", `ETag: W/"v2"`, "Last-Modified: " + lm2},
			true, `W/"v2"`, lm2, `W/"v2"`, lm2},
		{"304 with ETag only", 304, nil, []string{`ETag: "v1"`},
			true, `"v1"`, "", `"v1"`, lm1},
		{"no validators at all", 200, []byte("<p>changed</p>"), []string{"Content-Type: text/html"},
			false, "", "", "", ""},
	}
	dir := t.TempDir()
	a := mustOpen(t, dir, Options{})
	for i, s := range steps {
		t.Run(s.name, func(t *testing.T) {
			ex := page(u, s.status, s.body, s.headers...)
			ex.Date = testTime.Add(time.Duration(i) * time.Hour)
			res := mustWrite(t, a, ex)
			if res.Revisit != s.wantRevisit {
				t.Fatalf("revisit %v, want %v", res.Revisit, s.wantRevisit)
			}
			if got := res.Entry; got.ETag != s.wantOwnETag || got.LastModified != s.wantOwnLM {
				t.Errorf("written entry validators %q, %q; want %q, %q", got.ETag, got.LastModified, s.wantOwnETag, s.wantOwnLM)
			}
			latest := mustLatest(t, a, u)
			if latest.ETag != s.wantETag || latest.LastModified != s.wantLM {
				t.Errorf("Latest validators %q, %q; want %q, %q", latest.ETag, latest.LastModified, s.wantETag, s.wantLM)
			}
		})
	}
	want, err := a.Lookup(u)
	if err != nil {
		t.Fatal(err)
	}
	mustClose(t, a)

	same := func(t *testing.T, a *Archive) {
		t.Helper()
		got, err := a.Lookup(u)
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != len(want) {
			t.Fatalf("%d entries, want %d", len(got), len(want))
		}
		for i := range got {
			if got[i] != want[i] {
				t.Errorf("entry %d = %+v, want %+v", i, got[i], want[i])
			}
		}
		// The 304 (third capture) inherits Last-Modified from the original.
		if e, err := a.Nearest(u, testTime.Add(2*time.Hour)); err != nil || e.ETag != `"v1"` || e.LastModified != lm1 {
			t.Errorf("Nearest the 304: %q, %q, %v; want %q, %q", e.ETag, e.LastModified, err, `"v1"`, lm1)
		}
		rep, err := a.Check(context.Background())
		if err != nil || !rep.OK() {
			t.Errorf("Check: %v %v", err, rep.Problems)
		}
	}
	t.Run("reopened", func(t *testing.T) {
		a := mustOpen(t, dir, Options{})
		defer mustClose(t, a)
		same(t, a)
	})
	t.Run("reindexed", func(t *testing.T) {
		if err := os.Remove(filepath.Join(dir, indexName)); err != nil {
			t.Fatal(err)
		}
		a := mustOpen(t, dir, Options{})
		defer mustClose(t, a)
		if err := a.Reindex(context.Background()); err != nil {
			t.Fatal(err)
		}
		same(t, a)
	})
}

// TestArchive_ValidatorsOldIndex opens an index written before validators
// were kept: it loads, Check does not call its entries wrong, and Reindex
// adds the validators.
func TestArchive_ValidatorsOldIndex(t *testing.T) {
	const u = "http://albu-core.test/"
	dir := t.TempDir()
	a := mustOpen(t, dir, Options{})
	mustWrite(t, a, page(u, 200, []byte("home"), "Content-Type: text/html", `ETag: "a"`))
	mustClose(t, a)
	path := filepath.Join(dir, indexName)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	old := strings.Replace(string(data), `,"etag":"\"a\""`, "", 1)
	if old == string(data) {
		t.Fatalf("index line has no etag field: %s", data)
	}
	if err := os.WriteFile(path, []byte(old), 0o644); err != nil {
		t.Fatal(err)
	}

	a = mustOpen(t, dir, Options{})
	defer mustClose(t, a)
	if e := mustLatest(t, a, u); e.ETag != "" {
		t.Errorf("old index entry has ETag %q", e.ETag)
	}
	if rep, err := a.Check(context.Background()); err != nil || !rep.OK() {
		t.Errorf("Check of an old index: %v %v", err, rep.Problems)
	}
	if err := a.Reindex(context.Background()); err != nil {
		t.Fatal(err)
	}
	if e := mustLatest(t, a, u); e.ETag != `"a"` {
		t.Errorf("after Reindex, ETag %q, want %q", e.ETag, `"a"`)
	}
}

// TestArchive_CheckFindsWrongValidators makes sure Check compares the
// validators an index entry holds with its record's.
func TestArchive_CheckFindsWrongValidators(t *testing.T) {
	const u = "http://albu-core.test/"
	dir := t.TempDir()
	a := mustOpen(t, dir, Options{})
	mustWrite(t, a, page(u, 200, []byte("home"), "Content-Type: text/html", `ETag: "a"`))
	mustClose(t, a)
	path := filepath.Join(dir, indexName)
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, []byte(strings.Replace(string(data), `\"a\"`, `\"b\"`, 1)), 0o644); err != nil {
		t.Fatal(err)
	}
	a = mustOpen(t, dir, Options{})
	defer mustClose(t, a)
	rep, err := a.Check(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Problems) != 1 || !errors.Is(rep.Problems[0].Err, ErrIndex) || !strings.Contains(rep.Problems[0].Err.Error(), "etag") {
		t.Errorf("Check found %v, want one etag mismatch", rep.Problems)
	}
}

func mustLatest(tb testing.TB, a *Archive, url string) Entry {
	tb.Helper()
	e, err := a.Latest(url)
	if err != nil {
		tb.Fatalf("Latest(%s): %v", url, err)
	}
	return e
}
