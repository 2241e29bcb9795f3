// Package index keeps rankfile's records in a bleve full-text index and
// searches it, for researchers who search years of caucus writing and cite
// what they find.
//
// # Documents
//
// Every version of a record is one document. Its ID is the record's ID, an
// "@" and a version: the capture time as a 14-digit WARC timestamp
// (20201029143000, with a fraction of a second when the capture time has
// one), or, for a record without a capture time, its payload digest, or
// failing that a hash of its content (see DocID). The newest
// version of each record (latest capture time, ties broken by the larger
// document ID) carries latest=true; searches see only those unless
// Query.AllVersions is set. Add, Sync and Build keep the marks right when a
// newer version arrives or an old one goes.
//
// # Fields
//
// title and text are analysed in English (stemming, stop words); the text
// is stored so that matches can be highlighted. site, site_kind, kind,
// authors, organization, acronym, url, link, warc_file, digest, record_id,
// tags, language, mentions and year are keywords, indexed as written;
// queries find them as a person writes them (see Query language).
// published (from Record.Published) and captured are datetime
// fields kept apart, so a search can ask for writing published in 2019 and
// captured in 2024. The rest of the record is stored whole, so hits,
// Versions and Records give back every field of the record indexed. An
// index written with another layout fails to open with ErrOldIndex.
//
// # Shards
//
// An index is a directory of shards, each a bleve index, and a file naming
// them (rankfile-index.json). A record's versions all live in the shard its
// ID hashes to. Build makes one shard per CPU, up to four and no more than
// one per 5,000 records, and more for a large archive: a shard holds at
// most 128 MiB of text (up to 240 shards; see spoolBuckets), since bleve's
// builder merges each shard into one segment at the end, with memory that
// grows with the shard. It reads the records once, spooling them to disk
// by shard, and builds the shards from there, as many at a time as there
// are CPUs (one final merge at a time), with bleve's offline builder;
// searches run on every shard at once behind a bleve index alias. Each
// shard scores with its own term statistics, which for shards of thousands
// of records are close to the whole index's.
//
// # Opening, building, updating, syncing
//
// Open opens (or creates) an index for writing; one process at a time may
// do so. OpenReadOnly opens it for searching, alongside other readers.
// Build writes a whole new index beside the old and swaps it in in one
// step, so searchers never see a half-built index. Update adds new record
// versions the same way without a rebuild: it clones the index, hard-
// linking its segment files, adds to the clone and swaps it in. Sync brings
// an index in line with a set of records, rewriting only what changed.
//
// # Query language
//
// Query.Text is Elasticsearch-style query text (parse.go, lang.go):
//
//   - words and "exact phrases", stemmed in English; a word without a
//     field searches title and text, a title match weighing three times a
//     text match;
//   - AND, OR and NOT (upper case; && and || too) and parentheses:
//     NOT binds tightest, then AND, then OR, and clauses side by side are
//     alternatives, a hit needing one of them: union democracy finds
//     either word, ranking records with the phrase first (the phrase is
//     looked for in each shard's 100 best matches of the words, as
//     Elasticsearch's rescore does: rescore.go);
//   - +required and -excluded clauses, as in a search box;
//   - field:value and field:"a value" on any field (title, text, site,
//     kind, author or authors, org or organization, mentions, acronym,
//     tag or tags, language, year, url, link, id, digest, warc_file),
//     and field:(a OR b) for several values of one field;
//   - dates: published:2020 (a year), published:2020-03 (a month),
//     published:>=2020-01-01, captured:<2024-03-02 (>, >=, <, <=);
//   - prefix* and wild?card terms, /regexp/ terms, word~1 fuzziness (at
//     most ~2), word^3 boosts.
//
// The values of the exact fields (site, kind, author, organization, tag,
// language, year) are matched as a person writes them: case, spacing,
// punctuation and a leading "The" do not matter, kind:posts is kind:post,
// and an acronym (site:TURN) stands for the site or organization it
// abbreviates or that an organization record gives it. A value no record
// has fails the search with an *UnknownValueError naming the closest values
// indexed ("no such site; did you mean …"), never 0 hits. The Site, Kind,
// Author and Org filters of Query are matched the same way.
//
// A query is at most MaxQueryBytes long and holds at most 64 terms and 16
// levels of nesting; the same limit holds on the command line, the web page
// and the API.
//
// # Results
//
// Search returns one page of hits and, when asked, facet counts (site,
// kind, year of publication, author) over all matches. Near-identical hits
// (the same text under two URLs, or a teaser whose text is contained in its
// post's) among the first 2×(From+Size)+10 fold into one, the post's own
// page standing for them, listing the others' URLs as Duplicates. Results
// print as text for a terminal, JSON Lines or CSV. Records walks every
// match, unpaged and uncollapsed, for exports; Versions lists a record's
// versions.
//
// # Snippets
//
// Hit.Snippet is HTML: the text is escaped and each matched term is wrapped
// in <mark> and </mark>, ready for a web page and kept as is in JSON output.
// Hit.PlainSnippet gives the same fragment as plain text with matches
// between « and », which is what the terminal and CSV outputs show.
package index
