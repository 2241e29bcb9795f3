package pipeline

import (
	"bytes"
	"context"
	"errors"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"rankfile/archive"
	"rankfile/crawl"
	"rankfile/fixtures"
)

// crawlFiles is what one crawl wrote to the archive: its WARC files' bytes
// and records.
type crawlFiles struct {
	bytes     int64
	types     map[string]int      // records by WARC-Type
	responses map[string][]string // URL -> WARC-Payload-Digest of each response record
	revisits  map[string][]int64  // URL -> compressed size of each revisit record
}

// readCrawl reads the WARC files crawl id wrote into the archive under dir.
func readCrawl(t *testing.T, dir, id string) crawlFiles {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, archiveDir, "rankfile-"+id+"-*.warc.gz"))
	if err != nil || len(files) == 0 {
		t.Fatalf("no WARC files of crawl %s: %v", id, err)
	}
	cf := crawlFiles{types: map[string]int{}, responses: map[string][]string{}, revisits: map[string][]int64{}}
	for _, name := range files {
		f, err := os.Open(name)
		if err != nil {
			t.Fatal(err)
		}
		st, err := f.Stat()
		if err != nil {
			t.Fatal(err)
		}
		cf.bytes += st.Size()
		rd := archive.NewReader(f)
		for {
			rec, err := rd.Next()
			if errors.Is(err, io.EOF) {
				break
			}
			if err != nil {
				t.Fatalf("%s: %v", filepath.Base(name), err)
			}
			end, err := rd.Finish()
			if err != nil {
				t.Fatalf("%s: %v", filepath.Base(name), err)
			}
			cf.types[rec.Type()]++
			switch url := rec.TargetURI(); rec.Type() {
			case archive.TypeResponse:
				cf.responses[url] = append(cf.responses[url], rec.Header.Get("WARC-Payload-Digest"))
			case archive.TypeRevisit:
				cf.revisits[url] = append(cf.revisits[url], end-rec.Offset)
			}
		}
		f.Close()
	}
	return cf
}

// archiveBytes returns the size of every WARC file in the data directory.
func archiveBytes(t *testing.T, dir string) int64 {
	t.Helper()
	files, err := filepath.Glob(filepath.Join(dir, archiveDir, "*.warc.gz"))
	if err != nil {
		t.Fatal(err)
	}
	var n int64
	for _, f := range files {
		st, err := os.Stat(f)
		if err != nil {
			t.Fatal(err)
		}
		n += st.Size()
	}
	return n
}

// editedWeb serves the fixture web with one page's body edited, as its site
// would serve it after an edit: a new Last-Modified, so conditional
// requests for it get the new page, not a 304.
func editedWeb(t *testing.T, url string, edit func([]byte) []byte) func(ctx context.Context, network, addr string) (net.Conn, error) {
	t.Helper()
	fx := fixtures.Handler()
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if "http://"+r.Host+r.URL.Path != url {
			fx.ServeHTTP(w, r)
			return
		}
		body, ok := fixtures.Body(url)
		if !ok {
			t.Errorf("%s is not a fixture page", url)
		}
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		http.ServeContent(w, r, "", time.Date(2024, 6, 1, 0, 0, 0, 0, time.UTC), bytes.NewReader(edit(body)))
	}))
	t.Cleanup(srv.Close)
	return func(ctx context.Context, network, addr string) (net.Conn, error) {
		host, _, err := net.SplitHostPort(addr)
		if err != nil || !fixtures.IsFixtureHost(host) {
			return nil, &net.AddrError{Err: "not a fixture host", Addr: addr}
		}
		var d net.Dialer
		return d.DialContext(ctx, "tcp", srv.Listener.Addr().String())
	}
}

// maxRevisitBytes bounds a revisit record, gzip-compressed: WARC fields and
// the response head, never a body.
const maxRevisitBytes = 1 << 10

