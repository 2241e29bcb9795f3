package extract

import (
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
	"time"

	"rankfile/fixtures"
	"rankfile/record"
)

// memRecords is a store of extracted and assembled records in memory, as
// package store keeps them on disk, for Assemble's tests.
type memRecords struct {
	raw     []record.Record // seq i+1 at i
	keys    map[uint64][]string
	byKey   map[string][]uint64
	out     map[uint64]record.Record
	into    map[uint64]uint64
	lookups int
}

func newMemRecords() *memRecords {
	return &memRecords{keys: map[uint64][]string{}, byKey: map[string][]uint64{}, out: map[uint64]record.Record{}, into: map[uint64]uint64{}}
}

func (m *memRecords) Raw(seq uint64) (record.Record, error) { return m.raw[seq-1], nil }
func (m *memRecords) Keys(seq uint64) ([]string, error)     { return m.keys[seq], nil }
func (m *memRecords) Lookup(key string) ([]uint64, error) {
	m.lookups++
	return m.byKey[key], nil
}

// add keeps recs as extracted and assembles them with what they change,
// as the pipeline does with a batch of captures.
func (m *memRecords) add(t *testing.T, recs []record.Record) *Part {
	t.Helper()
	var fresh []uint64
	for _, r := range recs {
		m.raw = append(m.raw, r)
		fresh = append(fresh, uint64(len(m.raw)))
	}
	p, err := Assemble(m, fresh)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range p.Seqs {
		if k, ok := m.into[s]; ok {
			delete(m.out, k)
		}
		delete(m.into, s)
		for _, k := range m.keys[s] {
			m.byKey[k] = slices.DeleteFunc(m.byKey[k], func(x uint64) bool { return x == s })
		}
		m.keys[s] = p.Filed[s]
		for _, k := range p.Filed[s] {
			m.byKey[k] = append(m.byKey[k], s)
		}
	}
	for s, k := range p.Into {
		m.into[s] = k
	}
	for i, r := range p.Records {
		m.out[p.Keys[i]] = r
	}
	return p
}

// all returns the assembled records in archive order.
func (m *memRecords) all() []record.Record {
	keys := make([]uint64, 0, len(m.out))
	for k := range m.out {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var out []record.Record
	for _, k := range keys {
		out = append(out, m.out[k])
	}
	return out
}

// TestAssemble_SameAsWhole feeds the fixture web's records, crawled twice,
// in batches of random sizes and checks that assembling batch by batch
// gives what assembling the whole archive at once gives.
func TestAssemble_SameAsWhole(t *testing.T) {
	var crawl []record.Record
	for _, p := range fixtures.Pages() {
		crawl = append(crawl, mustExtractFixture(t, p)...)
	}
	second := slices.Clone(crawl)
	for i := range second {
		second[i].Captured = time.Date(2025, 1, 2, 0, 0, 0, 0, time.UTC)
	}
	all := append(slices.Clone(crawl), second...)
	want := Dedupe(ResolveTeasers(all))
	for seed := range uint64(5) {
		rng := rand.New(rand.NewPCG(seed, 1))
		m := newMemRecords()
		for rest := all; len(rest) > 0; {
			n := min(1+rng.IntN(12), len(rest))
			m.add(t, rest[:n])
			rest = rest[n:]
		}
		if got := m.all(); !reflect.DeepEqual(got, want) {
			t.Errorf("seed %d: assembled in batches: %d records, whole: %d", seed, len(got), len(want))
			for i := range min(len(got), len(want)) {
				if !reflect.DeepEqual(got[i], want[i]) {
					t.Errorf("first difference at %d:\n got %+v\nwant %+v", i, got[i], want[i])
					break
				}
			}
		}
	}
}

// TestAssemble_Local checks that a new capture's records reach only the
// records they are tied to: adding one page to a large archive reads a
// few records, not the archive.
func TestAssemble_Local(t *testing.T) {
	m := newMemRecords()
	var batch []record.Record
	for i := range 2000 {
		u := "http://site.test/p/" + string(rune('a'+i%26)) + "/" + time.Duration(i).String()
		batch = append(batch, record.Record{ID: record.MakeID(record.KindPage, u, ""), Kind: record.KindPage, URL: u,
			Title: "Page " + time.Duration(i).String(), Text: "text of page " + time.Duration(i).String()})
	}
	m.add(t, batch)
	teaser := record.Record{ID: "t", Kind: record.KindPost, URL: "http://site.test/", Title: "Page 7ns",
		Link: batch[7].URL, Published: "2024-05-01", Text: "excerpt"}
	m.lookups = 0
	p := m.add(t, []record.Record{teaser})
	if len(p.Seqs) != 2 {
		t.Errorf("a teaser assembled %d records, want 2 (itself and its post)", len(p.Seqs))
	}
	if m.lookups > 20 {
		t.Errorf("a teaser took %d lookups, want a few", m.lookups)
	}
	got := m.out[8]
	if got.Kind != record.KindPost || got.Published != "2024-05-01" {
		t.Errorf("the teaser's page: %s published %q, want a post of 2024-05-01", got.Kind, got.Published)
	}
	if len(m.out) != 2000 {
		t.Errorf("%d records, want 2000 (the teaser gives way to its post)", len(m.out))
	}
}
