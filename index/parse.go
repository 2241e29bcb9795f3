package index

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// The query language (see the package doc) is parsed here into a small
// tree, which build.go's counterpart, lang.go, turns into bleve's query
// types. bleve's own query-string syntax has no AND, OR, NOT or
// parentheses, and its field:"value" is a phrase query that finds nothing
// in an exact (keyword) field.

// Limits on a query, the same for the command line, the web page and the
// API: parsing is linear, but every term costs a searcher.
const (
	MaxQueryBytes = 1000 // bytes of query text
	maxTerms      = 64   // terms (field values, words, phrases)
	maxDepth      = 16   // nested parentheses and NOTs
)

// Modifiers of a clause in a sequence of juxtaposed clauses.
const (
	modNone = 0
	modMust = '+'
	modNot  = '-'
)

// node is a parsed query: an *orNode, *andNode, *seqNode, *notNode or
// *leaf.
type node interface{ isNode() }

// seqNode is clauses written side by side: plain ones are optional (a
// match needs one of them unless some are required), + ones required, -
// and NOT ones excluded.
type seqNode struct {
	mods  []byte
	items []node
}

type orNode struct{ kids []node }  // any of kids
type andNode struct{ kids []node } // all of kids (a notNode kid excludes)
type notNode struct{ kid node }    // anything but kid

// leaf is one term: a word, "phrase", /regexp/, wildcard* or comparison,
// on a field or on the default fields (title and text).
type leaf struct {
	field  string // canonical field name (see queryFields), "" for title and text
	value  string // unescaped
	kind   leafKind
	cmp    string  // for kind cmpLeaf: >, >=, < or <=
	fuzzy  int     // word~N
	boost  float64 // word^B; 0 for none
	quoted bool    // written in quotes (a phrase, or a quoted field value)
}

type leafKind int

const (
	wordLeaf leafKind = iota
	phraseLeaf
	wildcardLeaf
	regexpLeaf
	cmpLeaf
)

func (*seqNode) isNode() {}
func (*orNode) isNode()  {}
func (*andNode) isNode() {}
func (*notNode) isNode() {}
func (*leaf) isNode()    {}

// queryFields maps every field name a query may use, aliases included, to
// the field it searches.
var queryFields = map[string]string{
	"title": fieldTitle, "text": fieldText,
	"site": fieldSite, "kind": fieldKind, "site_kind": fieldSiteKind,
	"author": fieldAuthors, "authors": fieldAuthors,
	"org": fieldOrganization, "organization": fieldOrganization,
	"mentions": fieldMentions, "acronym": fieldAcronym,
	"tag": fieldTags, "tags": fieldTags, "language": fieldLanguage, "year": fieldYear,
	"url": fieldURL, "link": fieldLink, "id": fieldRecordID, "record_id": fieldRecordID,
	"digest": fieldDigest, "warc_file": fieldWARCFile,
	"published": fieldPublished, "captured": fieldCaptured,
}

// parseError is a query that does not parse, with where.
type parseError struct {
	pos int // byte offset in the query
	msg string
}

func (e *parseError) Error() string { return fmt.Sprintf("%s (at character %d)", e.msg, e.pos+1) }

// parseQuery parses query text. An empty text gives a nil node.
func parseQuery(text string) (node, error) {
	if len(text) > MaxQueryBytes {
		return nil, fmt.Errorf("query too long: %d bytes, at most %d", len(text), MaxQueryBytes)
	}
	if !utf8.ValidString(text) {
		return nil, fmt.Errorf("query is not valid UTF-8 text")
	}
	p := &parser{src: text}
	if err := p.lex(); err != nil {
		return nil, err
	}
	if len(p.toks) == 0 {
		return nil, nil
	}
	n, err := p.seq("")
	if err != nil {
		return nil, err
	}
	if t := p.peek(); t.typ != tokEOF {
		return nil, &parseError{t.pos, fmt.Sprintf("unexpected %q", t.text)}
	}
	if p.terms > maxTerms {
		return nil, fmt.Errorf("query has %d terms, at most %d", p.terms, maxTerms)
	}
	return n, nil
}

type tokType int

