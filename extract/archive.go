package extract

import (
	"crypto/sha1"
	"net/url"
	"slices"
	"strings"

	"rankfile/record"
)

// The functions of this file work on the records of a whole archive (of
// every capture Extract was given), where what one page says about
// another can be put together: a listing's teaser and the post it links
// to, the same post reached through two URLs.

// urlKey returns a URL in the form two URLs of the same page share: host
// lower-cased and without "www.", no scheme, default port, fragment or
// trailing slash; "" for what is not an absolute URL.
func urlKey(raw string) string {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Host == "" {
		return ""
	}
	host := strings.TrimPrefix(strings.ToLower(u.Hostname()), "www.")
	if p := u.Port(); p != "" && p != "80" && p != "443" {
		host += ":" + p
	}
	path := u.EscapedPath()
	if path == "" {
		path = "/"
	}
	if len(path) > 1 {
		path = strings.TrimRight(path, "/")
	}
	key := host + path
	if u.RawQuery != "" {
		key += "?" + u.RawQuery
	}
	return key
}

// isTeaser reports whether r is a post's teaser on another page: a post
// record linking to a page other than its own.
func isTeaser(r record.Record) bool {
	return r.Kind == record.KindPost && r.Link != "" && urlKey(r.Link) != urlKey(r.URL)
}

// pageKeys returns the keys of the page a record was found on: its URL's
// and, when it declares one, its canonical URL's.
func pageKeys(r record.Record) []string {
	keys := []string{urlKey(r.URL)}
	if c := urlKey(r.Canonical); c != "" && c != keys[0] {
		keys = append(keys, c)
	}
	return keys
}

// ResolveTeasers puts the teasers of listing pages (post records whose
// Link leads to another page) together with the pages they lead to, over
// the records of a whole archive:
//
//   - a post record with no Published date takes the date of a teaser
//     linking to its page (by URL or canonical URL); a page record takes
//     it too, and becomes a post, when the teaser's title is its title or
//     it is its page's only record (the post page had no date to tell it
//     was a post); empty Authors are taken from the teaser the same way;
//   - a teaser whose target page has records is dropped: the post is
//     searched as itself, not as its excerpt. A teaser whose post is not
//     archived stays, as the only record of the post.
//
// The records keep their order; the records given are not modified.
func ResolveTeasers(recs []record.Record) []record.Record {
	out, drop := resolveTeasers(recs)
	kept := out[:0]
	for i, r := range out {
		if !drop[i] {
			kept = append(kept, r)
		}
	}
	return kept
}

// resolveTeasers is ResolveTeasers keeping every record in place: drop
// marks the teasers dropped.
func resolveTeasers(recs []record.Record) (out []record.Record, drop []bool) {
	out = make([]record.Record, len(recs))
	copy(out, recs)
	targets := map[string][]int{} // page key -> non-teaser records found on that page
	for i, r := range out {
		if isTeaser(r) {
			continue
		}
		for _, k := range pageKeys(r) {
			targets[k] = append(targets[k], i)
		}
	}
	drop = make([]bool, len(out))
	for i, t := range out {
		if !isTeaser(t) {
			continue
		}
		found := targets[urlKey(t.Link)]
		if len(found) == 0 {
			continue
		}
		drop[i] = true
		ids := map[string]bool{} // the page's records, counted once over its captures
		for _, j := range found {
			ids[out[j].ID] = true
		}
		for _, j := range found {
			dateFromTeaser(&out[j], t, len(ids))
		}
	}
	return out, drop
}

// dateFromTeaser gives r, one of the n records (by ID) of a teaser's target
// page, the teaser's date and authors where it has none.
func dateFromTeaser(r *record.Record, t record.Record, n int) {
	sameTitle := normPhrase(r.Title) != "" && normPhrase(r.Title) == normPhrase(t.Title)
	switch {
	case r.Kind == record.KindPost:
	case r.Kind == record.KindPage && (sameTitle || n == 1) && t.Published != "":
		r.Kind = record.KindPost
		if r.Title == "" {
			r.Title = t.Title
		}
		r.ID = record.MakeID(record.KindPost, r.URL, r.Title)
	default:
		return
	}
	if r.Published == "" {
		r.Published = t.Published
	}
	if len(r.Authors) == 0 && len(t.Authors) > 0 {
		r.Authors = append([]string(nil), t.Authors...)
	}
}

// Dedupe keeps one record per page and content version over the records of
// a whole archive: records of the same kind, title and text are one record
// when they come from the same page (the same URL, or URLs declaring the
// same canonical URL: the same post reached through the home page, a
// category page and the feed's link) or, for posts, pages and missions,
// from any two URLs (a post at /?p=12 and at its permalink); teasers
// linking to the same page under the same title are one teaser. Of each
// group the record found at the canonical URL is kept, else the one at the
// shortest URL (so the choice does not depend on crawl order), else the
// earliest captured; its empty fields (dates, authors, tags,
// summary, language, comments, mentions) are filled from the others. A
// page whose text changed between captures keeps a record per version.
// The records keep their order; the records given are not modified.
func Dedupe(recs []record.Record) []record.Record {
	var out []record.Record
	for _, g := range dedupeGroups(recs) {
		out = append(out, merge(recs, g))
	}
	return out
}

