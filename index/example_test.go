package index_test

import (
	"context"
	"log"
	"os"
	"path/filepath"
	"time"

	"rankfile/index"
	"rankfile/record"
)

func Example() {
	dir, err := os.MkdirTemp("", "rankfile-example-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)
	captured := time.Date(2024, 3, 1, 10, 0, 0, 0, time.UTC)
	recs := []record.Record{
		{
			ID: "a1", Kind: record.KindPost, URL: "http://albu-core.test/2017/10/23/ucore-report-back/",
			Site: "Albuquerque CORE", Title: "UCORE report back", Published: "2017-10-23",
			Text:     "Caucuses from ten cities met to compare contract campaigns and union democracy.",
			Captured: captured, WARCFile: "rankfile-a.warc.gz", WARCOffset: 5678,
		},
		{
			ID: "b2", Kind: record.KindPost, URL: "http://wp.towson.test/urbanedemproj/union-democracy/",
			Site: "Urban Education Democracy Project", Title: "Union democracy in the rank and file",
			Published: "2020-10-29", Authors: []string{"Ana Ruiz"},
			Text:     "Union democracy means open meetings, elected stewards and members who vote on every contract.",
			Captured: captured, WARCFile: "rankfile-a.warc.gz", WARCOffset: 1234,
		},
	}
	if err := index.Build(filepath.Join(dir, "index"), recs); err != nil {
		log.Fatal(err)
	}
	x, err := index.OpenReadOnly(filepath.Join(dir, "index"))
	if err != nil {
		log.Fatal(err)
	}
	defer x.Close()

	res, err := x.Search(context.Background(), index.Query{Text: `"union democracy"`, Facets: true})
	if err != nil {
		log.Fatal(err)
	}
	if err := res.WriteText(os.Stdout); err != nil {
		log.Fatal(err)
	}
	// Output:
	// Hits 1-2 of 2 matching.
	//
	// 1. Union democracy in the rank and file [post] id b2
	//    Urban Education Democracy Project · by Ana Ruiz · published 2020-10-29
	//    http://wp.towson.test/urbanedemproj/union-democracy/
	//    captured 2024-03-01T10:00:00Z · rankfile-a.warc.gz@1234
	//    «Union democracy» means open meetings, elected stewards and members who vote on every contract.
	//
	// 2. UCORE report back [post] id a1
	//    Albuquerque CORE · published 2017-10-23
	//    http://albu-core.test/2017/10/23/ucore-report-back/
	//    captured 2024-03-01T10:00:00Z · rankfile-a.warc.gz@5678
	//    Caucuses from ten cities met to compare contract campaigns and «union democracy».
	//
	// By site: Albuquerque CORE (1) · Urban Education Democracy Project (1)
	// By kind: post (2)
	// By year: 2017 (1) · 2020 (1)
	// By author: Ana Ruiz (1) · none (1)
}
