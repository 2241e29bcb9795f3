package main

import (
	"encoding/csv"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"rankfile/record"
)

// demoRecords returns the demo's records.
func demoRecords(t *testing.T) []record.Record {
	t.Helper()
	dir, _ := demo()
	recs, err := record.ReadFile(filepath.Join(dir, "records", "records.jsonl"))
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

// searchJSON runs rankfile search --json with args over the demo and
// returns its lines: the hits, then the facets line if any.
func searchJSON(t *testing.T, args ...string) []map[string]any {
	t.Helper()
	dir, _ := demo()
	out, errOut, code := rankfile(t, append([]string{"--data", dir, "search", "--json"}, args...)...)
	if code != 0 {
		t.Fatalf("search %q: exit %d: %s", args, code, errOut)
	}
	return jsonLines(t, out)
}

func str(v any) string { s, _ := v.(string); return s }

func strList(v any) []string {
	var out []string
	l, _ := v.([]any)
	for _, e := range l {
		out = append(out, str(e))
	}
	return out
}

func TestSearch_filters(t *testing.T) {
	recs := demoRecords(t)
	var org string
	for _, r := range recs {
		if r.Organization != "" {
			org = r.Organization
			break
		}
	}
	captured := recs[0].Captured.UTC().Format(time.DateOnly)
	for _, tt := range []struct {
		name string
		args []string
		ok   func(hit map[string]any) bool
		want string // a URL among the hits, if any
	}{
		{"site", []string{"--site", "Teacher Union Reform Network", "union"},
			func(h map[string]any) bool { return h["site"] == "Teacher Union Reform Network" },
			"http://turnweb.test/posts/why-union-led-reform"},
		{"kind", []string{"--kind", "organization"},
			func(h map[string]any) bool { return h["kind"] == "organization" },
			"http://www.bmorecaucus.test/community-partnerships"},
		{"author", []string{"--author", "Amrita Dani"},
			func(h map[string]any) bool { return slices.Contains(strList(h["authors"]), "Amrita Dani") },
			"http://wp.towson.test/urbanedemproj/2020/10/29/beginnings-a-social-justice-caucus-in-formation-in-boston/"},
		{"org", []string{"--org", org}, // its mission, or writing that names it, with or without "The"
			func(h map[string]any) bool {
				return h["organization"] == org || strings.Contains(str(h["title"])+" "+str(h["snippet"]), strings.TrimPrefix(org, "The "))
			}, ""},
		{"published since and until", []string{"--published-since", "2020-01-01", "--published-until", "2021-11-22"},
			func(h map[string]any) bool { p := str(h["published"]); return p >= "2020-01-01" && p <= "2021-11-22" },
			"http://turnweb.test/posts/foundations-in-labor-management-collaboration"},
		{"published until an instant", []string{"--published-until", "2017-10-23T00:00:00Z", "ucore"},
			func(h map[string]any) bool { return str(h["published"]) <= "2017-10-23" },
			"http://albu-core.test/2017/10/23/ucore-report-back/"},
		{"captured until a day takes the whole day", []string{"--captured-until", captured, "vouchers"},
			func(h map[string]any) bool { return str(h["captured"]) < captured+"T24" },
			"http://albu-core.test/2017/10/23/ucore-report-back/"},
		{"captured since", []string{"--captured-since", captured, "vouchers"},
			func(h map[string]any) bool { return str(h["captured"]) >= captured },
			"http://albu-core.test/2017/10/23/ucore-report-back/"},
		{"filters combine", []string{"--kind", "post", "--site", "Teacher Union Reform Network", "--published-since", "2021-01-01"},
			func(h map[string]any) bool {
				return h["kind"] == "post" && h["site"] == "Teacher Union Reform Network" && str(h["published"]) >= "2021-01-01"
			}, "http://turnweb.test/posts/collaborating-for-student-success"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			hits := searchJSON(t, append([]string{"--size", "100"}, tt.args...)...)
			if len(hits) == 0 {
				t.Fatal("no hits")
			}
			var urls []string
			for _, h := range hits {
				urls = append(urls, str(h["url"]))
				if !tt.ok(h) {
					t.Errorf("hit does not pass the filter: %v", h)
				}
			}
			if tt.want != "" && !slices.Contains(urls, tt.want) {
				t.Errorf("hits %q lack %s", urls, tt.want)
			}
		})
	}
	t.Run("captured before the crawl", func(t *testing.T) {
		if hits := searchJSON(t, "--captured-until", "2000-01-01", "union"); len(hits) != 0 {
			t.Errorf("got %d hits, want none", len(hits))
		}
	})
}

