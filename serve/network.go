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

// networkSVG draws the nodes on a circle, sites first, each label running
// outward along its radius (so labels never overlap, and the picture is
// made large enough that none is cut), and a curved arrow from each
// organization to those it links to or mentions, thicker for more records:
// the curve keeps the arrows of A→B and B→A apart, and spreads the
// arrowheads around a much-named node. Arrows that link are solid, those
// that only mention dashed.
func networkSVG(d networkData) string {
	var b strings.Builder
	if len(d.Nodes) == 0 {
		return `<svg xmlns="http://www.w3.org/2000/svg" width="480" height="60" viewBox="0 0 480 60" role="img" aria-label="Network: no organizations yet"><text x="10" y="35" font-family="sans-serif" font-size="15" fill="#1a1a1a">No records yet.</text></svg>`
	}
	const fontSize, labelGap, margin = 13.0, 5.0, 12.0
	labels := make([]string, len(d.Nodes))
	maxLabel, maxR := 0.0, 0.0
	for i, n := range d.Nodes {
		labels[i] = n.Name
		if n.Acronym != "" {
			labels[i] = n.Acronym
		}
		labels[i] = shorten(labels[i], maxLabelRunes)
		maxLabel = max(maxLabel, textWidth(labels[i], fontSize, n.Site))
		maxR = max(maxR, nodeRadius(n))
	}
	// the circle leaves each node a label's height of arc at least
	rad := max(240, float64(len(d.Nodes))*(fontSize+6)/(2*math.Pi))
	half := rad + maxR + labelGap + maxLabel + margin
	w := int(math.Ceil(2 * half))
	h := w
	cx, cy := half, half
	pos := make([][2]float64, len(d.Nodes))
	angle := make([]float64, len(d.Nodes))
	for i := range d.Nodes {
		angle[i] = 2*math.Pi*float64(i)/float64(len(d.Nodes)) - math.Pi/2
		pos[i] = [2]float64{cx + rad*math.Cos(angle[i]), cy + rad*math.Sin(angle[i])}
	}
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" role="img" aria-labelledby="nw-title nw-desc" font-family="system-ui, sans-serif">`, w, h, w, h)
	fmt.Fprintf(&b, `<title id="nw-title">Which organizations link to or mention which</title><desc id="nw-desc">%d organizations and %d connections; an arrow points from the organization whose writing links or refers to another; solid arrows include links, dashed ones are mentions only.</desc>`, len(d.Nodes), len(d.Edges))
	b.WriteString(`<defs><marker id="arrow" viewBox="0 0 10 10" refX="10" refY="5" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0L10,5L0,10z" fill="#4a4a4a"/></marker></defs>`)
	b.WriteString(`<rect width="100%" height="100%" fill="#ffffff"/>`)
	maxW := 1
	incoming := make([]int, len(d.Nodes))
	for _, e := range d.Edges {
		maxW = max(maxW, e.Weight())
		incoming[e.To]++
	}
	for _, e := range d.Edges {
		p, q := pos[e.From], pos[e.To]
		dx, dy := q[0]-p[0], q[1]-p[1]
		l := math.Hypot(dx, dy)
		if l == 0 {
			continue
		}
		// control point: off the chord's middle, to the chord's left as
		// seen from the source, so the two directions bend apart
		c := [2]float64{(p[0]+q[0])/2 - dy*0.18, (p[1]+q[1])/2 + dx*0.18}
		tx, ty := q[0]-c[0], q[1]-c[1]
		tl := math.Hypot(tx, ty)
		// a node many arrows reach gets their heads further out, where
		// their different directions keep them apart
		r := nodeRadius(d.Nodes[e.To]) + 2 + min(3*float64(incoming[e.To]-1), 18)
		x2, y2 := q[0]-tx/tl*r, q[1]-ty/tl*r
		sw := 1 + 3*math.Log1p(float64(e.Weight()))/math.Log1p(float64(maxW))
		dash := ""
		if e.Links == 0 {
			dash = ` stroke-dasharray="5 4"`
		}
		fmt.Fprintf(&b, `<path d="M%.1f,%.1f Q%.1f,%.1f %.1f,%.1f" fill="none" stroke="#4a4a4a" stroke-opacity="0.75" stroke-width="%.1f"%s marker-end="url(#arrow)"><title>%s → %s: %s</title></path>`,
			p[0], p[1], c[0], c[1], x2, y2, sw, dash, svgText(d.Nodes[e.From].Name), svgText(d.Nodes[e.To].Name), svgText(edgeWords(e)))
	}
	for i, n := range d.Nodes {
		p := pos[i]
		color := kindColors[n.Kind]
		if color == "" {
			color = kindColors["organization"]
		}
		// the label runs outward along the radius, upright on both halves
		deg := angle[i] * 180 / math.Pi
		anchor := "start"
		off := nodeRadius(n) + labelGap
		lx, ly := p[0]+off*math.Cos(angle[i]), p[1]+off*math.Sin(angle[i])
		if math.Cos(angle[i]) < -1e-9 {
			anchor, deg = "end", deg+180
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
		fmt.Fprintf(&b, `<text x="%.1f" y="%.1f" font-size="%g" font-weight="%s" fill="#1a1a1a" text-anchor="%s" dominant-baseline="central" transform="rotate(%.1f %.1f %.1f)">%s<title>%s</title></text></a>`,
			lx, ly, fontSize, weight, anchor, deg, lx, ly, svgText(labels[i]), svgText(n.Name))
	}
	// legend, in the top left corner, which the circle's labels leave free
	y := 20
	for _, k := range []string{"caucus", "network", "partner", "coalition", "organization"} {
		fmt.Fprintf(&b, `<circle cx="16" cy="%d" r="7" fill="%s" stroke="#1a1a1a"/><text x="30" y="%d" font-size="13" fill="#1a1a1a">%s</text>`, y, kindColors[k], y+4, k)
		y += 20
	}
	b.WriteString(`</svg>`)
	return b.String()
}

// maxLabelRunes bounds a network label; the whole name is in its title.
const maxLabelRunes = 48

// textWidth estimates the width of s in a sans-serif font of size px, on
// the generous side (wide letters and capitals count more), so that space
// made for a label holds it.
func textWidth(s string, px float64, bold bool) float64 {
	w := 0.0
	for _, r := range s {
		switch {
		case strings.ContainsRune("iljtfrI.,:;'|!() ", r):
			w += 0.36
		case strings.ContainsRune("mwMW@", r):
			w += 0.95
		case r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
			w += 0.72
		default:
			w += 0.6
		}
	}
	if bold {
		w *= 1.08
	}
	return w * px
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
