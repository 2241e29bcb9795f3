package archive

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
	"time"
)

// readFileRecords reads every record of every finished WARC file in dir, in
// name order.
func readFileRecords(t *testing.T, dir string) []readRecord {
	t.Helper()
	finished, _ := warcFilesIn(t, dir)
	var all []readRecord
	for _, name := range finished {
		f, err := os.Open(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		recs, err := readAll(t, f, name)
		f.Close()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		all = append(all, recs...)
	}
	return all
}

// recordAtEntry returns the record an entry points at among recs.
func recordAtEntry(t *testing.T, recs []readRecord, e Entry) readRecord {
	t.Helper()
	for _, r := range recs {
		if r.File == e.File && r.Offset == e.Offset {
			return r
		}
	}
	t.Fatalf("no record at %s %d", e.File, e.Offset)
	return readRecord{}
}

func TestArchive_Revisit(t *testing.T) {
	const u = "http://albu-core.test/2017/10/23/ucore-report-back/"
	body := []byte("<article>UCORE report back</article>")
	at := func(day int) time.Time { return time.Date(2024, 2, day, 9, 0, 0, 0, time.UTC) }
	capture := func(day, status int, b []byte, url string) *Exchange {
		ex := page(url, status, b, "Content-Type: text/html", "ETag: \"v1\"")
		ex.Date = at(day)
		return ex
	}
	tests := []struct {
		name        string
		ex          *Exchange
		reopen      bool // close and reopen the archive first
		wantRevisit bool
		wantProfile string
		wantStatus  int // status Captures reports
	}{
		{"identical payload", capture(2, 200, body, u), false, true, ProfileIdenticalPayload, 200},
		{"identical payload after reopening", capture(3, 200, body, u), true, true, ProfileIdenticalPayload, 200},
		{"changed payload", capture(4, 200, []byte("<article>edited</article>"), u), false, false, "", 200},
		{"same payload, other URL", capture(5, 200, body, "http://albu-core.test/copy/"), false, false, "", 200},
		{"304 not modified", capture(6, 304, nil, u), false, true, ProfileServerNotModified, 200},
		{"404 of a new URL", capture(7, 404, body, "http://albu-core.test/gone/"), false, false, "", 404},
		{"truncated identical payload", func() *Exchange { ex := capture(8, 200, body, u); ex.Truncated = "time"; return ex }(), false, false, "", 200},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := t.TempDir()
			a := mustOpen(t, dir, Options{})
			orig := mustWrite(t, a, capture(1, 200, body, u))
			if tt.reopen {
				mustClose(t, a)
				a = mustOpen(t, dir, Options{})
			}
			res := mustWrite(t, a, tt.ex)
			mustClose(t, a)
			if res.Revisit != tt.wantRevisit || res.Entry.Revisit() != tt.wantRevisit {
				t.Fatalf("Write revisit = %v (entry mime %q), want %v", res.Revisit, res.Entry.Mime, tt.wantRevisit)
			}
			recs := readFileRecords(t, dir)
			origRec := recordAtEntry(t, recs, orig.Entry)
			rec := recordAtEntry(t, recs, res.Entry)
			if tt.wantRevisit {
				checks := map[string]string{
					"WARC-Type":                 TypeRevisit,
					"WARC-Profile":              tt.wantProfile,
					"WARC-Refers-To":            origRec.ID(),
					"WARC-Refers-To-Target-URI": u,
					"WARC-Refers-To-Date":       origRec.Header.Get("WARC-Date"),
					"WARC-Payload-Digest":       wantSHA1(body),
				}
				if tt.wantProfile == ProfileIdenticalPayload {
					checks["WARC-Truncated"] = "length"
				}
				for name, want := range checks {
					if got := rec.Header.Get(name); got != want {
						t.Errorf("revisit %s = %q, want %q", name, got, want)
					}
				}
				if !bytes.Equal(rec.Block, tt.ex.ResponseHead) {
					t.Errorf("revisit block %q, want the response head %q", rec.Block, tt.ex.ResponseHead)
				}
			} else if rec.Type() != TypeResponse {
				t.Errorf("record type %q, want response", rec.Type())
			}

			a = mustOpen(t, dir, Options{})
			defer mustClose(t, a)
			cs := allCaptures(t, a)
			if len(cs) != 2 {
				t.Fatalf("Captures gave %d captures, want 2", len(cs))
			}
			c := cs[1]
			if c.Offset != res.Entry.Offset {
				c = cs[0]
			}
			wantBody := tt.ex.Body
			if tt.wantRevisit {
				wantBody = body
			}
			if c.Revisit != tt.wantRevisit || !bytes.Equal(c.Body, wantBody) || c.Status != tt.wantStatus || !c.Time.Equal(tt.ex.Date) {
				t.Errorf("capture: revisit %v, status %d, time %s, body %q; want %v, %d, %s, %q",
					c.Revisit, c.Status, c.Time, c.Body, tt.wantRevisit, tt.wantStatus, tt.ex.Date, wantBody)
			}
		})
	}
}

func TestArchive_Metadata(t *testing.T) {
	dir := t.TempDir()
	a := mustOpen(t, dir, Options{})
	ex := page("http://turnweb.test/posts/page/2", 200, []byte("<a href=/posts/x>x</a>"), "Content-Type: text/html")
	ex.Via = "http://turnweb.test/"
	ex.Hops = "LL"
	ex.Outlinks = []string{"http://turnweb.test/posts/x", "http://turnweb.test/posts/y"}
	ex.FetchTime = 1234 * time.Millisecond
	res := mustWrite(t, a, ex)
	plain := mustWrite(t, a, page("http://turnweb.test/plain", 200, []byte("x")))
	mustClose(t, a)

	recs := readFileRecords(t, dir)
	resp := recordAtEntry(t, recs, res.Entry)
	var metas []readRecord
	for _, r := range recs {
		if r.Type() == TypeMetadata {
			metas = append(metas, r)
		}
	}
	if len(metas) != 1 {
		t.Fatalf("%d metadata records, want 1 (none for an exchange without context)", len(metas))
	}
	m := metas[0]
	if got := m.Header.Get("WARC-Concurrent-To"); got != resp.ID() {
		t.Errorf("metadata WARC-Concurrent-To %q, want %q", got, resp.ID())
	}
	if got := m.Header.Get("Content-Type"); got != "application/warc-fields" {
		t.Errorf("metadata Content-Type %q", got)
	}
	want := "via: http://turnweb.test/\r\nhopsFromSeed: LL\r\nfetchTimeMs: 1234\r\n" +
		"outlink: http://turnweb.test/posts/x\r\noutlink: http://turnweb.test/posts/y\r\n"
	if string(m.Block) != want {
		t.Errorf("metadata block %q, want %q", m.Block, want)
	}
	if m.Offset >= plain.Entry.Offset || m.Offset <= res.Entry.Offset {
		t.Errorf("metadata at %d is not within its exchange (%d..%d)", m.Offset, res.Entry.Offset, plain.Entry.Offset)
	}
}
