package extract

import (
	"bytes"
	"mime"
	"strings"
	"unicode/utf8"

	"golang.org/x/net/html"
	"golang.org/x/net/html/charset"
	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"
)

// decode returns body as UTF-8. The encoding is taken from, in order: a
// byte order mark (the bytes themselves are the strongest evidence, as in
// the WHATWG encoding sniffing algorithm), the charset parameter of the
// Content-Type header, a <meta charset> or <meta http-equiv> in the first
// kilobytes (unless the body is valid UTF-8 with non-ASCII text, which a
// page converted to UTF-8 with its old declaration left in place is), UTF-8
// when the bytes are valid UTF-8, and windows-1252 (what browsers assume
// for unlabelled Western pages) otherwise. Bytes that do
// not decode become U+FFFD, so the result is always valid UTF-8.
func decode(body []byte, contentType string) (string, string) {
	enc, name := sniffEncoding(body, contentType)
	if enc == nil || name == "utf-8" {
		return validUTF8(trimBOM(body, "utf-8")), "utf-8"
	}
	out, err := enc.NewDecoder().Bytes(trimBOM(body, name))
	if err != nil {
		return strings.ToValidUTF8(string(body), "\ufffd"), "utf-8"
	}
	return validUTF8(out), name
}

// validUTF8 returns b as a string, its invalid bytes replaced by U+FFFD.
func validUTF8(b []byte) string {
	if utf8.Valid(b) {
		return string(b)
	}
	return strings.ToValidUTF8(string(b), "\ufffd")
}

var boms = []struct {
	bom  []byte
	name string
	enc  encoding.Encoding
}{
	{[]byte{0xEF, 0xBB, 0xBF}, "utf-8", encoding.Nop},
	{[]byte{0xFE, 0xFF}, "utf-16be", unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM)},
	{[]byte{0xFF, 0xFE}, "utf-16le", unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM)},
}

func trimBOM(body []byte, name string) []byte {
	for _, b := range boms {
		if b.name == name && bytes.HasPrefix(body, b.bom) {
			return body[len(b.bom):]
		}
	}
	return body
}

// sniffEncoding returns the encoding of body and its WHATWG name.
func sniffEncoding(body []byte, contentType string) (encoding.Encoding, string) {
	for _, b := range boms {
		if bytes.HasPrefix(body, b.bom) {
			return b.enc, b.name
		}
	}
	if _, params, err := mime.ParseMediaType(contentType); err == nil {
		if enc, name := lookup(params["charset"]); enc != nil {
			return enc, name
		}
	}
	valid := utf8.Valid(body)
	if enc, name := lookup(metaCharset(body)); enc != nil {
		// Pages converted to UTF-8 (by a proxy, an editor, a scraper) keep
		// their old <meta charset>; valid UTF-8 with non-ASCII bytes is
		// never what a legacy single-byte page looks like, so it wins.
		if valid && name != "utf-8" && !ascii(body) {
			return encoding.Nop, "utf-8"
		}
		return enc, name
	}
	if valid {
		return encoding.Nop, "utf-8"
	}
	return charmap.Windows1252, "windows-1252"
}

// lookup resolves a charset label; a page that declares UTF-16 in its
// markup cannot really be UTF-16 (the declaration was readable as ASCII),
// so it is read as UTF-8, as browsers do.
func lookup(label string) (encoding.Encoding, string) {
	label = strings.TrimSpace(label)
	if label == "" {
		return nil, ""
	}
	enc, name := charset.Lookup(label)
	if enc == nil {
		return nil, ""
	}
	if strings.HasPrefix(name, "utf-16") || name == "utf-8" {
		return encoding.Nop, "utf-8"
	}
	return enc, name
}

// metaScanLimit bounds the prescan for a charset declaration. Browsers look
// at the first 1024 bytes; pages in the wild put long scripts and comments
// before their <meta charset>, so a few more kilobytes are read.
const metaScanLimit = 8 << 10

// metaCharset returns the charset declared by a <meta charset> or a
// <meta http-equiv="Content-Type" content="...; charset=..."> before the
// body starts, or "".
func metaCharset(body []byte) string {
	if len(body) > metaScanLimit {
		body = body[:metaScanLimit]
	}
	z := html.NewTokenizer(bytes.NewReader(body))
	for {
		switch z.Next() {
		case html.ErrorToken:
			return ""
		case html.StartTagToken, html.SelfClosingTagToken:
			name, hasAttr := z.TagName()
			switch string(name) {
			case "body":
				return ""
			case "meta":
				if cs := metaTagCharset(z, hasAttr); cs != "" {
					return cs
				}
			}
		}
	}
}

func metaTagCharset(z *html.Tokenizer, more bool) string {
	var httpEquiv, content, cs string
	for more {
		var k, v []byte
		k, v, more = z.TagAttr()
		switch strings.ToLower(string(k)) {
		case "charset":
			cs = string(v)
		case "http-equiv":
			httpEquiv = strings.ToLower(string(v))
		case "content":
			content = string(v)
		}
	}
	if cs != "" {
		return cs
	}
	if httpEquiv == "content-type" {
		if _, params, err := mime.ParseMediaType(content); err == nil {
			return params["charset"]
		}
		if i := strings.Index(strings.ToLower(content), "charset="); i >= 0 {
			return strings.Trim(content[i+len("charset="):], `"' ;`)
		}
	}
	return ""
}

// ascii reports whether b holds only ASCII bytes.
func ascii(b []byte) bool {
	for _, c := range b {
		if c >= 0x80 {
			return false
		}
	}
	return true
}