const (
	tokEOF  tokType = iota
	tokWord         // anything else: a term, maybe field:value with modifiers
	tokLParen
	tokRParen
	tokAnd
	tokOr
	tokNot
)

type token struct {
	typ  tokType
	text string // as written, for messages and for tokWord
	pos  int
	// quoted parts of a tokWord: the byte ranges of text written in quotes
	// or slashes, so that operators inside them are not read as such
}

type parser struct {
	src   string
	toks  []token
	i     int
	depth int
	terms int
}

// lex splits the text into tokens: parentheses, operators, and words,
// where a word runs to the next unquoted space or parenthesis. A quoted
// "phrase" or /regexp/ may hold spaces and parentheses.
func (p *parser) lex() error {
	s := p.src
	for i := 0; i < len(s); {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v':
			i++
			continue
		case c == '(':
			p.toks = append(p.toks, token{typ: tokLParen, text: "(", pos: i})
			i++
			continue
		case c == ')':
			p.toks = append(p.toks, token{typ: tokRParen, text: ")", pos: i})
			i++
			continue
		}
		start := i
		for i < len(s) {
			c := s[i]
			if c == '\\' && i+1 < len(s) {
				i += 2
				continue
			}
			if c == '"' || (c == '/' && startsValue(s, start, i)) {
				end := closing(s, i+1, c)
				if end < 0 {
					what := "quote"
					if c == '/' {
						what = "regular expression"
					}
					return &parseError{i, "unterminated " + what}
				}
				i = end + 1
				continue
			}
			if isSpace(c) || c == '(' || c == ')' {
				break
			}
			i++
		}
		// a field followed by a group: site:(A OR B)
		text := s[start:i]
		t := token{typ: tokWord, text: text, pos: start}
		switch text {
		case "AND", "&&":
			t.typ = tokAnd
		case "OR", "||":
			t.typ = tokOr
		case "NOT":
			t.typ = tokNot
		}
		p.toks = append(p.toks, t)
	}
	return nil
}

func isSpace(c byte) bool {
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'
}

// startsValue reports whether s[i] opens a value: at the start of the word
// (after any + or -), after field: or after a comparison.
func startsValue(s string, start, i int) bool {
	before := strings.TrimLeft(s[start:i], "+-")
	return before == "" || strings.HasSuffix(before, ":") || strings.HasSuffix(before, ">") ||
		strings.HasSuffix(before, "<") || strings.HasSuffix(before, "=")
}

// closing returns the index of the unescaped quote q at or after i, or -1.
func closing(s string, i int, q byte) int {
	for ; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case q:
			return i
		}
	}
	return -1
}

func (p *parser) peek() token {
	if p.i < len(p.toks) {
		return p.toks[p.i]
	}
	return token{typ: tokEOF, pos: len(p.src)}
}

func (p *parser) next() token {
	t := p.peek()
	if p.i < len(p.toks) {
		p.i++
	}
	return t
}

// seq parses clauses side by side, up to a ")" or the end; field is the
// field a surrounding field:( … ) gives its terms.
func (p *parser) seq(field string) (node, error) {
	s := &seqNode{}
	for {
		t := p.peek()
		if t.typ == tokEOF || t.typ == tokRParen {
			break
		}
		if t.typ == tokAnd || t.typ == tokOr {
			return nil, &parseError{t.pos, fmt.Sprintf("%s needs a term before it", t.text)}
		}
		mod, n, err := p.or(field)
		if err != nil {
			return nil, err
		}
		s.mods = append(s.mods, mod)
		s.items = append(s.items, n)
	}
	if len(s.items) == 0 {
		return nil, &parseError{p.peek().pos, "empty query or group"}
	}
	if len(s.items) == 1 && s.mods[0] == modNone {
		return s.items[0], nil
	}
	return s, nil
}

// or parses a OR b OR …; a single clause keeps its modifier.
func (p *parser) or(field string) (byte, node, error) {
	mod, n, err := p.and(field)
	if err != nil {
		return 0, nil, err
	}
	if p.peek().typ != tokOr {
		return mod, n, nil
	}
	o := &orNode{kids: []node{withMod(mod, n)}}
	for p.peek().typ == tokOr {
		op := p.next()
		if t := p.peek(); t.typ == tokEOF || t.typ == tokRParen || t.typ == tokAnd || t.typ == tokOr {
			return 0, nil, &parseError{op.pos, "OR needs a term after it"}
		}
		m, k, err := p.and(field)
		if err != nil {
			return 0, nil, err
		}
		o.kids = append(o.kids, withMod(m, k))
	}
	return modNone, o, nil
}