// TestPipeline_RecrawlGrowth crawls the fixture web three times into one
// archive. Unchanged, the second crawl writes a revisit record (and a
// request record) per capture and no body: no response record, and every
// revisit under maxRevisitBytes whatever the size of the page it stands
// for. With one page edited, the third crawl writes exactly one response
// record, for that page.
//
// The growth is logged. The fixture pages are small (a capture's response,
// request and metadata records take about 2.8 KB compressed) and a revisit
// and its request about 1 KB, so the fixture web grows by about 38% per
// unchanged recrawl. Real pages are larger: TestPipeline_RecrawlGrowthRealSizes
// checks the under-10% target on pages of real sizes.
func TestPipeline_RecrawlGrowth(t *testing.T) {
	srv := fixtures.Start()
	defer srv.Close()
	p := &Pipeline{Dir: t.TempDir()}
	crawlWith := func(dial func(ctx context.Context, network, addr string) (net.Conn, error)) string {
		t.Helper()
		r, err := p.Crawl(context.Background(), CrawlOptions{SitesData: fixtures.SitesFile(),
			Transport: crawl.DefaultTransport(dial), NoIndex: true})
		if err != nil {
			t.Fatal(err)
		}
		return r.CrawlID
	}

	first := readCrawl(t, p.Dir, crawlWith(srv.DialContext))
	if first.types[archive.TypeResponse] == 0 || first.types[archive.TypeRevisit] != 0 {
		t.Fatalf("first crawl wrote records %v, want responses and no revisits", first.types)
	}
	before := archiveBytes(t, p.Dir)
	second := readCrawl(t, p.Dir, crawlWith(srv.DialContext))
	growth := archiveBytes(t, p.Dir) - before
	n := first.types[archive.TypeResponse]
	t.Logf("first crawl: %d bytes, %d captures (%d bytes each); unchanged recrawl: +%d bytes (%.1f%%, %d per capture), records %v",
		first.bytes, n, first.bytes/int64(n), growth, 100*float64(growth)/float64(first.bytes), growth/int64(n), second.types)
	if got := second.types[archive.TypeResponse]; got != 0 {
		t.Errorf("the unchanged recrawl wrote %d response records, want revisits only: %v", got, second.responses)
	}
	for url := range first.responses {
		if len(second.revisits[url]) != 1 {
			t.Errorf("%s: %d revisit records in the recrawl, want 1", url, len(second.revisits[url]))
		}
	}
	for url, sizes := range second.revisits {
		if _, ok := first.responses[url]; !ok {
			t.Errorf("%s: revisited in the recrawl, never captured before", url)
		}
		for _, size := range sizes {
			if size > maxRevisitBytes {
				t.Errorf("%s: revisit record of %d bytes, want at most %d (no body)", url, size, maxRevisitBytes)
			}
		}
	}

	const edited = "http://albu-core.test/2017/10/23/ucore-report-back/"
	dial := editedWeb(t, edited, func(b []byte) []byte {
		return bytes.Replace(b, []byte("</p>"), []byte(" (Updated.)</p>"), 1)
	})
	third := readCrawl(t, p.Dir, crawlWith(dial))
	if got := len(third.responses); got != 1 || len(third.responses[edited]) != 1 {
		t.Errorf("after editing %s, the recrawl wrote responses for %d URLs, want exactly one for it: %v",
			edited, got, third.responses)
	}
	if d := third.responses[edited]; len(d) == 1 && d[0] == first.responses[edited][0] {
		t.Errorf("the new response of %s has the old payload digest", edited)
	}
	for url := range first.responses {
		if url != edited && len(third.revisits[url]) != 1 {
			t.Errorf("%s: %d revisit records after the edit elsewhere, want 1", url, len(third.revisits[url]))
		}
	}
	var out strings.Builder
	q := &Pipeline{Dir: p.Dir, Out: &out}
	if _, err := q.CheckArchive(context.Background()); err != nil {
		t.Errorf("archive check: %v\n%s", err, out.String())
	}
	files, err := filepath.Glob(filepath.Join(p.Dir, archiveDir, "*.warc.gz"))
	if err != nil || len(files) != 3 {
		t.Fatalf("WARC files %v (%v), want one per crawl", files, err)
	}
	warcioCheck(t, files...)
}

// warcioCheck runs webrecorder's warcio.js check (archive/testdata) over
// WARC files, all at once so that revisits find their originals, when node
// and warcio are installed (always under CI).
func warcioCheck(t *testing.T, files ...string) {
	t.Helper()
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	modules := filepath.Join(root, "tools", "warcio", "node_modules")
	node, err := exec.LookPath("node")
	if err == nil {
		_, err = os.Stat(filepath.Join(modules, "warcio", "package.json"))
	}
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatalf("warcio.js check needs node and `npm ci --prefix tools/warcio`: %v", err)
		}
		t.Logf("warcio.js check skipped: %v", err)
		return
	}
	cmd := exec.Command(node, append([]string{filepath.Join(root, "archive", "testdata", "warcio-check.mjs")}, files...)...)
	cmd.Env = append(os.Environ(), "WARCIO_NODE_MODULES="+modules)
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		t.Errorf("warcio.js rejects the archive: %v\n%s", err, stderr.String())
		return
	}
	if n := bytes.Count(out, []byte(`"type":"revisit"`)); n != bytes.Count(out, []byte(`"refers_ok":true`)) {
		t.Errorf("warcio.js: %d revisits, %d leading to their originals", n, bytes.Count(out, []byte(`"refers_ok":true`)))
	}
}
