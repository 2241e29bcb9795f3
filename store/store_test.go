package store

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"rankfile/record"
)

func mustOpen(t *testing.T) *Store {
	t.Helper()
	s, err := Open(filepath.Join(t.TempDir(), "records", "store.db"))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func update(t *testing.T, s *Store, fn func(*Tx) error) {
	t.Helper()
	if err := s.Update(context.Background(), fn); err != nil {
		t.Fatal(err)
	}
}

func post(id, url, text string) record.Record {
	return record.Record{ID: id, Kind: record.KindPost, URL: url, Title: id, Text: text}
}

func TestStore_Captures(t *testing.T) {
	s := mustOpen(t)
	var seqs []uint64
	update(t, s, func(tx *Tx) (err error) {
		seqs, err = tx.AddCapture("a.warc.gz@0", "http://x.test/a", []record.Record{post("a", "http://x.test/a", "one"), post("b", "http://x.test/a", "two")})
		if err != nil {
			return err
		}
		return tx.SkipCapture("a.warc.gz@900", "http://x.test/huge", "page too large")
	})
	if len(seqs) != 2 || seqs[1] <= seqs[0] {
		t.Fatalf("sequence numbers %v, want two, rising", seqs)
	}
	update(t, s, func(tx *Tx) error {
		for place, want := range map[string]bool{"a.warc.gz@0": true, "a.warc.gz@900": true, "a.warc.gz@1": false} {
			if got, err := tx.Extracted(place); err != nil || got != want {
				t.Errorf("Extracted(%s) = %v, %v; want %v", place, got, err, want)
			}
		}
		r, err := tx.Raw(seqs[1])
		if err != nil || r.Text != "two" {
			t.Errorf("Raw(%d) = %+v, %v", seqs[1], r, err)
		}
		var skipped []Skip
		if err := tx.Skipped(func(sk Skip) error { skipped = append(skipped, sk); return nil }); err != nil {
			return err
		}
		if len(skipped) != 1 || skipped[0].URL != "http://x.test/huge" || skipped[0].Reason != "page too large" {
			t.Errorf("skipped %+v", skipped)
		}
		return nil
	})
}

func TestStore_Keys(t *testing.T) {
	s := mustOpen(t)
	update(t, s, func(tx *Tx) error {
		seqs, err := tx.AddCapture("f@0", "http://x.test/", []record.Record{post("a", "u", "1"), post("b", "u", "2"), post("c", "u", "3")})
		if err != nil {
			return err
		}
		bin := "d\x00page\x00" + string([]byte{0, 0xff, 0x80, 'x'}) // content hashes are binary
		for i, keys := range [][]string{{"p\x00x.test/a", bin}, {"p\x00x.test/a"}, {bin, "t\x00x.test/b"}} {
			if err := tx.SetKeys(seqs[i], keys); err != nil {
				return err
			}
		}
		if err := tx.SetKeys(seqs[0], []string{bin}); err != nil { // replaces its keys
			return err
		}
		for key, want := range map[string][]uint64{"p\x00x.test/a": {seqs[1]}, bin: {seqs[0], seqs[2]}, "t\x00x.test/b": {seqs[2]}, "p\x00x.test/b": nil} {
			if got, err := tx.Lookup(key); err != nil || !slices.Equal(got, want) {
				t.Errorf("Lookup(%q) = %v, %v; want %v", key, got, err, want)
			}
		}
		if got, _ := tx.Keys(seqs[2]); len(got) != 2 || !slices.Contains(got, bin) {
			t.Errorf("Keys(%d) = %q", seqs[2], got)
		}
		return nil
	})
}

// TestStore_Records checks the assembled records: kept, read by ID and in
// order, and every change marked dirty for the index once.
func TestStore_Records(t *testing.T) {
	s := mustOpen(t)
	ctx := context.Background()
	a, b := post("a", "http://x.test/a", "the strike"), post("b", "http://x.test/b", "the vote")
	var seqs []uint64
	update(t, s, func(tx *Tx) (err error) {
		if seqs, err = tx.AddCapture("f@0", "http://x.test/", []record.Record{a, b}); err != nil {
			return err
		}
		if err := tx.Put(seqs[0], "a@1", a); err != nil { // as extracted: kept by reference
			return err
		}
		dated := b
		dated.Published = "2024-01-02"
		return tx.Put(seqs[1], "b@1", dated)
	})
	// dirty returns the dirty documents as Dirty gives them, and checks
	// that DirtyDocs and DirtyJSON (an export's reads, which do not decode
	// the records) tell the same
	dirty := func() map[string]string {
		t.Helper()
		got, docs, lines := map[string]string{}, map[string]string{}, map[string]string{}
		if err := s.View(ctx, func(tx *Tx) error {
			return errors.Join(tx.Dirty(func(doc string, r *record.Record) error {
				got[doc] = "deleted"
				if r != nil {
					got[doc] = r.ID + " " + r.Published
				}
				return nil
			}), tx.DirtyDocs(func(doc string, kept bool) error {
				docs[doc] = map[bool]string{true: "kept", false: "deleted"}[kept]
				return nil
			}), tx.DirtyJSON(func(doc string, line []byte) error {
				var r record.Record
				if !bytes.HasSuffix(line, []byte("}\n")) || json.Unmarshal(line, &r) != nil {
					t.Errorf("DirtyJSON gave %s the line %q", doc, line)
				}
				lines[doc] = r.ID + " " + r.Published
				return nil
			}))
		}); err != nil {
			t.Fatal(err)
		}
		for doc, v := range got {
			if want := map[bool]string{true: "kept", false: "deleted"}[v != "deleted"]; docs[doc] != want {
				t.Errorf("DirtyDocs: %s %q, want %q", doc, docs[doc], want)
			}
			if line, ok := lines[doc]; ok != (v != "deleted") || ok && line != v {
				t.Errorf("DirtyJSON: %s %q (given: %v), want %q", doc, line, ok, v)
			}
		}
		if len(docs) != len(got) {
			t.Errorf("DirtyDocs gave %v, Dirty %v", docs, got)
		}
		return got
	}
	if got := dirty(); len(got) != 2 || got["b@1"] != "b 2024-01-02" || got["a@1"] != "a " {
		t.Errorf("dirty after the first puts: %v", got)
	}
	var mark int64
	update(t, s, func(tx *Tx) (err error) { mark, err = tx.DirtyMark(); return err })
	update(t, s, func(tx *Tx) error { return tx.Delete(seqs[1]) }) // marked after the mark: stays dirty
	update(t, s, func(tx *Tx) error { return tx.ClearDirty(mark) })
	if got := dirty(); len(got) != 1 || got["b@1"] != "deleted" {
		t.Errorf("dirty after clearing up to a mark: %v, want b@1 (marked since)", got)
	}
	update(t, s, func(tx *Tx) error { // put back, then all clear
		dated := b
		dated.Published = "2024-01-02"
		if err := tx.Put(seqs[1], "b@1", dated); err != nil {
			return err
		}
		mark, err := tx.DirtyMark()
		if err != nil {
			return err
		}
		return tx.ClearDirty(mark)
	})
	update(t, s, func(tx *Tx) error { // the same again: no change
		dated := b
		dated.Published = "2024-01-02"
		return errors.Join(tx.Put(seqs[0], "a@1", a), tx.Put(seqs[1], "b@1", dated))
	})
	if got := dirty(); len(got) != 0 {
		t.Errorf("putting the same records marked %v dirty", got)
	}
	update(t, s, func(tx *Tx) error { return tx.Delete(seqs[0]) })
	if got := dirty(); len(got) != 1 || got["a@1"] != "deleted" {
		t.Errorf("dirty after a delete: %v", got)
	}
	s.View(ctx, func(tx *Tx) error {
		var ids []string
		tx.Records(func(_ uint64, r record.Record) error { ids = append(ids, r.ID+" "+r.Published); return nil })
		if !slices.Equal(ids, []string{"b 2024-01-02"}) {
			t.Errorf("records %q", ids)
		}
		if rs, err := tx.ByID("b"); err != nil || len(rs) != 1 || rs[0].Text != "the vote" {
			t.Errorf("ByID(b) = %v, %v", rs, err)
		}
		var lines []string
		tx.RecordsJSON(func(_ uint64, line []byte) error { lines = append(lines, string(line)); return nil })
		if len(lines) != 1 || !strings.HasSuffix(lines[0], "}\n") || !strings.Contains(lines[0], `"published":"2024-01-02"`) {
			t.Errorf("JSON lines %q", lines)
		}
		return nil
	})
}

func TestStore_Organizations(t *testing.T) {
	s := mustOpen(t)
	update(t, s, func(tx *Tx) error {
		for i, o := range []Organization{{"Caucus of Working Educators", "WE"}, {"Teachers' Democracy Project", "TDP"}, {"Caucus of Working Educators", "CWE"}} {
			added, err := tx.AddOrganization(o.Name, o.Acronym, uint64(10-i))
			if err != nil || added != (i < 2) {
				t.Errorf("AddOrganization(%q) = %v, %v", o.Name, added, err)
			}
		}
		orgs, err := tx.Organizations()
		if err != nil || len(orgs) != 2 || orgs[0].Acronym != "TDP" || orgs[1].Acronym != "WE" {
			t.Errorf("organizations %v, %v; want TDP (seen first), then WE", orgs, err)
		}
		return nil
	})
}

// TestStore_Reopen checks that a store keeps what it holds across runs and
// that a reader is told when there is none.
func TestStore_Reopen(t *testing.T) {
	path := filepath.Join(t.TempDir(), "store.db")
	if _, err := OpenExisting(path); !errors.Is(err, ErrNoStore) {
		t.Fatalf("OpenExisting of nothing: %v, want ErrNoStore", err)
	}
	s, err := Open(path)
	if err != nil {
		t.Fatal(err)
	}
	update(t, s, func(tx *Tx) error {
		seqs, err := tx.AddCapture("f@0", "u", []record.Record{post("a", "u", "x")})
		if err != nil {
			return err
		}
		return tx.Put(seqs[0], "a@1", post("a", "u", "x"))
	})
	s.Close()
	s, err = OpenExisting(path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	s.View(context.Background(), func(tx *Tx) error {
		if n, err := tx.Count(); n != 1 || err != nil {
			t.Errorf("Count() = %d, %v after reopening, want 1", n, err)
		}
		return nil
	})
}

// TestStore_LargeRecord keeps a record of 70 MB, larger than a line reader
// of 64 MB takes (issue 17): it must go in and come out whole.
func TestStore_LargeRecord(t *testing.T) {
	s := mustOpen(t)
	big := post("big", "http://x.test/big", strings.Repeat("rank and file ", 5<<20))
	update(t, s, func(tx *Tx) error {
		seqs, err := tx.AddCapture("f@0", big.URL, []record.Record{big})
		if err != nil {
			return err
		}
		return tx.Put(seqs[0], "big@1", big)
	})
	s.View(context.Background(), func(tx *Tx) error {
		rs, err := tx.ByID("big")
		if err != nil || len(rs) != 1 || len(rs[0].Text) != len(big.Text) {
			t.Errorf("ByID(big): %d records, %v", len(rs), err)
		}
		return nil
	})
}

// TestStore_TooLarge checks that a capture with a record over the limit is
// refused whole, and the transaction goes on.
func TestStore_TooLarge(t *testing.T) {
	defer func(n int) { maxRecordSize = n }(maxRecordSize)
	maxRecordSize = 1000
	s := mustOpen(t)
	update(t, s, func(tx *Tx) error {
		_, err := tx.AddCapture("f@0", "http://x.test/big", []record.Record{post("a", "u", "small"), post("b", "u", strings.Repeat("x", 2000))})
		if !errors.Is(err, ErrTooLarge) {
			t.Errorf("AddCapture of a record over the limit: %v, want ErrTooLarge", err)
		}
		if done, _ := tx.Extracted("f@0"); done {
			t.Error("a refused capture is noted as extracted")
		}
		seqs, err := tx.AddCapture("f@1", "http://x.test/a", []record.Record{post("c", "u", "small")})
		if err != nil || len(seqs) != 1 {
			t.Errorf("the next capture: %v, %v", seqs, err)
		}
		if r, err := tx.Raw(1); err != nil || r.ID != "c" {
			t.Errorf("first extracted record: %s, %v; want c (the refused capture's records are not kept)", r.ID, err)
		}
		return nil
	})
}