// dedupeGroups returns the groups of recs that Dedupe makes one record
// each, as indexes into recs, each group in order and the groups in the
// order of their first records.
func dedupeGroups(recs []record.Record) [][]int {
	parent := make([]int, len(recs))
	for i := range parent {
		parent[i] = i
	}
	find := func(i int) int {
		for parent[i] != i {
			parent[i] = parent[parent[i]]
			i = parent[i]
		}
		return i
	}
	first := map[string]int{}
	join := func(key string, i int) {
		if j, ok := first[key]; ok {
			if a, b := find(i), find(j); a != b {
				parent[max(a, b)] = min(a, b)
			}
			return
		}
		first[key] = i
	}
	for i, r := range recs {
		for _, k := range dedupeKeys(r) {
			join(k, i)
		}
	}
	groups := map[int][]int{}
	var roots []int
	for i := range recs {
		root := find(i)
		if _, ok := groups[root]; !ok {
			roots = append(roots, root)
		}
		groups[root] = append(groups[root], i)
	}
	out := make([][]int, 0, len(roots))
	for _, root := range roots {
		out = append(out, groups[root])
	}
	return out
}

// dedupeKeys returns the keys under which a record is the same as another.
func dedupeKeys(r record.Record) []string {
	content := contentKey(r)
	if isTeaser(r) {
		return []string{"teaser\x00" + urlKey(r.Link) + "\x00" + normPhrase(r.Title)}
	}
	where := urlKey(r.Canonical)
	if where == "" {
		where = urlKey(r.URL)
	}
	keys := []string{"page\x00" + where + "\x00" + content}
	switch r.Kind {
	case record.KindPost, record.KindPage, record.KindMission:
		keys = append(keys, "any\x00"+content)
	}
	return keys
}

// contentKey identifies a record's content: its kind, title and text.
func contentKey(r record.Record) string {
	h := sha1.New()
	h.Write([]byte(string(r.Kind) + "\x00" + normPhrase(r.Title) + "\x00" + r.Text))
	return string(h.Sum(nil))
}

// merge returns the record kept of a group of the same record: the one at
// its canonical URL, else the one at the shortest URL, else the earliest
// captured; its empty fields filled from the others.
func merge(recs []record.Record, group []int) record.Record {
	best := group[0]
	for _, i := range group[1:] {
		if better(recs[i], recs[best]) {
			best = i
		}
	}
	r := recs[best]
	for _, i := range group {
		o := recs[i]
		if i == best {
			continue
		}
		r.Published = firstString(r.Published, o.Published)
		r.Modified = firstString(r.Modified, o.Modified)
		r.Summary = firstString(r.Summary, o.Summary)
		r.Language = firstString(r.Language, o.Language)
		r.Canonical = firstString(r.Canonical, o.Canonical)
		if len(r.Authors) == 0 {
			r.Authors = o.Authors
		}
		if len(r.Tags) == 0 {
			r.Tags = o.Tags
		}
		if len(r.Comments) < len(o.Comments) {
			r.Comments = o.Comments
		}
		if len(r.Mentions) == 0 {
			r.Mentions = o.Mentions
		}
		if isTeaser(r) && len(o.Text) > len(r.Text) {
			r.Text, r.Markdown = o.Text, o.Markdown // the longest excerpt
		}
	}
	return r
}

// better reports whether a is the record to keep rather than b.
func better(a, b record.Record) bool {
	ac := a.Canonical != "" && urlKey(a.URL) == urlKey(a.Canonical)
	bc := b.Canonical != "" && urlKey(b.URL) == urlKey(b.Canonical)
	if ac != bc {
		return ac
	}
	// Between two pages, the choice must not depend on which the crawl
	// reached first: the shorter URL (a listing's first page, not its
	// page 2), then the smaller. Between captures of one page, the first.
	if ka, kb := urlKey(a.URL), urlKey(b.URL); ka != kb {
		if len(ka) != len(kb) {
			return len(ka) < len(kb)
		}
		return ka < kb
	}
	if a.Captured.IsZero() != b.Captured.IsZero() {
		return !a.Captured.IsZero()
	}
	return a.Captured.Before(b.Captured)
}

// Assembled records are kept in a store (see package store) and put
// together anew, piece by piece, as captures arrive: Assemble finds the
// extracted records a batch of new ones can change, through the keys each
// extracted record is filed under in the store, and assembles them alone.
// Teasers and duplicates only ever join records that share such a key, so
// assembling a part of the archive closed under them gives what assembling
// the whole archive would give for that part.

