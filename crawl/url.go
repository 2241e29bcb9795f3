package crawl

import (
	"net/url"
	"path"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Reasons a discovered URL is not fetched, as counted in the Report.
const (
	DropOutOfScope = "out_of_scope"
	DropRobots     = "robots"
	DropSeen       = "already_seen"
	DropMaxDepth   = "max_depth"
	DropMaxPages   = "max_pages"
	DropTrap       = "trap"
	DropMalformed  = "malformed"
	DropScheme     = "not_http"
	// DropRobotsUnreachable: the host's robots.txt answered a server error
	// or could not be fetched, after its retries (RFC 9309: disallow all).
	DropRobotsUnreachable = "robots_unreachable"
	// DropMaxRequisites: past the site's max_requisites.
	DropMaxRequisites = "max_requisites"
	// DropStopped: queued, but the crawl stopped (interrupted, or the
	// archive could not be written) before it was fetched.
	DropStopped = "stopped"
)

// trackingParams are query parameters that name who sent a visitor, not what
// the page is; they are dropped so one page keeps one URL.
var trackingParams = map[string]bool{
	"fbclid": true, "gclid": true, "dclid": true, "msclkid": true, "mc_cid": true, "mc_eid": true,
	"phpsessid": true, "jsessionid": true, "sid": true, "sessionid": true, "_ga": true,
}

// trapParams are WordPress query parameters that multiply one page into many
// (reply forms, share buttons, like buttons).
var trapParams = []string{"replytocom", "share", "like_comment", "action", "redirect_to", "nb"}

// maxURLLength is the longest URL the crawler fetches; longer ones are traps.
const maxURLLength = 2048

// Normalize resolves ref against base and returns the URL in the form the
// crawler keys on: lowercase scheme and host, no default port, no fragment,
// no tracking parameters, query parameters sorted, dot segments removed.
func Normalize(base *url.URL, ref string) (*url.URL, error) {
	ref = strings.TrimSpace(ref)
	u, err := url.Parse(ref)
	if err != nil {
		return nil, err
	}
	if base != nil {
		u = base.ResolveReference(u)
	}
	u.Scheme = strings.ToLower(u.Scheme)
	u.Host = strings.ToLower(u.Host)
	if (u.Scheme == "http" && u.Port() == "80") || (u.Scheme == "https" && u.Port() == "443") {
		u.Host = u.Hostname()
	}
	u.Fragment, u.RawFragment = "", ""
	u.User = nil
	if u.Path == "" {
		u.Path = "/"
	}
	if u.RawQuery != "" {
		q := u.Query()
		for k := range q {
			lk := strings.ToLower(k)
			if trackingParams[lk] || strings.HasPrefix(lk, "utm_") {
				q.Del(k)
			}
		}
		u.RawQuery = encodeSorted(q)
	}
	u.ForceQuery = false
	return u, nil
}

func encodeSorted(q url.Values) string {
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	for _, k := range keys {
		vs := append([]string(nil), q[k]...)
		sort.Strings(vs)
		for _, v := range vs {
			if b.Len() > 0 {
				b.WriteByte('&')
			}
			b.WriteString(url.QueryEscape(k))
			b.WriteByte('=')
			b.WriteString(url.QueryEscape(v))
		}
	}
	return b.String()
}

// isTrap reports whether u looks like a crawler trap: a WordPress reply,
// share or log-in URL, a calendar page far in the past or future, a path
// that repeats a segment, or an overlong URL.
func isTrap(u *url.URL) bool {
	if len(u.String()) > maxURLLength {
		return true
	}
	q := u.Query()
	for _, p := range trapParams {
		if q.Has(p) {
			return true
		}
	}
	base := path.Base(u.Path)
	if base == "wp-login.php" || base == "xmlrpc.php" || strings.HasPrefix(u.Path, "/wp-admin/") {
		return true
	}
	if calendarYear(u) {
		return true
	}
	seen := map[string]int{}
	for _, seg := range strings.Split(u.Path, "/") {
		if seg == "" {
			continue
		}
		if seen[seg]++; seen[seg] >= 3 {
			return true
		}
	}
	return false
}

// yearPattern finds a year in a path segment or query value: 2031, 2031-05, 203105.
var yearPattern = regexp.MustCompile(`(?:^|[^0-9])([12][0-9]{3})(?:[-/_.]?[01][0-9](?:[-/_.]?[0-3][0-9])?)?(?:[^0-9]|$)`)

// calendarWords mark a URL as a calendar's: only there is a year a trap.
var calendarWords = regexp.MustCompile(`(?i)calendar|event|month|date|day|year|ical|agenda`)

// earliestYear is the first year a caucus site could have written about.
const earliestYear = 1990

// calendarYear reports whether u names a year that no writing of a caucus
// site can be from: before 1990 or after next year. Event calendars link
// month after month without end; the pages past that range are empty.
func calendarYear(u *url.URL) bool {
	if !calendarWords.MatchString(u.Path + "?" + u.RawQuery) {
		return false
	}
	last := time.Now().Year() + 1
	check := func(s string) bool {
		for _, m := range yearPattern.FindAllStringSubmatch(s, -1) {
			y, err := strconv.Atoi(m[1])
			if err == nil && y < earliestYear || y > last {
				return true
			}
		}
		return false
	}
	if check(u.Path) {
		return true
	}
	for _, vs := range u.Query() {
		for _, v := range vs {
			if check(v) {
				return true
			}
		}
	}
	return false
}
