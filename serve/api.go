package serve

import (
	"errors"
	"net/http"
	"strings"
	"time"

	"rankfile/index"
	"rankfile/record"
)

// apiHit is a hit as /api/search returns it: the fields of rankfile
// search --json, plus its version and links into this server.
type apiHit struct {
	index.JSONHit
	Version     string `json:"version"`
	RecordPage  string `json:"record_page"`
	CapturePage string `json:"capture_page,omitempty"`
}

type apiSearchResult struct {
	Query   string                     `json:"query"`
	Total   uint64                     `json:"total"`
	From    int                        `json:"from"`
	Size    int                        `json:"size"`
	Page    int                        `json:"page"`
	Folded  int                        `json:"folded"`
	TookMS  float64                    `json:"took_ms"`
	Hits    []apiHit                   `json:"hits"`
	Facets  map[string]index.JSONFacet `json:"facets"`
	HTMLURL string                     `json:"html_url"`
}

// apiSearch answers /api/search with the search page's parameters.
func (s *Server) apiSearch(w http.ResponseWriter, r *http.Request) {
	p, err := parseSearch(r.URL.Query())
	if err != nil {
		s.failErr(w, r, true, err)
		return
	}
	res, err := s.search.search(r.Context(), p.query(true))
	switch {
	case errors.Is(err, ErrNoIndex):
		s.apiError(w, r, http.StatusServiceUnavailable, ErrNoIndex.Error())
		return
	case errors.Is(err, index.ErrBadQuery):
		if u, ok := index.IsUnknownValue(err); ok {
			writeJSON(w, http.StatusBadRequest, map[string]any{"error": map[string]any{
				"status": http.StatusBadRequest, "message": err.Error(),
				"field": u.Field, "value": u.Value, "suggestions": u.Suggestions,
			}})
			return
		}
		s.apiError(w, r, http.StatusBadRequest, err.Error())
		return
	case r.Context().Err() != nil:
		return
	case err != nil:
		s.internal(w, r, true, err)
		return
	}
	out := apiSearchResult{
		Query: p.Q, Total: res.Total, From: res.From, Size: p.Size, Page: p.Page, Folded: res.Folded,
		TookMS: float64(res.Took.Microseconds()) / 1000, Hits: []apiHit{}, Facets: map[string]index.JSONFacet{},
		HTMLURL: p.url(),
	}
	for i, h := range res.Hits {
		out.Hits = append(out.Hits, newAPIHit(res.From+i+1, h))
	}
	if f := res.JSONFacets(); f != nil {
		out.Facets = f
	}
	writeJSON(w, http.StatusOK, out)
}

func newAPIHit(rank int, h index.Hit) apiHit {
	a := apiHit{JSONHit: h.JSON(rank), Version: versionOf(h.ID), RecordPage: recordURL(h.RecordID, versionOf(h.ID))}
	a.Snippet = string(safeSnippet(h.Snippet))
	if !h.Captured.IsZero() {
		a.CapturePage = captureURL(h.Captured, h.URL)
	}
	return a
}

// apiRecord answers /api/records/{id}: the record version ?v= (the latest
// by default) as it is in the records file.
func (s *Server) apiRecord(w http.ResponseWriter, r *http.Request) {
	v, err := param(r.URL.Query(), "v", maxParam)
	if err != nil {
		s.failErr(w, r, true, err)
		return
	}
	var rec record.Record
	err = s.records.view(func(snap *recordSnap) error {
		cur, _, err := lookupVersion(snap, r.PathValue("id"), v)
		if err != nil {
			return err
		}
		rec, err = snap.read(cur)
		return err
	})
	if err != nil {
		s.failErr(w, r, true, err)
		return
	}
	archived := record.ArchivedURL(s.base(r), rec.Captured, rec.URL)
	writeJSON(w, http.StatusOK, struct {
		record.Record
		ArchivedURL string `json:"archived_url,omitempty"`
		Citation    string `json:"citation"`
	}{rec, archived, rec.CitationAt(archived)})
}

// apiVersion is one version in /api/records/{id}/versions.
type apiVersion struct {
	Version     string `json:"version"`
	Captured    string `json:"captured,omitempty"`
	URL         string `json:"url"`
	Title       string `json:"title,omitempty"`
	WARCFile    string `json:"warc_file,omitempty"`
	WARCOffset  int64  `json:"warc_offset,omitempty"`
	Digest      string `json:"digest,omitempty"`
	RecordPage  string `json:"record_page"`
	CapturePage string `json:"capture_page,omitempty"`
	Latest      bool   `json:"latest"`
}

// apiVersions answers /api/records/{id}/versions, oldest first.
func (s *Server) apiVersions(w http.ResponseWriter, r *http.Request) {
	var out []apiVersion
	err := s.records.view(func(snap *recordSnap) error {
		id := r.PathValue("id")
		_, vs, err := lookupVersion(snap, id, "")
		for i, v := range vs {
			a := apiVersion{
				Version: v.Version, URL: v.URL, Title: v.Title, WARCFile: v.WARCFile, WARCOffset: v.Offset,
				Digest: v.Digest, RecordPage: recordURL(id, v.Version), Latest: i == len(vs)-1,
			}
			if !v.Captured.IsZero() {
				a.Captured = v.Captured.UTC().Format(time.RFC3339)
				a.CapturePage = captureURL(v.Captured, v.URL)
			}
			out = append(out, a)
		}
		return err
	})
	if err != nil {
		s.failErr(w, r, true, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"record_id": r.PathValue("id"), "versions": out})
}

// apiCapture is one capture in /api/captures.
type apiCapture struct {
	Timestamp string `json:"timestamp"`
	URL       string `json:"url"`
	Status    int    `json:"status,omitempty"`
	Mime      string `json:"mime,omitempty"`
	Digest    string `json:"digest,omitempty"`
	Length    int64  `json:"length"`
	Offset    int64  `json:"offset"`
	Filename  string `json:"filename"`
	Replay    string `json:"replay"`
}

// apiCaptures answers /api/captures?url=: every capture of the URL,
// oldest first, as the capture index lists them.
func (s *Server) apiCaptures(w http.ResponseWriter, r *http.Request) {
	raw, err := param(r.URL.Query(), "url", maxURLParam)
	if err == nil && raw == "" {
		err = badf("Give the url parameter: an absolute http or https URL.")
	}
	if err == nil {
		raw, err = checkURL(raw)
	}
	if err != nil {
		s.failErr(w, r, true, err)
		return
	}
	if prefix, ok := strings.CutSuffix(raw, "*"); ok { // every URL captured under a prefix
		rows, more, err := s.captures.underPrefix(prefix)
		if err != nil {
			s.internal(w, r, true, err)
			return
		}
		urls := []map[string]any{}
		for _, row := range rows {
			urls = append(urls, map[string]any{"url": row.URL, "captures": row.Count, "first": row.First, "last": row.Last, "latest_replay": row.LatestReplay})
		}
		writeJSON(w, http.StatusOK, map[string]any{"prefix": prefix, "urls": urls, "truncated": more})
		return
	}
	cs, err := s.captures.lookup(raw)
	if err != nil {
		s.internal(w, r, true, err)
		return
	}
	out := []apiCapture{}
	for _, c := range cs {
		out = append(out, apiCapture{
			Timestamp: c.timestamp(), URL: c.URL, Status: c.Status, Mime: c.Mime, Digest: c.Digest,
			Length: c.Length, Offset: c.Offset, Filename: c.File, Replay: captureURL(c.Time, c.URL),
		})
	}
	writeJSON(w, http.StatusOK, map[string]any{"url": raw, "captures": out})
}
