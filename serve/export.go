package serve

import (
	"errors"
	"net/http"
	"net/url"

	"rankfile/index"
)

// exportTypes are the media types of the export formats.
var exportTypes = map[string]struct{ mime, ext, label string }{
	index.ExportCSV:   {"text/csv; charset=utf-8", "csv", "CSV"},
	index.ExportJSONL: {"application/x-ndjson; charset=utf-8", "jsonl", "JSON Lines"},
	index.ExportRIS:   {"application/x-research-info-systems; charset=utf-8", "ris", "RIS (EndNote, Zotero)"},
	index.ExportCSL:   {"application/vnd.citationstyles.csl+json; charset=utf-8", "json", "CSL-JSON (Zotero, citeproc)"},
}

// exportLinks returns the links to the export of p's search in each
// format.
func (p searchParams) exportLinks() []option {
	var out []option
	for _, f := range index.ExportFormats {
		v := p.values()
		v.Del("page")
		v.Del("size")
		v.Set("format", f)
		out = append(out, option{Value: "/export?" + v.Encode(), Label: exportTypes[f].label})
	}
	return out
}

// handleExport answers /export: every record version a search matches
// (all of them, unpaged, as rankfile export writes them), with citations
// giving the archived copy's URL.
func (s *Server) handleExport(w http.ResponseWriter, r *http.Request) {
	v := r.URL.Query()
	format := v.Get("format")
	t, ok := exportTypes[format]
	if !ok {
		s.fail(w, r, false, http.StatusBadRequest, "The format must be csv, jsonl, ris or csl.")
		return
	}
	p, err := parseSearch(v)
	if err != nil {
		s.failErr(w, r, false, err)
		return
	}
	q := p.query(false)
	q.Size, q.From = 0, 0
	w.Header().Set("Content-Type", t.mime)
	w.Header().Set("Content-Disposition", `attachment; filename="rankfile-export.`+t.ext+`"; filename*=UTF-8''`+url.PathEscape("rankfile-export."+t.ext))
	e, err := index.NewExporter(w, format, s.base(r))
	if err != nil {
		s.internal(w, r, false, err)
		return
	}
	started := false
	err = s.search.records(r.Context(), q, func(ver index.Version) error {
		started = true
		return e.Write(ver)
	})
	switch {
	case err == nil:
		err = e.Close()
	case started: // the response is under way: cut it short, the client sees it broken
		s.log.Error("export cut short", "error", err)
		panic(http.ErrAbortHandler)
	case errors.Is(err, ErrNoIndex):
		s.fail(w, r, false, http.StatusServiceUnavailable, ErrNoIndex.Error())
		return
	case errors.Is(err, index.ErrBadQuery):
		s.fail(w, r, false, http.StatusBadRequest, err.Error())
		return
	}
	if err != nil && r.Context().Err() == nil {
		s.internal(w, r, false, err)
	}
}
