package serve

import (
	"fmt"
	"html"
	"html/template"
	"net/http"
	"strings"
)

// palette is Okabe and Ito's, told apart by most colour-blind readers;
// each passes 3:1 against white as a graphic.
var palette = []string{"#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#8C6D00", "#000000"}

// svgText escapes s for SVG (XML) text and attributes.
func svgText(s string) string { return html.EscapeString(s) }

// shorten cuts s to n runes with an ellipsis.
func shorten(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// timelineSVG draws the records per month per site: one row per site
// (every site, even one whose records carry no date), one bar per month,
// years marked below, and at the right of each row the site's records
// without a publication date, counted apart. Each bar links to the search
// for that site and month and carries a <title> with its count.
func timelineSVG(d timelineData) string {
	const rowH, top, bottom, undatedW, right = 54, 36, 44, 110, 16
	labelW := 160 // wide enough for the longest site label (see textWidth)
	for _, site := range d.Sites {
		labelW = max(labelW, int(textWidth(shorten(site, maxLabelRunes), 13, false))+16)
	}
	var b strings.Builder
	if len(d.Sites) == 0 {
		b.WriteString(`<svg xmlns="http://www.w3.org/2000/svg" width="480" height="60" viewBox="0 0 480 60" role="img" aria-label="Timeline: no records"><text x="10" y="35" font-family="sans-serif" font-size="15" fill="#1a1a1a">No records yet.</text></svg>`)
		return b.String()
	}
	col := 0
	if len(d.Months) > 0 {
		col = min(max(900/len(d.Months), 3), 28)
	}
	w := labelW + max(col*len(d.Months), 200) + undatedW + right
	h := top + rowH*len(d.Sites) + bottom
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" width="%d" height="%d" viewBox="0 0 %d %d" role="img" aria-labelledby="tl-title tl-desc" font-family="system-ui, sans-serif">`, w, h, w, h)
	fmt.Fprintf(&b, `<title id="tl-title">Records per month per site, %s to %s</title>`, d.Months[0], d.Months[len(d.Months)-1])
	fmt.Fprintf(&b, `<desc id="tl-desc">%d dated records on %d sites; bar height is the number of records published that month (largest: %d); %d records without a publication date are counted apart, at the right of their site's row.</desc>`, d.Dated, len(d.Sites), d.Max, d.Undated)
	b.WriteString(`<rect width="100%" height="100%" fill="#ffffff"/>`)
	fmt.Fprintf(&b, `<text x="%d" y="22" font-size="13" fill="#4a4a4a">Bar height: records published in the month (tallest = %d)</text>`, labelW, d.Max)
	fmt.Fprintf(&b, `<text x="%d" y="22" font-size="13" fill="#4a4a4a" text-anchor="end">No date</text>`, w-right)
	// year lines and labels
	for i, m := range d.Months {
		if m[5:] != "01" && i != 0 {
			continue
		}
		x := labelW + i*col
		fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#d0d0d0"/>`, x, top, x, h-bottom+6)
		if m[5:] == "01" || len(d.Months) < 12 {
			fmt.Fprintf(&b, `<text x="%d" y="%d" font-size="12" fill="#1a1a1a">%s</text>`, x+2, h-bottom+22, svgText(yearLabel(m, col)))
		}
	}
	for si, site := range d.Sites {
		y0 := top + si*rowH
		base := y0 + rowH - 6
		color := palette[si%len(palette)]
		fmt.Fprintf(&b, `<g><text x="8" y="%d" font-size="13" fill="#1a1a1a">%s<title>%s</title></text>`, y0+rowH/2+4, svgText(shorten(site, maxLabelRunes)), svgText(site))
		fmt.Fprintf(&b, `<line x1="%d" y1="%d" x2="%d" y2="%d" stroke="#6b6b6b"/>`, labelW, base, w-right-undatedW, base)
		if n := d.UndatedBy[site]; n > 0 {
			href := searchParams{Site: site, Page: 1, Size: defaultPageSize}.url()
			fmt.Fprintf(&b, `<a href="%s"><text x="%d" y="%d" font-size="13" fill="#1a1a1a" text-anchor="end">%d undated<title>%s: %d %s without a publication date</title></text></a>`,
				svgText(href), w-right, y0+rowH/2+4, n, svgText(site), n, pluralWord(n, "record", "records"))
		}
		for i, m := range d.Months {
			n := d.Counts[site][m]
			if n == 0 {
				continue
			}
			bh := max(2, n*(rowH-14)/d.Max)
			href := searchParams{Site: site, PubFrom: m, PubTo: m, Page: 1, Size: defaultPageSize}.url()
			fmt.Fprintf(&b, `<a href="%s"><rect x="%d" y="%d" width="%d" height="%d" fill="%s"><title>%s, %s: %d %s</title></rect></a>`,
				svgText(href), labelW+i*col, base-bh, max(col-1, 2), bh, color, svgText(site), m, n, pluralWord(n, "record", "records"))
		}
		b.WriteString(`</g>`)
	}
	b.WriteString(`</svg>`)
	return b.String()
}

// yearLabel is a month's axis label: the year, shortened when columns are
// narrow.
func yearLabel(m string, col int) string {
	if col*12 < 34 {
		return "'" + m[2:4]
	}
	return m[:4]
}

func pluralWord(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}

// timelinePage is what the timeline template shows.
type timelinePage struct {
	Title string
	SVG   template.HTML
	Data  timelineData
	Rows  []timelineRow
}

type timelineRow struct {
	Site   string
	Months []monthCount
	Total  int
}

type monthCount struct {
	Month string
	Count int
	URL   string
}

func (s *Server) timelineData() (timelineData, error) {
	var d timelineData
	err := s.records.view(func(snap *recordSnap) error {
		p, err := snap.pictures()
		if err == nil {
			d = p.timeline
		}
		return err
	})
	return d, err
}

func (s *Server) handleTimeline(w http.ResponseWriter, r *http.Request) {
	d, err := s.timelineData()
	if err != nil {
		s.internal(w, r, false, err)
		return
	}
	p := &timelinePage{Title: "Timeline", SVG: template.HTML(timelineSVG(d)), Data: d}
	for _, site := range d.Sites {
		row := timelineRow{Site: site}
		for _, m := range d.Months {
			if n := d.Counts[site][m]; n > 0 {
				row.Months = append(row.Months, monthCount{m, n, searchParams{Site: site, PubFrom: m, PubTo: m, Page: 1, Size: defaultPageSize}.url()})
				row.Total += n
			}
		}
		p.Rows = append(p.Rows, row)
	}
	s.render(w, http.StatusOK, "timeline", p)
}

func (s *Server) handleTimelineSVG(w http.ResponseWriter, r *http.Request) {
	d, err := s.timelineData()
	if err != nil {
		s.internal(w, r, false, err)
		return
	}
	writeSVG(w, timelineSVG(d))
}

// writeSVG sends a picture on its own, under the pages' policy.
func writeSVG(w http.ResponseWriter, svg string) {
	w.Header().Set("Content-Type", "image/svg+xml; charset=utf-8")
	w.WriteHeader(http.StatusOK)
	w.Write([]byte(`<?xml version="1.0" encoding="UTF-8"?>` + "\n" + svg))
}
