package index

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"sync"
	"unicode"

	"github.com/blevesearch/bleve/v2"
	"github.com/blevesearch/bleve/v2/search/query"
	index "github.com/blevesearch/bleve_index_api"

	"rankfile/record"
)

// Filter values (--site, --org, --kind, --author) and field values in a
// query are matched as a person writes them: case, spacing, punctuation
// and a leading "The" do not matter, a plural kind is its singular, and an
// acronym stands for the organization or site it abbreviates. A value that
// matches nothing indexed is an error naming the closest values, never a
// silent 0 hits.

// UnknownValueError is a filter or field value that no record has. It
// wraps ErrBadQuery.
type UnknownValueError struct {
	Field       string   // as a person calls it: site, kind, author, organization, …
	Value       string   // as given
	Suggestions []string // the closest values indexed, best first; may be empty
	Ambiguous   bool     // the value (an acronym) stands for each of Suggestions
}

func (e *UnknownValueError) Error() string {
	quoted := make([]string, len(e.Suggestions))
	for i, s := range e.Suggestions {
		quoted[i] = fmt.Sprintf("%q", s)
	}
	if e.Ambiguous {
		return fmt.Sprintf("%s %q is ambiguous: say which of %s", e.Field, e.Value, orList(quoted))
	}
	msg := fmt.Sprintf("no such %s %q", e.Field, e.Value)
	if len(quoted) > 0 {
		msg += "; did you mean " + orList(quoted) + "?"
	}
	return msg
}

func (e *UnknownValueError) Unwrap() error { return ErrBadQuery }

func orList(s []string) string {
	switch len(s) {
	case 0:
		return ""
	case 1:
		return s[0]
	}
	return strings.Join(s[:len(s)-1], ", ") + " or " + s[len(s)-1]
}

// fieldLabels name fields in messages.
var fieldLabels = map[string]string{
	fieldSite: "site", fieldKind: "kind", fieldAuthors: "author", fieldOrganization: "organization",
	fieldMentions: "organization", fieldTags: "tag", fieldLanguage: "language", fieldYear: "year",
	fieldSiteKind: "site kind", fieldAcronym: "acronym",
}

// resolvedFields are the keyword fields whose values are resolved; the
// others (url, digest, …) are identifiers, taken as written.
var resolvedFields = []string{fieldSite, fieldKind, fieldAuthors, fieldOrganization, fieldMentions,
	fieldTags, fieldLanguage, fieldYear, fieldSiteKind, fieldAcronym}

// nameKey is the form values are compared in: lowercase letters and
// digits, words separated by one space, "&" read as "and", without a
// leading "the".
func nameKey(s string) string {
	var b strings.Builder
	space := false
	for _, r := range strings.ReplaceAll(s, "&", " and ") {
		switch {
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(unicode.ToLower(r))
		case r == '\'' || r == '’' || r == '.':
			// Teachers' = Teachers; U.S. = US
		default:
			space = true
		}
	}
	return strings.TrimPrefix(b.String(), "the ")
}

// vocab is every value of the resolved fields in one set of shard
// snapshots, and the acronyms organization records give.
type vocab struct {
	values   map[string][]string // field → values indexed
	acronyms map[string][]string // nameKey(acronym) → names it stands for
}

// vocabCache keeps the vocab of the snapshots last searched.
type vocabCache struct {
	mu       sync.Mutex
	key      string
	v        *vocab
	acronyms map[string]string // SetAcronyms's: acronym -> name
}

// SetAcronyms gives the index acronyms its records may not carry, a
// sites file's (acronym → site or organization name): filter and field
// values resolve them as they resolve the acronyms organization records
// give. It replaces the acronyms set before.
func (x *Index) SetAcronyms(acronyms map[string]string) {
	c := &x.vocabs
	c.mu.Lock()
	defer c.mu.Unlock()
	c.acronyms = acronyms
	c.v = nil // rebuilt with them at the next search
}

