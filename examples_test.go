package main

import (
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"
)

// TestSearch_examples runs every search example of the README and of
// rankfile search --help on the demo archive and checks that each finds
// what its comment promises: a title among the hits ("Title"), an error
// ("no such …"), or at least one hit.
func TestSearch_examples(t *testing.T) {
	dir, _ := demo()
	readme, err := os.ReadFile("README.md")
	if err != nil {
		t.Fatal(err)
	}
	help, _, _ := rankfile(t, "search", "--help")
	examples := append(searchLines(string(readme), false), searchLines(help, true)...)
	if len(examples) < 10 {
		t.Fatalf("found %d examples, want the README's and --help's", len(examples))
	}
	for _, ex := range examples {
		t.Run(ex.line, func(t *testing.T) {
			args, err := shellWords(ex.args)
			if err != nil {
				t.Fatal(err)
			}
			out, errOut, code := rankfile(t, append([]string{"--data", dir}, args...)...)
			switch {
			case strings.HasPrefix(ex.promise, "no such"):
				if code != exitUsage || !strings.Contains(errOut, ex.promise) {
					t.Errorf("exit %d, stderr %q; want exit %d and %q", code, errOut, exitUsage, ex.promise)
				}
			case strings.HasPrefix(ex.promise, `"`):
				title := strings.Trim(ex.promise, `"`)
				if code != 0 || !regexp.MustCompile(`(?m)^\d+\. `+regexp.QuoteMeta(title)+` \[`).MatchString(out) {
					t.Errorf("exit %d, want a hit titled %q:\n%s%s", code, title, out, errOut)
				}
			default:
				lines := strings.Count(out, "\n") // a JSON hit is one line; text and CSV have a header
				if code != 0 || strings.Contains(out, "No hits") || lines < 2 && !strings.Contains(ex.args, "--json") || lines < 1 {
					t.Errorf("exit %d, want hits:\n%s%s", code, out, errOut)
				}
			}
		})
	}
}

type example struct {
	line, args, promise string
}

// searchLines returns the rankfile search command lines of doc: in the
// README, those in code blocks; in the help, those indented.
func searchLines(doc string, help bool) []example {
	var out []example
	inCode := help
	for _, l := range strings.Split(doc, "\n") {
		if strings.HasPrefix(l, "```") {
			inCode = !inCode
			continue
		}
		l = strings.TrimSpace(l)
		if !inCode || !strings.HasPrefix(l, "rankfile search ") {
			continue
		}
		args, promise, commented := strings.Cut(l, " # ")
		if help && !commented {
			continue // the usage lines
		}
		out = append(out, example{line: l, args: strings.TrimPrefix(strings.TrimSpace(args), "rankfile "), promise: strings.TrimSpace(promise)})
	}
	return out
}

// shellWords splits a command line as a POSIX shell would, for the quoting
// the examples use: 'single', "double" with \" and \\, and bare words.
func shellWords(s string) ([]string, error) {
	var words []string
	var cur strings.Builder
	in, started := byte(0), false
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case in == '\'':
			if c == '\'' {
				in = 0
			} else {
				cur.WriteByte(c)
			}
		case in == '"':
			switch {
			case c == '"':
				in = 0
			case c == '\\' && i+1 < len(s) && (s[i+1] == '"' || s[i+1] == '\\'):
				i++
				cur.WriteByte(s[i])
			default:
				cur.WriteByte(c)
			}
		case c == '\'' || c == '"':
			in, started = c, true
		case c == ' ' || c == '\t':
			if started {
				words = append(words, cur.String())
				cur.Reset()
				started = false
			}
		default:
			cur.WriteByte(c)
			started = true
		}
	}
	if in != 0 {
		return nil, fmt.Errorf("unterminated quote in %s", s)
	}
	if started {
		words = append(words, cur.String())
	}
	return words, nil
}