func TestSearch_usageErrors(t *testing.T) {
	dir, _ := demo()
	for _, tt := range []struct {
		name string
		args []string
		msg  string
	}{
		{"bad date", []string{"--published-since", "2020", "union"}, "--published-since"},
		{"bad instant", []string{"--captured-until", "2024-03-01 10:00", "union"}, "--captured-until"},
		{"bad kind", []string{"--kind", "article", "union"}, `no such kind "article"`},
		{"bad sort", []string{"--sort", "newest", "union"}, "--sort"},
		{"bad format", []string{"--format", "xml", "union"}, "--format"},
		{"facets in csv", []string{"--format", "csv", "--facets", "union"}, "--facets"},
		{"no query and no filter", []string{"--facets"}, "query or a filter"},
		{"zero size", []string{"--size", "0", "union"}, "--size"},
		{"bad query syntax", []string{`"union`}, "bad query"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			_, errOut, code := rankfile(t, append([]string{"--data", dir, "search"}, tt.args...)...)
			wantCode := exitUsage // a query that does not parse, too
			if code != wantCode || !strings.Contains(errOut, tt.msg) {
				t.Errorf("exit %d, stderr %q; want %d and %q", code, errOut, wantCode, tt.msg)
			}
		})
	}
}

func TestSearch_sort(t *testing.T) {
	for _, tt := range []struct {
		sort    string
		ordered func(a, b map[string]any) bool // a may come before b
	}{
		{"relevance", func(a, b map[string]any) bool { return a["score"].(float64) >= b["score"].(float64) }},
		{"date", func(a, b map[string]any) bool {
			pa, pb := str(a["published"]), str(b["published"])
			return pb == "" || (pa != "" && pa <= pb)
		}},
		{"-date", func(a, b map[string]any) bool {
			pa, pb := str(a["published"]), str(b["published"])
			return pb == "" || (pa != "" && pa >= pb)
		}},
	} {
		t.Run(tt.sort, func(t *testing.T) {
			hits := searchJSON(t, "--sort", tt.sort, "--size", "50", "union teachers")
			if len(hits) < 5 {
				t.Fatalf("only %d hits", len(hits))
			}
			dated := 0
			for i := 1; i < len(hits); i++ {
				if !tt.ordered(hits[i-1], hits[i]) {
					t.Errorf("hit %d (%v, %v) before hit %d (%v, %v)", i, hits[i-1]["published"], hits[i-1]["score"],
						i+1, hits[i]["published"], hits[i]["score"])
				}
				if str(hits[i]["published"]) != "" {
					dated++
				}
			}
			if dated < 3 {
				t.Errorf("only %d dated hits: the order is not tested", dated)
			}
		})
	}
	t.Run("date sort reads 2017 before 2022", func(t *testing.T) {
		first := searchJSON(t, "--sort", "date", "--kind", "post")[0]
		if got := str(first["published"]); got != "2017-10-23" {
			t.Errorf("oldest post published %s, want 2017-10-23", got)
		}
	})
}

func TestSearch_facets(t *testing.T) {
	recs := demoRecords(t)
	want := map[string]int{} // posts by site, each once whatever its versions
	seen := map[string]bool{}
	for _, r := range recs {
		if r.Kind == record.KindPost && !seen[r.ID] {
			seen[r.ID] = true
			want[r.Site]++
		}
	}
	lines := searchJSON(t, "--kind", "post", "--facets", "--size", "3")
	last := lines[len(lines)-1]
	facets, ok := last["facets"].(map[string]any)
	if !ok {
		t.Fatalf("last line is not the facets: %v", last)
	}
	if got := int(last["total"].(float64)); got != sumCounts(want) {
		t.Errorf("total %d, want %d posts", got, sumCounts(want))
	}
	got := map[string]int{}
	for _, term := range facets["site"].(map[string]any)["terms"].([]any) {
		m := term.(map[string]any)
		got[str(m["term"])] = int(m["count"].(float64))
	}
	for site, n := range want {
		if got[site] != n {
			t.Errorf("site facet %q: %d, want %d", site, got[site], n)
		}
	}
	kinds := facets["kind"].(map[string]any)["terms"].([]any)
	if len(kinds) != 1 || str(kinds[0].(map[string]any)["term"]) != "post" {
		t.Errorf("kind facet %v, want post only", kinds)
	}
	for _, l := range lines[:len(lines)-1] {
		if _, ok := l["facets"]; ok {
			t.Errorf("facets on a hit line: %v", l)
		}
	}

	dir, _ := demo()
	out, _, code := rankfile(t, "--data", dir, "search", "--facets", "union")
	for _, line := range []string{"By site: ", "By kind: ", "By year: "} {
		if code != 0 || !strings.Contains(out, "\n"+line) {
			t.Errorf("text output lacks %q:\n%s", line, out)
		}
	}
}

