package serve

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"rankfile/index"
)

// badRequest is a parameter the server cannot use; its message is shown
// to the user as it is.
type badRequest struct{ msg string }

func (e *badRequest) Error() string { return e.msg }

func badf(format string, args ...any) error { return &badRequest{fmt.Sprintf(format, args...)} }

// searchParams are the parameters of a search, as the search page's form
// and the API take them. Every search is a GET URL made of them.
type searchParams struct {
	Q              string // query text, rankfile search's syntax
	Site, Kind     string
	Author, Org    string
	PubFrom, PubTo string // YYYY, YYYY-MM or YYYY-MM-DD, inclusive
	CapFrom, CapTo string
	Sort           string // relevance, date (oldest first) or -date
	Page, Size     int    // Page counts from 1
	AllVersions    bool
	pubFrom, pubTo time.Time
	capFrom, capTo time.Time
}

// defaultPageSize is the hits per page when the URL does not say.
const defaultPageSize = 10

// param returns the first value of key, checked for length and encoding.
func param(v url.Values, key string, limit int) (string, error) {
	s := strings.TrimSpace(v.Get(key))
	if len(s) > limit {
		return "", badf("The %s parameter is too long (%d bytes; at most %d).", key, len(s), limit)
	}
	if !utf8.ValidString(s) || strings.ContainsRune(s, 0) {
		return "", badf("The %s parameter is not valid text.", key)
	}
	return s, nil
}

// parseSearch reads and checks the search parameters of a URL.
func parseSearch(v url.Values) (searchParams, error) {
	p := searchParams{Page: 1, Size: defaultPageSize}
	var err error
	if p.Q, err = param(v, "q", maxQueryText); err != nil {
		return p, err
	}
	for _, f := range []struct {
		key string
		dst *string
	}{
		{"site", &p.Site}, {"kind", &p.Kind}, {"author", &p.Author}, {"org", &p.Org},
		{"published_from", &p.PubFrom}, {"published_to", &p.PubTo},
		{"captured_from", &p.CapFrom}, {"captured_to", &p.CapTo}, {"sort", &p.Sort},
	} {
		if *f.dst, err = param(v, f.key, maxParam); err != nil {
			return p, err
		}
	}
	switch p.Sort {
	case "", index.SortRelevance, index.SortDate, index.SortDateDesc:
	default:
		return p, badf("Sort must be relevance, date or -date, not %q.", p.Sort)
	}
	if p.pubFrom, err = parseDay("published_from", p.PubFrom, false); err != nil {
		return p, err
	}
	if p.pubTo, err = parseDay("published_to", p.PubTo, true); err != nil {
		return p, err
	}
	if p.capFrom, err = parseDay("captured_from", p.CapFrom, false); err != nil {
		return p, err
	}
	if p.capTo, err = parseDay("captured_to", p.CapTo, true); err != nil {
		return p, err
	}
	if p.Page, err = intParam(v, "page", 1, 1, maxHitDepth); err != nil {
		return p, err
	}
	if p.Size, err = intParam(v, "size", defaultPageSize, 1, maxPageSize); err != nil {
		return p, err
	}
	if (p.Page-1)*p.Size+p.Size > maxHitDepth {
		return p, badf("Paging stops at hit %d: narrow the search instead.", maxHitDepth)
	}
	switch s := v.Get("versions"); s {
	case "", "latest":
	case "all":
		p.AllVersions = true
	default:
		return p, badf("Versions must be latest or all, not %q.", trunc(s, 40))
	}
	return p, nil
}

// intParam reads an integer parameter within [min, max].
func intParam(v url.Values, key string, def, min, max int) (int, error) {
	s := strings.TrimSpace(v.Get(key))
	if s == "" {
		return def, nil
	}
	n, err := strconv.Atoi(s)
	if err != nil || n < min || n > max {
		return 0, badf("The %s parameter must be a whole number from %d to %d, not %q.", key, min, max, trunc(s, 20))
	}
	return n, nil
}

