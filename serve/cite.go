package serve

import (
	"encoding/json"
	"net/http"

	"rankfile/record"
)

// baseURL returns the scheme and host the request reached the server by,
// for links that leave the page (citations).
func baseURL(r *http.Request) string {
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + r.Host
}

// citeText returns the record's citation line, the same as rankfile show
// and export give, followed by the link to the capture it was read from.
func citeText(r record.Record, archived string) string {
	c := r.Citation()
	if archived != "" {
		c += " Archived copy: " + archived
	}
	return c
}

// citeCSL returns the record as a one-item CSL-JSON array.
func citeCSL(r record.Record, archived string) string {
	b, _ := json.MarshalIndent([]record.CSLItem{r.CSL(archived)}, "", "  ") // strings and ints only: cannot fail
	return string(b)
}