// Records is what Assemble reads of the store of extracted records.
type Records interface {
	// Raw returns the extracted record seq.
	Raw(seq uint64) (record.Record, error)
	// Lookup returns the extracted records filed under key.
	Lookup(key string) ([]uint64, error)
	// Keys returns the keys the extracted record seq is filed under.
	Keys(seq uint64) ([]string, error)
}

// Part is a part of the archive assembled: the extracted records Seqs (in
// order) and what they make.
type Part struct {
	Seqs []uint64
	// Records are the assembled records, in archive order; each is kept
	// under Keys[i], the first extracted record folded into it.
	Records []record.Record
	Keys    []uint64
	// Into gives, for each of Seqs, the key of the record it was folded
	// into; a teaser that gave way to its post is in none.
	Into map[uint64]uint64
	// Filed gives, for each of Seqs, the keys to file it under.
	Filed map[uint64][]string
}

// Assemble assembles the part of the archive that the extracted records
// fresh belong to: them and every extracted record a teaser or a duplicate
// ties to them, however indirectly.
func Assemble(st Records, fresh []uint64) (*Part, error) {
	recs := map[uint64]record.Record{}
	looked := map[string]bool{}
	var queue []uint64
	var err error
	add := func(seq uint64) {
		if _, ok := recs[seq]; ok || err != nil {
			return
		}
		var r record.Record
		if r, err = st.Raw(seq); err == nil {
			recs[seq] = r
			queue = append(queue, seq)
		}
	}
	lookup := func(key string) {
		if looked[key] || err != nil {
			return
		}
		looked[key] = true
		var seqs []uint64
		if seqs, err = st.Lookup(key); err == nil {
			for _, s := range seqs {
				add(s)
			}
		}
	}
	for _, s := range fresh {
		add(s)
	}
	var seqs []uint64
	var resolved []record.Record
	var drop []bool
	for {
		for len(queue) > 0 && err == nil {
			s := queue[0]
			queue = queue[1:]
			for _, k := range partnerKeys(recs[s]) {
				lookup(k)
			}
			var filed []string
			if filed, err = st.Keys(s); err == nil {
				for _, k := range filed {
					lookup(k)
				}
			}
		}
		if err != nil {
			return nil, err
		}
		seqs = sortedKeys(recs)
		list := make([]record.Record, len(seqs))
		for i, s := range seqs {
			list[i] = recs[s]
		}
		resolved, drop = resolveTeasers(list)
		for i, r := range resolved {
			if !drop[i] {
				for _, k := range dedupeKeys(r) {
					lookup("d\x00" + k)
				}
			}
		}
		if err != nil {
			return nil, err
		}
		if len(queue) == 0 {
			break
		}
	}
	return assemblePart(seqs, recs, resolved, drop), nil
}

// assemblePart dedupes the resolved records of a closed part.
func assemblePart(seqs []uint64, recs map[uint64]record.Record, resolved []record.Record, drop []bool) *Part {
	p := &Part{Seqs: seqs, Into: map[uint64]uint64{}, Filed: map[uint64][]string{}}
	var kept []record.Record
	var keptSeq []uint64
	for i, r := range resolved {
		keys := fileKeys(recs[seqs[i]])
		if !drop[i] {
			kept = append(kept, r)
			keptSeq = append(keptSeq, seqs[i])
			for _, k := range dedupeKeys(r) {
				keys = append(keys, "d\x00"+k)
			}
		}
		p.Filed[seqs[i]] = uniqueStrings(keys)
	}
	for _, g := range dedupeGroups(kept) {
		key := keptSeq[g[0]]
		p.Records = append(p.Records, merge(kept, g))
		p.Keys = append(p.Keys, key)
		for _, i := range g {
			p.Into[keptSeq[i]] = key
		}
	}
	return p
}

// fileKeys returns the keys an extracted record is filed under as
// extracted: its page's (a non-teaser) or its target's (a teaser), and its
// duplicates'.
func fileKeys(r record.Record) []string { return assemblyKeys(r, "t\x00", "p\x00") }

// partnerKeys returns the keys under which the records an extracted
// record may be assembled with are filed: a teaser's target page's, a
// page's teasers', and its duplicates'.
func partnerKeys(r record.Record) []string { return assemblyKeys(r, "p\x00", "t\x00") }

// assemblyKeys returns a teaser's target under teaser, a page's URLs
// under page, and the record's duplicate keys.
func assemblyKeys(r record.Record, teaser, page string) []string {
	var keys []string
	if isTeaser(r) {
		keys = append(keys, teaser+urlKey(r.Link))
	} else {
		for _, k := range pageKeys(r) {
			keys = append(keys, page+k)
		}
	}
	for _, k := range dedupeKeys(r) {
		keys = append(keys, "d\x00"+k)
	}
	return keys
}

func sortedKeys(m map[uint64]record.Record) []uint64 {
	out := make([]uint64, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	slices.Sort(out)
	return out
}

func uniqueStrings(s []string) []string {
	slices.Sort(s)
	return slices.Compact(s)
}
