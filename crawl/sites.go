package crawl

import (
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"go.yaml.in/yaml/v3"
)

// ErrSites is wrapped by every error about the content of a sites file.
var ErrSites = errors.New("invalid sites file")

// Site kinds a sites file may name.
var siteKinds = map[string]bool{"caucus": true, "network": true, "partner": true, "coalition": true}

// Limits are the per-site crawl settings that the defaults section sets for
// every site and a site may override.
type Limits struct {
	Delay       time.Duration `yaml:"delay"`       // wait between two requests to one host
	Parallelism int           `yaml:"parallelism"` // requests in flight to one host
	MaxDepth    int           `yaml:"max_depth"`   // links followed from a seed; 0 means no limit
	MaxPages    int           `yaml:"max_pages"`   // pages fetched per site; 0 means no limit
	// Requisites fetches what a page needs to be replayed (images, scripts,
	// stylesheets, icons, media) when it lies in the site's scope.
	Requisites bool `yaml:"requisites"`
}

// Site is one organization's web site as the sites file describes it.
type Site struct {
	Name    string   `yaml:"name"`
	Acronym string   `yaml:"acronym"`
	Kind    string   `yaml:"kind"`
	City    string   `yaml:"city"`
	State   string   `yaml:"state"`
	Seeds   []string `yaml:"seeds"`
	Domains []string `yaml:"domains"` // hosts in scope; ".example.org" means any subdomain too
	Include []string `yaml:"include"` // URL regexps; when given, only matching URLs are fetched
	Exclude []string `yaml:"exclude"` // URL regexps never fetched
	Limits  `yaml:",inline"`

	include, exclude []*regexp.Regexp
}

// Sites is a parsed sites file.
type Sites struct {
	Defaults Limits
	Sites    []*Site
}

// DefaultLimits apply where neither the defaults section nor the site sets a value.
var DefaultLimits = Limits{Delay: time.Second, Parallelism: 2, MaxDepth: 10, MaxPages: 5000, Requisites: true}

// LoadSites reads and validates the sites file at path.
func LoadSites(path string) (*Sites, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read sites file: %w", err)
	}
	s, err := ParseSites(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	return s, nil
}

// ParseSites parses and validates a sites file. Errors name the line and
// field at fault and wrap ErrSites.
func ParseSites(data []byte) (*Sites, error) {
	var doc struct {
		Defaults yaml.Node   `yaml:"defaults"`
		Sites    []yaml.Node `yaml:"sites"`
	}
	if err := yaml.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("%w: %w", ErrSites, err)
	}
	out := &Sites{Defaults: DefaultLimits}
	if !doc.Defaults.IsZero() {
		if err := decodeStrict(&doc.Defaults, &out.Defaults); err != nil {
			return nil, err
		}
	}
	if len(doc.Sites) == 0 {
		return nil, fmt.Errorf("%w: no sites listed (a top-level \"sites:\" list is required)", ErrSites)
	}
	names := map[string]int{}
	for i := range doc.Sites {
		n := &doc.Sites[i]
		site := &Site{Limits: out.Defaults}
		if err := decodeStrict(n, site); err != nil {
			return nil, err
		}
		if err := site.validate(n); err != nil {
			return nil, err
		}
		if line, dup := names[site.Name]; dup {
			return nil, fieldError(n, "name", "site %q is already listed at line %d", site.Name, line)
		}
		names[site.Name] = n.Line
		out.Sites = append(out.Sites, site)
	}
	return out, nil
}

// decodeStrict decodes n into v, refusing fields v does not know.
func decodeStrict(n *yaml.Node, v any) error {
	if n.Kind != yaml.MappingNode {
		return fmt.Errorf("%w: line %d: expected a mapping", ErrSites, n.Line)
	}
	known := yamlFields(v)
	for i := 0; i < len(n.Content); i += 2 {
		if k := n.Content[i]; !known[k.Value] {
			return fmt.Errorf("%w: line %d: unknown field %q", ErrSites, k.Line, k.Value)
		}
	}
	if err := n.Decode(v); err != nil {
		return fmt.Errorf("%w: %w", ErrSites, err)
	}
	return nil
}

// yamlFields lists the keys a sites-file mapping may hold for v.
func yamlFields(v any) map[string]bool {
	limits := []string{"delay", "parallelism", "max_depth", "max_pages", "requisites"}
	site := []string{"name", "acronym", "kind", "city", "state", "seeds", "domains", "include", "exclude"}
	keys := limits
	if _, ok := v.(*Site); ok {
		keys = append(site, limits...)
	}
	m := map[string]bool{}
	for _, k := range keys {
		m[k] = true
	}
	return m
}

// fieldError reports a problem with a field of the mapping n, naming the
// field's line (or the mapping's when the field is missing).
func fieldError(n *yaml.Node, field, format string, args ...any) error {
	line := n.Line
	for i := 0; i+1 < len(n.Content); i += 2 {
		if n.Content[i].Value == field {
			line = n.Content[i+1].Line
		}
	}
	return fmt.Errorf("%w: line %d: field %s: %s", ErrSites, line, field, fmt.Sprintf(format, args...))
}