// vocab returns the values of the index as it is now.
func (x *Index) vocab(ctx context.Context) (*vocab, error) {
	readers := make([]index.IndexReader, 0, len(x.shards))
	defer func() {
		for _, r := range readers {
			r.Close()
		}
	}()
	var key strings.Builder
	for _, s := range x.shards {
		adv, err := s.Advanced()
		if err != nil {
			return nil, fmt.Errorf("read index values: %w", err)
		}
		r, err := adv.Reader()
		if err != nil {
			return nil, fmt.Errorf("read index values: %w", err)
		}
		readers = append(readers, r)
		fmt.Fprintf(&key, "%p,", r) // a snapshot is one object until the next write
	}
	c := &x.vocabs
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.v != nil && c.key == key.String() {
		return c.v, nil
	}
	v := &vocab{values: map[string][]string{}, acronyms: map[string][]string{}}
	for _, field := range resolvedFields {
		seen := map[string]bool{}
		for _, r := range readers {
			if err := eachTerm(r, field, func(t string) {
				if !seen[t] {
					seen[t] = true
					v.values[field] = append(v.values[field], t)
				}
			}); err != nil {
				return nil, err
			}
		}
		sort.Strings(v.values[field])
	}
	if err := x.readAcronyms(ctx, v); err != nil {
		return nil, err
	}
	for acr, name := range c.acronyms {
		if k := nameKey(acr); k != "" && !slices.Contains(v.acronyms[k], name) {
			v.acronyms[k] = append(v.acronyms[k], name)
		}
	}
	c.key, c.v = key.String(), v
	return v, nil
}

func eachTerm(r index.IndexReader, field string, fn func(string)) error {
	dict, err := r.FieldDict(field)
	if err != nil {
		return fmt.Errorf("values of %s: %w", field, err)
	}
	defer dict.Close()
	for {
		e, err := dict.Next()
		if err != nil {
			return fmt.Errorf("values of %s: %w", field, err)
		}
		if e == nil {
			return nil
		}
		fn(e.Term)
	}
}

// maxAcronymRecords bounds the organization records read for acronyms.
const maxAcronymRecords = 2000

// readAcronyms reads the acronym of every organization record that has one.
func (x *Index) readAcronyms(ctx context.Context, v *vocab) error {
	if len(v.values[fieldAcronym]) == 0 {
		return nil
	}
	var qs []query.Query
	for _, a := range v.values[fieldAcronym] {
		qs = append(qs, termQuery(fieldAcronym, a))
	}
	req := bleve.NewSearchRequestOptions(query.NewDisjunctionQuery(qs), maxAcronymRecords, 0, false)
	req.Fields = []string{fieldRecord}
	req.Score = bleve.ScoreNone
	res, err := x.all.SearchInContext(ctx, req)
	if err != nil {
		return fmt.Errorf("read acronyms: %w", err)
	}
	for _, dm := range res.Hits {
		blob, _ := dm.Fields[fieldRecord].(string)
		var r record.Record
		if json.Unmarshal([]byte(blob), &r) != nil || r.Acronym == "" || r.Title == "" {
			continue
		}
		k := nameKey(r.Acronym)
		if !slices.Contains(v.acronyms[k], r.Title) {
			v.acronyms[k] = append(v.acronyms[k], r.Title)
		}
	}
	return nil
}

// resolve returns the values of field indexed that value stands for, or
// an *UnknownValueError.
func (v *vocab) resolve(field, value string) ([]string, error) {
	values := v.values[field]
	if field == fieldOrganization || field == fieldMentions {
		values = slices.Concat(v.values[fieldOrganization], v.values[fieldMentions])
	}
	if _, found := slices.BinarySearch(v.values[field], value); found {
		if field != fieldOrganization && field != fieldMentions {
			return []string{value}, nil
		}
	}
	key := nameKey(value)
	if key == "" {
		return nil, &UnknownValueError{Field: fieldLabels[field], Value: value}
	}
	if got := withKey(values, key); len(got) > 0 {
		return got, nil
	}
	if field == fieldKind && strings.HasSuffix(key, "s") { // posts, pages
		if got := withKey(values, strings.TrimSuffix(key, "s")); len(got) > 0 {
			return got, nil
		}
	}
	if field == fieldSite || field == fieldOrganization || field == fieldMentions {
		if got, err := v.byAcronym(field, value, key, values); got != nil || err != nil {
			return got, err
		}
	}
	sugg := suggest(values, key)
	if len(sugg) == 0 && (field == fieldKind || field == fieldSiteKind) {
		sugg = values // a few fixed words: name them all
	}
	if !strings.Contains(key, " ") {
		sugg = append(v.nearAcronyms(key, values), sugg...)
	}
	sugg = dedup(sugg)
	if field != fieldKind && field != fieldSiteKind {
		sugg = sugg[:min(len(sugg), maxSuggestions)]
	}
	return nil, &UnknownValueError{Field: fieldLabels[field], Value: value, Suggestions: sugg}
}

// nearAcronyms returns the values named by acronyms one edit from key.
func (v *vocab) nearAcronyms(key string, values []string) []string {
	var out []string
	for acr, names := range v.acronyms {
		if editDistance(acr, key, 1) < 0 {
			continue
		}
		for _, n := range names {
			out = append(out, withKey(values, nameKey(n))...)
		}
	}
	sort.Strings(out)
	return out
}

