package warctest

import (
	"archive/zip"
	"bytes"
	"compress/gzip"
	"crypto/sha1"
	"fmt"
	"strconv"
	"strings"
)

// File is one file of the interop corpus: archive files as other tools
// write them, each with what an importer should make of it.
type File struct {
	Name    string // the file name as the tool names it
	Tool    string // who writes files like it
	Oddity  string // what is unusual about it, for a lenient reader; "" for none
	Data    []byte
	Damaged bool // broken on purpose: an importer must refuse it
	// Pages are the HTML pages that must become searchable, by a word
	// each holds and no other page of the corpus does.
	Pages []Page
	// Captures is how many captures (response, revisit and resource
	// records, or ARC URL records) the importer should index.
	Captures int
	// Warning is a phrase the importer's warning about the oddity holds;
	// "" when the file needs no warning.
	Warning string
	// Needs names a file of the corpus holding the originals of this
	// file's revisits; imported before it, the revisits resolve at once.
	Needs string
}

// Page is an HTML page of the corpus and a word only it holds.
type Page struct {
	URL, Word string
}

// page returns a small HTML page holding word in its writing.
func page(title, word string) []byte {
	return post(title, "2024-04-02",
		"The rank-and-file caucus of the teachers union met on "+word+" evening to plan the next steps of the campaign for smaller classes.",
		"Members agreed to carry petitions to every school building, to speak at the board meeting, and to report back to the whole membership.")
}

// httpResponse returns a response block: status line, headers (one per
// line, LF ends; written with CRLF) and body.
func httpResponse(status string, headers string, body []byte) []byte {
	head := status + "\r\n" + strings.ReplaceAll(strings.TrimSuffix(headers, "\n"), "\n", "\r\n") + "\r\n\r\n"
	return append([]byte(head), body...)
}

// htmlResponse is a 200 response of an HTML page with a Content-Length.
func htmlResponse(body []byte) []byte {
	return httpResponse("HTTP/1.1 200 OK", "Content-Type: text/html; charset=utf-8\nContent-Length: "+strconv.Itoa(len(body)), body)
}

// recordID returns a record ID that names tool and n.
func recordID(tool string, n int) string {
	sum := sha1.Sum([]byte(tool + strconv.Itoa(n)))
	return fmt.Sprintf("<urn:uuid:%x-%x-%x-%x-%x>", sum[0:4], sum[4:6], sum[6:8], sum[8:10], sum[10:16])
}

// warcRecord builds a WARC record with a writer's usual fields: WARC-Type,
// WARC-Record-ID, WARC-Date, WARC-Target-URI, the digests (payload digest
// over payload when it is not nil), Content-Type, then extra.
func warcRecord(version, typ, id, date, uri, ctype string, block, payload []byte, extra ...[2]string) Record {
	f := [][2]string{{"WARC-Type", typ}, {"WARC-Record-ID", id}, {"WARC-Date", date}}
	if uri != "" {
		f = append(f, [2]string{"WARC-Target-URI", uri})
	}
	if payload != nil {
		f = append(f, [2]string{"WARC-Payload-Digest", SHA1(payload)})
	}
	f = append(f, [2]string{"WARC-Block-Digest", SHA1(block)})
	if ctype != "" {
		f = append(f, [2]string{"Content-Type", ctype})
	}
	f = append(f, extra...)
	return Record{Version: version, Fields: f, Block: block}
}

// warcinfo is a warcinfo record naming the software.
func warcinfo(version, id, date, filename, software string) Record {
	block := []byte("software: " + software + "\r\nformat: WARC File Format " + strings.TrimPrefix(version, "WARC/") + "\r\n")
	r := warcRecord(version, "warcinfo", id, date, "", "application/warc-fields", block, nil)
	r.Fields = append(r.Fields, [2]string{"WARC-Filename", filename})
	return r
}

// httpPair returns a response record of body at uri and its request.
func httpPair(version, tool string, n int, date, uri string, block []byte) []Record {
	_, payload := splitHead(block)
	resp := warcRecord(version, "response", recordID(tool, n), date, uri, "application/http; msgtype=response", block, payload)
	host := strings.SplitN(strings.TrimPrefix(strings.TrimPrefix(uri, "https://"), "http://"), "/", 2)[0]
	path := "/" + strings.SplitN(strings.TrimPrefix(strings.TrimPrefix(uri, "https://"), "http://"), "/", 2)[1]
	req := []byte("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nUser-Agent: " + tool + "\r\n\r\n")
	request := warcRecord(version, "request", recordID(tool, n+1), date, uri, "application/http; msgtype=request", req, []byte{},
		[2]string{"WARC-Concurrent-To", recordID(tool, n)})
	return []Record{resp, request}
}

