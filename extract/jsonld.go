package extract

import (
	"encoding/json"
	"html"
	"strings"
)

// jsonLD reads one JSON-LD script: the article's headline, authors,
// publication and modification dates, keywords and sections, the site's
// name and the page's language.
func (m *meta) jsonLD(src string) (authors []string, date string) {
	var v any
	if err := json.Unmarshal([]byte(strings.TrimSpace(src)), &v); err != nil {
		return nil, ""
	}
	var visit func(v any, depth int)
	visit = func(v any, depth int) {
		if depth > 8 {
			return
		}
		switch x := v.(type) {
		case []any:
			for _, e := range x {
				visit(e, depth+1)
			}
		case map[string]any:
			if g, ok := x["@graph"]; ok {
				visit(g, depth+1)
			}
			types := ldTypes(x["@type"])
			if id, ok := x["@id"].(string); ok && (contains(types, "Person") || contains(types, "Organization")) {
				if n := collapse(html.UnescapeString(ldString(x["name"]))); n != "" {
					if m.ldIDs == nil {
						m.ldIDs = map[string]string{}
					}
					m.ldIDs[id] = n
				}
			}
			if m.ldLang == "" {
				m.ldLang = ldString(x["inLanguage"])
			}
			switch {
			case anyArticleType(types):
				m.article = true
				if m.headline == "" {
					m.headline = collapse(ldString(x["headline"]))
				}
				if len(authors) == 0 {
					authors = ldNames(x["author"])
				}
				if date == "" {
					date = parseDate(ldString(x["datePublished"]))
				}
				if m.ldModified == "" {
					m.ldModified = parseDate(ldString(x["dateModified"]))
				}
				if len(m.ldTags) == 0 {
					m.ldTags = append(ldKeywords(x["keywords"]), ldKeywords(x["articleSection"])...)
				}
			case contains(types, "DiscussionForumPosting") || contains(types, "Question"):
				// a forum thread's or a Q&A page's opening post: its
				// author and date are the thread's, its replies are not
				// comments to drop, so the page stays no article
				m.thread = true
				if len(authors) == 0 {
					authors = ldNames(x["author"])
				}
				if date == "" {
					date = parseDate(firstString(ldString(x["datePublished"]), ldString(x["dateCreated"])))
				}
				if m.threadDate == "" {
					m.threadDate = parseDate(firstString(ldString(x["datePublished"]), ldString(x["dateCreated"])))
				}
				if q, ok := x["mainEntity"]; ok {
					visit(q, depth+1)
				}
			case contains(types, "QAPage"):
				if q, ok := x["mainEntity"]; ok {
					visit(q, depth+1)
				}
			case contains(types, "WebPage") || contains(types, "AboutPage") || contains(types, "ContactPage"):
				if m.pageDate == "" {
					m.pageDate = parseDate(ldString(x["datePublished"]))
				}
				if m.pageModified == "" {
					m.pageModified = parseDate(ldString(x["dateModified"]))
				}
				if e, ok := x["mainEntity"]; ok {
					visit(e, depth+1) // what the page is about: XenForo's thread, a CMS's article
				}
			case contains(types, "WebSite") || contains(types, "Organization"):
				if m.siteName == "" && contains(types, "WebSite") {
					m.siteName = collapse(ldString(x["name"]))
				}
			}
		}
	}
	visit(v, 0)
	return authors, date
}

func anyArticleType(types []string) bool {
	for _, t := range types {
		switch t {
		case "Article", "BlogPosting", "NewsArticle", "Report", "ScholarlyArticle", "OpinionNewsArticle",
			"AnalysisNewsArticle", "ReportageNewsArticle", "TechArticle", "SocialMediaPosting", "LiveBlogPosting":
			return true
		}
	}
	return false
}

func ldTypes(v any) []string {
	switch x := v.(type) {
	case string:
		return []string{x}
	case []any:
		var out []string
		for _, e := range x {
			if s, ok := e.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

func ldString(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case []any:
		if len(x) > 0 {
			return ldString(x[0])
		}
	case map[string]any:
		return ldString(x["name"])
	}
	return ""
}

// A person given by reference ({"@id": ...}, as Yoast's graph gives an
// article's author) comes back as idRef(id), for resolveRefs to name once
// every script of the page is read.
func ldNames(v any) []string {
	var out []string
	switch x := v.(type) {
	case string:
		out = dataNames(x)
	case []any:
		for _, e := range x {
			out = append(out, ldNames(e)...)
		}
	case map[string]any:
		n := collapse(html.UnescapeString(ldString(x["name"])))
		if id, ok := x["@id"].(string); ok && n == "" {
			out = append(out, idRef(id))
		} else if dataName(n) {
			out = append(out, n)
		}
	}
	return dedupe(out)
}

// idRef marks a JSON-LD reference among names.
func idRef(id string) string { return "\x00" + id }

// resolveRefs replaces the JSON-LD references among names by the names
// of the nodes they point to, dropping those the page does not name.
func (m *meta) resolveRefs(names []string) []string {
	out := names[:0:0]
	for _, n := range names {
		if id, ok := strings.CutPrefix(n, "\x00"); ok {
			if n = m.ldIDs[id]; !dataName(n) {
				continue
			}
		}
		out = append(out, n)
	}
	return dedupe(out)
}

// maxKeywords bounds the keywords taken from JSON-LD, where SEO plugins put
// long lists.
const maxKeywords = 20

// ldKeywords reads JSON-LD keywords or sections: a list, or one string of
// comma-separated words.
func ldKeywords(v any) []string {
	var raw []string
	switch x := v.(type) {
	case string:
		raw = strings.Split(x, ",")
	case []any:
		for _, e := range x {
			if s := ldString(e); s != "" {
				raw = append(raw, s)
			}
		}
	}
	var out []string
	for _, k := range raw {
		if k = collapse(k); k != "" && len(k) <= maxTagLen && len(out) < maxKeywords {
			out = append(out, k)
		}
	}
	return out
}
