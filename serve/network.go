package serve

import (
	"fmt"
	"html/template"
	"math"
	"net/http"
	"sort"
	"strings"
)

// maxOrgNodes bounds the organizations (beyond the sites) the network
// draws: the most connected are kept.
const maxOrgNodes = 40

// kindColors colour nodes by the kind of site.
var kindColors = map[string]string{
	"caucus": "#0072B2", "network": "#D55E00", "partner": "#009E73", "coalition": "#CC79A7", "organization": "#6b6b6b",
}

// drawnNetwork is the part of the network drawn: sites and the most
// connected organizations, with the edges between them.
func drawnNetwork(d networkData) networkData {
	degree := make([]int, len(d.Nodes))
	for _, e := range d.Edges {
		degree[e.From] += e.Weight()
		degree[e.To] += e.Weight()
	}
	var keep []int
	var orgs []int
	for i, n := range d.Nodes {
		switch {
		case n.Site:
			keep = append(keep, i)
		case degree[i] > 0:
			orgs = append(orgs, i)
		}
	}
	sort.SliceStable(orgs, func(a, b int) bool { return degree[orgs[a]] > degree[orgs[b]] })
	keep = append(keep, orgs[:min(len(orgs), maxOrgNodes)]...)
	sort.SliceStable(keep, func(a, b int) bool {
		na, nb := d.Nodes[keep[a]], d.Nodes[keep[b]]
		if na.Site != nb.Site {
			return na.Site
		}
		return strings.ToLower(na.Name) < strings.ToLower(nb.Name)
	})
	at := map[int]int{}
	var out networkData
	for _, i := range keep {
		at[i] = len(out.Nodes)
		out.Nodes = append(out.Nodes, d.Nodes[i])
	}
	for _, e := range d.Edges {
		f, ok1 := at[e.From]
		t, ok2 := at[e.To]
		if ok1 && ok2 {
			out.Edges = append(out.Edges, netEdge{From: f, To: t, Links: e.Links, Mentions: e.Mentions})
		}
	}
	sort.SliceStable(out.Edges, func(a, b int) bool { return out.Edges[a].Weight() > out.Edges[b].Weight() })
	return out
}

