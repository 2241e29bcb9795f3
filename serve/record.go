package serve

import (
	"errors"
	"html/template"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"time"

	"rankfile/record"
)

// recordID matches the IDs record.MakeID makes (and a little more, for
// records made by other tools); anything else is not looked up.
var recordID = regexp.MustCompile(`^[0-9A-Za-z_-]{1,64}$`)

// errNotFound answers 404 with its message.
type errNotFound struct{ msg string }

func (e *errNotFound) Error() string { return e.msg }

// recordPage is what the record template shows.
type recordPage struct {
	Title       string
	Rec         record.Record
	Version     string
	Latest      bool
	Text        template.HTML
	Meta        []metaRow
	CiteText    string
	CiteCSL     string
	Versions    []versionRow
	DiffFrom    string
	DiffTo      string
	CaptureURL  string
	CapturesURL string
	APIURL      string
	LatestURL   string
	Archived    string    // the archived copy's public URL
	Head        []metaTag // citation metadata for reference managers
}

// HeadMeta returns the tags the page's head carries (see headMeta).
func (p *recordPage) HeadMeta() []metaTag { return p.Head }

type metaRow struct {
	Label, Value, Link string
	Time               string // datetime attribute, when the value is a date
}

type versionRow struct {
	Version     string
	Captured    string
	CapturedISO string
	Digest      string
	URL         string // the record page of this version
	CaptureURL  string
	Current     bool
	First       bool // the oldest version
	Changed     bool // its digest differs from the version before
	DiffPrev    string
}

// lookupVersion finds a record's version v (the latest for "") in snap.
func lookupVersion(snap *recordSnap, id, v string) (version, []version, error) {
	if !recordID.MatchString(id) {
		return version{}, nil, &errNotFound{"There is no record with this ID."}
	}
	vs := snap.versions(id)
	if len(vs) == 0 {
		return version{}, nil, &errNotFound{"There is no record with this ID."}
	}
	if v == "" {
		return vs[len(vs)-1], vs, nil
	}
	for _, x := range vs {
		if x.Version == v {
			return x, vs, nil
		}
	}
	// a capture timestamp to the second (an older index's version, or a
	// citation's) stands for the version captured in that second
	for _, x := range vs {
		if len(v) == 14 && strings.HasPrefix(x.Version, v+".") {
			return x, vs, nil
		}
	}
	return version{}, nil, &errNotFound{"This record has no version " + trunc(v, 40) + "."}
}

// fail4xx answers a request error with its status, or 500 for anything
// else.
func (s *Server) failErr(w http.ResponseWriter, r *http.Request, api bool, err error) {
	var nf *errNotFound
	var br *badRequest
	switch {
	case errors.As(err, &nf):
		s.fail(w, r, api, http.StatusNotFound, nf.msg)
	case errors.As(err, &br):
		s.fail(w, r, api, http.StatusBadRequest, br.msg)
	default:
		s.internal(w, r, api, err)
	}
}

// handleRecord serves a record version's page.
func (s *Server) handleRecord(w http.ResponseWriter, r *http.Request) {
	v, err := param(r.URL.Query(), "v", maxParam)
	if err != nil {
		s.failErr(w, r, false, err)
		return
	}
	var page *recordPage
	err = s.records.view(func(snap *recordSnap) error {
		cur, vs, err := lookupVersion(snap, r.PathValue("id"), v)
		if err != nil {
			return err
		}
		rec, err := snap.read(cur)
		if err != nil {
			return err
		}
		page = newRecordPage(rec, cur, vs, s.base(r))
		return nil
	})
	if err != nil {
		s.failErr(w, r, false, err)
		return
	}
	s.render(w, http.StatusOK, "record", page)
}

func newRecordPage(rec record.Record, cur version, vs []version, base string) *recordPage {
	p := &recordPage{
		Title: rec.Title, Rec: rec, Version: cur.Version, Latest: cur.Version == vs[len(vs)-1].Version,
		Text:        renderRecordText(rec),
		CapturesURL: "/captures?url=" + queryEscape(rec.URL),
		APIURL:      "/api/records/" + rec.ID + "?v=" + queryEscape(cur.Version),
		LatestURL:   recordURL(rec.ID, ""),
	}
	if p.Title == "" {
		p.Title = "Untitled " + string(rec.Kind)
	}
	if !rec.Captured.IsZero() {
		p.CaptureURL = captureURL(rec.Captured, rec.URL)
	}
	p.Archived = record.ArchivedURL(base, rec.Captured, rec.URL)
	p.CiteText, p.CiteCSL = rec.CitationAt(p.Archived), citeCSL(rec, p.Archived)
	p.Head = citationMeta(rec)
	p.Meta = recordMeta(rec)
	for i, x := range vs {
		row := versionRow{
			Version: x.Version, Digest: x.Digest, URL: recordURL(rec.ID, x.Version),
			Current: x.Version == cur.Version, First: i == 0, Changed: i > 0 && x.Digest != vs[i-1].Digest,
		}
		if !x.Captured.IsZero() {
			row.Captured = x.Captured.UTC().Format("2006-01-02 15:04:05 UTC")
			row.CapturedISO = x.Captured.UTC().Format(time.RFC3339)
			row.CaptureURL = captureURL(x.Captured, x.URL)
		}
		if i > 0 {
			row.DiffPrev = diffURL(rec.ID, vs[i-1].Version, x.Version)
		}
		p.Versions = append(p.Versions, row)
	}
	// the diff form proposes the version before this one against it (or,
	// for the first, the first against the second)
	p.DiffFrom, p.DiffTo = cur.Version, cur.Version
	switch i := slices.IndexFunc(vs, func(x version) bool { return x.Version == cur.Version }); {
	case i > 0:
		p.DiffFrom = vs[i-1].Version
	case len(vs) > 1:
		p.DiffTo = vs[1].Version
	}
	return p
}

