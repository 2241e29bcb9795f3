package extract_test

import (
	"fmt"

	"rankfile/extract"
	"rankfile/record"
)

func ExampleExtractor_ExtractHTML() {
	page := []byte(`<html lang="en"><head><title>Why we organize - Riverside Caucus</title></head><body>
<nav><a href="/">Home</a> <a href="/about">About</a></nav>
<main><article><h1>Why we organize</h1><p class="byline">By Ana Ruiz</p>
<p>The Caucus of Working Educators (WE) showed us that <a href="/platform">a platform written by members</a> wins.</p>
<p>Share this:</p></article></main>
<footer>Powered by WordPress</footer></body></html>`)
	e := extract.New(extract.Options{Organizations: []extract.Organization{{Name: "Caucus of Working Educators", Acronym: "WE"}}})
	recs, err := e.ExtractHTML("http://caucus.test/2024/05/01/why-we-organize/", page, nil)
	if err != nil {
		panic(err)
	}
	r := recs[0]
	fmt.Println(r.Kind, r.Title, r.Authors, r.Published, r.Language)
	fmt.Println(r.Markdown)
	fmt.Println(r.Mentions)
	// Output:
	// post Why we organize [Ana Ruiz] 2024-05-01 en
	// The Caucus of Working Educators (WE) showed us that [a platform written by members](http://caucus.test/platform) wins.
	// [Caucus of Working Educators]
}

func ExampleDedupe() {
	post := record.Record{Kind: record.KindPost, Title: "Strike vote", Text: "Members voted to strike.",
		Canonical: "https://caucus.test/2024/strike-vote/"}
	viaFeed, viaPermalink := post, post
	viaFeed.URL = "https://caucus.test/?p=41"
	viaPermalink.URL = "https://caucus.test/2024/strike-vote/"
	for _, r := range extract.Dedupe([]record.Record{viaFeed, viaPermalink}) {
		fmt.Println(r.URL)
	}
	// Output:
	// https://caucus.test/2024/strike-vote/
}

func ExampleResolveTeasers() {
	recs := []record.Record{
		{Kind: record.KindPost, URL: "https://caucus.test/news/", Link: "https://caucus.test/news/strike-vote",
			Title: "Strike vote", Published: "2024-03-01", Text: "March 1, 2024 Members voted..."},
		{Kind: record.KindPost, URL: "https://caucus.test/news/strike-vote", Title: "Strike vote", Text: "Members voted to strike."},
	}
	for _, r := range extract.ResolveTeasers(recs) {
		fmt.Println(r.URL, r.Published)
	}
	// Output:
	// https://caucus.test/news/strike-vote 2024-03-01
}
