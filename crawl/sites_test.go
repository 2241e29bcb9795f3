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
