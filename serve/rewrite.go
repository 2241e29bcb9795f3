package serve

import (
	"bytes"
	"net/url"
	"regexp"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// rewriter rewrites the URLs of a replayed page so that it stays in the
// archive: links go to their captures nearest the page's (or, for a page
// never captured, to the "not archived" page, never to the live web), and
// images, style sheets and other resources to theirs, so that nothing
// comes from the live web.
type rewriter struct {
	page *url.URL // the archived page's URL
	ts   string   // its capture timestamp
	base *url.URL // the page's <base href>, once seen
}

// absolute resolves ref against the page (or its base), returning "" for
// what is not an http or https URL (javascript:, data:, mailto:, #frag…).
func (rw *rewriter) absolute(ref string) string {
	ref = strings.TrimSpace(ref)
	if ref == "" || strings.HasPrefix(ref, "#") {
		return ""
	}
	u, err := url.Parse(ref)
	if err != nil {
		return ""
	}
	base := rw.page
	if rw.base != nil {
		base = rw.base
	}
	u = base.ResolveReference(u)
	if u.Scheme != "http" && u.Scheme != "https" {
		return ""
	}
	return u.String()
}

// link rewrites a hyperlink to the archive's address of its target near
// the page's capture time: its capture, or the "not archived" page.
func (rw *rewriter) link(ref string) string {
	if abs := rw.absolute(ref); abs != "" {
		return "/capture/" + rw.ts + "/" + abs
	}
	return ref
}

// resource rewrites the URL of something the page loads: always to the
// archive.
func (rw *rewriter) resource(ref string) string {
	if abs := rw.absolute(ref); abs != "" {
		return "/capture/" + rw.ts + "/" + abs
	}
	return ref
}

// srcset rewrites each URL of a srcset list.
func (rw *rewriter) srcset(v string) string {
	parts := strings.Split(v, ",")
	for i, p := range parts {
		f := strings.Fields(p)
		if len(f) > 0 {
			f[0] = rw.resource(f[0])
			parts[i] = strings.Join(f, " ")
		}
	}
	return strings.Join(parts, ", ")
}

var cssURL = regexp.MustCompile(`url\(\s*(['"]?)([^'")]*)(['"]?)\s*\)`)

// css rewrites the url()s of a style sheet or style attribute.
func (rw *rewriter) css(b []byte) []byte {
	return cssURL.ReplaceAllFunc(b, func(m []byte) []byte {
		sub := cssURL.FindSubmatch(m)
		return []byte("url(" + string(sub[1]) + rw.resource(string(sub[2])) + string(sub[3]) + ")")
	})
}

var refreshURL = regexp.MustCompile(`(?i)^(\s*\d*\s*[;,]\s*url\s*=\s*)(['"]?)(.*?)(['"]?)\s*$`)

// tags whose start does not end the document head: the banner goes
// before the first tag that is not one of them.
var headTags = map[atom.Atom]bool{
	atom.Html: true, atom.Head: true, atom.Title: true, atom.Meta: true, atom.Link: true,
	atom.Style: true, atom.Script: true, atom.Base: true, atom.Noscript: true, atom.Template: true,
}

// rawTextTags hold text that is not the page's content.
var rawTextTags = map[atom.Atom]bool{
	atom.Title: true, atom.Style: true, atom.Script: true, atom.Noscript: true, atom.Template: true, atom.Textarea: true,
}

// html rewrites a page's URLs and injects banner right after <body> (or
// before the first content, for a page without a body tag). Everything
// else is copied byte for byte.
func (rw *rewriter) html(body []byte, banner string) []byte {
	z := html.NewTokenizer(bytes.NewReader(body))
	var out bytes.Buffer
	out.Grow(len(body) + len(banner))
	injected := false
	var rawText atom.Atom // the element whose text the tokenizer is in
	for {
		tt := z.Next()
		if tt == html.ErrorToken {
			break // io.EOF: the tokenizer reads what any page holds
		}
		raw := append([]byte(nil), z.Raw()...)
		switch tt {
		case html.StartTagToken, html.SelfClosingTagToken:
			tok := z.Token()
			if !injected && !headTags[tok.DataAtom] {
				if tok.DataAtom != atom.Body {
					out.WriteString(banner)
					injected = true
				}
			}
			if rw.tag(&tok) {
				out.WriteString(tok.String())
			} else {
				out.Write(raw)
			}
			if tok.DataAtom == atom.Body && !injected {
				out.WriteString(banner)
				injected = true
			}
			if tt == html.StartTagToken && rawTextTags[tok.DataAtom] {
				rawText = tok.DataAtom
			}
		case html.EndTagToken:
			tok := z.Token()
			if tok.DataAtom == rawText {
				rawText = 0
			}
			out.Write(raw)
		case html.TextToken:
			switch {
			case rawText == atom.Style:
				out.Write(rw.css(raw))
			case rawText == 0 && !injected && len(bytes.TrimSpace(raw)) > 0:
				out.WriteString(banner)
				injected = true
				out.Write(raw)
			default:
				out.Write(raw)
			}
		default:
			out.Write(raw)
		}
	}
	if !injected {
		out.WriteString(banner)
	}
	return out.Bytes()
}

// tag rewrites the URL attributes of a start tag and reports whether it
// changed any.
func (rw *rewriter) tag(tok *html.Token) bool {
	changed := false
	set := func(i int, v string) {
		if v != tok.Attr[i].Val {
			tok.Attr[i].Val = v
			changed = true
		}
	}
	rel := ""
	for _, a := range tok.Attr {
		if a.Key == "rel" {
			rel = strings.ToLower(a.Val)
		}
	}
	for i, a := range tok.Attr {
		switch k := a.Key; {
		case k == "style":
			set(i, string(rw.css([]byte(a.Val))))
		case k == "srcset" || k == "imagesrcset":
			set(i, rw.srcset(a.Val))
		case tok.DataAtom == atom.Base && k == "href":
			if u, err := url.Parse(strings.TrimSpace(a.Val)); err == nil && rw.base == nil {
				rw.base = rw.page.ResolveReference(u)
			}
		case k == "href" && tok.DataAtom == atom.Link && (strings.Contains(rel, "stylesheet") || strings.Contains(rel, "icon") || strings.Contains(rel, "preload")):
			set(i, rw.resource(a.Val))
		case k == "href" || (k == "src" && (tok.DataAtom == atom.Iframe || tok.DataAtom == atom.Frame)):
			set(i, rw.link(a.Val))
		case k == "src" || k == "poster" || k == "background" || (k == "data" && tok.DataAtom == atom.Object):
			set(i, rw.resource(a.Val))
		case k == "action" || k == "formaction" || k == "cite" || k == "longdesc":
			if abs := rw.absolute(a.Val); abs != "" {
				set(i, abs)
			}
		case k == "content" && tok.DataAtom == atom.Meta && isRefresh(tok.Attr):
			if m := refreshURL.FindStringSubmatch(a.Val); m != nil {
				set(i, m[1]+m[2]+rw.link(m[3])+m[4])
			}
		}
	}
	return changed
}

func isRefresh(attrs []html.Attribute) bool {
	for _, a := range attrs {
		if a.Key == "http-equiv" && strings.EqualFold(strings.TrimSpace(a.Val), "refresh") {
			return true
		}
	}
	return false
}
