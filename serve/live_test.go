package serve_test

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"rankfile/archive"
	"rankfile/pipeline"
	"rankfile/serve"
)

// copyDir copies the data directory src to dst.
func copyDir(t *testing.T, src, dst string) {
	t.Helper()
	err := filepath.WalkDir(src, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(src, p)
		if d.IsDir() {
			return os.MkdirAll(filepath.Join(dst, rel), 0o755)
		}
		b, err := os.ReadFile(p)
		if err != nil {
			return err
		}
		return os.WriteFile(filepath.Join(dst, rel), b, 0o644)
	})
	if err != nil {
		t.Fatal(err)
	}
}

// TestServer_whileCrawling serves a data directory while a crawl writes
// to it: the server never takes the archive's lock, replays a capture from
// the WARC file still being written (found through the journal), keeps
// replaying it once the crawl closes the archive, and finds the new record
// once the index is rebuilt, without a restart.
func TestServer_whileCrawling(t *testing.T) {
	d := mustData(t)
	dir := t.TempDir()
	copyDir(t, d.dir, dir)
	ts := newServer(t, dir)
	const newURL = "http://" + scriptsHost + "/new"
	when := time.Date(2024, 5, 1, 9, 30, 0, 0, time.UTC)
	replay := "/capture/20240501093000/" + newURL
	total := func(q string) float64 {
		t.Helper()
		_, _, body := get(t, ts, "/api/search?q="+url.QueryEscape(q))
		var v struct{ Total float64 }
		if err := json.Unmarshal([]byte(body), &v); err != nil {
			t.Fatal(err)
		}
		return v.Total
	}
	if n := total("zephyrine"); n != 0 {
		t.Fatalf("%v hits before the crawl", n)
	}
	get(t, ts, "/capture/2024/"+postURL) // the server has read the capture index

	arc, err := archive.Open(filepath.Join(dir, "archive"), archive.Options{CrawlID: "live"})
	if err != nil {
		t.Fatalf("the crawl cannot open the archive while the server serves it: %v", err)
	}
	_, err = arc.Write(&archive.Exchange{
		URL: newURL, Date: when,
		Request:      []byte("GET /new HTTP/1.1\r\nHost: " + scriptsHost + "\r\n\r\n"),
		ResponseHead: []byte("HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"),
		Body: []byte(`<!DOCTYPE html><html><head><title>A new page</title></head><body><main><article><h1>A new page</h1>
<p>The zephyrine committee of the caucus met for the first time this spring, and its members wrote this report for every school in the district.</p>
<p>They asked for smaller classes, for nurses in every building and for a contract that the members vote on before it is signed.</p></article></main></body></html>`),
	})
	if err != nil {
		t.Fatal(err)
	}
	check := func(stage string) {
		t.Helper()
		status, _, body := get(t, ts, replay)
		if status != 200 || !strings.Contains(body, "zephyrine") {
			t.Errorf("%s: replay: %d %s", stage, status, trim(body))
		}
		_, _, body = get(t, ts, "/api/captures?url="+url.QueryEscape(newURL))
		if !strings.Contains(body, `"timestamp": "20240501093000"`) {
			t.Errorf("%s: captures: %s", stage, body)
		}
	}
	open, _ := filepath.Glob(filepath.Join(dir, "archive", "*.open"))
	if len(open) == 0 {
		t.Fatal("the crawl's WARC file is not open")
	}
	check("during the crawl")
	if err := arc.Close(); err != nil {
		t.Fatal(err)
	}
	check("after the crawl")

	p := &pipeline.Pipeline{Dir: dir}
	if _, err := p.Extract(context.Background()); err != nil {
		t.Fatal(err)
	}
	if err := p.Index(context.Background()); err != nil {
		t.Fatal(err)
	}
	if n := total("zephyrine"); n != 1 {
		t.Errorf("%v hits after the index was rebuilt, want 1", n)
	}
	_, _, body := get(t, ts, "/search?q=zephyrine")
	if !strings.Contains(body, "A new page") {
		t.Error("the search page does not find the new record")
	}
}

func TestServer_Serve(t *testing.T) {
	d := mustData(t)
	s, err := serve.New(serve.Options{Dir: d.dir})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- s.Serve(ctx, ln) }()
	base := "http://" + ln.Addr().String()
	resp, err := http.Get(base + "/search?q=union")
	if err != nil {
		t.Fatal(err)
	}
	io.Copy(io.Discard, resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	cancel()
	if err := <-done; err != nil {
		t.Fatalf("Serve after cancel: %v", err)
	}
	if _, err := http.Get(base + "/"); err == nil {
		t.Error("the server still answers after shutting down")
	}
}

func TestNew_noData(t *testing.T) {
	_, err := serve.New(serve.Options{Dir: filepath.Join(t.TempDir(), "missing")})
	if !errors.Is(err, serve.ErrNoData) {
		t.Errorf("err %v, want ErrNoData", err)
	}
}

// TestServer_empty serves a data directory no crawl has filled yet.
func TestServer_empty(t *testing.T) {
	ts := newServer(t, t.TempDir())
	runChecks(t, func(p string) (int, http.Header, string) { return get(t, ts, p) }, []check{
		{"search", "/", 503, []string{"no search index yet"}, nil},
		{"api", "/api/search?q=x", 503, []string{`"status": 503`}, nil},
		{"record", "/records/0123456789abcdef", 404, nil, nil},
		{"timeline", "/timeline", 200, []string{"No records yet"}, nil},
		{"network", "/network.svg", 200, []string{"No records yet"}, nil},
		{"replay", "/capture/2024/http://x.test/", 404, nil, nil},
	})
}

func TestIsLoopback(t *testing.T) {
	for addr, want := range map[string]bool{
		"127.0.0.1:8080": true, "[::1]:80": true, "localhost:8080": true, "127.1.2.3:1": true,
		"0.0.0.0:8080": false, ":8080": false, "192.168.1.2:80": false, "example.org:80": false, "nonsense": false,
	} {
		if got := serve.IsLoopback(addr); got != want {
			t.Errorf("IsLoopback(%q) = %v, want %v", addr, got, want)
		}
	}
}