// and parses a AND b AND …; a single clause keeps its modifier.
func (p *parser) and(field string) (byte, node, error) {
	mod, n, err := p.unary(field)
	if err != nil {
		return 0, nil, err
	}
	if p.peek().typ != tokAnd {
		return mod, n, nil
	}
	a := &andNode{kids: []node{withMod(mod, n)}}
	for p.peek().typ == tokAnd {
		op := p.next()
		if t := p.peek(); t.typ == tokEOF || t.typ == tokRParen || t.typ == tokAnd || t.typ == tokOr {
			return 0, nil, &parseError{op.pos, "AND needs a term after it"}
		}
		m, k, err := p.unary(field)
		if err != nil {
			return 0, nil, err
		}
		a.kids = append(a.kids, withMod(m, k))
	}
	return modNone, a, nil
}

// withMod turns an excluded clause into a notNode; + means nothing inside
// AND and OR.
func withMod(mod byte, n node) node {
	if mod == modNot {
		return &notNode{n}
	}
	return n
}

// unary parses NOT x, +x, -x, ( … ), field:( … ) or a term.
func (p *parser) unary(field string) (byte, node, error) {
	p.depth++
	defer func() { p.depth-- }()
	if p.depth > maxDepth {
		return 0, nil, &parseError{p.peek().pos, fmt.Sprintf("nested more than %d deep", maxDepth)}
	}
	t := p.next()
	switch t.typ {
	case tokNot:
		if n := p.peek(); n.typ == tokEOF || n.typ == tokRParen || n.typ == tokAnd || n.typ == tokOr {
			return 0, nil, &parseError{t.pos, "NOT needs a term after it"}
		}
		_, n, err := p.unary(field)
		if err != nil {
			return 0, nil, err
		}
		return modNot, n, nil
	case tokLParen:
		return p.group(t, field)
	case tokRParen:
		return 0, nil, &parseError{t.pos, "unmatched )"}
	case tokWord:
		return p.word(t, field)
	}
	return 0, nil, &parseError{t.pos, fmt.Sprintf("unexpected %q", t.text)}
}

// group parses the rest of ( … ).
func (p *parser) group(open token, field string) (byte, node, error) {
	n, err := p.seq(field)
	if err != nil {
		return 0, nil, err
	}
	if c := p.next(); c.typ != tokRParen {
		return 0, nil, &parseError{open.pos, "unmatched ("}
	}
	return modNone, n, nil
}

// word parses one word token: [+|-][field:]value[~N][^B], where value is
// a "phrase", /regexp/, a comparison (>=2020-01-01) or a bare word; a
// field name directly before "(" applies to the group that follows.
func (p *parser) word(t token, field string) (byte, node, error) {
	s, pos := t.text, t.pos
	mod := byte(modNone)
	if len(s) > 1 && (s[0] == '+' || s[0] == '-') {
		mod, s, pos = s[0], s[1:], pos+1
	}
	if name, rest, ok := strings.Cut(s, ":"); ok {
		if f, known := queryFields[strings.ToLower(name)]; known {
			if field != "" {
				return 0, nil, &parseError{pos, fmt.Sprintf("field %s: inside a field's group", name)}
			}
			if rest == "" {
				if n := p.peek(); n.typ == tokLParen && n.pos == t.pos+len(t.text) {
					_, g, err := p.group(p.next(), f)
					return mod, g, err
				}
				return 0, nil, &parseError{pos, fmt.Sprintf("field %s: has no value", name)}
			}
			s, pos, field = rest, pos+len(name)+1, f
		}
	}
	l, err := parseValue(s, pos)
	if err != nil {
		return 0, nil, err
	}
	l.field = field
	if l.kind == cmpLeaf && !isDateField(field) {
		return 0, nil, &parseError{pos, "a comparison (>, >=, <, <=) needs a date field: published or captured"}
	}
	p.terms++
	return mod, l, nil
}

