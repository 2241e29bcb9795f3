package archive

import (
	"errors"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

func TestArchive_LookupLatestNearest(t *testing.T) {
	a := mustOpen(t, t.TempDir(), Options{})
	defer mustClose(t, a)
	const u = "http://www.bmorecaucus.test/community-partnerships"
	days := []int{1, 10, 20}
	for i, d := range days {
		ex := page(u, 200, []byte("version "+itoa(i)), "Content-Type: text/html")
		ex.Date = time.Date(2024, 1, d, 12, 0, 0, 0, time.UTC)
		mustWrite(t, a, ex)
	}
	mustWrite(t, a, page("http://www.bmorecaucus.test/", 200, []byte("home")))

	es, err := a.Lookup("https://bmorecaucus.test/community-partnerships#x") // same SURT key
	if err != nil {
		t.Fatal(err)
	}
	if len(es) != 3 {
		t.Fatalf("Lookup gave %d entries, want 3", len(es))
	}
	for i, e := range es {
		if e.Time.Day() != days[i] {
			t.Errorf("entry %d from day %d, want %d (oldest first)", i, e.Time.Day(), days[i])
		}
	}
	latest, err := a.Latest(u)
	if err != nil || latest.Time.Day() != 20 {
		t.Errorf("Latest = day %d, %v; want day 20", latest.Time.Day(), err)
	}
	tests := []struct {
		name    string
		at      time.Time
		wantDay int
	}{
		{"before all", time.Date(2023, 1, 1, 0, 0, 0, 0, time.UTC), 1},
		{"closer to 10", time.Date(2024, 1, 14, 0, 0, 0, 0, time.UTC), 10},
		{"tie takes earlier", time.Date(2024, 1, 15, 12, 0, 0, 0, time.UTC), 10},
		{"after all", time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), 20},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e, err := a.Nearest(u, tt.at)
			if err != nil || e.Time.Day() != tt.wantDay {
				t.Errorf("Nearest(%s) = day %d, %v; want day %d", tt.at, e.Time.Day(), err, tt.wantDay)
			}
		})
	}
	if _, err := a.Latest("http://never.test/"); !errors.Is(err, ErrNotFound) {
		t.Errorf("Latest of an unknown URL: %v, want ErrNotFound", err)
	}
	if _, err := a.Nearest("http://never.test/", time.Now()); !errors.Is(err, ErrNotFound) {
		t.Errorf("Nearest of an unknown URL: %v, want ErrNotFound", err)
	}
	if es, err := a.Lookup("http://never.test/"); err != nil || len(es) != 0 {
		t.Errorf("Lookup of an unknown URL = %v, %v; want nothing", es, err)
	}
}

func TestArchive_IndexFile(t *testing.T) {
	dir := t.TempDir()
	a := mustOpen(t, dir, Options{})
	for _, u := range []string{"http://b.test/z", "http://a.test/", "http://b.test/a?y=1&x=2"} {
		mustWrite(t, a, page(u, 200, []byte(u), "Content-Type: text/html; charset=utf-8"))
	}
	mustClose(t, a)
	data, err := os.ReadFile(filepath.Join(dir, indexName))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSuffix(string(data), "\n"), "\n")
	if !slices.IsSorted(lines) {
		t.Errorf("index.cdxj not sorted:\n%s", data)
	}
	wantKeys := []string{"test,a)/ ", "test,b)/a?x=2&y=1 ", "test,b)/z "}
	for i, l := range lines {
		if !strings.HasPrefix(l, wantKeys[i]) {
			t.Errorf("line %d %q, want key %q", i, l, wantKeys[i])
		}
		if !strings.Contains(l, ` 20240305143015 {"url":`) || !strings.Contains(l, `"mime":"text/html","status":"200","digest":"`) {
			t.Errorf("line %d %q is not a pywb CDXJ line", i, l)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, journalName)); !os.IsNotExist(err) {
		t.Errorf("journal left after Close: %v", err)
	}
}