func diffURL(id, from, to string) string {
	return "/records/" + id + "/diff?from=" + queryEscape(from) + "&to=" + queryEscape(to)
}

// recordMeta lists a record's metadata for its page.
func recordMeta(r record.Record) []metaRow {
	var m []metaRow
	add := func(label, value string) {
		if value != "" {
			m = append(m, metaRow{Label: label, Value: value})
		}
	}
	add("Kind", string(r.Kind))
	add("Site", r.Site)
	add("Site kind", r.SiteKind)
	add("Authors", strings.Join(r.Authors, "; "))
	if r.Published != "" {
		m = append(m, metaRow{Label: "Published", Value: r.Published, Time: r.Published})
	}
	if r.Modified != "" {
		m = append(m, metaRow{Label: "Modified", Value: r.Modified, Time: r.Modified})
	}
	add("Organization", r.Organization)
	add("Acronym", r.Acronym)
	add("Tags", strings.Join(r.Tags, "; "))
	add("Language", r.Language)
	add("Mentions", strings.Join(r.Mentions, "; "))
	if href := safeHref(r.URL, nil); href != "" {
		m = append(m, metaRow{Label: "Original URL", Value: r.URL, Link: href})
	} else {
		add("Original URL", r.URL)
	}
	if r.Link != "" && r.Link != r.URL {
		m = append(m, metaRow{Label: "Links to", Value: r.Link, Link: safeHref(r.Link, nil)})
	}
	if r.Canonical != "" && r.Canonical != r.URL {
		add("Canonical URL", r.Canonical)
	}
	if !r.Captured.IsZero() {
		m = append(m, metaRow{Label: "Captured", Value: r.Captured.UTC().Format("2006-01-02 15:04:05 UTC"), Time: r.Captured.UTC().Format(time.RFC3339)})
	}
	if r.WARCFile != "" {
		add("WARC record", r.WARCFile+" at offset "+itoa64(r.WARCOffset))
	}
	add("Payload digest", r.Digest)
	add("Record ID", r.ID)
	return m
}

// diffPage is what the diff template shows.
type diffPage struct {
	Title              string
	RecordTitle        string
	RecordURL          string
	From, To           versionRow
	Blocks             []diffBlock
	Stats              diffStats
	Identical          bool
	SameDigest         bool
	Versions           []versionRow
	FromValue, ToValue string
}

// handleDiff serves the differences between two versions of a record.
func (s *Server) handleDiff(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	from, err := param(q, "from", maxParam)
	if err == nil && from == "" {
		err = badf("Say which versions to compare: from and to.")
	}
	var to string
	if err == nil {
		to, err = param(q, "to", maxParam)
	}
	if err == nil && to == "" {
		err = badf("Say which versions to compare: from and to.")
	}
	if err != nil {
		s.failErr(w, r, false, err)
		return
	}
	var page *diffPage
	err = s.records.view(func(snap *recordSnap) error {
		id := r.PathValue("id")
		a, vs, err := lookupVersion(snap, id, from)
		if err != nil {
			return err
		}
		b, _, err := lookupVersion(snap, id, to)
		if err != nil {
			return err
		}
		ra, err := snap.read(a)
		if err != nil {
			return err
		}
		rb, err := snap.read(b)
		if err != nil {
			return err
		}
		page = newDiffPage(ra, rb, a, b, vs)
		return nil
	})
	if err != nil {
		s.failErr(w, r, false, err)
		return
	}
	s.render(w, http.StatusOK, "diff", page)
}

func newDiffPage(ra, rb record.Record, a, b version, vs []version) *diffPage {
	title := rb.Title
	if title == "" {
		title = "Untitled " + string(rb.Kind)
	}
	p := &diffPage{
		Title: "Changes: " + title, RecordTitle: title, RecordURL: recordURL(rb.ID, b.Version),
		From: versionRowOf(ra.ID, a), To: versionRowOf(rb.ID, b),
		SameDigest: a.Digest != "" && a.Digest == b.Digest,
		FromValue:  a.Version, ToValue: b.Version,
	}
	// the plain text, not the Markdown: a reader compares words, not markup
	p.Blocks, p.Stats = diffParagraphs(ra.Text, rb.Text)
	p.Identical = p.Stats.Added+p.Stats.Removed+p.Stats.Changed == 0
	for _, x := range vs {
		p.Versions = append(p.Versions, versionRowOf(rb.ID, x))
	}
	return p
}

func versionRowOf(id string, v version) versionRow {
	row := versionRow{Version: v.Version, Digest: v.Digest, URL: recordURL(id, v.Version)}
	if !v.Captured.IsZero() {
		row.Captured = v.Captured.UTC().Format("2006-01-02 15:04:05 UTC")
		row.CapturedISO = v.Captured.UTC().Format(time.RFC3339)
		row.CaptureURL = captureURL(v.Captured, v.URL)
	}
	return row
}
