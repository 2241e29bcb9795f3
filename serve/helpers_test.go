package serve_test

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"rankfile/archive"
	"rankfile/crawl"
	"rankfile/fixtures"
	"rankfile/pipeline"
	"rankfile/serve"
)

// The test data: the fixture web crawled by the pipeline, plus a site of
// our own (scriptsHost) whose pages carry scripts, inline event handlers
// and javascript: links that would report to hits if they ever ran, and
// whose post has an older capture with different text.
const (
	scriptsHost = "caucus-scripts.test"
	scriptsSite = `Script <i>Test</i> Caucus`
	postURL     = "http://" + scriptsHost + "/post/hello"
	evilURL     = "http://" + scriptsHost + "/evil"
	postTitle   = `Hello <script>alert(1)</script> & "friends"`
)

// oldCapture is when the older version of the post was captured.
var oldCapture = time.Date(2023, 3, 1, 12, 0, 0, 0, time.UTC)

// hitServer counts requests: anything that reaches it was sent by an
// archived script that ran.
type hitServer struct {
	*httptest.Server
	n    atomic.Int64
	mu   sync.Mutex
	what []string
}

func (h *hitServer) hits() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.what...)
}

func newHitServer() *hitServer {
	h := &hitServer{}
	h.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h.n.Add(1)
		h.mu.Lock()
		h.what = append(h.what, r.URL.String())
		h.mu.Unlock()
		w.Header().Set("Access-Control-Allow-Origin", "*")
		io.WriteString(w, "ok")
	}))
	return h
}

// postHTML is the post as captured; the older version differs in its
// second paragraph and lacks the last.
func postHTML(old bool) string {
	second := `<p>We met on Tuesday to plan the contract campaign. Members from twelve schools came, and we agreed on three demands for smaller classes.</p>`
	last := `<p>Next month we will hold a forum on union democracy with the United Caucuses of Rank-and-File Educators.</p>`
	if old {
		second = `<p>We met on Monday to plan the contract campaign. Members from nine schools came, and we agreed on two demands for smaller classes.</p>`
		last = ""
	}
	return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>Hello &lt;script&gt;alert(1)&lt;/script&gt; &amp; "friends"</title>
<meta property="article:published_time" content="2021-06-15T10:00:00Z">
<meta name="author" content="Pat &lt;b&gt;Organizer&lt;/b&gt;">
<script type="application/ld+json">{"@context":"https://schema.org","@type":"BlogPosting","headline":"Hello \u003cscript\u003ealert(1)\u003c/script\u003e \u0026 \"friends\"","datePublished":"2021-06-15T10:00:00Z","author":{"@type":"Person","name":"Pat \u003cb\u003eOrganizer\u003c/b\u003e"}}</script>
</head><body><header><nav><a href="/">Home</a></nav></header>
<main><article><h1>Hello &lt;script&gt;alert(1)&lt;/script&gt; &amp; "friends"</h1>
<p class="byline">By Pat &lt;b&gt;Organizer&lt;/b&gt; · <time class="published" datetime="2021-06-15">June 15, 2021</time></p>
<p>Our caucus writes about &lt;img src=x onerror=alert(1)&gt; attacks on public schools, and we say so plainly: rank-and-file teachers run this union.</p>
` + second + `
<ul><li>Smaller classes in every school</li><li>A nurse in every building</li><li>Fair pay for paraprofessionals</li></ul>
` + last + `
</article></main><footer>Footer text</footer></body></html>`
}

// evilHTML is a page whose scripts would change the title and report to
// hit if they ran.
func evilHTML(hit string) string {
	return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Scripted page</title>
<script>document.title = "pwned"; fetch("` + hit + `/hit?inline-script");</script>
<script src="` + hit + `/hit?external-script"></script>
<link rel="stylesheet" href="/style.css">
</head><body onload="fetch('` + hit + `/hit?onload'); document.title = 'pwned'">
<main><article><h1>A page with scripts in it</h1>
<p>This page of the caucus carries scripts, and the archive must never run them: the inline script, the onload handler, the onerror handler of the image below and the javascript: link all try to report home.</p>
<p><img id="bad-img" src="/missing.png" alt="missing" onerror="fetch('` + hit + `/hit?onerror'); document.title = 'pwned'"></p>
<p><a id="js-link" href="javascript:fetch('` + hit + `/hit?js-link');document.title='pwned'">A javascript: link</a> and
<a id="post-link" href="/post/hello">a link to the post</a> and <a id="live-link" href="http://elsewhere.example/">a page not archived</a>.</p>
<p id="styled">Styled text from the archived style sheet.</p>
<form action="` + hit + `/hit?form" method="get"><input name="x" value="1"><button id="form-button" type="submit">Send</button></form>
</article></main></body></html>`
}

