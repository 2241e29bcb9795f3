package serve

import (
	"maps"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	"rankfile/archive"
)

// Browsing as the Wayback Machine does: a calendar of a URL's captures,
// previous and next capture from a replayed page, every URL captured under
// a prefix (URL*), and URLs without a scheme.

// withScheme returns raw with http:// before it when it has no scheme, as
// a person types a URL (turnweb.test/posts); the capture index keys URLs
// without their scheme, so http:// finds https captures too.
func withScheme(raw string) string {
	raw = strings.TrimSpace(raw)
	if strings.Contains(raw, "://") {
		return raw
	}
	rest := strings.TrimPrefix(raw, "//")
	host, _, _ := strings.Cut(rest, "/")
	if !hostName.MatchString(host) {
		return raw // not a URL: checkURL says so
	}
	return "http://" + rest
}

// hostName matches a host name with a dot (or an IPv4 address), and a port.
var hostName = regexp.MustCompile(`^(?i)[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+(:\d+)?$`)

// neighbours returns the captures before and after c among cs (oldest
// first); either may be the zero capture.
func neighbours(cs []capture, c capture) (prev, next capture) {
	i := slices.IndexFunc(cs, func(x capture) bool { return x.File == c.File && x.Offset == c.Offset })
	if i > 0 {
		prev = cs[i-1]
	}
	if i >= 0 && i+1 < len(cs) {
		next = cs[i+1]
	}
	return prev, next
}

// calendar lays out captures (oldest first) as the Wayback Machine's
// calendar does: a year, its months, each a grid of weeks from Monday,
// days with captures linked to them.
type calYear struct {
	Year   int
	Count  int
	Months []calMonth
}

type calMonth struct {
	Name  string
	Count int
	Weeks [][]calDay // seven days a week; Day 0 pads the month's first and last week
}

type calDay struct {
	Day      int
	Captures []calCapture
}

type calCapture struct {
	Replay, Time string
	Status       int
}

func calendar(cs []capture) []calYear {
	byDay := map[string][]capture{}
	years := map[int]bool{}
	for _, c := range cs {
		t := c.Time.UTC()
		byDay[t.Format(time.DateOnly)] = append(byDay[t.Format(time.DateOnly)], c)
		years[t.Year()] = true
	}
	var out []calYear
	for _, y := range slices.Sorted(maps.Keys(years)) {
		cy := calYear{Year: y}
		for m := time.January; m <= time.December; m++ {
			first := time.Date(y, m, 1, 0, 0, 0, 0, time.UTC)
			cm := calMonth{Name: m.String()}
			week := make([]calDay, (int(first.Weekday())+6)%7) // Monday first
			for d := first; d.Month() == m; d = d.AddDate(0, 0, 1) {
				day := calDay{Day: d.Day()}
				for _, c := range byDay[d.Format(time.DateOnly)] {
					day.Captures = append(day.Captures, calCapture{Replay: captureURL(c.Time, c.URL), Time: c.Time.UTC().Format("15:04:05"), Status: c.Status})
				}
				cm.Count += len(day.Captures)
				week = append(week, day)
				if len(week) == 7 {
					cm.Weeks, week = append(cm.Weeks, week), nil
				}
			}
			if len(week) > 0 {
				cm.Weeks = append(cm.Weeks, append(week, make([]calDay, 7-len(week))...))
			}
			cy.Count += cm.Count
			if cm.Count > 0 {
				cy.Months = append(cy.Months, cm)
			}
		}
		out = append(out, cy)
	}
	return out
}

// maxPrefixURLs bounds the URLs a prefix listing shows.
const maxPrefixURLs = 1000

// prefixRow is one URL of a prefix listing.
type prefixRow struct {
	URL, CapturesURL, LatestReplay string
	Count                          int
	First, Last                    string // dates
}

// underPrefix returns the URLs captured under prefix (a URL without its
// trailing *), by SURT order, at most maxPrefixURLs, and whether there were
// more.
func (x *captureIndex) underPrefix(prefix string) ([]prefixRow, bool, error) {
	if err := x.refresh(); err != nil {
		return nil, false, err
	}
	key := archive.SURT(prefix)
	if u, err := url.Parse(prefix); err == nil && (u.Path == "" || u.Path == "/") && u.RawQuery == "" {
		key = strings.TrimSuffix(key, "/") // the whole host
	}
	x.mu.RLock()
	var keys []string
	for k := range x.byKey {
		if strings.HasPrefix(k, key) {
			keys = append(keys, k)
		}
	}
	slices.Sort(keys)
	more := len(keys) > maxPrefixURLs
	keys = keys[:min(len(keys), maxPrefixURLs)]
	var rows []prefixRow
	for _, k := range keys {
		cs := x.byKey[k]
		if len(cs) == 0 {
			continue
		}
		last := cs[len(cs)-1]
		rows = append(rows, prefixRow{
			URL: last.URL, CapturesURL: "/captures?url=" + queryEscape(last.URL), LatestReplay: captureURL(last.Time, last.URL),
			Count: len(cs), First: cs[0].Time.UTC().Format(time.DateOnly), Last: last.Time.UTC().Format(time.DateOnly),
		})
	}
	x.mu.RUnlock()
	return rows, more, nil
}
