package main

import (
	"fmt"
	"strings"
	"time"

	"github.com/urfave/cli/v2"

	"rankfile/index"
)

func searchCommand() *cli.Command {
	return &cli.Command{
		Name:  "search",
		Usage: "search the records: ranked hits with a highlighted snippet, filters and facets",
		Description: "QUERY: words and \"exact phrases\" (stemmed), AND, OR, NOT and parentheses (side by side,\n" +
			"words are alternatives, records with them as a phrase first), +required and -excluded terms,\n" +
			"field:value and field:\"a value\" (site, kind, author, org, tag, title, text, year, url, id),\n" +
			"published:2020, published:>=2020-01-01, captured:<2024-03-02, prefix*, word~1 fuzziness.\n" +
			"Values of site, kind, author and org, in QUERY as in the filter flags, are matched as a person\n" +
			"writes them: case and a leading \"The\" do not matter and an acronym names its site\n" +
			"(--site TURN); a value no record has gets \"no such site; did you mean …\". QUERY is at most\n" +
			"1,000 bytes. It may be left out when a filter flag narrows the search.\n\n" +
			"Examples, each with a hit it finds in the demo archive (rankfile demo):\n" +
			searchExamples + "\n" +
			"Each hit shows its ID, which rankfile show and diff take. Near-identical hits (a teaser and\n" +
			"its post, one post under two URLs) show as one, listing the others as \"also at\". --json\n" +
			"writes one object per hit per line; with --facets a last line {\"total\": N, \"facets\": {...}}\n" +
			"follows (jq 'select(.facets | not)' keeps the hits).",
		ArgsUsage: "[QUERY]",
		Flags: append(filterFlags(),
			&cli.StringFlag{Name: "format", Value: "text", Usage: "output: text, json (one object per hit per line) or csv"},
			&cli.BoolFlag{Name: "json", Usage: "shorthand for --format json"},
			&cli.StringFlag{Name: "sort", Value: index.SortRelevance, Usage: "relevance, date (oldest published first) or -date (newest first)"},
			&cli.BoolFlag{Name: "facets", Usage: "count all matches by site, kind, year and author"},
			&cli.IntFlag{Name: "size", Aliases: []string{"n"}, Value: 10, Usage: "hits to show"},
			&cli.IntFlag{Name: "from", Usage: "hits to skip (paging)"},
		),
		Action: func(c *cli.Context) error {
			q, err := queryFromFlags(c)
			if err != nil {
				return err
			}
			if q.Text == "" && !hasFilter(q) {
				return fmt.Errorf("%w: search needs a query or a filter, e.g. rankfile search \"union democracy\"", errUsage)
			}
			format := c.String("format")
			if c.Bool("json") {
				format = "json"
			}
			switch format {
			case "text", "json":
			case "csv":
				if c.Bool("facets") {
					return fmt.Errorf("%w: --facets is not available with --format csv (use text or json)", errUsage)
				}
			default:
				return fmt.Errorf("%w: --format must be text, json or csv", errUsage)
			}
			q.Sort = c.String("sort")
			switch q.Sort {
			case index.SortRelevance, index.SortDate, index.SortDateDesc:
			default:
				return fmt.Errorf("%w: --sort must be relevance, date or -date", errUsage)
			}
			if c.Int("size") < 1 || c.Int("from") < 0 {
				return fmt.Errorf("%w: --size must be positive and --from not negative", errUsage)
			}
			q.Size, q.From, q.Facets = c.Int("size"), c.Int("from"), c.Bool("facets")
			p, err := newPipeline(c, c.String("data"))
			if err != nil {
				return err
			}
			_, err = p.Search(c.Context, q, format)
			return err
		},
	}
}

