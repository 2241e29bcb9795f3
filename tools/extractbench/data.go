package main

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"fmt"
	"hash/fnv"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"unicode/utf8"

	"github.com/RadhiFadlillah/whatlanggo"
	"golang.org/x/net/html/charset"
)

// A page is one dev page with its ground truth.
type page struct {
	ID       string
	Set      string // "wcxb" or "readability"
	URL      string
	Raw      []byte // the page as stored
	HTML     string // the page converted to UTF-8, as the peers are given it
	Type     string // WCXB page type
	Lang     string // guessed from the ground-truth text
	WP       bool   // a WordPress page
	Part     string // "tune" or "check" (WCXB); "readability"
	Main     string
	With     []string
	Without  []string
	Title    string
	Author   string
	Date     string // YYYY-MM-DD
	HasTruth bool   // main_content is not empty

	shownOnce sync.Once
	shownText string // shown's result
}

type groundTruth struct {
	URL      string `json:"url"`
	Internal struct {
		PageType struct {
			Primary string `json:"primary"`
		} `json:"page_type"`
	} `json:"_internal"`
	GT struct {
		Title       string   `json:"title"`
		Author      string   `json:"author"`
		PublishDate string   `json:"publish_date"`
		MainContent string   `json:"main_content"`
		With        []string `json:"with"`
		Without     []string `json:"without"`
	} `json:"ground_truth"`
}

// loadSet reads the pages under dir (html/ and ground-truth/).
func loadSet(dir, set string) ([]*page, error) {
	files, err := filepath.Glob(filepath.Join(dir, "html", "*.html.gz"))
	if err != nil {
		return nil, err
	}
	if len(files) == 0 {
		return nil, fmt.Errorf("no pages in %s/html", dir)
	}
	sort.Strings(files)
	var pages []*page
	for _, f := range files {
		id := strings.TrimSuffix(filepath.Base(f), ".html.gz")
		raw, err := gunzip(f)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", f, err)
		}
		b, err := os.ReadFile(filepath.Join(dir, "ground-truth", id+".json"))
		if err != nil {
			return nil, err
		}
		var gt groundTruth
		if err := json.Unmarshal(b, &gt); err != nil {
			return nil, fmt.Errorf("%s: %w", id, err)
		}
		p := &page{ID: id, Set: set, URL: gt.URL, Raw: raw, HTML: toUTF8(raw),
			Type: gt.Internal.PageType.Primary, Main: gt.GT.MainContent, With: gt.GT.With,
			Without: gt.GT.Without, Title: gt.GT.Title, Author: gt.GT.Author,
			Date: day(gt.GT.PublishDate), HasTruth: strings.TrimSpace(gt.GT.MainContent) != ""}
		if p.Type == "" {
			p.Type = "article"
		}
		p.WP = wordpress(p.HTML)
		sample := p.Main
		if !p.HasTruth {
			sample = p.HTML
		}
		p.Lang = whatlanggo.DetectLang(sample[:min(len(sample), 20000)]).Iso6391()
		pages = append(pages, p)
	}
	return pages, nil
}

func day(s string) string {
	s = strings.TrimSpace(s)
	if len(s) >= 10 && s[4] == '-' && s[7] == '-' {
		return s[:10]
	}
	return ""
}

func gunzip(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	z, err := gzip.NewReader(f)
	if err != nil {
		return nil, err
	}
	return io.ReadAll(z)
}

// toUTF8 converts a page to UTF-8: kept when it is valid UTF-8, else
// decoded by its BOM or <meta charset>, else windows-1252.
func toUTF8(b []byte) string {
	if utf8.Valid(b) {
		return string(bytes.TrimPrefix(b, []byte("\ufeff")))
	}
	enc, _, _ := charset.DetermineEncoding(b, "text/html")
	out, err := enc.NewDecoder().Bytes(b)
	if err != nil {
		return strings.ToValidUTF8(string(b), "\ufffd")
	}
	return string(out)
}

func wordpress(h string) bool {
	head := strings.ToLower(h[:min(len(h), 200000)])
	if strings.Contains(head, `content="wordpress`) {
		return true
	}
	return strings.Contains(head, "/wp-content/") && (strings.Contains(head, "/wp-includes/") || strings.Contains(head, "/wp-json"))
}

// registrable returns a page's site for the split: its host without
// "www." and subdomains (two labels kept, three under a country's
// second-level domain such as co.uk).
func registrable(raw string) string {
	u, err := url.Parse(raw)
	if err != nil || u.Hostname() == "" {
		return ""
	}
	labels := strings.Split(strings.ToLower(u.Hostname()), ".")
	n := 2
	if len(labels) >= 3 && len(labels[len(labels)-1]) == 2 {
		switch labels[len(labels)-2] {
		case "co", "com", "org", "net", "ac", "gov", "edu", "ne", "or", "go", "gob", "gv":
			n = 3
		}
	}
	if len(labels) < n {
		return strings.Join(labels, ".")
	}
	return strings.Join(labels[len(labels)-n:], ".")
}

// checkingSite says whether a site falls in the checking half by a hash
// of its name.
func checkingSite(site string) bool {
	h := fnv.New64a()
	h.Write([]byte("rankfile-split\x00" + site))
	return h.Sum64()%2 == 1
}

// makeSplit assigns each WCXB page to the tuning or the checking part.
// Pages of the first 500 (tuned on before the split existed) are tuning
// pages, and so is every page of a site that has a tuning page: the
// checking part holds sites no rule was written against.
func makeSplit(pages []*page, first500 map[string]bool) map[string]string {
	tuneSites := map[string]bool{}
	for _, p := range pages {
		s := registrable(p.URL)
		if first500[p.ID] || s == "" || !checkingSite(s) {
			tuneSites[s] = true
		}
	}
	parts := map[string]string{}
	for _, p := range pages {
		if tuneSites[registrable(p.URL)] {
			parts[p.ID] = "tune"
		} else {
			parts[p.ID] = "check"
		}
	}
	return parts
}

// writeSplit writes the split as "id<TAB>site<TAB>part" lines.
func writeSplit(path string, pages []*page, parts map[string]string) error {
	var b strings.Builder
	b.WriteString("# WCXB dev pages: id, site (registrable domain), part (tune: rules may be written against it; check: never looked at).\n")
	b.WriteString("# Made by: go run ./tools/extractbench -write-split. Do not edit by hand.\n")
	for _, p := range pages {
		fmt.Fprintf(&b, "%s\t%s\t%s\n", p.ID, registrable(p.URL), parts[p.ID])
	}
	return os.WriteFile(path, []byte(b.String()), 0o644)
}

// readSplit reads the committed split.
func readSplit(path string) (map[string]string, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	parts := map[string]string{}
	for _, line := range strings.Split(string(b), "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Split(line, "\t")
		if len(f) != 3 {
			return nil, fmt.Errorf("%s: bad line %q", path, line)
		}
		parts[f[0]] = f[2]
	}
	return parts, nil
}

func readIDs(path string) map[string]bool {
	b, _ := os.ReadFile(path)
	m := map[string]bool{}
	for _, f := range strings.Fields(string(b)) {
		m[f] = true
	}
	return m
}
