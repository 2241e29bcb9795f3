package crawl

import (
	"bytes"
	"encoding/xml"
	"io"
	"regexp"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// htmlLinks returns the link targets of an HTML page, in document order:
// anchors, frames, and <link> elements that name another document of the
// site (canonical, next/prev pages, alternate feeds); and apart from them
// the page's requisites (images, scripts, stylesheets, icons, media) that a
// replay of the page needs. It reads the raw bytes with a tokenizer rather
// than building a DOM, since only attributes matter, and lets the tokenizer
// skip the text between tags (see textSkipper).
func htmlLinks(body []byte) (links, embeds []string, base string) {
	ls, es, base := scanHTMLLinks(body)
	return targets(ls), targets(es), base
}

// link is a link target as a page writes it, and where it stands, as
// Heritrix names it in a metadata record's outlinks: "a/@href",
// "img/@src"; "" for a sitemap's or feed's link.
type link struct {
	target, context string
}

func targets(ls []link) []string {
	if ls == nil {
		return nil
	}
	out := make([]string, len(ls))
	for i, l := range ls {
		out[i] = l.target
	}
	return out
}

// scanHTMLLinks is htmlLinks with each link's context.
func scanHTMLLinks(body []byte) (links, embeds []link, base string) {
	r := &textSkipper{b: body}
	z := html.NewTokenizer(r)
	rawNext, inStyle := false, false
	for {
		r.skip = !rawNext && len(z.Buffered()) == 0
		rawNext = false
		tt := z.Next()
		style := inStyle
		inStyle = false
		switch tt {
		case html.ErrorToken:
			return links, embeds, base
		case html.TextToken:
			if style { // a <style> block: its fonts and pictures are requisites as a stylesheet's are
				for _, l := range cssLinks(z.Text()) {
					embeds = append(embeds, link{l.target, "style"})
				}
			}
		case html.StartTagToken, html.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			a := atom.Lookup(name)
			rawNext = rawTextElement(a)
			inStyle = a == atom.Style && tt == html.StartTagToken
			if !hasAttr {
				continue
			}
			var want string
			switch a {
			case atom.A, atom.Area, atom.Base:
				want = "href"
			case atom.Link:
				want = "href"
			case atom.Frame, atom.Iframe, atom.Img, atom.Script, atom.Source, atom.Video, atom.Audio, atom.Embed:
				want = "src"
			default:
				continue
			}
			var val, rel, typ, srcset string
			for {
				k, v, more := z.TagAttr()
				switch string(k) {
				case want:
					val = string(v)
				case "rel":
					rel = strings.ToLower(string(v))
				case "type":
					typ = strings.ToLower(string(v))
				case "srcset":
					srcset = string(v)
				}
				if !more {
					break
				}
			}
			l := link{val, string(name) + "/@" + want}
			if srcset != "" && (a == atom.Img || a == atom.Source) {
				// the other sizes of a picture: a replay in another window asks for them
				for _, c := range srcsetURLs(srcset) {
					embeds = append(embeds, link{c, string(name) + "/@srcset"})
				}
			}
			switch {
			case val == "":
			case a == atom.Base:
				if base == "" {
					base = val
				}
			case a == atom.Img || a == atom.Script || a == atom.Source || a == atom.Video || a == atom.Audio || a == atom.Embed:
				embeds = append(embeds, l)
			case a == atom.Link && requisiteRel(rel):
				embeds = append(embeds, l)
			case a == atom.Link && !followLinkRel(rel, typ):
			default:
				links = append(links, l)
			}
		}
	}
}

// srcsetURLs returns the URLs of a srcset attribute's candidates
// ("a-300.jpg 300w, a-768.jpg 768w"), read as HTML does: a URL runs to the
// next space (a comma inside it, as in a data: URL, is part of it), and a
// candidate's descriptors to the next comma; data: URLs are left out.
func srcsetURLs(srcset string) []string {
	const space = " \t\n\r\f"
	var out []string
	for s := srcset; ; {
		s = strings.TrimLeft(s, space+",")
		if s == "" {
			return out
		}
		u, rest := s, ""
		if i := strings.IndexAny(s, space); i >= 0 {
			u, rest = s[:i], s[i:]
		}
		if strings.HasSuffix(u, ",") {
			u = strings.TrimRight(u, ",")
		} else if i := strings.IndexByte(rest, ','); i >= 0 {
			rest = rest[i:] // past the descriptors
		} else {
			rest = ""
		}
		s = rest
		if u != "" && !strings.HasPrefix(strings.ToLower(u), "data:") {
			out = append(out, u)
		}
	}
}

// textSkipper feeds a page to html.Tokenizer a tag at a time, dropping the
// text between tags, which the tokenizer would otherwise read a byte at a
// time (most of a page's bytes, and most of the cost of finding its links).
// It drops text only when skip is set: the tokenizer is between tokens, has
// nothing buffered, and is in the data state, not in the raw text of a
// <script>, <style>, <title>... There the tokenizer would read every byte
// before the next '<' as text, so dropping them changes no tag it returns.
// Every other read is served as the page has it, up to and including the
// next '>' (the likely end of the tag).
type textSkipper struct {
	b    []byte
	skip bool
}

func (r *textSkipper) Read(p []byte) (int, error) {
	if r.skip {
		r.skip = false
		i := bytes.IndexByte(r.b, '<')
		if i < 0 {
			i = len(r.b)
		}
		r.b = r.b[i:]
	}
	if len(r.b) == 0 {
		return 0, io.EOF
	}
	n := len(r.b)
	if i := bytes.IndexByte(r.b, '>'); i >= 0 {
		n = i + 1
	}
	n = copy(p, r.b[:n])
	r.b = r.b[n:]
	return n, nil
}

// rawTextElement reports whether the tokenizer reads what follows a start
// tag of a as raw text (or RCDATA) up to its end tag.
func rawTextElement(a atom.Atom) bool {
	switch a {
	case atom.Iframe, atom.Noembed, atom.Noframes, atom.Noscript, atom.Plaintext,
		atom.Script, atom.Style, atom.Textarea, atom.Title, atom.Xmp:
		return true
	}
	return false
}

// requisiteRel reports whether a <link rel=...> names something the page
// needs to be shown: a stylesheet or an icon.
func requisiteRel(rel string) bool {
	for _, r := range strings.Fields(rel) {
		if r == "stylesheet" || r == "icon" || r == "apple-touch-icon" {
			return true
		}
	}
	return false
}

// followLinkRel reports whether a <link rel=...> points to a document worth
// fetching, as opposed to a stylesheet, icon or preconnect hint.
func followLinkRel(rel, typ string) bool {
	for _, r := range strings.Fields(rel) {
		switch r {
		case "canonical", "next", "prev", "sitemap":
			return true
		case "alternate":
			return strings.Contains(typ, "rss") || strings.Contains(typ, "atom") || typ == "" || strings.Contains(typ, "html")
		}
	}
	return false
}

// xmlLinks returns the URLs named by a sitemap (<loc>), a sitemap index, an
// RSS feed (<link>, <guid isPermaLink>) or an Atom feed (<link href>).
func xmlLinks(body []byte) []string {
	d := xml.NewDecoder(bytes.NewReader(body))
	d.Strict = false
	d.CharsetReader = func(_ string, r io.Reader) (io.Reader, error) { return r, nil }
	var links []string
	var inItem bool
	for {
		tok, err := d.Token()
		if err != nil {
			return links
		}
		se, ok := tok.(xml.StartElement)
		if !ok {
			if ee, ok := tok.(xml.EndElement); ok && (ee.Name.Local == "item" || ee.Name.Local == "entry") {
				inItem = false
			}
			continue
		}
		switch se.Name.Local {
		case "item", "entry":
			inItem = true
		case "loc":
			links = appendText(d, &se, links)
		case "link":
			if href := attr(se, "href"); href != "" {
				links = append(links, href)
			} else if inItem || se.Name.Space == "" {
				links = appendText(d, &se, links)
			}
		}
	}
}

func appendText(d *xml.Decoder, se *xml.StartElement, links []string) []string {
	var s string
	if err := d.DecodeElement(&s, se); err == nil {
		if s = strings.TrimSpace(s); s != "" {
			links = append(links, s)
		}
	}
	return links
}

func attr(se xml.StartElement, name string) string {
	for _, a := range se.Attr {
		if a.Name.Local == name {
			return a.Value
		}
	}
	return ""
}

// cssURL finds the URLs a stylesheet loads: url(...) (fonts, pictures,
// imported sheets) and @import "...".
var cssURL = regexp.MustCompile(`(?i)url\(\s*(?:"([^"]*)"|'([^']*)'|([^)"'\s]*))\s*\)|@import\s+(?:"([^"]*)"|'([^']*)')`)

// cssLinks returns the requisites of a stylesheet in the order they stand,
// each once, data: URLs left out; their context is "css".
func cssLinks(body []byte) []link {
	var out []link
	seen := map[string]bool{}
	for _, m := range cssURL.FindAllSubmatch(body, -1) {
		var target string
		for _, g := range m[1:] {
			if len(g) > 0 {
				target = strings.TrimSpace(string(g))
				break
			}
		}
		if target == "" || seen[target] || strings.HasPrefix(strings.ToLower(target), "data:") {
			continue
		}
		seen[target] = true
		out = append(out, link{target: target, context: "css"})
	}
	return out
}

// isXMLDocument reports whether a response is a sitemap or feed by its
// Content-Type or, failing that, by its first bytes.
func isXMLDocument(contentType string, body []byte) bool {
	ct := strings.ToLower(contentType)
	if strings.Contains(ct, "xml") || strings.Contains(ct, "rss") || strings.Contains(ct, "atom") {
		return !strings.Contains(ct, "xhtml")
	}
	head := bytes.TrimSpace(body[:min(len(body), 256)])
	return bytes.HasPrefix(head, []byte("<?xml")) && !bytes.Contains(head, []byte("<html"))
}