// searchExamples are the examples of search's help, each with a title it
// finds in the demo archive (main_test.go runs them).
const searchExamples = `  rankfile search 'authors:"Amrita Dani"'                    # "Beginnings: A Social Justice Caucus in Formation in Boston"
  rankfile search 'site:TURN AND kind:post AND (reform OR collaboration)'   # "Why Union-Led Reform?"
  rankfile search 'vouchers OR "union democracy"'            # "UCORE Report Back"
  rankfile search 'kind:post NOT site:"Teacher Union Reform Network"'       # "UCORE Report Back"
  rankfile search 'published:2019 AND kind:post'             # "Northeast TURN"
  rankfile search --org "The Alliance to Reclaim Our Schools Louisville"    # "Our Mission"
  rankfile search --site "Teacher Union Reform"              # no such site "Teacher Union Reform"; did you mean "Teacher Union Reform Network"?
`

// filterFlags are the flags that narrow a search or an export.
func filterFlags() []cli.Flag {
	return []cli.Flag{
		&cli.StringFlag{Name: "site", Usage: "only records of this site, by its name in the sites file or its acronym"},
		&cli.StringFlag{Name: "org", Usage: "only records of this organization (its mission) or naming it in their writing; name or acronym"},
		&cli.StringFlag{Name: "kind", Usage: "only records of this kind: organization, mission, post or page"},
		&cli.StringFlag{Name: "author", Usage: "only records by this author, as written on the page"},
		&cli.StringFlag{Name: "published-since", Usage: "only records published on or after this date (YYYY-MM-DD or RFC 3339)"},
		&cli.StringFlag{Name: "published-until", Usage: "only records published on or before this date"},
		&cli.StringFlag{Name: "captured-since", Usage: "only records captured on or after this date"},
		&cli.StringFlag{Name: "captured-until", Usage: "only records captured on or before this date (a whole day for YYYY-MM-DD)"},
		&cli.BoolFlag{Name: "all-versions", Usage: "every captured version of each record, not only the latest"},
	}
}

// queryFromFlags reads the query text and the filter flags; a malformed
// flag is a usage error.
func queryFromFlags(c *cli.Context) (index.Query, error) {
	q := index.Query{
		Text:        strings.TrimSpace(strings.Join(c.Args().Slice(), " ")),
		Site:        c.String("site"),
		Org:         c.String("org"),
		Kind:        c.String("kind"),
		Author:      c.String("author"),
		AllVersions: c.Bool("all-versions"),
	}
	// --kind, --site, --author and --org are matched by the index as a
	// person writes them (Post, posts); one no record has is an error
	// naming the closest values
	for _, d := range []struct {
		flag  string
		until bool
		into  *time.Time
	}{
		{"published-since", false, &q.PublishedSince},
		{"published-until", true, &q.PublishedUntil},
		{"captured-since", false, &q.CapturedSince},
		{"captured-until", true, &q.CapturedUntil},
	} {
		s := c.String(d.flag)
		if s == "" {
			continue
		}
		t, err := parseDate(s, d.until)
		if err != nil {
			return q, fmt.Errorf("%w: --%s: %w", errUsage, d.flag, err)
		}
		*d.into = t
	}
	return q, nil
}

func hasFilter(q index.Query) bool {
	return q.Site != "" || q.Org != "" || q.Kind != "" || q.Author != "" ||
		!q.PublishedSince.IsZero() || !q.PublishedUntil.IsZero() ||
		!q.CapturedSince.IsZero() || !q.CapturedUntil.IsZero()
}

// parseDate reads YYYY-MM-DD (a UTC day) or RFC 3339. A day given as an
// upper bound means its last instant, so that --captured-until 2024-03-01
// keeps what was captured during that day.
func parseDate(s string, until bool) (time.Time, error) {
	if t, err := time.Parse(time.DateOnly, s); err == nil {
		if until {
			t = t.Add(24*time.Hour - time.Nanosecond)
		}
		return t, nil
	}
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		return time.Time{}, fmt.Errorf("%q is not a date: want YYYY-MM-DD or RFC 3339 (2024-03-01T10:00:00Z)", s)
	}
	return t, nil
}
