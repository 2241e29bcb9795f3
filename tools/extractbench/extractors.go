package main

import (
	"net/url"
	"strings"
	"time"

	readability "codeberg.org/readeck/go-readability/v2"
	"github.com/markusmobius/go-trafilatura"
	"golang.org/x/net/html"

	"rankfile/extract"
	"rankfile/record"
)

// A result is what one extractor made of one page.
type result struct {
	Text    string
	Title   string
	Authors []string
	Date    string
	Err     error
	Dur     time.Duration
}

type extractor struct {
	name string
	run  func(p *page) result
}

func pageURL(p *page) *url.URL {
	u, err := url.Parse(p.URL)
	if err != nil || u.Host == "" {
		u, _ = url.Parse("http://example.invalid/")
	}
	return u
}

// rankfileExtractor runs the project's extractor on the page as stored
// (it decodes the charset itself, as on a capture).
func rankfileExtractor() extractor {
	e := extract.New(extract.Options{})
	return extractor{name: "rankfile", run: func(p *page) result {
		u := p.URL
		if u == "" {
			u = "http://example.invalid/"
		}
		recs, err := e.ExtractHTML(u, p.Raw, nil)
		r := result{Text: extract.Text(recs), Err: err}
		if m, ok := mainRecord(recs); ok {
			r.Title, r.Authors, r.Date = m.Title, m.Authors, m.Published
		}
		return r
	}}
}

// mainRecord picks the record that stands for the page: its one post,
// else its own page or mission record, else its first record.
func mainRecord(recs []record.Record) (record.Record, bool) {
	if len(recs) == 0 {
		return record.Record{}, false
	}
	var posts []record.Record
	for _, r := range recs {
		if r.Kind == record.KindPost && r.Link == "" {
			posts = append(posts, r)
		}
	}
	if len(posts) == 1 {
		return posts[0], true
	}
	for _, r := range recs {
		if r.Kind == record.KindPage || r.Kind == record.KindMission {
			return r, true
		}
	}
	return recs[0], true
}

func trafilaturaExtractor() extractor {
	return extractor{name: "trafilatura", run: func(p *page) result {
		doc, err := html.Parse(strings.NewReader(p.HTML))
		if err != nil {
			return result{Err: err}
		}
		res, err := trafilatura.ExtractDocument(doc, trafilatura.Options{EnableFallback: true, OriginalURL: pageURL(p)})
		if err != nil || res == nil {
			return result{Err: err}
		}
		r := result{Text: res.ContentText, Title: res.Metadata.Title}
		if res.Metadata.Author != "" {
			r.Authors = strings.Split(res.Metadata.Author, "; ")
		}
		if !res.Metadata.Date.IsZero() {
			r.Date = res.Metadata.Date.Format(time.DateOnly)
		}
		return r
	}}
}

func readabilityExtractor() extractor {
	return extractor{name: "readability", run: func(p *page) result {
		doc, err := html.Parse(strings.NewReader(p.HTML))
		if err != nil {
			return result{Err: err}
		}
		parser := readability.NewParser()
		art, err := parser.ParseAndMutate(doc, pageURL(p))
		if err != nil || art.Node == nil {
			return result{Err: err}
		}
		var b strings.Builder
		err = art.RenderText(&b)
		r := result{Text: b.String(), Title: art.Title(), Err: err}
		if by := art.Byline(); by != "" {
			r.Authors = []string{by}
		}
		if t, err := art.PublishedTime(); err == nil && !t.IsZero() {
			r.Date = t.Format(time.DateOnly)
		}
		return r
	}}
}