func sumCounts(m map[string]int) int {
	n := 0
	for _, v := range m {
		n += v
	}
	return n
}

func TestSearch_formats(t *testing.T) {
	dir, _ := demo()
	short, _, _ := rankfile(t, "--data", dir, "search", "--json", "vouchers")
	long, _, _ := rankfile(t, "--data", dir, "search", "--format", "json", "vouchers")
	if short != long || short == "" {
		t.Errorf("--json and --format json differ:\n%s\n%s", short, long)
	}
	out, errOut, code := rankfile(t, "--data", dir, "search", "--format", "csv", "union")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	rows, err := csv.NewReader(strings.NewReader(out)).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) < 2 || rows[0][0] != "rank" || rows[1][0] != "1" {
		t.Errorf("csv rows %q", rows)
	}
}

func TestSearch_paging(t *testing.T) {
	ids := func(hits []map[string]any) []string {
		var out []string
		for _, h := range hits {
			out = append(out, str(h["id"]))
		}
		return out
	}
	all := ids(searchJSON(t, "--size", "6", "union"))
	first := ids(searchJSON(t, "--size", "3", "union"))
	second := ids(searchJSON(t, "--size", "3", "--from", "3", "union"))
	if len(all) != 6 || !slices.Equal(append(first, second...), all) {
		t.Errorf("pages %q + %q, want %q", first, second, all)
	}
	ranks := searchJSON(t, "--size", "2", "--from", "3", "union")
	if len(ranks) != 2 || ranks[0]["rank"].(float64) != 4 {
		t.Errorf("second page ranks %v", ranks)
	}
}

// TestSearch_duplicates checks that the teasers on turnweb.test's home and
// /posts pages, and the WordPress post repeated on index, month and author
// pages, fold into the post: dropped at extraction when the post is
// archived (extract.ResolveTeasers), or else folded into its hit.
func TestSearch_duplicates(t *testing.T) {
	for _, tt := range []struct {
		query, post string
		also        []string
	}{
		{`"Collaborating For Student Success"`, "http://turnweb.test/posts/collaborating-for-student-success",
			[]string{"http://turnweb.test/", "http://turnweb.test/posts"}},
		{`"UCORE Report Back"`, "http://albu-core.test/2017/10/23/ucore-report-back/",
			[]string{"http://albu-core.test/", "http://albu-core.test/2017/10/", "http://albu-core.test/author/albucore/"}},
		{`"Social Justice Caucus in Formation"`, "http://wp.towson.test/urbanedemproj/2020/10/29/beginnings-a-social-justice-caucus-in-formation-in-boston/",
			[]string{"http://wp.towson.test/urbanedemproj/", "http://wp.towson.test/urbanedemproj/author/amrita-dani/"}},
	} {
		t.Run(tt.query, func(t *testing.T) {
			hits := searchJSON(t, "--size", "50", tt.query)
			if len(hits) == 0 || hits[0]["url"] != tt.post {
				t.Fatalf("first hit %v, want %s", hits, tt.post)
			}
			dups := strList(hits[0]["duplicates"])
			for _, u := range tt.also {
				for _, h := range hits[1:] {
					if h["url"] == u && h["title"] == hits[0]["title"] && !slices.Contains(dups, u) {
						t.Errorf("the teaser on %s is a hit of its own, neither dropped nor folded into the post", u)
					}
				}
			}
			title := hits[0]["title"]
			for _, h := range hits[1:] {
				if h["title"] == title {
					t.Errorf("%s repeats the post's title: not folded", h["url"])
				}
			}
			kept := searchJSON(t, "--size", "50", tt.query)
			if len(kept) != len(hits) {
				t.Errorf("second run: %d hits, want %d", len(kept), len(hits))
			}
		})
	}
}
