// Package pipeline runs rankfile's stages over one data directory: crawl
// into the archive, extract records from the archive, index the records, and
// search the index. Each stage after the archive reads only what the stage
// before it left in the data directory, so any of them can be rerun alone:
// that is how an improved extractor reaches old captures.
//
// Some methods only read, take no lock and may run beside a crawl: Search,
// Show, Diff, Export (not ExportWACZ, which holds the archive still while it
// copies it), Captures and Get (a URL's captures, and one of them as a page
// or a WARC record), Status (what the directory holds and what needs
// attention) and Serve.
package pipeline
