package crawl

import (
	"errors"
	"fmt"
	"io"
	"net/url"
	"os"
	"regexp"
	"regexp/syntax"
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
	// Requisites fetches what a page in the site's scope needs to be
	// replayed (images, scripts, stylesheets, icons, media), wherever it
	// lies: on another host (a CDN) or outside the include patterns (a
	// WordPress multisite's /wp-content/); only exclude patterns, robots.txt
	// and MaxRequisites hold them back. A requisite's own links are not
	// followed unless it lies in scope.
	Requisites bool `yaml:"requisites"`
	// MaxRequisites caps the requisites fetched per site, apart from
	// MaxPages; 0 means no limit.
	MaxRequisites int `yaml:"max_requisites"`
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
	includeWeight    []int    // length of each include pattern's literal prefix (literalPrefix)
	prefixes         []string // the seeds' directories (seedPrefix)
}

// Sites is a parsed sites file.
type Sites struct {
	Defaults Limits
	Sites    []*Site
}

// DefaultLimits apply where neither the defaults section nor the site sets a value.
var DefaultLimits = Limits{Delay: time.Second, Parallelism: 2, MaxDepth: 10, MaxPages: 5000, Requisites: true, MaxRequisites: 5000}

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
	limits := []string{"delay", "parallelism", "max_depth", "max_pages", "requisites", "max_requisites"}
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
	for _, re := range s.include {
		s.includeWeight = append(s.includeWeight, len(literalPrefix(re)))
	}
	for _, seed := range s.Seeds {
		s.prefixes = append(s.prefixes, seedPrefix(seed))
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
	case s.MaxRequisites < 0:
		return fieldError(n, "max_requisites", "must not be negative")
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

// excludes reports whether one of the site's exclude patterns matches rawURL.
func (s *Site) excludes(rawURL string) bool {
	for _, re := range s.exclude {
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

// SiteFor returns the site rawURL belongs to, or nil (also when ss is nil):
// of the sites whose domains hold its host, the one whose seeds or include
// patterns it matches best, so that many sites can share a host (Google
// Sites' sites.google.com/view/NAME, a WordPress multisite's blogs). A
// seed claims the URLs under its directory ("https://h/view/a/home" those
// under "h/view/a/"), an include pattern the URLs it matches, weighed by
// the literal prefix it pins ("^https://h/blog/" that of "h/blog/"), and a
// domain every URL of its host, weighed least; the longest claim wins, the
// site listed first on a tie. The owner's include and exclude patterns
// then say whether the URL is fetched (InScope).
func (ss *Sites) SiteFor(rawURL string) *Site {
	if ss == nil {
		return nil
	}
	u, err := url.Parse(rawURL)
	if err != nil {
		return nil
	}
	var best *Site
	bestScore := 0
	for _, s := range ss.Sites {
		if sc := s.claim(u, rawURL); sc > bestScore {
			best, bestScore = s, sc
		}
	}
	return best
}

// claim is how strongly the site claims u (rawURL parsed): 0 when u is
// not on its domains, else the length of its longest seed directory or
// include prefix that u lies under, or of u's host.
func (s *Site) claim(u *url.URL, rawURL string) int {
	host := strings.ToLower(u.Hostname())
	if !s.hasHost(host) {
		return 0
	}
	score := len(host)
	key := strings.ToLower(u.Host) + u.EscapedPath()
	for _, p := range s.prefixes {
		if len(p) > score && (strings.HasPrefix(key, p) || key == strings.TrimSuffix(p, "/")) {
			score = len(p)
		}
	}
	for i, re := range s.include {
		if w := s.includeWeight[i]; w > score && re.MatchString(rawURL) {
			score = w
		}
	}
	return score
}

// seedPrefix is the host (and port) and directory of a seed URL, the part of the URL
// space it claims: "h/view/a/" for https://h/view/a/home.
func seedPrefix(seed string) string {
	u, err := url.Parse(seed)
	if err != nil {
		return ""
	}
	p := u.EscapedPath()
	if i := strings.LastIndexByte(p, '/'); i >= 0 {
		p = p[:i+1]
	} else {
		p = "/"
	}
	return strings.ToLower(u.Host) + p // with its port: two servers of one host are two sites
}

// literalPrefix is the text every match of re starts with, read from its
// syntax up to the first repetition or class, optional single characters
// left out ("^https?://h\.org/b/" gives "http://h.org/b/"), with any
// scheme cut off: "h.org/b/", comparable with a seed prefix.
func literalPrefix(re *regexp.Regexp) string {
	tree, err := syntax.Parse(re.String(), syntax.Perl)
	if err != nil {
		return ""
	}
	tree = tree.Simplify()
	var b strings.Builder
	var walk func(n *syntax.Regexp) bool // false: stop
	walk = func(n *syntax.Regexp) bool {
		switch n.Op {
		case syntax.OpConcat:
			for _, c := range n.Sub {
				if !walk(c) {
					return false
				}
			}
			return true
		case syntax.OpCapture:
			return walk(n.Sub[0])
		case syntax.OpLiteral:
			if n.Flags&syntax.FoldCase != 0 {
				return false
			}
			b.WriteString(string(n.Rune))
			return true
		case syntax.OpBeginText, syntax.OpBeginLine, syntax.OpEmptyMatch:
			return true
		case syntax.OpQuest:
			return n.Sub[0].Op == syntax.OpLiteral && len(n.Sub[0].Rune) == 1
		}
		return false
	}
	walk(tree)
	p := b.String()
	if i := strings.Index(p, "://"); i >= 0 {
		p = p[i+3:]
	}
	return strings.ToLower(p)
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
		fmt.Fprintf(w, "  limits    delay %s, parallelism %d, max_depth %s, max_pages %s, requisites %v (max %s)\n",
			l.Delay, l.Parallelism, orNone(l.MaxDepth), orNone(l.MaxPages), l.Requisites, orNone(l.MaxRequisites))
	}
}

// SharedHost is a host that several sites' domains hold.
type SharedHost struct {
	Host  string   `json:"host"`
	Sites []string `json:"sites"`
	// Open are the sites among them without include patterns: each takes
	// every URL of the host that no other site claims better, which on a
	// university's or a platform's host is a crawl of all of it.
	Open []string `json:"open,omitempty"`
}

// Check finds what a crawl of the sites would get wrong: the hosts sites
// share (fine when each is scoped by its seeds and include patterns);
// warnings: sites without include patterns whose seeds all lie under one
// directory of a host (a blog on a university's WordPress, a Google Site),
// which a crawl would leave for the whole host; and problems: seeds that no
// site would fetch, because another site claims them (SiteFor) or their own
// site's include or exclude patterns leave them out.
func (ss *Sites) Check() (shared []SharedHost, warnings, problems []string) {
	byHost := map[string][]*Site{}
	var hosts []string
	for _, s := range ss.Sites {
		for _, d := range s.Domains {
			h := strings.TrimPrefix(d, ".")
			if len(byHost[h]) == 0 {
				hosts = append(hosts, h)
			}
			if !slices.Contains(byHost[h], s) {
				byHost[h] = append(byHost[h], s)
			}
		}
	}
	for _, h := range hosts {
		if len(byHost[h]) < 2 {
			continue
		}
		sh := SharedHost{Host: h}
		for _, s := range byHost[h] {
			sh.Sites = append(sh.Sites, s.Name)
			if len(s.include) == 0 {
				sh.Open = append(sh.Open, s.Name)
			}
		}
		shared = append(shared, sh)
	}
	for _, s := range ss.Sites {
		if dir := commonDir(s.prefixes); len(s.include) == 0 && strings.Count(dir, "/") > 1 {
			warnings = append(warnings, fmt.Sprintf("%q has no include patterns: its seeds lie under %s but a crawl takes every URL of the host (add include: ['^https?://%s'])",
				s.Name, dir, regexp.QuoteMeta(dir)))
		}
		for _, seed := range s.Seeds {
			switch owner := ss.SiteFor(seed); {
			case owner != s && owner != nil:
				problems = append(problems, fmt.Sprintf("seed %s of %q is taken by %q, whose seeds or include patterns claim it better", seed, s.Name, owner.Name))
			case !s.InScope(seed):
				problems = append(problems, fmt.Sprintf("seed %s of %q is left out by the site's own include or exclude patterns", seed, s.Name))
			}
		}
	}
	return shared, warnings, problems
}

// commonDir is the longest directory prefix that all of the seed prefixes
// share ("h/view/a/"), or "" when they lie on different hosts.
func commonDir(prefixes []string) string {
	if len(prefixes) == 0 {
		return ""
	}
	dir := prefixes[0]
	for _, p := range prefixes[1:] {
		for !strings.HasPrefix(p, dir) {
			i := strings.LastIndexByte(strings.TrimSuffix(dir, "/"), '/')
			if i < 0 {
				return ""
			}
			dir = dir[:i+1]
		}
	}
	return dir
}

// WriteCheck prints what Check finds and returns an error wrapping ErrSites
// when a seed would not be fetched.
func (ss *Sites) WriteCheck(w io.Writer) error {
	shared, warnings, problems := ss.Check()
	for _, sh := range shared {
		fmt.Fprintf(w, "shared host %s: %s (each URL goes to the site whose seeds or include patterns claim it best)\n", sh.Host, strings.Join(quoteAll(sh.Sites), ", "))
		for _, name := range sh.Open {
			fmt.Fprintf(w, "  warning: %q has no include patterns: it takes every URL of %s that no other site claims\n", name, sh.Host)
		}
	}
	for _, m := range warnings {
		fmt.Fprintf(w, "warning: %s\n", m)
	}
	for _, p := range problems {
		fmt.Fprintf(w, "problem: %s\n", p)
	}
	if len(problems) > 0 {
		return fmt.Errorf("%w: %d seed(s) would not be fetched (see above)", ErrSites, len(problems))
	}
	return nil
}

func quoteAll(ss []string) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = strconv.Quote(s)
	}
	return out
}

func orNone(n int) string {
	if n == 0 {
		return "none"
	}
	return strconv.Itoa(n)
}
