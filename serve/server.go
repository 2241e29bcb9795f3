package serve

import (
	"context"
	"errors"
	"fmt"
	"html/template"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"rankfile/index"
)

// Errors a caller may branch on.
var (
	// ErrNoIndex means the data directory holds no search index yet.
	ErrNoIndex = errors.New("serve: no search index in the data directory (run rankfile crawl or rankfile index)")
	// ErrNoData means the data directory does not exist.
	ErrNoData = errors.New("serve: no data directory")
)

// Layout of the data directory (see package pipeline).
const (
	archiveDir  = "archive"
	recordsFile = "records/records.jsonl"
	indexDir    = "index"
	sitesFile   = "sites.yaml"
)

// Limits on what a request may ask.
const (
	maxQueryString = 8 << 10             // bytes of a URL's query string
	maxQueryText   = index.MaxQueryBytes // bytes of the search text, as on the command line
	maxParam       = 2048                // bytes of any other parameter
	maxURLParam    = 4096                // bytes of a URL parameter
	maxPageSize    = 100                 // hits per page
	maxHitDepth    = 10000               // From+Size: deeper paging costs the index too much
	maxHeaderBytes = 64 << 10            // request headers
)

// Options configure a Server.
type Options struct {
	Dir    string       // the data directory
	Logger *slog.Logger // nil discards logs
	// BaseURL is the archive's public address (https://archive.example.org):
	// citations link to BASE/capture/TIMESTAMP/URL, which this server
	// answers. Empty means the address each request reached the server by.
	BaseURL string
}

// Server serves the web interface and the JSON API over a data directory,
// read-only. Its methods are safe for concurrent use.
type Server struct {
	dir      string
	baseURL  string // Options.BaseURL, without a trailing slash
	log      *slog.Logger
	search   *searcher
	records  *recordStore
	captures *captureIndex
	pages    *template.Template
	mux      *http.ServeMux
}

// New returns a Server over the data directory opts.Dir. It fails with an
// error wrapping ErrNoData when the directory does not exist; an empty one
// serves empty pages until a crawl fills it.
func New(opts Options) (*Server, error) {
	if fi, err := os.Stat(opts.Dir); err != nil || !fi.IsDir() {
		return nil, fmt.Errorf("%w: %s", ErrNoData, opts.Dir)
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &Server{
		dir:      opts.Dir,
		baseURL:  strings.TrimRight(opts.BaseURL, "/"),
		log:      log.With("component", "serve"),
		search:   &searcher{dir: filepath.Join(opts.Dir, indexDir)},
		records:  &recordStore{path: filepath.Join(opts.Dir, recordsFile), sitesPath: filepath.Join(opts.Dir, sitesFile)},
		captures: newCaptureIndex(filepath.Join(opts.Dir, archiveDir)),
	}
	s.search.acronyms = s.siteAcronyms
	var err error
	if s.pages, err = parseTemplates(); err != nil {
		return nil, err
	}
	s.routes()
	return s, nil
}

// Close closes the index and records file the server holds open.
func (s *Server) Close() error {
	return errors.Join(s.search.close(), s.records.close())
}

// Handler returns the server's HTTP handler.
func (s *Server) Handler() http.Handler { return http.HandlerFunc(s.serveHTTP) }

// Serve answers requests on ln until ctx ends, then shuts down gracefully:
// it stops accepting, lets requests under way finish (for up to ten
// seconds) and returns nil. It closes ln.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	hs := &http.Server{
		Handler:           s.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      2 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    maxHeaderBytes,
		ErrorLog:          slog.NewLogLogger(s.log.Handler(), slog.LevelWarn),
		BaseContext:       func(net.Listener) context.Context { return context.WithoutCancel(ctx) },
	}
	done := make(chan error, 1)
	go func() { done <- hs.Serve(ln) }()
	select {
	case err := <-done:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err := hs.Shutdown(sctx)
	if serr := <-done; serr != nil && !errors.Is(serr, http.ErrServerClosed) {
		err = errors.Join(err, serr)
	}
	if err != nil {
		return fmt.Errorf("shut down: %w", err)
	}
	return nil
}