// splitHead splits an HTTP message at the blank line ending its head.
func splitHead(block []byte) (head, body []byte) {
	if i := bytes.Index(block, []byte("\r\n\r\n")); i >= 0 {
		return block[:i+4], block[i+4:]
	}
	return block, nil
}

// bytesOf returns recs as an uncompressed WARC file.
func bytesOf(recs []Record) []byte { b, _ := Encode(recs, false); return b }

// gzOf returns recs as a gzip-per-record WARC file.
func gzOf(recs []Record) []byte { b, _ := Encode(recs, true); return b }

// gzMembers compresses each part as its own gzip member, with extra as the
// members' FEXTRA field when it is not nil (Heritrix 1 writes an "LX" one).
func gzMembers(parts [][]byte, extra []byte) []byte {
	var out bytes.Buffer
	for _, p := range parts {
		zw := gzip.NewWriter(&out)
		zw.Extra = extra
		zw.Write(p)
		if err := zw.Close(); err != nil {
			panic(err)
		}
	}
	return out.Bytes()
}

// zipOf returns a zip file of the named entries, stored as WACZ asks.
func zipOf(entries [][2]string) []byte {
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	for _, e := range entries {
		w, err := zw.CreateHeader(&zip.FileHeader{Name: e[0], Method: zip.Store})
		if err != nil {
			panic(err)
		}
		w.Write([]byte(e[1]))
	}
	if err := zw.Close(); err != nil {
		panic(err)
	}
	return b.Bytes()
}

// arcRecord is one ARC record: its URL-record line and content.
type arcRecord struct {
	url, ip, date, ctype string
	content              []byte
}

// bytes returns the record as written: the URL-record line (version 1:
// URL IP-address Archive-date Content-type Archive-length; version 2 adds
// Result-code Checksum Location Offset Filename before the length), the
// content and the newline that ends a record.
func (r arcRecord) bytes(v2 bool, name string) []byte {
	line := fmt.Sprintf("%s %s %s %s %d\n", r.url, r.ip, r.date, r.ctype, len(r.content))
	if v2 {
		code := "-"
		if f := strings.Fields(string(r.content)); len(f) > 1 && strings.HasPrefix(f[0], "HTTP/") {
			code = f[1]
		}
		sum := sha1.Sum(r.content)
		line = fmt.Sprintf("%s %s %s %s %s %x - 0 %s %d\n", r.url, r.ip, r.date, r.ctype, code, sum[:16], name, len(r.content))
	}
	return append(append([]byte(line), r.content...), '\n')
}

// arcFile returns an ARC file (version 1.0 or 1.1, "1 0" or "1 1") named
// name, written by the Internet Archive's crawler, its records each in a
// gzip member of its own when gz is set.
func arcFile(name, major, date string, gz bool, recs []arcRecord) []byte {
	meta := "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<arcmetadata xmlns:dc=\"http://purl.org/dc/elements/1.1/\" xmlns:dcterms=\"http://purl.org/dc/terms/\" xmlns:arc=\"http://archive.org/arc/1.0/\">\n<arc:software>Heritrix 1.14.4 http://crawler.archive.org</arc:software>\n<arc:hostname>crawler.example.org</arc:hostname>\n<arc:operator>Caucus Archive Project</arc:operator>\n<dc:format>ARC file version " + strings.Replace(major, " ", ".", 1) + "</dc:format>\n</arcmetadata>\n"
	desc := []byte(major + " InternetArchive\nURL IP-address Archive-date Content-type Archive-length\n" + meta)
	v2 := strings.HasPrefix(major, "2")
	if v2 { // Alexa Internet's version 2, without XML
		desc = []byte(major + " Alexa Internet\nURL IP-address Archive-date Content-type Result-code Checksum Location Offset Filename Archive-length\n")
	}
	all := append([]arcRecord{{url: "filedesc://" + name, ip: "0.0.0.0", date: date, ctype: "text/plain", content: desc}}, recs...)
	var parts [][]byte
	for _, r := range all {
		parts = append(parts, r.bytes(v2, name))
	}
	if gz {
		return gzMembers(parts, []byte("LX\x04\x00\x00\x00\x00\x00"))
	}
	return bytes.Join(parts, nil)
}

// chunkedBadly writes p chunked with each chunk size counted in
// characters, not bytes, as a server re-encoding text gets it wrong: a
// chunk holding multi-byte UTF-8 is longer than its size says.
func chunkedBadly(p []byte, n int) []byte {
	var b bytes.Buffer
	s := []rune(string(p))
	for len(s) > 0 {
		k := min(n, len(s))
		fmt.Fprintf(&b, "%x\r\n", k)
		b.WriteString(string(s[:k]))
		b.WriteString("\r\n")
		s = s[k:]
	}
	b.WriteString("0\r\n\r\n")
	return b.Bytes()
}

