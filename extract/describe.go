package extract

import (
	"net/url"
	"strings"

	"rankfile/record"
)

// describe fills in what the page says about a record: its language and
// canonical URL for every record, and for the page's own writing (a main
// part) its modification date, tags and the page's description as its
// summary. Other records are summarized by their first sentences.
func (a *analysis) describe(r *record.Record, main bool) {
	r.Language = a.lang
	r.Canonical = a.canonical
	if main {
		if r.Kind == record.KindPage && (!a.isListing || a.m.thread) {
			// the authors the page's head declares (a listing's, or its
			// markup's, may be other pages'), and its date as htmldate or
			// the page itself gives it; a page of some length that none
			// dates is searched more widely (a thread's first post, an
			// article no metadata marks)
			if len(r.Authors) == 0 {
				r.Authors = a.m.declaredAuthors
			}
			if r.Published == "" {
				r.Published = firstString(a.m.threadDate, a.m.guessedDate, a.m.declaredDate, urlDate(a.url), a.m.pageDate, a.visibleDate())
			}
			if r.Published == "" && wordCount(r.Text) >= widerDateWords {
				r.Published = a.widerDate()
			}
		}
		r.Modified = a.m.modified
		if r.Tags == nil {
			r.Tags = a.tags
		}
		if r.Kind != record.KindMission && !cutDescription(a.m.description, r.Text) {
			r.Summary = a.m.description
		}
	}
	if r.Summary == "" {
		r.Summary = summarize(r.Text)
	}
}

// widerDate returns the date htmldate's extensive search finds in the
// page (every date in its text weighed), once asked; "" for a page of more
// than helperMarkup bytes of markup or widerDateNodes nodes.
func (a *analysis) widerDate() string {
	if !a.widerAsked {
		a.widerAsked = true
		if len(a.markup) <= helperMarkup {
			if doc := a.freshTree(); fewerNodes(doc, widerDateNodes) {
				a.wider = guessDate(doc, a.url, a.captured, true, a.lang)
			}
		}
	}
	return a.wider
}

// widerDateWords is how many words of writing a page needs for
// htmldate's extensive search to be worth its cost.
const widerDateWords = 150

// widerDateNodes bounds the pages searched so: the cost of htmldate's
// extensive search grows with the page (the dev set's median page holds
// about 1,800 nodes).
const widerDateNodes = 4000

// commentsTo gives the page's reader comments to the record they answer:
// the page's post, else its page record, else its first main record, else
// its first record.
func (a *analysis) commentsTo(recs []record.Record, parts []part) {
	if len(a.comments) == 0 || len(recs) == 0 {
		return
	}
	best := -1
	rank := func(i int) int {
		switch {
		case parts[i].main && recs[i].Kind == record.KindPost:
			return 3
		case parts[i].main && recs[i].Kind == record.KindPage:
			return 2
		case parts[i].main:
			return 1
		}
		return 0
	}
	for i := range recs {
		if best < 0 || rank(i) > rank(best) {
			best = i
		}
	}
	recs[best].Comments = a.comments
}

// cutDescription reports a description that is the start of the text cut
// off mid-sentence (as site builders make them, at 155 characters): the
// text's own first sentences say it better.
func cutDescription(desc, text string) bool {
	if desc == "" || strings.ContainsAny(desc[len(desc)-1:], ".!?\"'”’)") {
		return false
	}
	return strings.Contains(collapse(text), desc)
}

// canonicalURL returns the page's declared canonical URL (link
// rel=canonical, else og:url) made absolute against the page's URL, or ""
// when it declares none or one that is not an http(s) URL.
func canonicalURL(m *meta, pageURL string) string {
	if m.canonical == "" {
		return ""
	}
	ref, err := url.Parse(m.canonical)
	if err != nil {
		return ""
	}
	if base, err := url.Parse(pageURL); err == nil {
		ref = base.ResolveReference(ref)
	}
	if ref.Scheme != "http" && ref.Scheme != "https" || ref.Host == "" {
		return ""
	}
	ref.Fragment = ""
	return ref.String()
}

// languageSample is how much of a page's writing its language is guessed
// from.
const languageSample = 16 << 10

// writingSample returns the start of the blocks' text, for guessing the
// page's language.
func writingSample(bs []block) string {
	var b strings.Builder
	for _, bl := range bs {
		if b.Len() >= languageSample {
			break
		}
		b.WriteString(bl.text)
		b.WriteByte('\n')
	}
	return b.String()
}

// escapeLineStartText returns plain text as a one-block Markdown text.
func escapeLineStartText(s string) string {
	if s == "" {
		return ""
	}
	return escapeLineStart(escapeText(s))
}