// TestSearch_queryLanguage: what the examples do not show, on the command
// line: the size limit, a bad query's usage exit, and IDs that show takes.
func TestSearch_queryLanguage(t *testing.T) {
	dir, _ := demo()
	t.Run("too long", func(t *testing.T) {
		_, errOut, code := rankfile(t, "--data", dir, "search", strings.Repeat("union ", 200))
		if code != exitUsage || !strings.Contains(errOut, "too long") {
			t.Errorf("exit %d, stderr %q", code, errOut)
		}
	})
	t.Run("does not parse", func(t *testing.T) {
		_, errOut, code := rankfile(t, "--data", dir, "search", "(union OR strike")
		if code != exitUsage || !strings.Contains(errOut, "unmatched (") {
			t.Errorf("exit %d, stderr %q", code, errOut)
		}
	})
	t.Run("AND and OR differ", func(t *testing.T) {
		and := searchJSON(t, "--size", "50", "union AND democracy")
		or := searchJSON(t, "--size", "50", "union OR democracy")
		if len(and) == 0 || len(and) >= len(or) {
			t.Errorf("AND %d hits, OR %d: want fewer, but some, with AND", len(and), len(or))
		}
	})
	t.Run("hits show the ID show takes", func(t *testing.T) {
		out, _, code := rankfile(t, "--data", dir, "search", "vouchers")
		m := regexp.MustCompile(`(?m)^1\. UCORE Report Back \[post\] id ([0-9a-f]{16})$`).FindStringSubmatch(out)
		if code != 0 || m == nil {
			t.Fatalf("exit %d, no ID on the first hit:\n%s", code, out)
		}
		shown, errOut, code := rankfile(t, "--data", dir, "show", m[1])
		if code != 0 || !strings.Contains(shown, "UCORE Report Back") {
			t.Errorf("show %s: exit %d %s", m[1], code, errOut)
		}
	})
}

// TestShow_byURL: show, diff and archive get take a record ID or the URL
// of its page, with or without its scheme.
func TestShow_byURL(t *testing.T) {
	dir, _ := demo()
	const page = "http://albu-core.test/2017/10/23/ucore-report-back/"
	for _, ref := range []string{page, strings.TrimPrefix(page, "http://")} {
		out, errOut, code := rankfile(t, "--data", dir, "show", ref)
		if code != 0 || !strings.Contains(out, "UCORE Report Back") {
			t.Errorf("show %s: exit %d: %s", ref, code, errOut)
		}
	}
	_, errOut, code := rankfile(t, "--data", dir, "show", "http://albu-core.test/never-archived")
	if code != exitFailure || !strings.Contains(errOut, "no record of this page") {
		t.Errorf("show of a page not archived: exit %d, %q", code, errOut)
	}
	out, _, _ := rankfile(t, "--data", dir, "search", "vouchers")
	id := regexp.MustCompile(`id ([0-9a-f]{16})`).FindStringSubmatch(out)
	if id == nil {
		t.Fatalf("no ID in %s", out)
	}
	if out, errOut, code := rankfile(t, "--data", dir, "archive", "captures", strings.TrimPrefix(page, "http://")); code != 0 || !strings.Contains(out, "response") {
		t.Errorf("archive captures without a scheme: exit %d %s", code, errOut)
	}
	byID, errOut, code := rankfile(t, "--data", dir, "archive", "get", id[1])
	byURL, _, _ := rankfile(t, "--data", dir, "archive", "get", strings.TrimPrefix(page, "http://"))
	if code != 0 || !strings.Contains(byID, "<html") || byID != byURL {
		t.Errorf("archive get %s: exit %d %s; same page as by URL: %v", id[1], code, errOut, byID == byURL)
	}
}

// TestDemo_change: the demo crawls the fixture web again after it changed,
// and ends with a search whose hit has two versions, and their diff.
func TestDemo_change(t *testing.T) {
	_, out := demo()
	_, tail, ok := strings.Cut(out, "The fixture web changes")
	if !ok {
		t.Fatalf("the demo does not crawl the changed web:\n%s", out)
	}
	for _, want := range []string{
		"$ rankfile search '\"union democracy\" AND author:\"Amrita Dani\"'",
		"1. Beginnings: A Social Justice Caucus in Formation in Boston [post] id ",
		"The first hit has 2 captured versions",
		"-In Boston, a small group of about thirteen educators",
		"+In Boston, a group of about thirty educators",
		"+Update, March 2021:",
	} {
		if !strings.Contains(tail, want) {
			t.Errorf("the demo's end lacks %q:\n%s", want, tail)
		}
	}
	if i, j := strings.Index(tail, "$ rankfile diff "), strings.Index(tail, "+Update, March 2021:"); i < 0 || j < i {
		t.Error("the diff does not follow the search")
	}
}