func TestParseEntry(t *testing.T) {
	tests := []struct {
		name    string
		line    string
		want    Entry
		wantErr bool
	}{
		{
			name: "pywb line",
			line: `com,example)/ 20170730223850 {"url": "http://example.com/", "mime": "text/html", "status": "200", "digest": "G7HRM7BGOKSKMSXZAHMUQTTV53QOFSMK", "length": "1219", "offset": "771", "filename": "example.warc.gz"}`,
			want: Entry{Key: "com,example)/", URL: "http://example.com/", Time: time.Date(2017, 7, 30, 22, 38, 50, 0, time.UTC),
				Status: 200, Mime: "text/html", Digest: "sha1:G7HRM7BGOKSKMSXZAHMUQTTV53QOFSMK", Length: 1219, Offset: 771, File: "example.warc.gz"},
		},
		{
			name: "bare numbers, revisit",
			line: `com,example)/ 20170730223850 {"url":"http://example.com/","mime":"warc/revisit","length":12,"offset":0,"filename":"x.warc.gz"}`,
			want: Entry{Key: "com,example)/", URL: "http://example.com/", Time: time.Date(2017, 7, 30, 22, 38, 50, 0, time.UTC),
				Mime: revisitMime, Length: 12, File: "x.warc.gz"},
		},
		{
			name: "validators",
			line: `com,example)/ 20170730223850 {"url":"http://example.com/","mime":"text/html","status":"200","length":"9","offset":"0","filename":"x.warc.gz","etag":"W/\"1\"","last_modified":"Wed, 01 Jun 2022 12:00:00 GMT"}`,
			want: Entry{Key: "com,example)/", URL: "http://example.com/", Time: time.Date(2017, 7, 30, 22, 38, 50, 0, time.UTC),
				Status: 200, Mime: "text/html", Length: 9, File: "x.warc.gz", ETag: `W/"1"`, LastModified: "Wed, 01 Jun 2022 12:00:00 GMT"},
		},
		{name: "no json", line: `com,example)/ 20170730223850`, wantErr: true},
		{name: "bad timestamp", line: `com,example)/ 2017 {}`, wantErr: true},
		{name: "bad length", line: `k 20170730223850 {"length":"x","offset":"0"}`, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := parseEntry(tt.line)
			if (err != nil) != tt.wantErr {
				t.Fatalf("parseEntry error %v, want error %v", err, tt.wantErr)
			}
			if !tt.wantErr && got != tt.want {
				t.Errorf("parseEntry = %+v, want %+v", got, tt.want)
			}
			if !tt.wantErr && got.Line() != mustReparse(t, got.Line()).Line() {
				t.Errorf("line does not round trip: %s", got.Line())
			}
		})
	}
}

func mustReparse(t *testing.T, line string) Entry {
	t.Helper()
	e, err := parseEntry(line)
	if err != nil {
		t.Fatalf("reparse %q: %v", line, err)
	}
	return e
}

func TestArchive_Rotation(t *testing.T) {
	dir := t.TempDir()
	a := mustOpen(t, dir, Options{MaxFileSize: 4 << 10})
	var entries []Entry
	for i := range 30 {
		res := mustWrite(t, a, page(fmtURL(1, i), 200, pageBody(1, i)))
		entries = append(entries, res.Entry)
	}
	mustClose(t, a)
	finished, open := warcFilesIn(t, dir)
	if len(open) != 0 || len(finished) < 3 {
		t.Fatalf("files: finished %v, open %v; want at least 3 finished", finished, open)
	}
	for i, name := range finished {
		if want := "rankfile-test-"; !strings.HasPrefix(name, want) || !strings.HasSuffix(name, "-"+pad5(i)+".warc.gz") {
			t.Errorf("file %d named %s, want rankfile-test-<timestamp>-%s.warc.gz", i, name, pad5(i))
		}
		f, err := os.Open(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		recs, err := readAll(t, f, name)
		f.Close()
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if recs[0].Type() != TypeWarcinfo || recs[0].Header.Get("WARC-Filename") != name {
			t.Errorf("%s does not start with its own warcinfo record", name)
		}
		for _, r := range recs[1:] {
			if r.Header.Get("WARC-Warcinfo-ID") != recs[0].ID() {
				t.Errorf("%s: record at %d names warcinfo %s, not its file's", name, r.Offset, r.Header.Get("WARC-Warcinfo-ID"))
			}
		}
		// The last exchange (response, request) went in while the file was
		// under the limit, and it took every file but the last past it.
		if start := recs[len(recs)-2].Offset; start >= 4<<10 {
			t.Errorf("%s: last exchange appended at %d, past the limit", name, start)
		}
		if end := recs[len(recs)-1].End; i < len(finished)-1 && end < 4<<10 {
			t.Errorf("%s: rotated at %d bytes, before reaching the limit", name, end)
		}
	}
	// Every entry points at its own response, wherever rotation put it.
	a = mustOpen(t, dir, Options{})
	defer mustClose(t, a)
	for i, e := range entries {
		c, err := a.readCapture(e)
		if err != nil || c.URL != fmtURL(1, i) {
			t.Errorf("entry %d (%s %d) leads to %q, %v", i, e.File, e.Offset, c.URL, err)
		}
	}
}

func pad5(i int) string { return strings.Repeat("0", 5-len(itoa(i))) + itoa(i) }
