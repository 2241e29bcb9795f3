// Package pipeline runs rankfile's stages over one data directory: crawl
// into the archive, extract records from the archive, index the records, and
// search the index. Each stage after the archive reads only what the stage
// before it left in the data directory, so any of them can be rerun alone:
// that is how an improved extractor reaches old captures.
package pipeline