// parseDay reads YYYY, YYYY-MM or YYYY-MM-DD; with end it returns the last
// instant of that period, so that bounds are inclusive.
func parseDay(key, s string, end bool) (time.Time, error) {
	if s == "" {
		return time.Time{}, nil
	}
	var t time.Time
	var err error
	var next func(time.Time) time.Time
	switch len(s) {
	case 4:
		t, err = time.Parse("2006", s)
		next = func(t time.Time) time.Time { return t.AddDate(1, 0, 0) }
	case 7:
		t, err = time.Parse("2006-01", s)
		next = func(t time.Time) time.Time { return t.AddDate(0, 1, 0) }
	case 10:
		t, err = time.Parse(time.DateOnly, s)
		next = func(t time.Time) time.Time { return t.AddDate(0, 0, 1) }
	default:
		err = fmt.Errorf("length")
	}
	if err != nil {
		return time.Time{}, badf("The %s parameter must be a date as YYYY, YYYY-MM or YYYY-MM-DD, not %q.", key, trunc(s, 20))
	}
	if end {
		return next(t).Add(-time.Nanosecond), nil
	}
	return t, nil
}

// trunc cuts s to at most n bytes for an error message.
func trunc(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "…"
}

// query returns the index query the parameters ask for.
func (p searchParams) query(facets bool) index.Query {
	return index.Query{
		Text: p.Q, Size: p.Size, From: (p.Page - 1) * p.Size,
		Site: p.Site, Kind: p.Kind, Author: p.Author, Org: p.Org,
		PublishedSince: p.pubFrom, PublishedUntil: p.pubTo,
		CapturedSince: p.capFrom, CapturedUntil: p.capTo,
		Sort: p.Sort, Facets: facets, AllVersions: p.AllVersions,
	}
}

// values returns the parameters as URL values, leaving out defaults, in a
// fixed order so that a search has one URL.
func (p searchParams) values() url.Values {
	v := url.Values{}
	set := func(k, s string) {
		if s != "" {
			v.Set(k, s)
		}
	}
	set("q", p.Q)
	set("site", p.Site)
	set("kind", p.Kind)
	set("author", p.Author)
	set("org", p.Org)
	set("published_from", p.PubFrom)
	set("published_to", p.PubTo)
	set("captured_from", p.CapFrom)
	set("captured_to", p.CapTo)
	set("sort", p.Sort)
	if p.Page > 1 {
		v.Set("page", strconv.Itoa(p.Page))
	}
	if p.Size != defaultPageSize {
		v.Set("size", strconv.Itoa(p.Size))
	}
	if p.AllVersions {
		v.Set("versions", "all")
	}
	return v
}

// url returns the search page URL of p.
func (p searchParams) url() string {
	if e := p.values().Encode(); e != "" {
		return "/search?" + e
	}
	return "/search"
}

// with returns the URL of p with the given parameters set (or cleared, for
// ""), back on the first page.
func (p searchParams) with(kv ...string) string {
	q := p
	q.Page = 1
	for i := 0; i+1 < len(kv); i += 2 {
		val := kv[i+1]
		switch kv[i] {
		case "q":
			q.Q = val
		case "site":
			q.Site = val
		case "kind":
			q.Kind = val
		case "author":
			q.Author = val
		case "org":
			q.Org = val
		case "published_from":
			q.PubFrom = val
		case "published_to":
			q.PubTo = val
		case "captured_from":
			q.CapFrom = val
		case "captured_to":
			q.CapTo = val
		}
	}
	return q.url()
}

// page returns the URL of page n of p.
func (p searchParams) page(n int) string {
	q := p
	q.Page = n
	return q.url()
}

// replacing returns the URL of p with value, of the filter or of a
// field:value in the query text, replaced by instead; "" when p holds no
// such value.
func (p searchParams) replacing(field, value, instead string) string {
	for _, f := range []struct{ label, key, value string }{
		{"site", "site", p.Site}, {"kind", "kind", p.Kind}, {"author", "author", p.Author}, {"organization", "org", p.Org},
	} {
		if f.label == field && f.value == value {
			return p.with(f.key, instead)
		}
	}
	quoted := strconv.Quote(instead)
	for _, old := range []string{strconv.Quote(value), value} {
		if i := strings.Index(p.Q, ":"+old); i >= 0 {
			return p.with("q", p.Q[:i+1]+quoted+p.Q[i+1+len(old):])
		}
	}
	return ""
}
