package serve

import (
	"net/url"
	"regexp"
	"sort"
	"strings"

	"rankfile/record"
)

// pictures are the counts the timeline and the network are drawn from,
// worked out once per snapshot of the records file from the latest
// version of each record.
type pictures struct {
	timeline timelineData
	network  networkData
}

// timelineData counts records by site and month of publication; a record
// with the same site, title and date as one counted (a teaser of a post,
// the post on an author's page) is not counted again.
type timelineData struct {
	Sites     []string
	Months    []string                  // every month from the first to the last, YYYY-MM
	Counts    map[string]map[string]int // site -> month -> records
	Max       int                       // the largest count
	Dated     int                       // records counted
	Undated   int                       // records without a publication date, counted apart
	UndatedBy map[string]int            // site -> records without a publication date
	Clipped   int                       // dated records before the months drawn
}

// maxMonths bounds the months the timeline draws (the latest are kept).
const maxMonths = 480

// networkData is who links to or mentions whom.
type networkData struct {
	Nodes []netNode
	Edges []netEdge
}

type netNode struct {
	Name    string
	Acronym string
	Kind    string // the site's kind (caucus, network...), or "organization" for one named but not crawled
	Site    bool   // a site of the sites file (or of the records)
	Records int    // records of the site
}

type netEdge struct {
	From, To int // node indexes
	Links    int // records of From linking to To's site
	Mentions int // records of From naming To
}

// Weight is the edge's total count.
func (e netEdge) Weight() int { return e.Links + e.Mentions }

// picturesOf works out the pictures of a snapshot.
func picturesOf(snap *recordSnap) (*pictures, error) {
	var recs []record.Record
	if err := snap.latest(func(r record.Record) error {
		recs = append(recs, r)
		return nil
	}); err != nil {
		return nil, err
	}
	return &pictures{timeline: timelineOf(recs), network: networkOf(recs, snap)}, nil
}

// pictures returns the snapshot's pictures, working them out on first use.
func (s *recordSnap) pictures() (*pictures, error) {
	s.picOnce.Do(func() { s.pics, s.picErr = picturesOf(s) })
	return s.pics, s.picErr
}

func timelineOf(recs []record.Record) timelineData {
	d := timelineData{Counts: map[string]map[string]int{}, UndatedBy: map[string]int{}}
	seen := map[[3]string]bool{} // a post and its teasers are one piece of writing
	for _, r := range recs {
		site := r.Site
		if site == "" {
			site = hostOf(r.URL)
		}
		if d.Counts[site] == nil { // every site has a row, dated records or not
			d.Counts[site] = map[string]int{}
			d.Sites = append(d.Sites, site)
		}
		if len(r.Published) < 7 || r.PublishedTime().IsZero() {
			d.Undated++
			d.UndatedBy[site]++
			continue
		}
		key := [3]string{site, strings.ToLower(strings.TrimSpace(r.Title)), r.Published}
		if r.Title != "" && seen[key] {
			continue
		}
		seen[key] = true
		d.Counts[site][r.Published[:7]]++
		d.Dated++
	}
	sort.Strings(d.Sites)
	var first, last string
	for _, m := range d.Counts {
		for month := range m {
			if first == "" || month < first {
				first = month
			}
			if month > last {
				last = month
			}
		}
	}
	if first == "" {
		return d
	}
	for m := first; m <= last; m = nextMonth(m) {
		d.Months = append(d.Months, m)
	}
	if len(d.Months) > maxMonths {
		d.Months = d.Months[len(d.Months)-maxMonths:]
		for _, m := range d.Counts {
			for month, n := range m {
				if month < d.Months[0] {
					d.Clipped += n
					delete(m, month)
				}
			}
		}
	}
	for _, m := range d.Counts {
		for _, n := range m {
			d.Max = max(d.Max, n)
		}
	}
	return d
}

// nextMonth returns the month after m (YYYY-MM).
func nextMonth(m string) string {
	y, mo := atoi(m[:4]), atoi(m[5:7])
	if mo == 12 {
		y, mo = y+1, 0
	}
	return pad4(y) + "-" + pad2(mo+1)
}

func atoi(s string) int {
	n := 0
	for _, c := range s {
		n = n*10 + int(c-'0')
	}
	return n
}

func pad2(n int) string { return string([]byte{byte('0' + n/10%10), byte('0' + n%10)}) }
func pad4(n int) string { return pad2(n/100) + pad2(n%100) }

func hostOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	return u.Hostname()
}

// network building: nodes are the sites, then the organizations that
// records name (organization records, mentions); a record of site A adds
// to the edge A -> B when it links to B's site, names B or mentions B's
// name or acronym in its text.
type netBuilder struct {
	d      networkData
	byKey  map[string]int // lowercased name or acronym -> node
	byHost map[string]int // host -> site node, when there is no sites file
	edges  map[[2]int]int // (from, to) -> edge index
	snap   *recordSnap
}

