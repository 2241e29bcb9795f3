package serve

import (
	"encoding/json"
	"net/http"
	"strings"

	"rankfile/record"
)

// base returns the archive's public base URL: the configured one
// (Options.BaseURL), or else the scheme and host the request reached the
// server by.
func (s *Server) base(r *http.Request) string {
	if s.baseURL != "" {
		return s.baseURL
	}
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// citeCSL returns the record as a one-item CSL-JSON array.
func citeCSL(r record.Record, archived string) string {
	b, _ := json.MarshalIndent([]record.CSLItem{r.CSL(archived)}, "", "  ") // strings and ints only: cannot fail
	return string(b)
}

// metaTag is a <meta name content> tag.
type metaTag struct {
	Name, Content string
}

// headMeta returns the head tags of a page that has some (HeadMeta).
func headMeta(page any) []metaTag {
	if p, ok := page.(interface{ HeadMeta() []metaTag }); ok {
		return p.HeadMeta()
	}
	return nil
}

// citationMeta returns the citation metadata of a record's page as
// reference managers read it from a page: Highwire Press citation_* tags
// (Google Scholar's, read by Zotero's connector) and Dublin Core.
func citationMeta(r record.Record) []metaTag {
	var m []metaTag
	add := func(name, content string) {
		if content = strings.Join(strings.Fields(content), " "); content != "" {
			m = append(m, metaTag{Name: name, Content: content})
		}
	}
	add("citation_title", r.Title)
	for _, a := range r.Authors {
		add("citation_author", record.SplitName(a).RIS())
	}
	if t := r.PublishedTime(); !t.IsZero() {
		add("citation_publication_date", t.Format("2006/01/02"))
		add("citation_date", t.Format("2006/01/02"))
	}
	if !r.Captured.IsZero() {
		add("citation_online_date", r.Captured.UTC().Format("2006/01/02"))
	}
	add("citation_publisher", r.Site)
	add("citation_language", r.Language)
	add("citation_keywords", strings.Join(r.Tags, "; "))
	add("citation_abstract", r.Summary)
	add("citation_public_url", r.URL)
	add("DC.title", r.Title)
	for _, a := range r.Authors {
		add("DC.creator", record.SplitName(a).RIS())
	}
	add("DC.date", r.Published)
	add("DC.publisher", r.Site)
	add("DC.language", r.Language)
	add("DC.identifier", r.URL)
	if r.Kind == record.KindPost {
		add("DC.type", "blogPost")
	} else {
		add("DC.type", "webpage")
	}
	return m
}
