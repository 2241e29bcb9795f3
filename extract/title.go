package extract

import (
	"net/url"
	"strings"
)

// titleSeparators split a <title> into the page's title and the site's name.
var titleSeparators = []string{" | ", " - ", " – ", " — ", " :: ", " » ", " · ", " / ", ": "}

// titleParts splits a document title at its first separator kind found.
func titleParts(t string) []string {
	for _, sep := range titleSeparators {
		if strings.Contains(t, sep) {
			var parts []string
			for _, p := range strings.Split(t, sep) {
				if p = strings.TrimSpace(p); p != "" {
					parts = append(parts, p)
				}
			}
			return parts
		}
	}
	return []string{strings.TrimSpace(t)}
}

// siteName returns the name the site gives itself: og:site_name or
// JSON-LD, else the part of the <title> that is not the page's heading,
// else the host name.
func siteName(m *meta, heading, pageURL string) string {
	if m.siteName != "" {
		return m.siteName
	}
	parts := titleParts(m.title)
	if len(parts) > 1 {
		last, first := parts[len(parts)-1], parts[0]
		switch {
		case heading != "" && strings.EqualFold(first, heading):
			return last
		case heading != "" && strings.EqualFold(last, heading):
			return first
		default:
			return last
		}
	}
	if u, err := url.Parse(pageURL); err == nil && u.Host != "" {
		return strings.TrimPrefix(u.Hostname(), "www.")
	}
	return m.title
}

// pageTitle returns the page's own title (a post's title, not the site's
// name): a heading the <title> or og:title repeats, else the entry title or
// the only <h1>, else the <title> without the site's name.
func pageTitle(m *meta, h1s []string, entryTitle string) string {
	docTitles := []string{m.ogTitle, m.headline, m.title}
	if entryTitle != "" {
		return entryTitle
	}
	for _, h := range h1s {
		for _, t := range docTitles {
			if t != "" && strings.Contains(strings.ToLower(t), strings.ToLower(h)) {
				return h
			}
		}
	}
	if len(h1s) == 1 {
		return h1s[0]
	}
	for _, t := range []string{m.headline, m.ogTitle, m.title} {
		if t == "" {
			continue
		}
		parts := titleParts(t)
		if len(parts) > 1 && m.siteName != "" {
			var keep []string
			for _, p := range parts {
				if !strings.EqualFold(p, m.siteName) {
					keep = append(keep, p)
				}
			}
			if len(keep) > 0 {
				return strings.Join(keep, " - ")
			}
		}
		if len(parts) > 1 {
			return parts[0]
		}
		return t
	}
	if len(h1s) > 0 {
		return h1s[0]
	}
	return ""
}