// ListenAndServe listens on addr (host:port) and calls Serve.
func (s *Server) ListenAndServe(ctx context.Context, addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("listen: %w", err)
	}
	return s.Serve(ctx, ln)
}

// IsLoopback reports whether addr's host is a loopback address or
// localhost: anything else exposes the server to the network.
func IsLoopback(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false
	}
	if host == "localhost" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

func (s *Server) routes() {
	m := http.NewServeMux()
	m.HandleFunc("GET /{$}", s.handleSearch)
	m.HandleFunc("GET /search", s.handleSearch)
	m.HandleFunc("GET /records/{id}", s.handleRecord)
	m.HandleFunc("GET /records/{id}/diff", s.handleDiff)
	m.HandleFunc("GET /captures", s.handleCaptures)
	m.HandleFunc("GET /export", s.handleExport)
	m.HandleFunc("GET /timeline", s.handleTimeline)
	m.HandleFunc("GET /timeline.svg", s.handleTimelineSVG)
	m.HandleFunc("GET /network", s.handleNetwork)
	m.HandleFunc("GET /network.svg", s.handleNetworkSVG)
	m.HandleFunc("GET /static/style.css", s.handleStyle)
	m.HandleFunc("GET /api/search", s.apiSearch)
	m.HandleFunc("GET /api/records/{id}", s.apiRecord)
	m.HandleFunc("GET /api/records/{id}/versions", s.apiVersions)
	m.HandleFunc("GET /api/captures", s.apiCaptures)
	m.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		s.apiError(w, r, http.StatusNotFound, "no such API endpoint")
	})
	m.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		s.pageError(w, r, http.StatusNotFound, "There is no page at this address.")
	})
	s.mux = m
}

// pageCSP is the policy of the server's own pages: no scripts at all.
const pageCSP = "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; base-uri 'none'; frame-ancestors 'none'"

// serveHTTP checks what every request may ask, then routes it: replay
// before the mux, whose path cleaning would fold the "//" of the archived
// URL.
func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	start := time.Now()
	h := w.Header()
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	api := strings.HasPrefix(r.URL.Path, "/api/")
	switch {
	case r.Method != http.MethodGet && r.Method != http.MethodHead:
		h.Set("Allow", "GET, HEAD")
		s.fail(w, r, api, http.StatusMethodNotAllowed, "Only GET and HEAD are served: the archive is read-only.")
	case len(r.URL.RawQuery) > maxQueryString:
		s.fail(w, r, api, http.StatusRequestURITooLong, "The query string is too long.")
	case strings.HasPrefix(r.URL.Path, "/capture/"):
		s.handleReplay(w, r) // the archived URL is looked up, never a file path
	case dotSegments(r.URL.Path):
		s.fail(w, r, api, http.StatusBadRequest, "The path has . or .. segments: nothing here is reached that way.")
	default:
		if !api {
			h.Set("Content-Security-Policy", pageCSP)
			h.Set("X-Frame-Options", "DENY")
		}
		s.mux.ServeHTTP(w, r)
	}
	s.log.Debug("request", "method", r.Method, "path", r.URL.Path, "duration", time.Since(start))
}

// dotSegments reports whether a (decoded) path has "." or ".." segments.
func dotSegments(p string) bool {
	for _, seg := range strings.Split(p, "/") {
		if seg == "." || seg == ".." {
			return true
		}
	}
	return false
}

// fail answers an error as JSON for the API, as a page otherwise.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, api bool, status int, msg string) {
	if api {
		s.apiError(w, r, status, msg)
		return
	}
	w.Header().Set("Content-Security-Policy", pageCSP)
	s.pageError(w, r, status, msg)
}

// internal logs an unexpected error and answers 500 without its detail.
func (s *Server) internal(w http.ResponseWriter, r *http.Request, api bool, err error) {
	s.log.Error("request failed", "path", r.URL.Path, "error", err)
	s.fail(w, r, api, http.StatusInternalServerError, "Something went wrong reading the data directory; the server log says what.")
}
