package record

import (
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"net/http"
	"strings"
	"time"
)

// Kind says what a record is.
type Kind string

// The kinds of record the extractor yields.
const (
	KindOrganization Kind = "organization" // an organization named and described on a page
	KindMission      Kind = "mission"      // an organization's mission statement
	KindPost         Kind = "post"         // a dated piece of writing: blog post, article, news item
	KindPage         Kind = "page"         // any other page's main writing
)

// Capture is one archived HTTP response, as the archive hands it to the
// extractor: the payload is the entity body with any Content-Encoding
// already removed.
type Capture struct {
	URL     string      // target URI of the capture
	Time    time.Time   // when it was fetched (WARC-Date)
	Status  int         // HTTP status code
	Header  http.Header // response headers as received
	Body    []byte      // decoded payload (gzip/deflate removed), in the page's own charset
	File    string      // WARC file name (base name, within the archive directory)
	Offset  int64       // byte offset of the response record in File
	Digest  string      // WARC-Payload-Digest, "sha1:BASE32"
	Revisit bool        // true when the capture was a revisit whose body was taken from an earlier capture
}

// Record is one unit of writing extracted from a capture: an organization,
// a mission statement, a post or a page. Every field but Kind, URL and Text
// may be empty.
type Record struct {
	ID           string    `json:"id"`                     // stable identifier, see MakeID
	Kind         Kind      `json:"kind"`                   // organization, mission, post or page
	URL          string    `json:"url"`                    // the page the record was extracted from
	Link         string    `json:"link,omitempty"`         // an organization's own site, or a teaser's target
	Site         string    `json:"site,omitempty"`         // name of the site (from the sites file) the page belongs to
	SiteKind     string    `json:"site_kind,omitempty"`    // the site's kind: caucus, network, partner, coalition
	Title        string    `json:"title,omitempty"`        // post or page title, or organization name
	Acronym      string    `json:"acronym,omitempty"`      // organization acronym, where the page gives one
	Organization string    `json:"organization,omitempty"` // for a mission: whose mission it is
	Authors      []string  `json:"authors,omitempty"`      // post authors as written
	Published    string    `json:"published,omitempty"`    // publication date as YYYY-MM-DD, where known
	Modified     string    `json:"modified,omitempty"`     // last modification date as YYYY-MM-DD, where the page gives one
	Tags         []string  `json:"tags,omitempty"`         // tags and categories as the page names them
	Language     string    `json:"language,omitempty"`     // BCP 47 language of the writing, e.g. "en"
	Canonical    string    `json:"canonical,omitempty"`    // the page's canonical URL, where it declares one
	Summary      string    `json:"summary,omitempty"`      // a short summary: the page's description or first sentences
	Text         string    `json:"text"`                   // the writing, plain text, paragraphs separated by blank lines
	Markdown     string    `json:"markdown,omitempty"`     // the writing as Markdown: headings, lists, tables, quotes, links
	Comments     []Comment `json:"comments,omitempty"`     // reader comments, kept apart from the writing
	Mentions     []string  `json:"mentions,omitempty"`     // names or acronyms of known organizations the writing mentions
	Captured     time.Time `json:"captured,omitzero"`      // when the capture was fetched
	WARCFile     string    `json:"warc_file,omitempty"`    // WARC file holding the capture
	WARCOffset   int64     `json:"warc_offset,omitempty"`  // offset of the capture's response record
	Digest       string    `json:"digest,omitempty"`       // payload digest of the capture
}

// MakeID returns a stable identifier for a record of kind k found on the page
// at url under the given title: the same record found again in a later capture
// of the same page gets the same ID.
func MakeID(k Kind, url, title string) string {
	h := sha1.Sum([]byte(string(k) + "\x00" + url + "\x00" + strings.ToLower(strings.TrimSpace(title))))
	return hex.EncodeToString(h[:8])
}

// PublishedTime parses Published; it returns the zero time when it is empty or malformed.
func (r Record) PublishedTime() time.Time {
	t, err := time.Parse(time.DateOnly, r.Published)
	if err != nil {
		return time.Time{}
	}
	return t
}

// Comment is one reader comment on a post.
type Comment struct {
	Author string `json:"author,omitempty"`
	Date   string `json:"date,omitempty"` // YYYY-MM-DD, where given
	Text   string `json:"text"`
}

// Place names where a capture's record is in the archive, as rankfile
// writes it everywhere: "FILE@OFFSET".
func Place(file string, offset int64) string { return fmt.Sprintf("%s@%d", file, offset) }

// WARCPlace is the Place of the capture the record version was read from,
// "" when it has none.
func (r Record) WARCPlace() string {
	if r.WARCFile == "" {
		return ""
	}
	return Place(r.WARCFile, r.WARCOffset)
}