func (s *Site) validate(n *yaml.Node) error {
	if strings.TrimSpace(s.Name) == "" {
		return fieldError(n, "name", "every site needs a name")
	}
	if !siteKinds[s.Kind] {
		return fieldError(n, "kind", "%q is not one of caucus, network, partner, coalition", s.Kind)
	}
	if len(s.Seeds) == 0 {
		return fieldError(n, "seeds", "site %q lists no seed URLs", s.Name)
	}
	implicit := len(s.Domains) == 0
	for _, seed := range s.Seeds {
		u, err := url.Parse(seed)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return fieldError(n, "seeds", "%q is not an http(s) URL", seed)
		}
		if implicit && !slices.Contains(s.Domains, u.Hostname()) {
			s.Domains = append(s.Domains, u.Hostname())
		}
	}
	for i, d := range s.Domains {
		s.Domains[i] = strings.ToLower(strings.TrimSpace(d))
	}
	for _, seed := range s.Seeds {
		if !s.InScope(seed) {
			return fieldError(n, "domains", "seed %q is outside the site's domains %v", seed, s.Domains)
		}
	}
	var err error
	if s.include, err = compileAll(s.Include); err != nil {
		return fieldError(n, "include", "%v", err)
	}
	if s.exclude, err = compileAll(s.Exclude); err != nil {
		return fieldError(n, "exclude", "%v", err)
	}
	switch {
	case s.Parallelism < 1:
		return fieldError(n, "parallelism", "must be at least 1")
	case s.Delay < 0:
		return fieldError(n, "delay", "must not be negative")
	case s.MaxDepth < 0:
		return fieldError(n, "max_depth", "must not be negative")
	case s.MaxPages < 0:
		return fieldError(n, "max_pages", "must not be negative")
	}
	return nil
}

func compileAll(patterns []string) ([]*regexp.Regexp, error) {
	var out []*regexp.Regexp
	for _, p := range patterns {
		re, err := regexp.Compile(p)
		if err != nil {
			return nil, fmt.Errorf("pattern %q: %w", p, err)
		}
		out = append(out, re)
	}
	return out, nil
}

// InScope reports whether rawURL lies on one of the site's domains and
// passes its include and exclude patterns.
func (s *Site) InScope(rawURL string) bool {
	u, err := url.Parse(rawURL)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") {
		return false
	}
	if !s.hasHost(strings.ToLower(u.Hostname())) {
		return false
	}
	for _, re := range s.exclude {
		if re.MatchString(rawURL) {
			return false
		}
	}
	if len(s.include) == 0 {
		return true
	}
	for _, re := range s.include {
		if re.MatchString(rawURL) {
			return true
		}
	}
	return false
}

func (s *Site) hasHost(host string) bool {
	for _, d := range s.Domains {
		if host == d || (strings.HasPrefix(d, ".") && (strings.HasSuffix(host, d) || host == d[1:])) {
			return true
		}
	}
	return false
}

// SiteFor returns the site whose domains hold rawURL's host, or nil (also
// when ss is nil).
func (ss *Sites) SiteFor(rawURL string) *Site {
	if ss == nil {
		return nil
	}
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil
	}
	host := strings.ToLower(u.Hostname())
	for _, s := range ss.Sites {
		if s.hasHost(host) {
			return s
		}
	}
	return nil
}

// WriteText prints the sites as the crawler will take them, limits and
// defaults applied: what a crawl of this file fetches.
func (s *Sites) WriteText(w io.Writer) {
	seeds := 0
	for _, site := range s.Sites {
		seeds += len(site.Seeds)
	}
	fmt.Fprintf(w, "%d sites, %d seeds\n", len(s.Sites), seeds)
	for _, site := range s.Sites {
		name := site.Name
		if site.Acronym != "" {
			name += " (" + site.Acronym + ")"
		}
		fmt.Fprintf(w, "%s: %s", name, site.Kind)
		if place := strings.Trim(site.City+", "+site.State, ", "); place != "" {
			fmt.Fprintf(w, ", %s", place)
		}
		fmt.Fprintln(w)
		fmt.Fprintf(w, "  seeds     %s\n", strings.Join(site.Seeds, " "))
		fmt.Fprintf(w, "  domains   %s\n", strings.Join(site.Domains, " "))
		if len(site.Include) > 0 {
			fmt.Fprintf(w, "  include   %s\n", strings.Join(site.Include, "  "))
		}
		if len(site.Exclude) > 0 {
			fmt.Fprintf(w, "  exclude   %s\n", strings.Join(site.Exclude, "  "))
		}
		l := site.Limits
		fmt.Fprintf(w, "  limits    delay %s, parallelism %d, max_depth %s, max_pages %s, requisites %v\n",
			l.Delay, l.Parallelism, orNone(l.MaxDepth), orNone(l.MaxPages), l.Requisites)
	}
}

func orNone(n int) string {
	if n == 0 {
		return "none"
	}
	return strconv.Itoa(n)
}
