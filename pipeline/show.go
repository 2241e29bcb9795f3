package pipeline

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"rankfile/index"
	"rankfile/record"
)

// ErrNoRecord means the index holds no record with the ID asked for.
var ErrNoRecord = errors.New("no such record in the index (IDs are in search output: id, record_id)")

// versions opens the index read-only and returns every version of the
// record id (a record ID, a version's document ID, or its page's URL),
// oldest first.
func (p *Pipeline) versions(ctx context.Context, id string) ([]index.Version, error) {
	ix, err := p.openIndex()
	if err != nil {
		return nil, err
	}
	defer ix.Close()
	if id, err = recordRef(ctx, ix, id); err != nil { // a URL names its page's record
		return nil, err
	}
	vs, err := ix.Versions(ctx, strings.TrimSpace(id))
	if errors.Is(err, index.ErrNotFound) {
		return nil, fmt.Errorf("%s: %w", id, ErrNoRecord)
	}
	return vs, err
}

func (p *Pipeline) openIndex() (*index.Index, error) {
	ix, err := index.OpenReadOnly(p.path(indexDir))
	if errors.Is(err, index.ErrNoIndex) {
		return nil, ErrNoIndex
	}
	if err == nil {
		ix.SetAcronyms(p.siteAcronyms()) // --site BMORE
	}
	return ix, err
}

// Show writes a record: its metadata, a citation line, its text, and the
// list of its captured versions. id is a record ID, showing the latest
// version, or a version's document ID (RECORD@VERSION). In format "json"
// it writes one JSON object: the record's fields, "doc_id", "citation",
// and "versions" (doc_id, captured, warc_file, warc_offset, digest, latest,
// text_changed).
func (p *Pipeline) Show(ctx context.Context, id, format string) error {
	vs, err := p.versions(ctx, id)
	if err != nil {
		return err
	}
	shown := len(vs) - 1
	for i, v := range vs {
		if v.DocID == id {
			shown = i
		}
	}
	base, err := p.BaseURL()
	if err != nil {
		return err
	}
	if format == "json" {
		return writeShowJSON(p.out(), vs, shown, base)
	}
	return writeShowText(p.out(), vs, shown, base)
}

// writeShowText writes the version shown; base is the archive's public
// URL, for the citation's archived copy ("" for none).
func writeShowText(w io.Writer, vs []index.Version, shown int, base string) error {
	bw := bufio.NewWriter(w)
	r := vs[shown].Record
	title := r.Title
	if title == "" {
		title = "(untitled)"
	}
	fmt.Fprintf(bw, "%s [%s]\n\n", title, r.Kind)
	field := func(name, value string) {
		if value != "" {
			fmt.Fprintf(bw, "%-11s %s\n", name+":", value)
		}
	}
	site := r.Site
	if r.SiteKind != "" {
		site += " (" + r.SiteKind + ")"
	}
	field("Site", site)
	field("Org", r.Organization)
	field("Acronym", r.Acronym)
	field("Authors", strings.Join(r.Authors, ", "))
	field("Published", r.Published)
	field("Modified", r.Modified)
	field("Tags", strings.Join(r.Tags, ", "))
	field("Language", r.Language)
	field("Mentions", strings.Join(r.Mentions, ", "))
	field("URL", r.URL)
	field("Link", r.Link)
	field("Canonical", r.Canonical)
	field("Record", r.ID)
	field("Version", fmt.Sprintf("%s (%d of %d)", vs[shown].DocID, shown+1, len(vs)))
	field("Captured", stamp(r.Captured))
	field("WARC", r.WARCPlace())
	field("Digest", r.Digest)
	archived := record.ArchivedURL(base, r.Captured, r.URL)
	field("Archived", archived)
	fmt.Fprintf(bw, "\nCite as: %s\n\n", r.CitationAt(archived))
	if text := strings.TrimSpace(r.Text); text != "" {
		fmt.Fprintf(bw, "%s\n\n", text)
	}
	if len(r.Comments) > 0 {
		fmt.Fprintf(bw, "Comments (%d):\n", len(r.Comments))
		for _, c := range r.Comments {
			fmt.Fprintf(bw, "  %s %s: %s\n", c.Date, c.Author, strings.Join(strings.Fields(c.Text), " "))
		}
		fmt.Fprintln(bw)
	}
	fmt.Fprintf(bw, "Versions (%d):\n", len(vs))
	for i, v := range vs {
		mark := "  "
		if i == shown {
			mark = "> "
		}
		var notes []string
		if v.Latest {
			notes = append(notes, "latest")
		}
		if i > 0 {
			if v.Text == vs[i-1].Text {
				notes = append(notes, "text unchanged")
			} else {
				notes = append(notes, "text changed")
			}
		}
		fmt.Fprintf(bw, "%s%-20s  %s  %s", mark, versionOf(v.DocID), stamp(v.Captured), v.Record.WARCPlace())
		if len(notes) > 0 {
			fmt.Fprintf(bw, "  (%s)", strings.Join(notes, ", "))
		}
		fmt.Fprintln(bw)
	}
	if err := bw.Flush(); err != nil {
		return fmt.Errorf("write record: %w", err)
	}
	return nil
}

// showVersion is one line of a shown record's versions in JSON.
type showVersion struct {
	DocID       string `json:"doc_id"`
	Captured    string `json:"captured,omitempty"`
	WARCFile    string `json:"warc_file,omitempty"`
	WARCOffset  int64  `json:"warc_offset,omitempty"`
	Digest      string `json:"digest,omitempty"`
	Latest      bool   `json:"latest"`
	TextChanged bool   `json:"text_changed"` // against the version before; true for the first
}

func writeShowJSON(w io.Writer, vs []index.Version, shown int, base string) error {
	r := vs[shown].Record
	archived := record.ArchivedURL(base, r.Captured, r.URL)
	out := struct {
		record.Record
		DocID       string        `json:"doc_id"`
		ArchivedURL string        `json:"archived_url,omitempty"`
		Citation    string        `json:"citation"`
		Versions    []showVersion `json:"versions"`
	}{Record: r, DocID: vs[shown].DocID, ArchivedURL: archived, Citation: r.CitationAt(archived)}
	for i, v := range vs {
		out.Versions = append(out.Versions, showVersion{
			DocID: v.DocID, Captured: stamp(v.Captured), WARCFile: v.WARCFile, WARCOffset: v.WARCOffset,
			Digest: v.Digest, Latest: v.Latest, TextChanged: i == 0 || v.Text != vs[i-1].Text,
		})
	}
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(out); err != nil {
		return fmt.Errorf("write record: %w", err)
	}
	return nil
}

// versionOf returns the version part of a document ID.
func versionOf(docID string) string {
	if i := strings.LastIndexByte(docID, '@'); i >= 0 {
		return docID[i+1:]
	}
	return docID
}

// stamp formats a capture time as RFC 3339 in UTC, "" for none.
func stamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format(time.RFC3339)
}
