package extract

import (
	"regexp"
	"strconv"
	"strings"
	"time"
)

var monthNames = map[string]time.Month{
	"jan": 1, "january": 1, "feb": 2, "february": 2, "mar": 3, "march": 3,
	"apr": 4, "april": 4, "may": 5, "jun": 6, "june": 6, "jul": 7, "july": 7,
	"aug": 8, "august": 8, "sep": 9, "sept": 9, "september": 9, "oct": 10, "october": 10,
	"nov": 11, "november": 11, "dec": 12, "december": 12,
}

const monthRE = `(jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?`

var (
	// 2017-10-23, 2017/10/23, 2017.10.23, optionally followed by a time.
	isoDateRE = regexp.MustCompile(`\b(\d{4})[-/.](\d{1,2})[-/.](\d{1,2})(?:\b|T)`)
	// May 16, 2022; Oct. 23rd 2017; Monday, May 16, 2022
	mdyRE = regexp.MustCompile(`(?i)\b` + monthRE + `\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})\b`)
	// 16 May 2022; 23rd of October, 2017
	dmyRE = regexp.MustCompile(`(?i)\b(\d{1,2})(?:st|nd|rd|th)?\s+(?:of\s+)?` + monthRE + `,?\s+(\d{4})\b`)
	// 10/23/2017 (US order, as the sites rankfile reads are American)
	usDateRE = regexp.MustCompile(`\b(\d{1,2})/(\d{1,2})/(\d{4})\b`)
	// a dated URL path: /2017/10/23/ or /2017/10/
	urlDateRE = regexp.MustCompile(`/((?:19|20)\d{2})/(\d{2})/(?:(\d{2})/)?`)
)

// parseDate finds the first date in s, written in one of the common ways,
// and returns it as YYYY-MM-DD, or "" when there is none.
func parseDate(s string) string {
	type cand struct {
		at   int
		date string
	}
	best := cand{at: -1}
	try := func(at int, y, m, d int) {
		if at < 0 || (best.at >= 0 && at >= best.at) {
			return
		}
		if date := ymd(y, m, d); date != "" {
			best = cand{at, date}
		}
	}
	if m := isoDateRE.FindStringSubmatchIndex(s); m != nil {
		try(m[0], atoi(s[m[2]:m[3]]), atoi(s[m[4]:m[5]]), atoi(s[m[6]:m[7]]))
	}
	if m := mdyRE.FindStringSubmatchIndex(s); m != nil {
		try(m[0], atoi(s[m[6]:m[7]]), int(monthNames[strings.ToLower(s[m[2]:m[3]])]), atoi(s[m[4]:m[5]]))
	}
	if m := dmyRE.FindStringSubmatchIndex(s); m != nil {
		try(m[0], atoi(s[m[6]:m[7]]), int(monthNames[strings.ToLower(s[m[4]:m[5]])]), atoi(s[m[2]:m[3]]))
	}
	if m := usDateRE.FindStringSubmatchIndex(s); m != nil {
		try(m[0], atoi(s[m[6]:m[7]]), atoi(s[m[2]:m[3]]), atoi(s[m[4]:m[5]]))
	}
	return best.date
}

// leadingDate returns the date a text starts with (after an optional
// "Posted on", "Published" or weekday) and the rest of the text, or "" and
// the text unchanged.
func leadingDate(s string) (date, rest string) {
	t := strings.TrimSpace(s)
	lower := strings.ToLower(t)
	for _, p := range []string{"posted on", "published on", "published:", "published", "posted", "updated on", "date:", "on"} {
		if strings.HasPrefix(lower, p+" ") {
			t = strings.TrimSpace(t[len(p):])
			break
		}
	}
	if !dateStart(t) {
		return "", s
	}
	head := t
	if len(head) > leadingDateChars {
		head = head[:leadingDateChars] // the date stands at the start; a rune cut at the end does not matter
	}
	for _, re := range []*regexp.Regexp{isoDateRE, mdyRE, dmyRE, usDateRE} {
		loc := re.FindStringIndex(head)
		if loc == nil {
			continue
		}
		prefix := strings.TrimRight(strings.TrimSpace(head[:loc[0]]), ",")
		if prefix != "" && !weekday(prefix) {
			continue
		}
		if d := parseDate(head[loc[0]:loc[1]]); d != "" {
			return d, strings.TrimLeft(t[loc[1]:], " ,|-–—:·•")
		}
	}
	return "", s
}

// leadingDateChars is how far into a text a leading date is looked for:
// a weekday, a month name, the day and the year.
const leadingDateChars = 48

// dateStart reports whether s can start with a date: a digit, a month's
// or a weekday's name. It spares the regular expressions most blocks.
func dateStart(s string) bool {
	if s == "" {
		return false
	}
	if s[0] >= '0' && s[0] <= '9' {
		return true
	}
	if len(s) < 3 {
		return false
	}
	switch strings.ToLower(s[:3]) {
	case "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec",
		"mon", "tue", "wed", "thu", "fri", "sat", "sun":
		return true
	}
	return false
}

func weekday(s string) bool {
	switch strings.ToLower(strings.TrimSuffix(s, ".")) {
	case "monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday",
		"mon", "tue", "tues", "wed", "thu", "thur", "thurs", "fri", "sat", "sun":
		return true
	}
	return false
}

// datedSlug reports whether u's path has a slug after a date
// (/2017/10/23/slug), as a post's does, not only the date (/2017/10/, a
// date archive).
func datedSlug(u string) bool {
	u, _, _ = strings.Cut(u, "#")
	u, _, _ = strings.Cut(u, "?")
	loc := urlDateRE.FindStringIndex(u)
	return loc != nil && strings.Trim(u[loc[1]:], "/") != ""
}

// urlDate returns the date of a dated URL path such as /2017/10/23/slug,
// taking the first of the month when the path gives only year and month.
func urlDate(u string) string {
	m := urlDateRE.FindStringSubmatch(u)
	if m == nil {
		return ""
	}
	d := 1
	if m[3] != "" {
		d = atoi(m[3])
	}
	return ymd(atoi(m[1]), atoi(m[2]), d)
}

// ymd formats a plausible date (1990 to next year) as YYYY-MM-DD.
func ymd(y, m, d int) string {
	if y < 1990 || y > time.Now().Year()+1 || m < 1 || m > 12 || d < 1 {
		return ""
	}
	t := time.Date(y, time.Month(m), d, 0, 0, 0, 0, time.UTC)
	if t.Day() != d {
		return "" // 31 June and the like
	}
	return t.Format(time.DateOnly)
}

func atoi(s string) int {
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0
	}
	return n
}