// networkSVG draws the nodes on a circle, sites first, and an arrow from
// each organization to those it links to or mentions, thicker for more
// records. Arrows that link are solid, those that only mention dashed.
func networkSVG(d networkData) string {
	var b strings.Builder
	if len(d.Nodes) == 0 {
		return `<svg xmlns="http://www.w3.org/2000/svg" width="480" height="60" viewBox="0 0 480 60" role="img" aria-label="Network: no organizations yet"><text x="10" y="35" font-family="sans-serif" font-size="15" fill="#1a1a1a">No records yet.</text></svg>`
	}
	const size, pad = 760, 190
	w := size + 2*pad
	cx, cy, rad := float64(w)/2, float64(size)/2+40, float64(size)/2-40
	h := size + 80
	pos := make([][2]float64, len(d.Nodes))
	for i := range d.Nodes {
		a := 2*math.Pi*float64(i)/float64(len(d.Nodes)) - math.Pi/2
		pos[i] = [2]float64{cx + rad*math.Cos(a), cy + rad*math.Sin(a)}
	}
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" role="img" aria-labelledby="nw-title nw-desc" font-family="system-ui, sans-serif">`, w, h, w, h)
	fmt.Fprintf(&b, `<title id="nw-title">Which organizations link to or mention which</title><desc id="nw-desc">%d organizations and %d connections; an arrow points from the organization whose writing links or refers to another; solid arrows include links, dashed ones are mentions only.</desc>`, len(d.Nodes), len(d.Edges))
	b.WriteString(`<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" fill="#4a4a4a"/></marker></defs>`)
	b.WriteString(`<rect width="100%" height="100%" fill="#ffffff"/>`)
	maxW := 1
	for _, e := range d.Edges {
		maxW = max(maxW, e.Weight())
	}
	for _, e := range d.Edges {
		p, q := pos[e.From], pos[e.To]
		r := nodeRadius(d.Nodes[e.To])
		dx, dy := q[0]-p[0], q[1]-p[1]
		l := math.Hypot(dx, dy)
		if l == 0 {
			continue
		}
		x2, y2 := q[0]-dx/l*(r+2), q[1]-dy/l*(r+2)
		sw := 1 + 3*math.Log1p(float64(e.Weight()))/math.Log1p(float64(maxW))
		dash := ""
		if e.Links == 0 {
			dash = ` stroke-dasharray="5 4"`
		}
		fmt.Fprintf(&b, `<line x1="%.1f" y1="%.1f" x2="%.1f" y2="%.1f" stroke="#4a4a4a" stroke-opacity="0.75" stroke-width="%.1f"%s marker-end="url(#arrow)"><title>%s → %s: %s</title></line>`,
			p[0], p[1], x2, y2, sw, dash, svgText(d.Nodes[e.From].Name), svgText(d.Nodes[e.To].Name), svgText(edgeWords(e)))
	}
	for i, n := range d.Nodes {
		p := pos[i]
		color := kindColors[n.Kind]
		if color == "" {
			color = kindColors["organization"]
		}
		label := n.Name
		if n.Acronym != "" {
			label = n.Acronym
		}
		anchor := "start"
		lx := p[0] + nodeRadius(n) + 5
		if p[0] < cx-1 {
			anchor, lx = "end", p[0]-nodeRadius(n)-5
		}
		weight := "400"
		if n.Site {
			weight = "700"
		}
		href := searchParams{Page: 1, Size: defaultPageSize, Site: n.Name}.url()
		if !n.Site {
			href = searchParams{Page: 1, Size: defaultPageSize, Q: `"` + strings.ReplaceAll(n.Name, `"`, "") + `"`}.url()
		}
		fmt.Fprintf(&b, `<a href="%s"><circle cx="%.1f" cy="%.1f" r="%.1f" fill="%s" stroke="#1a1a1a" stroke-width="1"><title>%s (%s)</title></circle>`,
			svgText(href), p[0], p[1], nodeRadius(n), color, svgText(n.Name), svgText(nodeWords(n)))
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" font-size="13" font-weight="%s" fill="#1a1a1a" text-anchor="%s">%s</text></a>`,
			lx, p[1]+4, weight, anchor, svgText(shorten(label, 28)))
	}
	// legend
	y := 20
	for _, k := range []string{"caucus", "network", "partner", "coalition", "organization"} {
		fmt.Fprintf(&b, `<circle cx="16" cy="%d" r="7" fill="%s" stroke="#1a1a1a"/><text x="30" y="%d" font-size="13" fill="#1a1a1a">%s</text>`, y, kindColors[k], y+4, k)
		y += 20
	}
	b.WriteString(`</svg>`)
	return b.String()
}

func nodeRadius(n netNode) float64 {
	if !n.Site {
		return 6
	}
	return 8 + 2*math.Sqrt(float64(n.Records))
}

func nodeWords(n netNode) string {
	if n.Site {
		return fmt.Sprintf("%s site, %d %s", n.Kind, n.Records, pluralWord(n.Records, "record", "records"))
	}
	return "named in the records, not crawled"
}

func edgeWords(e netEdge) string {
	var parts []string
	if e.Links > 0 {
		parts = append(parts, fmt.Sprintf("%d %s linking", e.Links, pluralWord(e.Links, "record", "records")))
	}
	if e.Mentions > 0 {
		parts = append(parts, fmt.Sprintf("%d %s mentioning", e.Mentions, pluralWord(e.Mentions, "record", "records")))
	}
	return strings.Join(parts, ", ")
}

// networkPage is what the network template shows.
type networkPage struct {
	Title string
	SVG   template.HTML
	Nodes []netNode
	Edges []edgeRow
}

type edgeRow struct {
	From, To        string
	Links, Mentions int
}

func (s *Server) networkData() (networkData, error) {
	var d networkData
	err := s.records.view(func(snap *recordSnap) error {
		p, err := snap.pictures()
		if err == nil {
			d = drawnNetwork(p.network)
		}
		return err
	})
	return d, err
}

func (s *Server) handleNetwork(w http.ResponseWriter, r *http.Request) {
	d, err := s.networkData()
	if err != nil {
		s.internal(w, r, false, err)
		return
	}
	p := &networkPage{Title: "Network", SVG: template.HTML(networkSVG(d)), Nodes: d.Nodes}
	for _, e := range d.Edges {
		p.Edges = append(p.Edges, edgeRow{d.Nodes[e.From].Name, d.Nodes[e.To].Name, e.Links, e.Mentions})
	}
	s.render(w, http.StatusOK, "network", p)
}

func (s *Server) handleNetworkSVG(w http.ResponseWriter, r *http.Request) {
	d, err := s.networkData()
	if err != nil {
		s.internal(w, r, false, err)
		return
	}
	writeSVG(w, networkSVG(d))
}