// scriptsHandler serves the scripts site.
func scriptsHandler(hit string) http.Handler {
	m := http.NewServeMux()
	page := func(body string) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "text/html; charset=utf-8")
			io.WriteString(w, body)
		}
	}
	m.HandleFunc("/{$}", page(`<!DOCTYPE html><html><head><title>Script Test Caucus</title></head><body><main>
<h1>Script Test Caucus</h1><p>The home page of a caucus made for testing the archive's replay, with links to its pages.</p>
<ul><li><a href="/post/hello">Hello post</a></li><li><a href="/evil">Scripted page</a></li></ul></main></body></html>`))
	m.HandleFunc("/post/hello", page(postHTML(false)))
	m.HandleFunc("/evil", page(evilHTML(hit)))
	m.HandleFunc("/style.css", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/css")
		io.WriteString(w, "#styled { color: rgb(200, 0, 0); }\n")
	})
	return m
}

// testData is a data directory built once per test binary.
type testData struct {
	dir string
	hit *hitServer
}

var buildData = sync.OnceValues(func() (*testData, error) {
	dir, err := os.MkdirTemp("", "rankfile-serve-test-")
	if err != nil {
		return nil, err
	}
	hit := newHitServer()
	if err := build(dir, hit.URL); err != nil {
		return nil, err
	}
	return &testData{dir: dir, hit: hit}, nil
})

func build(dir, hit string) error {
	ctx := context.Background()
	fx := fixtures.Start()
	defer fx.Close()
	own := httptest.NewServer(scriptsHandler(hit))
	defer own.Close()
	dial := func(ctx context.Context, network, addr string) (net.Conn, error) {
		if host, _, _ := net.SplitHostPort(addr); host == scriptsHost {
			var d net.Dialer
			return d.DialContext(ctx, "tcp", own.Listener.Addr().String())
		}
		return fx.DialContext(ctx, network, addr)
	}
	sites := string(fixtures.SitesFile()) + fmt.Sprintf(`
  - name: '%s'
    acronym: STC
    kind: caucus
    seeds: [http://%s/]
    domains: [%s]
`, scriptsSite, scriptsHost, scriptsHost)
	p := &pipeline.Pipeline{Dir: dir}
	if _, err := p.Crawl(ctx, pipeline.CrawlOptions{SitesData: []byte(sites), Transport: crawl.DefaultTransport(dial), NoIndex: true}); err != nil {
		return fmt.Errorf("crawl: %w", err)
	}
	arc, err := archive.Open(filepath.Join(dir, "archive"), archive.Options{CrawlID: "older"})
	if err != nil {
		return err
	}
	_, err = arc.Write(&archive.Exchange{
		URL: postURL, Date: oldCapture,
		Request:      []byte("GET /post/hello HTTP/1.1\r\nHost: " + scriptsHost + "\r\n\r\n"),
		ResponseHead: []byte("HTTP/1.1 200 OK\r\nContent-Type: text/html; charset=utf-8\r\n\r\n"),
		Body:         []byte(postHTML(true)),
	})
	if cerr := arc.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("archive the older version: %w", err)
	}
	if _, err := p.Extract(ctx); err != nil {
		return err
	}
	return p.Index(ctx)
}

// mustData returns the shared data directory.
func mustData(tb testing.TB) *testData {
	tb.Helper()
	d, err := buildData()
	if err != nil {
		tb.Fatalf("build test data: %v", err)
	}
	return d
}

// newServer serves dir with httptest on loopback.
func newServer(tb testing.TB, dir string) *httptest.Server {
	tb.Helper()
	s, err := serve.New(serve.Options{Dir: dir})
	if err != nil {
		tb.Fatal(err)
	}
	ts := httptest.NewServer(s.Handler())
	tb.Cleanup(func() {
		ts.Close()
		s.Close()
	})
	return ts
}

// get fetches path from ts and returns the status, headers and body.
func get(tb testing.TB, ts *httptest.Server, path string) (int, http.Header, string) {
	tb.Helper()
	req, err := http.NewRequest(http.MethodGet, ts.URL+path, nil)
	if err != nil {
		tb.Fatal(err)
	}
	return do(tb, ts, req)
}

func do(tb testing.TB, ts *httptest.Server, req *http.Request) (int, http.Header, string) {
	tb.Helper()
	c := ts.Client()
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := c.Do(req)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatal(err)
	}
	return resp.StatusCode, resp.Header, string(b)
}

func TestMain(m *testing.M) {
	code := m.Run()
	if d, err := buildData(); err == nil {
		d.hit.Close()
		if strings.Contains(d.dir, "rankfile-serve-test-") && os.Getenv("RANKFILE_KEEP_TEST_DATA") == "" {
			os.RemoveAll(d.dir)
		}
	}
	os.Exit(code)
}