// Corpus returns the interop corpus: archive files as Heritrix 1 and 3,
// the Internet Archive, wget, wpull, warcit, Webrecorder and pywb write
// them, with the oddities lenient readers (warcio, pywb) accept, and two
// files damaged on purpose.
func Corpus() []File {
	var files []File
	add := func(f File) { files = append(files, f) }

	// Heritrix 3, as the Heritrix builder writes it.
	hx, hxCaps := Heritrix()
	add(File{Name: HeritrixName + ".warc.gz", Tool: "Heritrix 3.4", Data: gzOf(hx), Captures: len(hxCaps),
		Pages: []Page{{HomeURL, "cafeteria"}, {ArbitrationURL, "arbitrator"}, {VentilationURL, "ventilation"}}})

	// Heritrix 1 ARC, gzip per record; an Internet Archive ARC v1.0,
	// uncompressed.
	arcPage := page("Strike vote set for May", "Wednesdayarc")
	// A URL with spaces in it, and a server that ends its header lines
	// with a bare LF, as Heritrix 1 recorded them.
	spacePage := page("Email this article", "Spacedarc")
	spaced := []byte("HTTP/1.1 200 OK\nContent-Type: text/html\nConnection: close\n\n" + string(spacePage))
	add(File{Name: "IAH-20040302120000-00000-crawler.arc.gz", Tool: "Heritrix 1.14 (ARC 1.1, gzip)", Captures: 4,
		Pages: []Page{{"http://caucus-arc.example/strike-vote.html", "Wednesdayarc"},
			{"http://caucus-arc.example/index.cfm?Action=Email&Title=Strike%20vote%20set", "Spacedarc"}},
		Data: arcFile("IAH-20040302120000-00000-crawler.arc", "1 1", "20040302120000", true, []arcRecord{
			{url: "dns:caucus-arc.example", ip: "10.0.0.2", date: "20040302120001", ctype: "text/dns",
				content: []byte("20040302120001\ncaucus-arc.example.\t300\tIN\tA\t203.0.113.20\n")},
			{url: "http://caucus-arc.example/robots.txt", ip: "203.0.113.20", date: "20040302120002", ctype: "text/plain",
				content: httpResponse("HTTP/1.0 200 OK", "Content-Type: text/plain\nContent-Length: 10", []byte("User-agent"))},
			{url: "http://caucus-arc.example/strike-vote.html", ip: "203.0.113.20", date: "20040302120003", ctype: "text/html",
				content: httpResponse("HTTP/1.1 200 OK", "Server: Apache/1.3.29\nContent-Type: text/html\nContent-Length: "+strconv.Itoa(len(arcPage)), arcPage)},
			{url: "http://caucus-arc.example/index.cfm?Action=Email&Title=Strike vote set", ip: "203.0.113.20", date: "20040302120004", ctype: "text/html",
				content: spaced},
		})})
	iaPage := page("Letter to the school board", "Thursdayarc")
	add(File{Name: "IA-001102-19991201000000.arc", Tool: "Internet Archive (ARC 1.0, uncompressed)", Captures: 1,
		Pages: []Page{{"http://caucus-ia.example/letter.html", "Thursdayarc"}},
		Data: arcFile("IA-001102-19991201000000.arc", "1 0", "19991201000000", false, []arcRecord{
			{url: "http://caucus-ia.example/letter.html", ip: "198.51.100.7", date: "19991201000005", ctype: "text/html",
				content: httpResponse("HTTP/1.0 200 OK", "Content-Type: text/html", iaPage)},
		})})

	alexa := page("Caucus founded", "Foundedalexa")
	add(File{Name: "DE_crawl6.20010801000000.arc.gz", Tool: "Alexa Internet (ARC 2.0, gzip)", Captures: 1,
		Pages: []Page{{"http://caucus-alexa.example/about.html", "Foundedalexa"}},
		Data: arcFile("DE_crawl6.20010801000000.arc", "2 0", "20010801000000", true, []arcRecord{
			{url: "http://caucus-alexa.example/about.html", ip: "192.0.2.44", date: "20010801000012", ctype: "text/html",
				content: httpResponse("HTTP/1.0 200 OK", "Content-Type: text/html\nContent-Length: "+strconv.Itoa(len(alexa)), alexa)},
		})})

	// A plain ARC whose Archive-lengths are off: 2 too many for the first
	// record, 1 too few for the last.
	// (The last page does not end in a newline: with one, a length one
	// short is a page without it, for any reader.)
	offA, offB := page("Health and safety", "Lengthsarcone"), bytes.TrimSuffix(page("Grievance win", "Lengthsarctwo"), []byte("\n"))
	offRecs := []arcRecord{
		{url: "http://caucus-lengths.example/safety.html", ip: "198.51.100.9", date: "19991202000001", ctype: "text/html",
			content: httpResponse("HTTP/1.0 200 OK", "Content-Type: text/html", offA)},
		{url: "http://caucus-lengths.example/grievance.html", ip: "198.51.100.9", date: "19991202000002", ctype: "text/html",
			content: httpResponse("HTTP/1.0 200 OK", "Content-Type: text/html", offB)},
	}
	offData := arcFile("IA-001103-19991202000000.arc", "1 0", "19991202000000", false, offRecs)
	for i, delta := range []int{2, -1} {
		n := len(offRecs[i].content)
		from := fmt.Sprintf("text/html %d\n", n)
		offData = bytes.Replace(offData, []byte(from), []byte(fmt.Sprintf("text/html %d\n", n+delta)), 1)
	}
	add(File{Name: "IA-001103-19991202000000.arc", Tool: "Internet Archive (ARC 1.0, uncompressed)", Oddity: "Archive-lengths off by +2 and -1",
		Warning: "Archive-length", Data: offData, Captures: 2, Pages: []Page{{"http://caucus-lengths.example/safety.html", "Lengthsarcone"},
			{"http://caucus-lengths.example/grievance.html", "Lengthsarctwo"}}})

	// A plain ARC file gzipped whole afterwards: one member for every record.
	wholeArc := page("Bargaining survey", "Wholearcword")
	add(File{Name: "IA-001104-19991203000000.arc.gz", Tool: "gzip(1) over an Internet Archive ARC 1.0 file", Oddity: "one gzip member for every record",
		Captures: 2, Pages: []Page{{"http://caucus-wholearc.example/survey.html", "Wholearcword"}},
		Data: gzMembers([][]byte{arcFile("IA-001104-19991203000000.arc", "1 0", "19991203000000", false, []arcRecord{
			{url: "http://caucus-wholearc.example/survey.html", ip: "198.51.100.12", date: "19991203000001", ctype: "text/html",
				content: httpResponse("HTTP/1.0 200 OK", "Content-Type: text/html", wholeArc)},
			{url: "http://caucus-wholearc.example/logo.gif", ip: "198.51.100.12", date: "19991203000002", ctype: "image/gif",
				content: httpResponse("HTTP/1.0 200 OK", "Content-Type: image/gif", []byte("GIF89a\x01\x00\x01\x00"))},
		})}, nil)})

	// wpull: WARC/1.0, its log kept as a resource record at the end.
	wp := page("Bargaining update", "Mondaywpull")
	recs := []Record{warcinfo(Version10, recordID("wpull", 0), "2024-04-02T10:00:00Z", "wpull.warc.gz", "Wpull/2.0.1 Python/3.6.15")}
	recs = append(recs, httpPair(Version10, "wpull", 1, "2024-04-02T10:00:01Z", "http://caucus-wpull.example/bargaining/", htmlResponse(wp))...)
	recs = append(recs, warcRecord(Version10, "resource", recordID("wpull", 9), "2024-04-02T10:00:09Z", "urn:X-wpull:log", "text/plain",
		[]byte("INFO Fetching 'http://caucus-wpull.example/bargaining/'.\nINFO Fetched ‘http://caucus-wpull.example/bargaining/’: 200 OK.\n"), nil,
		[2]string{"WARC-Concurrent-To", recordID("wpull", 0)}))
	add(File{Name: "wpull.warc.gz", Tool: "wpull 2.0", Data: gzOf(recs), Captures: 2,
		Pages: []Page{{"http://caucus-wpull.example/bargaining/", "Mondaywpull"}}})

	// warcit: files from a disk as resource records.
	wc1, wc2, wc3 := page("Our platform", "Tuesdaywarcit"), page("Join the caucus", "Fridaywarcit"), page("April minutes", "Minuteswarcit")
	recs = []Record{warcinfo(Version10, recordID("warcit", 0), "2024-04-02T11:00:00Z", "site.warc.gz", "warcit 0.4.0")}
	for i, r := range []struct {
		uri  string
		body []byte
	}{{"http://caucus-warcit.example/platform.html", wc1}, {"http://caucus-warcit.example/join/index.html", wc2},
		{"http://caucus-warcit.example/minutes april.html", wc3}} { // a file name with a space, as it was on the disk
		recs = append(recs, warcRecord(Version10, "resource", recordID("warcit", i+1), "2024-04-02T11:00:0"+strconv.Itoa(i+1)+"Z", r.uri,
			"text/html", r.body, r.body, [2]string{"WARC-Source-URI", "file:///home/archivist/site/" + strings.TrimPrefix(r.uri, "http://caucus-warcit.example/")},
			[2]string{"WARC-Creation-Date", "2024-04-02T11:00:00Z"}))
	}
	add(File{Name: "site.warc.gz", Tool: "warcit 0.4", Oddity: "a space in a WARC-Target-URI", Warning: "minutes%20april.html", Data: gzOf(recs), Captures: 3,
		Pages: []Page{{"http://caucus-warcit.example/platform.html", "Tuesdaywarcit"}, {"http://caucus-warcit.example/join/index.html", "Fridaywarcit"},
			{"http://caucus-warcit.example/minutes%20april.html", "Minuteswarcit"}}})

	// Webrecorder (pywb's recorder): a page, the same page under two more
	// URLs as URL-agnostic revisits, a page read as a resource, and the
	// pageinfo resource.
	wr, wr2 := page("Safety committee report", "Saturdaywr"), page("Meeting notes", "Sundaywr")
	recs = []Record{warcinfo(Version10, recordID("wr", 0), "2024-04-03T09:00:00Z", "rec-20240403090000.warc.gz", "Webrecorder Platform v4.12.0")}
	orig := htmlResponse(wr)
	recs = append(recs, httpPair(Version10, "wr", 1, "2024-04-03T09:00:01Z", "https://caucus-wr.example/safety", orig)...)
	head, _ := splitHead(orig)
	recs = append(recs, warcRecord(Version10, "revisit", recordID("wr", 3), "2024-04-03T09:00:05Z", "https://caucus-wr.example/safety?utm_source=newsletter",
		"application/http; msgtype=response", head, nil,
		[2]string{"WARC-Profile", "http://netpreserve.org/warc/1.0/revisit/identical-payload-digest"},
		[2]string{"WARC-Refers-To-Target-URI", "https://caucus-wr.example/safety"},
		[2]string{"WARC-Refers-To-Date", "2024-04-03T09:00:01Z"}))
	recs[len(recs)-1].Set("WARC-Payload-Digest", SHA1(wr))
	// As warcio.js writes a URL-agnostic revisit (ArchiveWeb.page): no
	// payload digest, WARC/1.1's profile.
	recs = append(recs, warcRecord(Version10, "revisit", recordID("wr", 6), "2024-04-03T09:00:06Z", "https://caucus-wr.example/safety?fbclid=IwAR0x",
		"application/http; msgtype=response", head, nil,
		[2]string{"WARC-Profile", ProfileIdentical11},
		[2]string{"WARC-Refers-To-Target-URI", "https://caucus-wr.example/safety"},
		[2]string{"WARC-Refers-To-Date", "2024-04-03T09:00:01Z"}))
	recs = append(recs, warcRecord(Version10, "resource", recordID("wr", 4), "2024-04-03T09:00:07Z", "https://caucus-wr.example/notes",
		"text/html; charset=utf-8", wr2, wr2))
	info := []byte(`{"pages":[{"url":"https://caucus-wr.example/safety","title":"Safety committee report"}]}`)
	recs = append(recs, warcRecord(Version10, "resource", recordID("wr", 5), "2024-04-03T09:00:09Z", "urn:pageinfo:https://caucus-wr.example/safety",
		"application/json", info, info))
	add(File{Name: "rec-20240403090000.warc.gz", Tool: "Webrecorder", Oddity: "URL-agnostic revisits; resource records", Data: gzOf(recs), Captures: 5,
		Pages: []Page{{"https://caucus-wr.example/safety", "Saturdaywr"}, {"https://caucus-wr.example/notes", "Sundaywr"}}})

	// Browsertrix: a WACZ package, its WARC/1.1 file under archive/ with a
	// page's response and request, the page's pageinfo and extracted text
	// as resource records; pages.jsonl and datapackage.json beside it.
	bt := page("Solidarity with striking nurses", "Browsertrixword")
	btWARC := "rec-20240406100000000-crawler-0.warc.gz"
	recs = []Record{warcinfo(Version11, recordID("btrix", 0), "2024-04-06T10:00:00.123Z", btWARC, "Browsertrix-Crawler 1.0.4 (with warcio.js 2.2.1)")}
	recs = append(recs, httpPair(Version11, "btrix", 1, "2024-04-06T10:00:01.456Z", "https://caucus-btrix.example/nurses", htmlResponse(bt))...)
	btInfo := []byte(`{"pageid":"p1","url":"https://caucus-btrix.example/nurses","ts":"2024-04-06T10:00:01.456Z","urls":{}}`)
	btText := []byte("Solidarity with striking nurses\nThe rank-and-file caucus ... Browsertrixword ...")
	recs = append(recs, warcRecord(Version11, "resource", recordID("btrix", 3), "2024-04-06T10:00:02.789Z", "urn:pageinfo:https://caucus-btrix.example/nurses", "application/json", btInfo, btInfo),
		warcRecord(Version11, "resource", recordID("btrix", 4), "2024-04-06T10:00:02.789Z", "urn:text:https://caucus-btrix.example/nurses", "text/plain", btText, btText))
	add(File{Name: "caucus-crawl.wacz", Tool: "Browsertrix-Crawler 1.0 (WACZ 1.1.1)", Data: zipOf([][2]string{
		{"archive/" + btWARC, string(gzOf(recs))},
		{"pages/pages.jsonl", `{"format":"json-pages-1.0","id":"pages","title":"All Pages"}` + "\n" +
			`{"id":"p1","url":"https://caucus-btrix.example/nurses","title":"Solidarity with striking nurses","ts":"2024-04-06T10:00:01.456Z","text":"..."}` + "\n"},
		{"datapackage.json", `{"profile":"data-package","wacz_version":"1.1.1","software":"Browsertrix-Crawler 1.0.4","resources":[]}`},
	}), Captures: 3, Pages: []Page{{"https://caucus-btrix.example/nurses", "Browsertrixword"}}})

	// Content-Length a little off, in both directions and file kinds.
	for _, c := range []struct {
		name  string
		delta int
		gz    bool
	}{{"cl-short.warc", -1, false}, {"cl-long.warc", 2, false}, {"cl-short.warc.gz", -2, true}, {"cl-long.warc.gz", 1, true}} {
		word := "Clword" + strings.NewReplacer(".", "", "-", "").Replace(c.name)
		body := page("Content-Length "+c.name, word)
		tool := "cl" + c.name
		recs := []Record{warcinfo(Version10, recordID(tool, 0), "2024-04-04T08:00:00Z", c.name, "an old crawler")}
		recs = append(recs, httpPair(Version10, tool, 1, "2024-04-04T08:00:01Z", "http://caucus-cl.example/"+c.name, htmlResponse(body))...)
		var data []byte
		var parts [][]byte
		for i, r := range recs {
			b := r.Bytes()
			if i == 1 { // the response: Content-Length off by delta
				n := len(r.Block)
				b = bytes.Replace(b, []byte("Content-Length: "+strconv.Itoa(n)+"\r\n"), []byte("Content-Length: "+strconv.Itoa(n+c.delta)+"\r\n"), 1)
			}
			parts = append(parts, b)
		}
		if c.gz {
			data = gzMembers(parts, nil)
		} else {
			data = bytes.Join(parts, nil)
		}
		add(File{Name: c.name, Tool: "an old crawler", Oddity: fmt.Sprintf("Content-Length %+d", c.delta), Warning: "Content-Length", Data: data, Captures: 1,
			Pages: []Page{{"http://caucus-cl.example/" + c.name, word}}})
	}

	// Records without the closing CRLF CRLF.
	nc := page("No record end", "Nocrlfword")
	recs = []Record{warcinfo(Version10, recordID("nocrlf", 0), "2024-04-04T09:00:00Z", "no-crlf.warc", "an old crawler")}
	recs = append(recs, httpPair(Version10, "nocrlf", 1, "2024-04-04T09:00:01Z", "http://caucus-nocrlf.example/", htmlResponse(nc))...)
	var parts [][]byte
	for _, r := range recs {
		parts = append(parts, bytes.TrimSuffix(r.Bytes(), []byte("\r\n\r\n")))
	}
	add(File{Name: "no-crlf.warc", Tool: "an old crawler", Oddity: "records not ended by CRLF CRLF", Warning: "not ended by CRLF CRLF", Data: bytes.Join(parts, nil), Captures: 1,
		Pages: []Page{{"http://caucus-nocrlf.example/", "Nocrlfword"}}})

	// WARC-Dates without their zone, and one as 14 digits.
	nz := page("Rally at the board office", "Nozoneword")
	recs = []Record{warcinfo(Version10, recordID("nozone", 0), "2024-04-04T09:30:00", "no-zone.warc.gz", "a home-made recorder")}
	recs = append(recs, httpPair(Version10, "nozone", 1, "2024-04-04T09:30:01", "http://caucus-nozone.example/rally", htmlResponse(nz))...)
	recs[2].Set("WARC-Date", "20240404093001")
	add(File{Name: "no-zone.warc.gz", Tool: "a home-made recorder", Oddity: "WARC-Dates without zone, or as 14 digits", Warning: "read as UTC",
		Data: gzOf(recs), Captures: 1, Pages: []Page{{"http://caucus-nozone.example/rally", "Nozoneword"}}})

	// A status line without a reason phrase.
	nr := page("No reason phrase", "Noreasonword")
	recs = []Record{warcinfo(Version11, recordID("noreason", 0), "2024-04-04T10:00:00Z", "no-reason.warc.gz", "a proxy recorder")}
	recs = append(recs, httpPair(Version11, "noreason", 1, "2024-04-04T10:00:01Z", "https://caucus-noreason.example/",
		httpResponse("HTTP/1.1 200", "Content-Type: text/html\nContent-Length: "+strconv.Itoa(len(nr)), nr))...)
	add(File{Name: "no-reason.warc.gz", Tool: "a proxy recorder (HTTP/2 response kept without reason phrase)", Oddity: "status line without reason phrase", Warning: "without a reason phrase",
		Data: gzOf(recs), Captures: 1, Pages: []Page{{"https://caucus-noreason.example/", "Noreasonword"}}})

	// As early Wayback tools wrote: a revisit with a draft (0.18) profile
	// and no block, a redirect whose status line ends in a space without
	// a reason phrase, and the file ending right after the last block.
	wb := page("Contract ratified", "Ratifiedwayback")
	recs = []Record{warcinfo(Version10, recordID("wayback", 0), "2014-01-03T03:03:20Z", "wayback-extra.warc", "Wayback Save Page")}
	recs = append(recs, httpPair(Version10, "wayback", 1, "2014-01-03T03:03:21Z", "http://caucus-wayback.example/?p=2", htmlResponse(wb))...)
	recs = append(recs, warcRecord(Version10, "revisit", recordID("wayback", 3), "2014-06-03T03:03:41Z", "http://caucus-wayback.example/?p=2", "", []byte{}, nil,
		[2]string{"WARC-Profile", "http://netpreserve.org/warc/0.18/revisit/identical-payload-digest"},
		[2]string{"WARC-Refers-To-Target-URI", "http://caucus-wayback.example/?p=2"},
		[2]string{"WARC-Refers-To-Date", "2014-01-03T03:03:21Z"}))
	recs[len(recs)-1].Set("WARC-Payload-Digest", SHA1(wb))
	recs = append(recs, httpPair(Version10, "wayback", 4, "2014-06-03T03:03:45Z", "http://caucus-wayback.example/old",
		httpResponse("HTTP/1.0 302 ", "Location: http://caucus-wayback.example/?p=2\nServer: BigIP\nConnection: close\nContent-Length: 0", nil))[0])
	wbData := bytes.TrimSuffix(bytesOf(recs), []byte("\r\n\r\n"))
	add(File{Name: "wayback-extra.warc", Tool: "Wayback Save Page", Oddity: "draft revisit profile; status line without reason phrase; file ends without CRLF CRLF",
		Warning: "without a reason phrase", Data: wbData, Captures: 3, Pages: []Page{{"http://caucus-wayback.example/?p=2", "Ratifiedwayback"}}})

	// Chunk sizes counted in characters.
	bc := page("Résumé of the négociations — déjà vu", "Badchunkword")
	recs = []Record{warcinfo(Version10, recordID("badchunk", 0), "2024-04-04T11:00:00Z", "bad-chunks.warc.gz", "a proxy recorder")}
	recs = append(recs, httpPair(Version10, "badchunk", 1, "2024-04-04T11:00:01Z", "http://caucus-chunk.example/",
		httpResponse("HTTP/1.1 200 OK", "Content-Type: text/html; charset=utf-8\nTransfer-Encoding: chunked", chunkedBadly(bc, 200)))...)
	add(File{Name: "bad-chunks.warc.gz", Tool: "a proxy recorder", Oddity: "chunk sizes wrong", Warning: "chunk sizes are wrong", Data: gzOf(recs), Captures: 1,
		Pages: []Page{{"http://caucus-chunk.example/", "Badchunkword"}}})

	// A WARC file compressed whole by gzip(1), one member for all records.
	whole := page("Picket schedule", "Picketword")
	recs = []Record{warcinfo(Version10, recordID("whole", 0), "2024-04-04T12:00:00Z", "gzipped-whole.warc", "wget 1.14")}
	recs = append(recs, httpPair(Version10, "whole", 1, "2024-04-04T12:00:01Z", "http://caucus-whole.example/pickets", htmlResponse(whole))...)
	add(File{Name: "gzipped-whole.warc.gz", Tool: "gzip(1) over a whole WARC file", Oddity: "one gzip member for every record",
		Data: gzMembers([][]byte{bytesOf(recs)}, nil), Captures: 1, Pages: []Page{{"http://caucus-whole.example/pickets", "Picketword"}}})

	// Records split across gzip members, their head in one and their
	// block's rest in the next, as warcio's example-wrong-chunks.warc.gz
	// has them.
	sp := page("Split members", "Splitmemberword")
	recs = []Record{warcinfo(Version10, recordID("split", 0), "2024-04-04T13:00:00Z", "split-members.warc.gz", "a writer that flushed its gzip stream mid-record")}
	recs = append(recs, httpPair(Version10, "split", 1, "2024-04-04T13:00:01Z", "http://caucus-split.example/", htmlResponse(sp))...)
	var splitParts [][]byte
	for i, r := range recs {
		b := r.Bytes()
		if i == 1 { // the response: WARC head and HTTP head, then the body
			cut := bytes.Index(b, []byte("<!DOCTYPE"))
			splitParts = append(splitParts, b[:cut], b[cut:])
			continue
		}
		splitParts = append(splitParts, b)
	}
	add(File{Name: "split-members.warc.gz", Tool: "a writer that flushed its gzip stream mid-record", Oddity: "a record split across gzip members",
		Warning: "split across gzip members", Data: gzMembers(splitParts, nil), Captures: 1, Pages: []Page{{"http://caucus-split.example/", "Splitmemberword"}}})

	// A recrawl whose revisits stand on the first crawl's file.
	first, again := page("Contract campaign", "Octoberpart"), page("Second post", "Novemberpart")
	recs = []Record{warcinfo(Version11, recordID("part1", 0), "2024-04-05T08:00:00Z", "crawl-part1.warc.gz", "pywb 2.8 recorder")}
	recs = append(recs, httpPair(Version11, "part1", 1, "2024-04-05T08:00:01Z", "https://caucus-parts.example/campaign", htmlResponse(first))...)
	add(File{Name: "crawl-part1.warc.gz", Tool: "pywb 2.8", Data: gzOf(recs), Captures: 1,
		Pages: []Page{{"https://caucus-parts.example/campaign", "Octoberpart"}}})
	recs = []Record{warcinfo(Version11, recordID("part2", 0), "2024-04-12T08:00:00Z", "crawl-part2.warc.gz", "pywb 2.8 recorder")}
	head, _ = splitHead(htmlResponse(first))
	rv := warcRecord(Version11, "revisit", recordID("part2", 1), "2024-04-12T08:00:01Z", "https://caucus-parts.example/campaign",
		"application/http; msgtype=response", head, nil,
		[2]string{"WARC-Profile", ProfileIdentical11},
		[2]string{"WARC-Refers-To-Target-URI", "https://caucus-parts.example/campaign"},
		[2]string{"WARC-Refers-To-Date", "2024-04-05T08:00:01Z"},
		[2]string{"WARC-Refers-To", recordID("part1", 1)})
	rv.Set("WARC-Payload-Digest", SHA1(first))
	recs = append(recs, rv)
	recs = append(recs, httpPair(Version11, "part2", 2, "2024-04-12T08:00:02Z", "https://caucus-parts.example/second", htmlResponse(again))...)
	// and a URL-agnostic one: the same page under another URL, as pywb's
	// example-url-agnostic-revisit.warc.gz stands on a record of
	// example-url-agnostic-orig.warc.gz.
	agn := warcRecord(Version11, "revisit", recordID("part2", 9), "2024-04-12T08:00:05Z", "https://caucus-parts.example/campaign?ref=newsletter",
		"application/http; msgtype=response", head, nil,
		[2]string{"WARC-Profile", ProfileIdentical11},
		[2]string{"WARC-Refers-To-Target-URI", "https://caucus-parts.example/campaign"},
		[2]string{"WARC-Refers-To-Date", "2024-04-05T08:00:01Z"})
	agn.Set("WARC-Payload-Digest", SHA1(first))
	recs = append(recs, agn)
	add(File{Name: "crawl-part2.warc.gz", Tool: "pywb 2.8", Oddity: "revisits (one URL-agnostic) whose original is in another file", Data: gzOf(recs), Captures: 3,
		Needs: "crawl-part1.warc.gz", Pages: []Page{{"https://caucus-parts.example/second", "Novemberpart"}}})

	// Damaged on purpose: a record failing its digest in an uncompressed
	// file, and a gzip member cut short.
	dg := page("Digest damage", "Digestword")
	recs = []Record{warcinfo(Version10, recordID("digest", 0), "2024-04-06T08:00:00Z", "digest-damaged.warc", "wget 1.21")}
	recs = append(recs, httpPair(Version10, "digest", 1, "2024-04-06T08:00:01Z", "http://caucus-damage.example/", htmlResponse(dg))...)
	data := bytesOf(recs)
	i := bytes.Index(data, []byte("Digestword"))
	data[i] ^= 0x20 // one flipped bit: "digestword"
	add(File{Name: "digest-damaged.warc", Tool: "wget 1.21", Oddity: "a block failing its digest", Damaged: true, Data: data})
	cut := gzOf(recs)
	add(File{Name: "cut-short.warc.gz", Tool: "wget 1.21", Oddity: "last gzip member cut short", Damaged: true, Data: cut[:len(cut)-40]})
	return files
}

// ProfileIdentical11 is the identical-payload-digest revisit profile of
// WARC/1.1.
const ProfileIdentical11 = "http://netpreserve.org/warc/1.1/revisit/identical-payload-digest"

// WARC version lines.
const (
	Version10 = "WARC/1.0"
	Version11 = "WARC/1.1"
)