func isDateField(f string) bool { return f == fieldPublished || f == fieldCaptured }

// parseValue parses value[~N][^B].
func parseValue(s string, pos int) (*leaf, error) {
	l := &leaf{}
	for _, op := range []string{">=", "<=", ">", "<"} {
		if strings.HasPrefix(s, op) {
			l.kind, l.cmp, s, pos = cmpLeaf, op, s[len(op):], pos+len(op)
			break
		}
	}
	var rest string
	switch {
	case s == "":
		return nil, &parseError{pos, "missing value"}
	case s[0] == '"':
		end := closing(s, 1, '"')
		l.value, rest, l.quoted = unescape(s[1:end]), s[end+1:], true
		if l.kind != cmpLeaf {
			l.kind = phraseLeaf
		}
	case s[0] == '/' && l.kind != cmpLeaf:
		end := closing(s, 1, '/')
		l.kind, l.value, rest = regexpLeaf, strings.ReplaceAll(s[1:end], `\/`, "/"), s[end+1:]
	default:
		end := len(s)
		for i := 0; i < len(s); i++ {
			if s[i] == '\\' {
				i++
				continue
			}
			if (s[i] == '~' || s[i] == '^') && i > 0 {
				end = i
				break
			}
		}
		raw := s[:end]
		rest = s[end:]
		if l.kind != cmpLeaf && hasWildcard(raw) {
			l.kind = wildcardLeaf
			l.value = raw
		} else {
			l.value = unescape(raw)
		}
	}
	if err := l.suffixes(rest, pos+len(s)-len(rest)); err != nil {
		return nil, err
	}
	if strings.TrimSpace(l.value) == "" && l.kind != phraseLeaf {
		return nil, &parseError{pos, "missing value"}
	}
	return l, nil
}

// suffixes reads ~N (fuzziness; ~ alone is 1) and ^B (boost).
func (l *leaf) suffixes(s string, pos int) error {
	for s != "" {
		c := s[0]
		j := 1
		for j < len(s) && (s[j] == '.' || unicode.IsDigit(rune(s[j]))) {
			j++
		}
		arg := s[1:j]
		switch c {
		case '~':
			n := 1
			if arg != "" {
				var err error
				if n, err = strconv.Atoi(arg); err != nil {
					return &parseError{pos, fmt.Sprintf("fuzziness %q is not a whole number", arg)}
				}
			}
			if n > maxFuzziness {
				return &parseError{pos, fmt.Sprintf("fuzziness %d above %d", n, maxFuzziness)}
			}
			if l.kind != wordLeaf {
				return &parseError{pos, "~ (fuzziness) goes after a single word"}
			}
			l.fuzzy = n
		case '^':
			b, err := strconv.ParseFloat(arg, 64)
			if err != nil || b <= 0 {
				return &parseError{pos, fmt.Sprintf("boost %q is not a positive number", arg)}
			}
			l.boost = b
		default:
			return &parseError{pos, fmt.Sprintf("unexpected %q after a value", s)}
		}
		s, pos = s[j:], pos+j
	}
	return nil
}

// hasWildcard reports whether s holds an unescaped * or ?.
func hasWildcard(s string) bool {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\\':
			i++
		case '*', '?':
			return true
		}
	}
	return false
}

// unescape removes backslashes that escape the next character.
func unescape(s string) string {
	if !strings.Contains(s, `\`) {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			i++
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// wordsOf returns the words of a query of plain words (no field, modifier,
// operator, fuzziness or boost), or nil: a search box's "union democracy",
// whose phrase match ranks first.
func wordsOf(n node) []string {
	plain := func(n node, mod byte) (string, bool) {
		l, ok := n.(*leaf)
		if !ok || mod != modNone || l.field != "" || l.kind != wordLeaf || l.fuzzy > 0 || l.boost > 0 {
			return "", false
		}
		return l.value, true
	}
	if w, ok := plain(n, modNone); ok {
		return []string{w}
	}
	s, ok := n.(*seqNode)
	if !ok {
		return nil
	}
	var words []string
	for i, it := range s.items {
		w, ok := plain(it, s.mods[i])
		if !ok {
			return nil
		}
		words = append(words, w)
	}
	return words
}
