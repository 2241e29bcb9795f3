// Package archive keeps rankfile's web archive: append-only WARC 1.1 files
// and a CDXJ capture index beside them. The archive is the durable truth of a
// crawl; everything downstream (records, the search index) is rebuilt from it.
//
// An Archive is a directory. Write appends each HTTP exchange handed to it by
// the crawler as a gzip-per-record WARC 1.1 'response' (or 'revisit') record,
// a 'request' record and a 'metadata' record, to a file named
// rankfile-<crawlid>-<timestamp14>-<serial5>.warc.gz. A file is written under
// the name <name>.open, rotated once it exceeds Options.MaxFileSize, synced and
// renamed to its final name when it is closed. Every file starts with a
// 'warcinfo' record describing the crawl.
//
// The capture index, index.cdxj, holds one line per response or revisit record
// in the format pywb reads: a SURT key, a 14-digit timestamp and a JSON block
// with url, mime, status, digest, length, offset and filename. Lookup, Latest
// and Nearest answer from it.
//
// Reader reads any WARC file, gzip-per-record or uncompressed, WARC/1.0 or
// WARC/1.1, reporting where each record starts; a damaged record yields a
// *RecordError naming the file and offset. Captures walks every capture in the
// archive and hands it to the extractor as a record.Capture with the payload
// decoded.
package archive
