// Package store keeps the derived records of an archive in an embedded
// SQLite database (modernc.org/sqlite, pure Go), updated in place: a crawl
// adds the records of its new captures and rewrites only the records they
// change, instead of reading and writing every record of the archive.
//
// A Store holds two layers. The extracted records are what the extractor
// made of each capture, in archive order (a sequence number each), with the
// keys that put them together with others (a page's URL and canonical URL,
// a teaser's target, a content hash); the assembled records are what
// searching and exporting use, each kept under the sequence number of the
// first extracted record folded into it. It also keeps the organizations
// named in the archive, the captures that could not be extracted and why,
// and the search index changes not yet applied, so that a run killed
// between the store and the index catches up on the next one.
//
// The database works with WAL journaling: readers in other processes see
// the last committed state while a crawl writes. Records are stored
// compressed (zstd), and SQLite reads pages into a bounded cache, so memory
// does not grow with the archive.
package store
