package extract

import (
	"golang.org/x/net/html"
)

// teaser is one dated item of a listing: a title, a date and a summary,
// leading to the full post.
type teaser struct {
	first, last int // block range, inclusive
	titleAt     int // the title block
	dateAt      int // the block holding the date
	title       string
	date        string
	link        string
}

// titleLike reports whether a block can be a teaser's title: a heading, or
// a short block that is all link.
func titleLike(b block) bool {
	if b.kind == blockHeading {
		return b.words() <= 30
	}
	return b.kind == blockPara && b.linkDensity() >= 0.8 && b.words() >= 2 && b.words() <= 25
}

// dateOnly reports whether a block is a date and nothing else.
func dateOnly(b block) string {
	d, rest := leadingDate(b.text)
	if d != "" && len(rest) < 3 {
		return d
	}
	return ""
}

// findTeasers finds the dated teasers in a listing's blocks: a title
// preceded by a block that is only a date, or followed within two blocks by
// a block starting with a date (not one standing above the next title). A teaser runs to the next teaser or the
// next heading as high as its title, and stays inside its own container
// when the markup gives it one.
func findTeasers(blocks []block) []teaser {
	var ts []teaser
	for i := 0; i < len(blocks); i++ {
		b := blocks[i]
		if !titleLike(b) || dateOnly(b) != "" {
			continue
		}
		date, at := "", i
		if i > 0 {
			date, at = dateOnly(blocks[i-1]), i-1
		}
		for j := i + 1; date == "" && j <= i+2 && j < len(blocks); j++ {
			if blocks[j].kind == blockHeading {
				break
			}
			if j+1 < len(blocks) && dateOnly(blocks[j]) != "" && titleLike(blocks[j+1]) {
				break // the date above the next teaser's title
			}
			if d, _ := leadingDate(blocks[j].text); d != "" {
				date, at = d, j
			}
		}
		if date == "" {
			continue
		}
		ts = append(ts, teaser{first: i, titleAt: i, dateAt: at, title: b.text, date: date})
	}
	if len(ts) < 2 {
		return nil
	}
	for k := range ts {
		t := &ts[k]
		end := len(blocks) - 1
		if k+1 < len(ts) {
			end = ts[k+1].first - 1
			if dateOnly(blocks[end]) != "" && end > t.first {
				end-- // the next teaser's date stands above its title
			}
		}
		title := blocks[t.first]
		box := itemBox(blocks, ts, k)
		if box != nil && !ancestorOf(box, blocks[t.dateAt].elem) {
			box = nil
		}
		t.last = t.first
		for j := t.first + 1; j <= end; j++ {
			nb := blocks[j]
			if nb.kind == blockHeading && (title.kind != blockHeading || nb.level <= title.level) {
				break
			}
			if box != nil && !ancestorOf(box, nb.elem) {
				break
			}
			t.last = j
		}
		t.link = teaserLink(blocks[t.first : t.last+1])
		if t.dateAt < t.first {
			t.first = t.dateAt
		}
	}
	return ts
}

// itemBox returns the element holding teaser k's title and no other
// teaser's title, or nil when the teasers share their container.
func itemBox(blocks []block, ts []teaser, k int) *html.Node {
	title := blocks[ts[k].first].elem
	var box *html.Node
	for n := title.Parent; n != nil; n = n.Parent {
		for j, t := range ts {
			if j != k && ancestorOf(n, blocks[t.first].elem) {
				return box
			}
		}
		box = n
	}
	return box
}

// teaserLink returns the target of a teaser: its title's link, else its
// "READ MORE" link, else the first link in it.
func teaserLink(bs []block) string {
	if bs[0].href != "" && bs[0].linkDensity() >= 0.5 {
		return bs[0].href
	}
	for _, b := range bs {
		if b.more != "" {
			return b.more
		}
	}
	for _, b := range bs {
		if b.href != "" {
			return b.href
		}
	}
	return ""
}
