package archive

import (
	"path/filepath"
	"testing"
	"time"
)

// withContext gives ex the crawl context a crawler hands over.
func withContext(ex *Exchange) *Exchange {
	ex.Via = "http://albu-core.test/"
	ex.Hops = "LL"
	ex.Outlinks = []string{"http://albu-core.test/posts/x L", "http://albu-core.test/logo.png E"}
	ex.FetchTime = 42 * time.Millisecond
	return ex
}

// TestArchive_WriteMetadataNotForRevisits writes a page with its crawl
// context, then the same payload again and a 304, both with context too:
// only the response gets a metadata record, concurrent to it and right
// after its request; the revisits get none. warcio.js must accept the file,
// metadata record included.
func TestArchive_WriteMetadataNotForRevisits(t *testing.T) {
	html := []byte(`<html><body><a href="/posts/x">x</a><img src="/logo.png"></body></html>`)
	const u = "http://albu-core.test/posts/page/2"
	dir := t.TempDir()
	a := mustOpen(t, dir, Options{})
	first := mustWrite(t, a, withContext(page(u, 200, html, "Content-Type: text/html", "Last-Modified: Wed, 01 Jun 2022 12:00:00 GMT")))
	again := withContext(page(u, 200, html, "Content-Type: text/html", "Last-Modified: Wed, 01 Jun 2022 12:00:00 GMT"))
	again.Date = testTime.Add(time.Hour)
	same := mustWrite(t, a, again)
	notModified := withContext(page(u, 304, nil, "Last-Modified: Wed, 01 Jun 2022 12:00:00 GMT"))
	notModified.Date = testTime.Add(2 * time.Hour)
	unchanged := mustWrite(t, a, notModified)
	if first.Revisit || !same.Revisit || !unchanged.Revisit {
		t.Fatalf("revisits: first %v, same payload %v, 304 %v; want false, true, true", first.Revisit, same.Revisit, unchanged.Revisit)
	}
	mustClose(t, a)

	recs := readFileRecords(t, dir)
	ids := map[string]string{} // record ID -> type
	var types []string
	var metas []readRecord
	for _, r := range recs {
		ids[r.ID()] = r.Type()
		types = append(types, r.Type())
		if r.Type() == TypeMetadata {
			metas = append(metas, r)
		}
	}
	wantTypes := []string{TypeWarcinfo, TypeResponse, TypeRequest, TypeMetadata, TypeRevisit, TypeRequest, TypeRevisit, TypeRequest}
	if len(types) != len(wantTypes) {
		t.Fatalf("records %v, want %v", types, wantTypes)
	}
	for i := range types {
		if types[i] != wantTypes[i] {
			t.Fatalf("records %v, want %v", types, wantTypes)
		}
	}
	for _, res := range []WriteResult{first, same, unchanged} {
		if got := recordAtEntry(t, recs, res.Entry).ID(); res.RecordID != got {
			t.Errorf("WriteResult.RecordID %q, but the record at its entry is %q", res.RecordID, got)
		}
	}
	m := metas[0]
	if got := m.Header.Get("WARC-Concurrent-To"); got != first.RecordID || ids[got] != TypeResponse {
		t.Errorf("metadata WARC-Concurrent-To %q (a %s), want the response %q", got, ids[got], first.RecordID)
	}
	if got := m.TargetURI(); got != u {
		t.Errorf("metadata WARC-Target-URI %q, want %q", got, u)
	}
	want := "via: http://albu-core.test/\r\nhopsFromSeed: LL\r\nfetchTimeMs: 42\r\n" +
		"outlink: http://albu-core.test/posts/x L\r\noutlink: http://albu-core.test/logo.png E\r\n"
	if string(m.Block) != want {
		t.Errorf("metadata block %q, want %q", m.Block, want)
	}

	finished, _ := warcFilesIn(t, dir)
	var metadata int
	for _, r := range warcioCheck(t, filepath.Join(dir, finished[0])) {
		if r.Type != TypeMetadata {
			continue
		}
		metadata++
		if r.BlockOK == nil || !*r.BlockOK {
			t.Errorf("warcio did not verify the block digest of the metadata record at %d", r.Offset)
		}
		if r.URI != u {
			t.Errorf("warcio read the metadata record's target as %q, want %q", r.URI, u)
		}
	}
	if metadata != 1 {
		t.Errorf("warcio found %d metadata records, want 1", metadata)
	}
}
