// Package archive keeps rankfile's web archive: append-only WARC 1.1 files
// and a CDXJ capture index beside them. The archive is the durable truth of a
// crawl; everything downstream (records, the search index) is rebuilt from it.
//
// # Writing
//
// An Archive is a directory, open in one process at a time. Write takes each
// HTTP exchange the crawler made and appends, gzip-compressed one record per
// gzip member, a 'response' record (or a 'revisit' record), a 'request'
// record and, when the exchange carries crawl context (Via, Hops, Outlinks,
// FetchTime) and is not a revisit, a 'metadata' record. Write is safe for
// concurrent use and compresses in the caller's goroutine, so crawler
// workers compress in parallel; only the append of the finished bytes is
// serialized. It returns a WriteResult saying whether a revisit was written
// (and the WARC-Record-ID of the response or revisit record):
//
//   - a response whose payload digest matches an earlier full capture of the
//     same URL (same SURT key) becomes a revisit with the
//     identical-payload-digest profile: its block is the response head only,
//     with WARC-Refers-To, WARC-Refers-To-Target-URI and WARC-Refers-To-Date
//     naming the original and WARC-Truncated: length, as WARC 1.1 asks;
//   - a 304 Not Modified becomes a revisit with the server-not-modified profile
//     standing on the URL's latest full capture, carrying its payload digest.
//
// The metadata record keeps what Heritrix keeps of a capture, as
// application/warc-fields with WARC-Concurrent-To naming the response
// record: "via" (the URL whose link or redirect led here), "hopsFromSeed"
// (the hop path from the seed, one letter per hop), "fetchTimeMs" and one
// "outlink" field per link found on the page; an empty value is left out,
// so a seed has no via and no hopsFromSeed. The crawl package documents the
// hop letters and the outlink values it writes. A revisit gets no metadata
// record: its outlinks are those of the capture it refers to, and a recrawl
// of an unchanged site stays small. The three records of a capture are
// appended together, so they sit side by side in one file.
//
// Files are named rankfile-<crawlid>-<timestamp14>-<serial5>.warc.gz, written
// as <name>.open, rotated once they pass Options.MaxFileSize, and synced and
// renamed to their final name when rotated or closed. Every file starts with
// a 'warcinfo' record describing the crawl.
//
// Records over 2 KiB (page bodies) are compressed at gzip's default level
// through klauspost's encoder; smaller ones (requests, revisits, metadata,
// short error pages) through its stateless encoder, which skips fitting
// Huffman tables to each record: nearly the same size at about two thirds
// of the CPU time.
//
// # Cost
//
// BenchmarkWriterOverGzip compares, on one thread, a Write of a 20 KB page
// with plain gzip of the same page, one member each (go test ./archive -run
// X -bench WriterOverGzip -benchtime 3000x). The writer takes about 0.4
// times the CPU time of gzip(1) at its default level and about 0.33 times
// that of the standard library's compress/gzip: it compresses with
// klauspost's encoder, which writes standard gzip members. Against that
// encoder alone it takes about 1.65 times: two SHA-1 passes over the body,
// which WARC asks for (payload digest of the body, block digest of head and
// body), cost about 0.23 of its time on their own; the rest is the
// compression of the WARC and HTTP headers with the body, the request
// record, the file append and the index.
//
// # Crash safety
//
// Each Write appends its records with a single write call and then one line
// to the index journal (index.cdxj.log), so a killed process leaves at most a
// partial gzip member at the end of the .open file. Open finishes such files:
// it cuts the partial member, renames the file, drops index entries pointing
// past the end of a file and indexes records the index lacks. Close merges
// the journal into the sorted index.cdxj (through a synced temporary file)
// and drops it; so does Open with a journal a killed process left.
// Damage inside a file (a hole of zeros that a power loss can leave in data
// not yet synced, a flipped bit) costs only the records it touches: reading
// goes on at the next gzip member holding a record (Reader.Resync), so
// recovery cuts a partial record at the end of a file and never the whole
// records after a damaged one, and Check, Reindex and Captures read them.
//
// # Index
//
// index.cdxj holds one line per response or revisit record, as pywb reads it:
// a SURT key, a 14-digit timestamp and a JSON block with url, mime, status,
// digest, length, offset and filename (mime "warc/revisit" for revisits),
// plus rankfile's own etag and last_modified (the response's validators,
// for a conditional GET on the next crawl; pywb ignores them). The index
// stays on disk, however large the archive: Lookup, Latest and Nearest
// find a key's lines in index.cdxj by binary search, as pywb does, and in
// the journal through a table of key hashes to journal offsets (some 20
// bytes an entry), the only part held in memory. The journal is merged
// into index.cdxj, sorting on disk in bounded runs (internal/linesort),
// whenever it passes 64 MiB and at Close, so the table stays small. An
// index.cdxj in no order (another tool's) is sorted at Open; a read-only
// Archive reads it as sorted. Reindex rebuilds it from the WARC files; Check verifies every record's digests, that every
// revisit leads to its original, and every entry against the files.
// WriteIndex and Files give the index and the files to exporters (WACZ).
//
// # Reading
//
// Reader reads any WARC file, gzip-per-record or uncompressed, WARC/1.0 or
// WARC/1.1, reporting where each record (or its gzip member) starts; a damaged
// record yields a *RecordError naming the file and offset, after every whole
// record before it, and in a gzip-per-record file Resync reads on from the
// next record. Import copies third-party files in: WARC files (wget,
// Heritrix, wpull, warcit, Webrecorder, pywb, and those inside WACZ
// packages from Browsertrix or ArchiveWeb.page) read as leniently as
// warcio and pywb read them (a Content-Length a few bytes off, a record
// not ended by CRLF CRLF or split across gzip members, a status line
// without a reason phrase, wrong chunk sizes, spaces in a target URI;
// each oddity logged as a warning and kept in imports.jsonl), and ARC
// files (version 1 and 2, plain or gzip), converted to WARC records (see
// arc.go). A record failing its block or payload digest is damage, as a
// gzip member failing its CRC is. Nothing is imported twice (see Import).
// A resource record (a page archived without HTTP) is a capture: a 200 of
// its record's Content-Type, as pywb replays it. A revisit of an imported
// file whose original is not in the archive waits for it (Report.Waiting).
// Heritrix's files are read as written: a response record that holds no HTTP
// message (a DNS lookup, text/dns) is indexed with its own type and no status
// and captured with its block as body, and a revisit that names no original
// is resolved by its URL and payload digest. Check accepts a chunked
// response's payload digest taken over the body as received, chunk markers
// included (Heritrix), as well as over the dechunked body (WARC 1.1).
//
// Captures walks the response and revisit records of every WARC file in name
// order and hands each to fn as a record.Capture with the payload decoded
// (chunking, gzip and deflate removed; br is left as it is). A revisit capture
// has Revisit set, its own URL, Time, File, Offset and Digest, and the Body of
// the original it stands for; its Status and Header are its own response
// head's, except for a 304 (or a revisit without a head), which takes the
// original's status and headers, since it says the page is unchanged. Damaged
// records and revisits whose original is missing are logged, skipped and
// returned joined at the end; they do not stop the walk.
//
// OpenReadOnly opens an archive for lookups beside the process writing it:
// no lock, no recovery, the capture index as it stands when it opens (the
// writer's .open files included), and Write, Import and Reindex refused
// with ErrReadOnly. CaptureAt answers "what did this page say at time t"
// (the newest capture by then, a revisit resolved to its original's body),
// WriteRecord gives a capture's WARC record as stored, and Summary counts
// the captures.
package archive
