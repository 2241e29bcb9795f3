package extract

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// table renders a data table as one block, a row a line with its cells
// separated by " | ", and a layout table (one used to place blocks on the
// page) as the blocks of its cells.
func (r *renderer) table(n *html.Node) {
	r.flush(blockPara, 0)
	rows := tableRows(n)
	if layoutTable(n, rows) {
		r.within(n, func() {
			for _, row := range rows {
				for _, cell := range row {
					r.within(cell, func() { r.children(cell) })
					r.flush(blockPara, 0)
				}
			}
		})
		return
	}
	if c := findFirst(n, func(e *html.Node) bool { return e.DataAtom == atom.Caption }); c != nil {
		if t := textOf(c); t != "" {
			r.blocks = append(r.blocks, block{kind: blockPara, text: t, elem: c,
				md: quoted(escapeLineStart(escapeText(t)), r.quote), quote: r.quote})
		}
	}
	var lines []string
	var mdRows [][]string
	links, chars := 0, 0
	for _, row := range rows {
		var cells, mdCells []string
		for _, cell := range row {
			sub := r.sub().run(cell)
			parts := make([]string, 0, len(sub))
			for _, b := range sub {
				parts = append(parts, strings.ReplaceAll(b.text, "\n", " "))
				links += b.linkChars
			}
			cells = append(cells, strings.Join(parts, " "))
			mdCells = append(mdCells, cellMarkdown(sub))
		}
		line := strings.Join(cells, " | ")
		if strings.Trim(line, " |") == "" {
			continue
		}
		chars += len(line)
		lines = append(lines, line)
		mdRows = append(mdRows, mdCells)
	}
	if len(lines) == 0 {
		return
	}
	if links > chars {
		links = chars
	}
	r.gen++
	r.blocks = append(r.blocks, block{kind: blockTable, text: strings.Join(lines, "\n"), linkChars: links, elem: n,
		md: quoted(tableMarkdown(mdRows), r.quote), quote: r.quote})
}

// layoutCellChars is the length past which a cell holding block elements
// makes its table a layout table.
const layoutCellChars = 200

// tableRows returns the cells of each row of the table n, leaving out the
// rows of tables nested in it.
func tableRows(n *html.Node) [][]*html.Node {
	var rows [][]*html.Node
	var walk func(*html.Node)
	walk = func(e *html.Node) {
		for c := e.FirstChild; c != nil; c = c.NextSibling {
			if c.Type != html.ElementNode {
				continue
			}
			switch c.DataAtom {
			case atom.Thead, atom.Tbody, atom.Tfoot:
				walk(c)
			case atom.Tr:
				var cells []*html.Node
				for d := c.FirstChild; d != nil; d = d.NextSibling {
					if isElem(d, atom.Td, atom.Th) {
						cells = append(cells, d)
					}
				}
				rows = append(rows, cells)
			}
		}
	}
	walk(n)
	return rows
}

// layoutTable reports whether the table places blocks on the page rather
// than holding data: it nests tables or block structure, has a single
// column, or says it is presentational.
func layoutTable(n *html.Node, rows [][]*html.Node) bool {
	if attr(n, "role") == "presentation" || attr(n, "role") == "none" {
		return true
	}
	maxCells := 0
	for _, row := range rows {
		maxCells = max(maxCells, len(row))
	}
	if maxCells < 2 || len(rows) == 0 {
		return true
	}
	for _, row := range rows {
		for _, cell := range row {
			if findFirst(cell, func(e *html.Node) bool { return e != cell && e.DataAtom == atom.Table }) != nil {
				return true
			}
			// Paragraphs and headings in a long cell are prose placed by the
			// table, not a datum; a short cell may wrap its value in a <p>.
			if textAtLeast(cell, layoutCellChars) && findFirst(cell, func(e *html.Node) bool {
				return e != cell && isElem(e, atom.P, atom.Div, atom.Ul, atom.Ol,
					atom.H1, atom.H2, atom.H3, atom.H4, atom.Blockquote, atom.Section, atom.Article)
			}) != nil {
				return true
			}
		}
	}
	return false
}

// textAtLeast reports whether n holds at least limit bytes of text, and
// stops counting there.
func textAtLeast(n *html.Node, limit int) bool {
	count := 0
	var walk func(*html.Node) bool
	walk = func(n *html.Node) bool {
		if n.Type == html.TextNode {
			count += len(strings.TrimSpace(n.Data))
			return count >= limit
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			if walk(c) {
				return true
			}
		}
		return false
	}
	return walk(n)
}
