// Package serve is rankfile's web interface and JSON API: a search page
// like a library catalogue's, a page per record with its citation, history
// and diffs, the archived pages replayed as captured, and two pictures (a
// timeline and a network of organizations), all drawn on the server so
// that every page works without JavaScript.
//
// # Read-only beside a crawl
//
// A Server reads the data directory and never writes to it, and never takes
// the archive's lock: a cron crawl may write to the same directory while it
// serves. It reads the search index with index.OpenReadOnly and reopens it
// when a rebuild has replaced it (Index.Stale); it reads
// records/records.jsonl and reloads it when it has been replaced; it reads
// the capture index (archive/index.cdxj and the journal a running crawl
// appends to, index.cdxj.log) itself, taking in journal lines as they are
// added; and it reads WARC records directly at the file and offset the
// capture index gives, finding a file still being written under its .open
// name.
//
// # Replay
//
// /capture/{timestamp}/{url} serves an archived response as captured: its
// status, its Content-Type and its payload (transfer and content codings
// removed). An HTML page gets a banner injected right after its <body> tag
// naming the capture date and the original URL, and its links to pages the
// archive holds point at their captures; images and style sheets point at
// their captures whatever they are, so that nothing is fetched from the
// live web. The banner is injected rather than the page framed so that the
// banner follows the reader from page to page and the page keeps its own
// address, which is the one to cite.
//
// Archived pages are untrusted. Every replayed response carries
// Content-Security-Policy: sandbox (with no allow- tokens) and
// default-src 'none', letting in only images and style sheets from this
// server, so no archived script runs, inline event handlers and
// javascript: links included, forms cannot be sent, and the page runs in an
// opaque origin that cannot reach this server's own pages. The markup
// itself is left as captured, so the browser's enforcement of the policy is
// what the security tests check.
//
// # Pages and API
//
//	/                         search page (query syntax of rankfile search)
//	/records/{id}             a record: text, metadata, citation, versions
//	/records/{id}/diff        what changed between two versions
//	/captures?url=            every capture of a URL
//	/capture/{ts}/{url}       replay
//	/timeline, /network       the pictures (and .svg alone)
//	/api/search               hits and facets as JSON
//	/api/records/{id}         a record version as JSON
//	/api/records/{id}/versions
//	/api/captures?url=
//
// Errors of the API are JSON objects {"error": {"status", "message"}} with
// the matching HTTP status. Malformed or oversized parameters get 400 (or
// 414 for an overlong query string), unknown records and captures 404.
package serve
