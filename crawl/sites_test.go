package crawl

import (
	"errors"
	"strings"
	"testing"
	"time"

	"rankfile/fixtures"
)

func TestParseSites(t *testing.T) {
	tests := []struct {
		name string
		yaml string
		want string // substring of the error; "" for success
	}{
		{"minimal", "sites:\n  - name: A\n    kind: caucus\n    seeds: [https://a.example/]\n", ""},
		{"no sites", "defaults: {delay: 1s}\n", "no sites listed"},
		{"missing name", "sites:\n  - kind: caucus\n    seeds: [https://a.example/]\n", "line 2: field name"},
		{"bad kind", "sites:\n  - name: A\n    kind: union\n    seeds: [https://a.example/]\n", "line 3: field kind: \"union\" is not one of"},
		{"no seeds", "sites:\n  - name: A\n    kind: caucus\n", "field seeds"},
		{"seed not http", "sites:\n  - name: A\n    kind: caucus\n    seeds: [ftp://a.example/]\n", "line 4: field seeds"},
		{"seed out of domains", "sites:\n  - name: A\n    kind: caucus\n    seeds: [https://a.example/]\n    domains: [b.example]\n", "line 5: field domains"},
		{"unknown field", "sites:\n  - name: A\n    kind: caucus\n    seed: [https://a.example/]\n", "line 4: unknown field \"seed\""},
		{"bad regexp", "sites:\n  - name: A\n    kind: caucus\n    seeds: [https://a.example/]\n    exclude: ['(']\n", "line 5: field exclude"},
		{"duplicate", "sites:\n  - name: A\n    kind: caucus\n    seeds: [https://a.example/]\n  - name: A\n    kind: caucus\n    seeds: [https://b.example/]\n", "already listed at line 2"},
		{"bad delay", "defaults: {delay: soon}\nsites:\n  - name: A\n    kind: caucus\n    seeds: [https://a.example/]\n", "invalid sites file"},
		{"zero parallelism", "sites:\n  - name: A\n    kind: caucus\n    seeds: [https://a.example/]\n    parallelism: 0\n", "line 5: field parallelism"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := ParseSites([]byte(tt.yaml))
			if tt.want == "" {
				if err != nil {
					t.Fatalf("unexpected error: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.want) {
				t.Fatalf("error %v, want one containing %q", err, tt.want)
			}
			if !errors.Is(err, ErrSites) {
				t.Errorf("error does not wrap ErrSites: %v", err)
			}
		})
	}
}

func TestParseSites_defaults(t *testing.T) {
	s, err := ParseSites([]byte("defaults: {delay: 2s, parallelism: 3}\nsites:\n" +
		"  - name: A\n    kind: caucus\n    seeds: [https://a.example/, https://blog.a.example/]\n" +
		"  - name: B\n    kind: network\n    seeds: [https://b.example/]\n    delay: 5s\n"))
	if err != nil {
		t.Fatal(err)
	}
	a, b := s.Sites[0], s.Sites[1]
	if a.Delay != 2*time.Second || a.Parallelism != 3 || a.MaxDepth != DefaultLimits.MaxDepth {
		t.Errorf("site A limits %+v, want the defaults section's", a.Limits)
	}
	if b.Delay != 5*time.Second || b.Parallelism != 3 {
		t.Errorf("site B limits %+v, want delay 5s and parallelism 3", b.Limits)
	}
	if got := strings.Join(a.Domains, ","); got != "a.example,blog.a.example" {
		t.Errorf("implicit domains %q, want every seed host", got)
	}
	if s.SiteFor("https://blog.a.example/2020/post") != a || s.SiteFor("https://c.example/") != nil {
		t.Error("SiteFor does not map hosts to their sites")
	}
}

func TestLoadSites_examples(t *testing.T) {
	for _, path := range []string{"../sites.example.yaml"} {
		s, err := LoadSites(path)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		if len(s.Sites) < 10 {
			t.Errorf("%s: %d sites, want the real organizations", path, len(s.Sites))
		}
	}
	s, err := ParseSites(fixtures.SitesFile())
	if err != nil {
		t.Fatalf("fixture sites file: %v", err)
	}
	if len(s.Sites) != 5 {
		t.Errorf("fixture sites file lists %d sites, want 5", len(s.Sites))
	}
}

// TestSites_sharedHost: two Google Sites and two blogs of one WordPress
// multisite share their hosts; each URL goes to the site whose seeds or
// include patterns claim it best, a URL under neither to the site that
// claims the whole host, and Check names the shared hosts, the site left
// open to the whole host, and a seed its own site would never get.
func TestSites_sharedHost(t *testing.T) {
	s, err := ParseSites([]byte(`sites:
  - name: AROS
    kind: coalition
    seeds: [https://sites.google.com/view/aroslouisville/home]
  - name: Other
    kind: caucus
    seeds: [https://sites.google.com/view/othercaucus/]
    include: ['^https://sites\.google\.com/view/othercaucus/']
  - name: Urban
    kind: partner
    seeds: [https://wp.towson.edu/urbanedemproj/]
    include: ['^https?://wp\.towson\.edu/urbanedemproj(/|$)']
  - name: Labor
    kind: partner
    seeds: [https://wp.towson.edu/laborstudies/, https://wp.towson.edu/urbanedemproj/2020/labor/]
    include: ['^https://wp\.towson\.edu/laborstudies/']
`))
	if err != nil {
		t.Fatal(err)
	}
	for u, want := range map[string]string{
		"https://sites.google.com/view/aroslouisville/our-mission": "AROS",
		"https://sites.google.com/view/aroslouisville":             "AROS",
		"https://sites.google.com/view/othercaucus/about":          "Other",
		"https://sites.google.com/view/someone-else/":              "AROS", // only AROS claims the whole host (no include)
		"https://wp.towson.edu/urbanedemproj/2020/10/29/post/":     "Urban",
		"http://wp.towson.edu/urbanedemproj":                       "Urban",
		"https://wp.towson.edu/laborstudies/2021/":                 "Labor",
		"https://wp.towson.edu/urbanedemproj/2020/labor/x":         "Labor", // Labor's seed directory is longer than Urban's include
		"https://example.org/":                                     "",
	} {
		got := ""
		if site := s.SiteFor(u); site != nil {
			got = site.Name
		}
		if got != want {
			t.Errorf("SiteFor(%s) = %q, want %q", u, got, want)
		}
	}
	if s.Sites[2].InScope("https://wp.towson.edu/president/") {
		t.Error("Urban's include lets the whole university in")
	}
	shared, warnings, problems := s.Check()
	if len(shared) != 2 || shared[0].Host != "sites.google.com" || strings.Join(shared[0].Open, ",") != "AROS" || len(shared[1].Open) != 0 {
		t.Errorf("shared hosts %+v, want sites.google.com (AROS open to it) and wp.towson.edu", shared)
	}
	if len(warnings) != 1 || !strings.Contains(warnings[0], `"AROS" has no include patterns: its seeds lie under sites.google.com/view/aroslouisville/`) {
		t.Errorf("warnings %q, want AROS's missing include named", warnings)
	}
	if len(problems) != 1 || !strings.Contains(problems[0], "seed https://wp.towson.edu/urbanedemproj/2020/labor/ of \"Labor\" is left out") {
		t.Errorf("problems %q, want Labor's seed outside its own include named", problems)
	}
}