func dedup(s []string) []string {
	var out []string
	for _, v := range s {
		if !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

// withKey returns the values whose nameKey is key.
func withKey(values []string, key string) []string {
	var out []string
	for _, v := range values {
		if nameKey(v) == key && !slices.Contains(out, v) {
			out = append(out, v)
		}
	}
	return out
}

// byAcronym resolves an acronym: the names organization records give it,
// or else the names it abbreviates (see abbreviates). Several names of
// different organizations make it ambiguous.
func (v *vocab) byAcronym(field, value, key string, values []string) ([]string, error) {
	var out []string
	for _, name := range v.acronyms[key] {
		out = append(out, withKey(values, nameKey(name))...)
	}
	if len(out) > 0 || strings.Contains(key, " ") { // "AROS Louisville": a given acronym or none
		return out, nil
	}
	var keys []string
	for _, val := range values {
		k := nameKey(val)
		if abbreviates(key, k) {
			out = append(out, val)
			if !slices.Contains(keys, k) {
				keys = append(keys, k)
			}
		}
	}
	if len(keys) > 1 {
		return nil, &UnknownValueError{Field: fieldLabels[field], Value: value, Suggestions: out, Ambiguous: true}
	}
	return out, nil
}

// abbreviates reports whether acronym (a nameKey without spaces) is made
// of the starts of name's words in order, the first word's included: TURN
// of "teacher union reform network", BMORE of "baltimore movement of
// rank and file educators", AlbuCORE of "albuquerque caucus of …". Words
// may be left out, but the acronym must use at least two.
func abbreviates(acronym, name string) bool {
	words := strings.Fields(name)
	if len(words) < 2 || len(acronym) < 2 || !strings.HasPrefix(words[0], acronym[:1]) {
		return false
	}
	type state struct{ i, j, used int }
	memo := map[state]bool{} // states that fail
	var match func(i, j, used int) bool
	match = func(i, j, used int) bool {
		used = min(used, 2)
		if memo[state{i, j, used}] {
			return false
		}
		if i == len(acronym) {
			return used >= 2
		}
		if j == len(words) {
			return false
		}
		w := words[j]
		for n := 1; n <= len(w) && i+n <= len(acronym) && acronym[i+n-1] == w[n-1]; n++ {
			if match(i+n, j+1, used+1) {
				return true
			}
		}
		if j > 0 && match(i, j+1, used) { // leave the word out
			return true
		}
		memo[state{i, j, used}] = true
		return false
	}
	return match(0, 0, 0)
}

// maxSuggestions is how many values "did you mean" names.
const maxSuggestions = 3

// suggest returns the values closest to key: those containing it or
// contained in it, then those within a few edits.
func suggest(values []string, key string) []string {
	type cand struct {
		v    string
		dist int
	}
	var cs []cand
	seen := map[string]bool{}
	for _, v := range values {
		k := nameKey(v)
		if seen[k] {
			continue
		}
		seen[k] = true
		d := -1
		switch {
		case strings.Contains(k, key) || strings.Contains(key, k):
			d = abs(len(k) - len(key))
			if d > 0 {
				d = 1 // a part of the name: close whatever its length
			}
		default:
			if e := editDistance(k, key, max(2, len(key)/4)); e >= 0 {
				d = e + 1
			}
		}
		if d >= 0 {
			cs = append(cs, cand{v, d})
		}
	}
	sort.SliceStable(cs, func(i, j int) bool { return cs[i].dist < cs[j].dist })
	var out []string
	for _, c := range cs[:min(len(cs), maxSuggestions)] {
		out = append(out, c.v)
	}
	return out
}

func abs(n int) int {
	if n < 0 {
		return -n
	}
	return n
}

// editDistance returns the Levenshtein distance of a and b, or -1 when it
// is above limit.
func editDistance(a, b string, limit int) int {
	ra, rb := []rune(a), []rune(b)
	if abs(len(ra)-len(rb)) > limit {
		return -1
	}
	prev := make([]int, len(rb)+1)
	cur := make([]int, len(rb)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(ra); i++ {
		cur[0] = i
		best := cur[0]
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
			best = min(best, cur[j])
		}
		if best > limit {
			return -1
		}
		prev, cur = cur, prev
	}
	if prev[len(rb)] > limit {
		return -1
	}
	return prev[len(rb)]
}

// IsUnknownValue reports whether err is an unknown filter or field value,
// and returns it.
func IsUnknownValue(err error) (*UnknownValueError, bool) {
	var u *UnknownValueError
	ok := errors.As(err, &u)
	return u, ok
}