func networkOf(recs []record.Record, snap *recordSnap) networkData {
	nb := &netBuilder{byKey: map[string]int{}, byHost: map[string]int{}, edges: map[[2]int]int{}, snap: snap}
	if snap.sites != nil {
		for _, s := range snap.sites.Sites {
			nb.node(s.Name, s.Acronym, s.Kind, true)
		}
	}
	for _, r := range recs {
		if r.Site != "" {
			i := nb.node(r.Site, "", r.SiteKind, true)
			nb.d.Nodes[i].Records++
			nb.byHost[strings.ToLower(hostOf(r.URL))] = i
		}
	}
	for _, r := range recs {
		if r.Kind == record.KindOrganization && r.Title != "" {
			nb.node(r.Title, r.Acronym, "organization", false)
		}
		for _, m := range r.Mentions {
			nb.node(m, "", "organization", false)
		}
	}
	matchers := nb.matchers()
	for _, r := range recs {
		from, ok := nb.byKey[strings.ToLower(r.Site)]
		if !ok {
			continue
		}
		for _, u := range linksOf(r) {
			if to, ok := nb.siteOf(u); ok && to != from {
				nb.edge(from, to).Links++
			}
		}
		named := map[int]bool{}
		if r.Kind == record.KindOrganization {
			named[nb.byKey[strings.ToLower(r.Title)]] = true
		}
		for _, m := range r.Mentions {
			named[nb.byKey[strings.ToLower(m)]] = true
		}
		for _, m := range matchers {
			if m.re.MatchString(r.Title + "\n" + r.Text) {
				named[m.node] = true
			}
		}
		for to := range named {
			if to != from {
				nb.edge(from, to).Mentions++
			}
		}
	}
	return nb.d
}

// node returns the node of a name (or acronym), adding it when new.
func (nb *netBuilder) node(name, acronym, kind string, site bool) int {
	key := strings.ToLower(strings.TrimSpace(name))
	if i, ok := nb.byKey[key]; ok {
		if site && !nb.d.Nodes[i].Site {
			nb.d.Nodes[i].Site, nb.d.Nodes[i].Kind = true, kind
		}
		if nb.d.Nodes[i].Acronym == "" && acronym != "" {
			nb.d.Nodes[i].Acronym = acronym
			nb.byKey[strings.ToLower(acronym)] = i
		}
		return i
	}
	if acronym != "" {
		if i, ok := nb.byKey[strings.ToLower(acronym)]; ok {
			nb.byKey[key] = i // the same organization under its full name
			return i
		}
	}
	if kind == "" {
		kind = "organization"
	}
	i := len(nb.d.Nodes)
	nb.d.Nodes = append(nb.d.Nodes, netNode{Name: strings.TrimSpace(name), Acronym: acronym, Kind: kind, Site: site})
	nb.byKey[key] = i
	if acronym != "" {
		if _, taken := nb.byKey[strings.ToLower(acronym)]; !taken {
			nb.byKey[strings.ToLower(acronym)] = i
		}
	}
	return i
}

func (nb *netBuilder) edge(from, to int) *netEdge {
	k := [2]int{from, to}
	i, ok := nb.edges[k]
	if !ok {
		i = len(nb.d.Edges)
		nb.d.Edges = append(nb.d.Edges, netEdge{From: from, To: to})
		nb.edges[k] = i
	}
	return &nb.d.Edges[i]
}

// siteOf returns the site node whose domains hold a URL.
func (nb *netBuilder) siteOf(u string) (int, bool) {
	if s := nb.snap.sites.SiteFor(u); s != nil {
		i, ok := nb.byKey[strings.ToLower(s.Name)]
		return i, ok
	}
	i, ok := nb.byHost[strings.ToLower(hostOf(u))]
	return i, ok
}

type nameMatcher struct {
	re   *regexp.Regexp
	node int
}

// matchers returns a pattern per node name (case-insensitive, at least
// eight letters) and acronym (as written, at least three letters), each
// matched as whole words.
func (nb *netBuilder) matchers() []nameMatcher {
	var ms []nameMatcher
	for i, n := range nb.d.Nodes {
		var alts []string
		if len(n.Name) >= 8 {
			alts = append(alts, "(?i:"+regexp.QuoteMeta(n.Name)+")")
		}
		if len(n.Acronym) >= 3 {
			alts = append(alts, regexp.QuoteMeta(n.Acronym))
		}
		if len(alts) > 0 {
			ms = append(ms, nameMatcher{regexp.MustCompile(`\b(?:` + strings.Join(alts, "|") + `)\b`), i})
		}
	}
	return ms
}

var mdLinkURL = regexp.MustCompile(`\]\((https?://[^)\s]+)`)
var textURL = regexp.MustCompile(`https?://[^\s<>"')\]]+`)

// linksOf returns the URLs a record links to: its Link, its Markdown's
// links and the URLs written in its text.
func linksOf(r record.Record) []string {
	var us []string
	if r.Link != "" {
		us = append(us, r.Link)
	}
	for _, m := range mdLinkURL.FindAllStringSubmatch(r.Markdown, -1) {
		us = append(us, m[1])
	}
	return append(us, textURL.FindAllString(r.Text, -1)...)
}
