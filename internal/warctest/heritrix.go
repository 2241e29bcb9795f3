// Package warctest builds WARC files the way other crawlers write them, for
// the tests of the archive's reader and importer. It computes everything
// (digests, lengths, gzip members) on its own, without the archive package,
// so that a test compares the archive against an independent writer.
package warctest

import (
	"bytes"
	"compress/gzip"
	"crypto/sha1"
	"encoding/base32"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Record is one WARC record: its version line, its named fields in the
// order written (Content-Length excluded: Encode writes it last) and its
// block.
type Record struct {
	Version string
	Fields  [][2]string
	Block   []byte
}

// Get returns the value of the first field named name, or "".
func (r Record) Get(name string) string {
	for _, f := range r.Fields {
		if strings.EqualFold(f[0], name) {
			return f[1]
		}
	}
	return ""
}

// Set replaces the value of the first field named name, or adds the field
// before WARC-Record-ID (or last) when there is none. It changes the
// record's own Fields: copy them first to keep the original.
func (r *Record) Set(name, value string) {
	at := len(r.Fields)
	for i, f := range r.Fields {
		if strings.EqualFold(f[0], name) {
			r.Fields[i][1] = value
			return
		}
		if strings.EqualFold(f[0], "WARC-Record-ID") {
			at = i
		}
	}
	r.Fields = append(r.Fields[:at:at], append([][2]string{{name, value}}, r.Fields[at:]...)...)
}

// Type returns the record's WARC-Type.
func (r Record) Type() string { return r.Get("WARC-Type") }

// Bytes returns the record as written to an uncompressed file: version
// line, fields, Content-Length, a blank line, the block and CRLF CRLF.
func (r Record) Bytes() []byte {
	var b bytes.Buffer
	b.WriteString(r.Version + "\r\n")
	for _, f := range r.Fields {
		b.WriteString(f[0] + ": " + f[1] + "\r\n")
	}
	b.WriteString("Content-Length: " + strconv.Itoa(len(r.Block)) + "\r\n\r\n")
	b.Write(r.Block)
	b.WriteString("\r\n\r\n")
	return b.Bytes()
}

// Encode returns recs as a WARC file, each record its own gzip member when
// gz is set, and where each record (or its gzip member) starts.
func Encode(recs []Record, gz bool) (file []byte, offsets []int64) {
	var out bytes.Buffer
	for _, r := range recs {
		offsets = append(offsets, int64(out.Len()))
		if !gz {
			out.Write(r.Bytes())
			continue
		}
		zw := gzip.NewWriter(&out) // a member of its own, as Java's GZIPOutputStream writes one per record
		zw.Write(r.Bytes())
		if err := zw.Close(); err != nil {
			panic(err) // writing to a bytes.Buffer does not fail
		}
	}
	return out.Bytes(), offsets
}

// SHA1 returns the labelled base32 SHA-1 digest WARC fields carry.
func SHA1(parts ...[]byte) string {
	h := sha1.New()
	for _, p := range parts {
		h.Write(p)
	}
	return "sha1:" + base32.StdEncoding.EncodeToString(h.Sum(nil))
}

// Capture is what a reader should make of a response or revisit record of
// the Heritrix file: its URL (angle brackets removed), WARC-Date, HTTP
// status, Content-Type, and the payload with transfer and content codings
// removed (for a revisit, its original's).
type Capture struct {
	URL         string
	Time        time.Time
	Status      int
	ContentType string
	Body        []byte
	Revisit     bool
	HTML        bool // an HTML page the extractor should keep
}

// The host, file name and dates of the Heritrix crawl.
const (
	HeritrixHost = "caucus.example"
	HeritrixName = "CAUCUS-20240301120000000-00000-4821~crawler~8443"
	hxUA         = "Mozilla/5.0 (compatible; heritrix/3.4.0-20220727 +https://archive.example.org/crawler)"
	hxIP         = "203.0.113.10"
)

// The pages of the crawled caucus site.
const (
	HomeURL        = "http://caucus.example/"
	ArbitrationURL = "http://caucus.example/2024/02/arbitration-win/"    // sent chunked
	VentilationURL = "http://caucus.example/2024/02/ventilation-report/" // sent gzip-encoded; angle brackets around its WARC-Target-URI
	ImageURL       = "http://caucus.example/wp-content/uploads/2024/02/rally.jpg"
	ShortlinkURL   = "http://caucus.example/?p=117" // the ventilation report again, deduplicated by digest
	RobotsURL      = "http://caucus.example/robots.txt"
	DNSURL         = "dns:caucus.example"
)

// ArbitrationText is the two paragraphs of the post sent chunked; the
// chunk boundaries fall inside them.
var ArbitrationText = [2]string{
	"The arbitrator ruled that the district broke the contract when it took away elementary teachers' preparation periods to cover for unfilled positions last fall.",
	"Caucus members who filed the grievance and testified at the hearing will explain at Thursday's meeting how the back pay will be paid out to every affected teacher.",
}

// HomeHTML, ArbitrationHTML and VentilationHTML are the pages as the server
// meant them (before chunking or gzip).
var (
	HomeHTML = post("Class size is a working condition", "2024-02-12",
		"Members of the Classroom Caucus met in the cafeteria after school to compare class rosters, and found thirty-four students in some kindergarten rooms across the district.",
		"We will bring the numbers to the next union meeting and ask the bargaining team to put enforceable class size caps on the table this spring.")
	ArbitrationHTML = post("Arbitration win restores preparation periods", "2024-02-20", ArbitrationText[0], ArbitrationText[1])
	VentilationHTML = post("Our ventilation report, school by school", "2024-02-27",
		"Caucus members measured carbon dioxide in forty classrooms and found ventilation below the district's own standard in more than half of them.",
		"The full report, with readings for every school building, goes to the joint health and safety committee, and we ask parents to sign our letter to the board.")
	// ImageBytes is a (tiny, not decodable) JPEG.
	ImageBytes = []byte("\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xdb\x00C\x00rally\xff\xd9")
	robotsTxt  = []byte("User-agent: *\nDisallow: /wp-admin/\nAllow: /wp-admin/admin-ajax.php\n")
)

func post(title, date, p1, p2 string) []byte {
	return []byte(`<!DOCTYPE html>
<html lang="en-US">
<head><meta charset="UTF-8"><title>` + title + ` – Classroom Caucus</title></head>
<body class="post-template-default single single-post">
<header class="site-header"><a class="site-title" href="/">Classroom Caucus of the Riverside Teachers Union</a>
<nav><a href="/">Home</a> <a href="/about/">About</a> <a href="/join/">Join</a></nav></header>
<main id="main"><article class="post type-post">
<h1 class="entry-title">` + title + `</h1>
<div class="entry-meta">Posted on <time class="entry-date published" datetime="` + date + `T18:00:00-05:00">` + date + `</time> by Classroom Caucus</div>
<div class="entry-content">
<p>` + p1 + `</p>
<p>` + p2 + `</p>
</div></article></main>
<footer class="site-footer">Classroom Caucus · Riverside, 2024</footer>
</body>
</html>
`)
}

// chunked returns p in the chunked transfer coding, cut in pieces of at
// most n bytes, as a server streaming the page sends it.
func chunked(p []byte, n int) []byte {
	var b bytes.Buffer
	for len(p) > 0 {
		k := min(n, len(p))
		fmt.Fprintf(&b, "%x\r\n", k)
		b.Write(p[:k])
		b.WriteString("\r\n")
		p = p[k:]
	}
	b.WriteString("0\r\n\r\n")
	return b.Bytes()
}

func gzipBytes(p []byte) []byte {
	var b bytes.Buffer
	zw := gzip.NewWriter(&b)
	zw.Write(p)
	zw.Close()
	return b.Bytes()
}

// hxFetch is one HTTP fetch as Heritrix records it.
type hxFetch struct {
	uri      string // WARC-Target-URI as written
	date     string
	id       int // the response's record ID; the request and metadata get id+1 and id+2
	head     string
	body     []byte // as received: chunked, gzip-encoded or plain
	refer    string
	hops     string // hopsFromSeed; "" for a seed
	outlinks []string
	revisit  string // the original's WARC-Payload-Digest: write a revisit, head only
	refersTo [][2]string
}

func hxID(n int) string { return fmt.Sprintf("<urn:uuid:6b1c2e4a-3f0d-4e7b-9a55-%012x>", n) }

// hxRecord builds a record with the named fields in the order
// webarchive-commons' WARCWriter writes them: WARC-Type, WARC-Target-URI,
// WARC-Date, the extra fields, WARC-Record-ID, Content-Type (only for a
// non-empty block); Encode adds Content-Length. The callers add a
// WARC-Block-Digest to the HTTP and metadata records, which
// webarchive-commons leaves out, so that Check has those to verify too.
func hxRecord(typ, uri, date string, id int, extra [][2]string, ctype string, block []byte) Record {
	f := [][2]string{{"WARC-Type", typ}}
	if uri != "" {
		f = append(f, [2]string{"WARC-Target-URI", uri})
	}
	f = append(f, [2]string{"WARC-Date", date})
	f = append(f, extra...)
	f = append(f, [2]string{"WARC-Record-ID", hxID(id)})
	if len(block) > 0 {
		f = append(f, [2]string{"Content-Type", ctype})
	}
	return Record{Version: "WARC/1.0", Fields: f, Block: block}
}

// records returns the response (or revisit), request and metadata records
// of one fetch, in the order Heritrix's WARCWriterChainProcessor writes
// them; the request and metadata are WARC-Concurrent-To the first.
func (x hxFetch) records() []Record {
	plainURI := strings.Trim(x.uri, "<>")
	u := strings.TrimPrefix(plainURI, "http://"+HeritrixHost)
	head := []byte(strings.ReplaceAll(x.head, "\n", "\r\n") + "\r\n")
	var first Record
	if x.revisit == "" {
		block := append(bytes.Clone(head), x.body...)
		// Heritrix digests the bytes after the HTTP head as they came off
		// the socket: for a chunked response, chunk markers included.
		first = hxRecord("response", x.uri, x.date, x.id, [][2]string{
			{"WARC-Payload-Digest", SHA1(x.body)},
			{"WARC-IP-Address", hxIP},
			{"WARC-Block-Digest", SHA1(block)},
		}, "application/http; msgtype=response", block)
	} else {
		// The identical-payload-digest profile of WARC/1.0, the head alone,
		// and only the digest to find the original by, unless a
		// ContentDigestHistory gave Refers-To fields.
		extra := [][2]string{
			{"WARC-Payload-Digest", x.revisit},
			{"WARC-IP-Address", hxIP},
			{"WARC-Profile", "http://netpreserve.org/warc/1.0/revisit/identical-payload-digest"},
			{"WARC-Truncated", "length"},
		}
		extra = append(extra, x.refersTo...)
		extra = append(extra, [2]string{"WARC-Block-Digest", SHA1(head)})
		first = hxRecord("revisit", x.uri, x.date, x.id, extra, "application/http; msgtype=response", head)
	}
	concurrent := [2]string{"WARC-Concurrent-To", hxID(x.id)}
	req := "GET " + u + " HTTP/1.1\r\nUser-Agent: " + hxUA + "\r\nConnection: close\r\n"
	if x.refer != "" {
		req += "Referer: " + x.refer + "\r\n"
	}
	req += "Accept: text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8\r\nAccept-Encoding: gzip,deflate\r\nHost: " + HeritrixHost + "\r\nFrom: archivist@example.org\r\n\r\n"
	request := hxRecord("request", x.uri, x.date, x.id+1, [][2]string{concurrent, {"WARC-Block-Digest", SHA1([]byte(req))}},
		"application/http; msgtype=request", []byte(req))
	var md strings.Builder
	if x.hops == "" {
		md.WriteString("seed:\r\n")
	} else {
		md.WriteString("via: " + x.refer + "\r\nhopsFromSeed: " + x.hops + "\r\nsourceTag: " + HomeURL + "\r\n")
	}
	md.WriteString("fetchTimeMs: 38\r\ncharsetForLinkExtraction: UTF-8\r\n")
	for _, l := range x.outlinks {
		md.WriteString("outlink: " + l + "\r\n")
	}
	md.WriteString("\r\n")
	meta := hxRecord("metadata", x.uri, x.date, x.id+2, [][2]string{concurrent, {"WARC-Block-Digest", SHA1([]byte(md.String()))}},
		"application/warc-fields", []byte(md.String()))
	return []Record{first, request, meta}
}

// Heritrix returns the records of a WARC file as Heritrix 3.4 writes it,
// crawling the caucus site with HTTP/1.1 and compression accepted: a
// warcinfo record, the host's DNS lookup (a response record of type
// text/dns), robots.txt, three posts (one sent plain, one chunked, one
// gzip-encoded with angle brackets around its WARC-Target-URI, as some
// WARC/1.0 writers do), a JPEG, and two revisits with the WARC/1.0
// identical-payload-digest profile: a recrawl of the chunked post a week
// later that names no original (Heritrix's default deduplication keeps
// only the digest), and the gzip post under its shortlink, naming its
// original by WARC-Refers-To-Target-URI and WARC-Refers-To-Date. Each
// HTTP fetch has its response (or revisit), request and metadata records.
// It also returns what a reader should make of each response and revisit
// record, in file order.
func Heritrix() ([]Record, []Capture) {
	info := "software: Heritrix/3.4.0-20220727 https://github.com/internetarchive/heritrix3\r\n" +
		"ip: 10.0.0.5\r\nhostname: crawler.example.org\r\nformat: WARC File Format 1.0\r\n" +
		"conformsTo: http://bibnum.bnf.fr/WARC/WARC_ISO_28500_version1_latestdraft.pdf\r\n" +
		"operator: Caucus Archive Project\r\nisPartOf: classroom-caucus-2024\r\n" +
		"description: The Classroom Caucus site, spring 2024\r\nrobots: obey\r\n" +
		"http-header-user-agent: " + hxUA + "\r\nhttp-header-from: archivist@example.org\r\n"
	recs := []Record{
		hxRecord("warcinfo", "", "2024-03-01T12:00:00Z", 1, [][2]string{{"WARC-Filename", HeritrixName + ".warc.gz"}},
			"application/warc-fields", []byte(info)),
		// A DNS lookup: no HTTP message, no digests, the resolver's address.
		hxRecord("response", DNSURL, "2024-03-01T12:00:00Z", 2, [][2]string{{"WARC-IP-Address", "10.0.0.2"}},
			"text/dns", []byte("20240301120000\ncaucus.example.\t300\tIN\tA\t"+hxIP+"\n")),
	}
	when := func(s string) time.Time {
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			panic(err)
		}
		return t
	}
	caps := []Capture{{URL: DNSURL, Time: when("2024-03-01T12:00:00Z"), ContentType: "text/dns", Body: recs[1].Block}}

	gzipped := gzipBytes(VentilationHTML)
	chunkedBody := chunked(ArbitrationHTML, 256)
	const server = "Server: nginx/1.24.0\nX-Powered-By: PHP/8.2.15\nLink: <http://caucus.example/wp-json/>; rel=\"https://api.w.org/\"\n"
	fetches := []hxFetch{
		{uri: RobotsURL, date: "2024-03-01T12:00:01Z", id: 10, refer: HomeURL, hops: "P",
			head: "HTTP/1.1 200 OK\nDate: Fri, 01 Mar 2024 12:00:01 GMT\nContent-Type: text/plain; charset=utf-8\nContent-Length: " +
				strconv.Itoa(len(robotsTxt)) + "\nConnection: close\n",
			body: robotsTxt},
		{uri: HomeURL, date: "2024-03-01T12:00:02Z", id: 20,
			head: "HTTP/1.1 200 OK\nDate: Fri, 01 Mar 2024 12:00:02 GMT\n" + server + "Content-Type: text/html; charset=UTF-8\nContent-Length: " +
				strconv.Itoa(len(HomeHTML)) + "\nConnection: close\n",
			body:     HomeHTML,
			outlinks: []string{ArbitrationURL + " L a/@href", VentilationURL + " L a/@href", ImageURL + " E img/@src"}},
		{uri: ArbitrationURL, date: "2024-03-01T12:00:04Z", id: 30, refer: HomeURL, hops: "L",
			head:     "HTTP/1.1 200 OK\nDate: Fri, 01 Mar 2024 12:00:04 GMT\n" + server + "Content-Type: text/html; charset=UTF-8\nTransfer-Encoding: chunked\nConnection: close\n",
			body:     chunkedBody,
			outlinks: []string{HomeURL + " L a/@href"}},
		{uri: "<" + VentilationURL + ">", date: "2024-03-01T12:00:06Z", id: 40, refer: HomeURL, hops: "L",
			head: "HTTP/1.1 200 OK\nDate: Fri, 01 Mar 2024 12:00:06 GMT\n" + server + "Content-Type: text/html; charset=UTF-8\nContent-Encoding: gzip\nVary: Accept-Encoding\nContent-Length: " +
				strconv.Itoa(len(gzipped)) + "\nConnection: close\n",
			body:     gzipped,
			outlinks: []string{HomeURL + " L a/@href"}},
		{uri: ImageURL, date: "2024-03-01T12:00:07Z", id: 50, refer: HomeURL, hops: "E",
			head: "HTTP/1.1 200 OK\nDate: Fri, 01 Mar 2024 12:00:07 GMT\nServer: nginx/1.24.0\nContent-Type: image/jpeg\nContent-Length: " +
				strconv.Itoa(len(ImageBytes)) + "\nLast-Modified: Tue, 27 Feb 2024 23:10:00 GMT\nETag: \"65de6c28-2f\"\nConnection: close\n",
			body: ImageBytes},
		{uri: ShortlinkURL, date: "2024-03-01T12:00:09Z", id: 60, refer: VentilationURL, hops: "LL",
			head: "HTTP/1.1 200 OK\nDate: Fri, 01 Mar 2024 12:00:09 GMT\n" + server + "Content-Type: text/html; charset=UTF-8\nContent-Encoding: gzip\nVary: Accept-Encoding\nContent-Length: " +
				strconv.Itoa(len(gzipped)) + "\nConnection: close\n",
			revisit:  SHA1(gzipped),
			refersTo: [][2]string{{"WARC-Refers-To-Target-URI", VentilationURL}, {"WARC-Refers-To-Date", "2024-03-01T12:00:06Z"}}},
		{uri: ArbitrationURL, date: "2024-03-08T09:30:00Z", id: 70, refer: HomeURL, hops: "L",
			head:    "HTTP/1.1 200 OK\nDate: Fri, 08 Mar 2024 09:30:00 GMT\n" + server + "Content-Type: text/html; charset=UTF-8\nTransfer-Encoding: chunked\nConnection: close\n",
			revisit: SHA1(chunkedBody)},
	}
	want := map[int]Capture{
		10: {URL: RobotsURL, Status: 200, ContentType: "text/plain; charset=utf-8", Body: robotsTxt},
		20: {URL: HomeURL, Status: 200, ContentType: "text/html; charset=UTF-8", Body: HomeHTML, HTML: true},
		30: {URL: ArbitrationURL, Status: 200, ContentType: "text/html; charset=UTF-8", Body: ArbitrationHTML, HTML: true},
		40: {URL: VentilationURL, Status: 200, ContentType: "text/html; charset=UTF-8", Body: VentilationHTML, HTML: true},
		50: {URL: ImageURL, Status: 200, ContentType: "image/jpeg", Body: ImageBytes},
		60: {URL: ShortlinkURL, Status: 200, ContentType: "text/html; charset=UTF-8", Body: VentilationHTML, Revisit: true},
		70: {URL: ArbitrationURL, Status: 200, ContentType: "text/html; charset=UTF-8", Body: ArbitrationHTML, Revisit: true},
	}
	for _, x := range fetches {
		recs = append(recs, x.records()...)
		c := want[x.id]
		c.Time = when(x.date)
		caps = append(caps, c)
	}
	return recs, caps
}
