package extract

import (
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// maxTagLen bounds the length of a tag or category name.
const maxTagLen = 60

// maxTagWords bounds the words of a tag or category name: a longer link
// text is a title, not a tag.
const maxTagWords = 6

// tagContainerDepth is how far above a link a tag list's container is
// looked for.
const tagContainerDepth = 4

// tagAnchor reports whether the link n names a tag or category of the
// post: rel=tag or rel=category (WordPress, Blogger), or a link in a list
// of tags (a container named "tags-links", "post-labels",
// "field--name-field-tags", "blog-item-tag-wrapper"), outside menus,
// sidebars and the site's footer.
func tagAnchor(n *html.Node) bool {
	if attr(n, "href") == "" {
		return false
	}
	rel := " " + strings.ToLower(attr(n, "rel")) + " "
	tagged := strings.Contains(rel, " tag ") || strings.Contains(rel, " category ")
	if !tagged {
		p := n.Parent
		for i := 0; i < tagContainerDepth && p != nil && !tagged; i++ {
			tagged = tagContainer(p)
			p = p.Parent
		}
	}
	return tagged && tagContext(n)
}

// tagContainer reports an element whose class names it a list of tags,
// categories or labels. Class names made from a post's own categories
// ("category-news") name the post, not a list.
func tagContainer(n *html.Node) bool {
	class := attr(n, "class")
	if class == "" || !(strings.Contains(class, "tag") || strings.Contains(class, "categor") ||
		strings.Contains(class, "label") || strings.Contains(class, "cat-links")) {
		return false
	}
	for _, name := range strings.Fields(class) {
		lower := strings.ToLower(name)
		if taxonomyName(lower) || strings.Contains(lower, "cloud") {
			continue
		}
		for _, w := range nameWords(name) {
			switch w {
			case "tags", "tag", "categories", "category", "labels", "cat":
				return true
			}
		}
	}
	return false
}

// tagContext reports whether a tag link stands with the writing rather
// than in navigation: not in a menu, sidebar, widget, tag cloud or the
// site's footer.
func tagContext(n *html.Node) bool {
	for p := n.Parent; p != nil; p = p.Parent {
		if p.Type != html.ElementNode {
			continue
		}
		switch p.DataAtom {
		case atom.Nav, atom.Aside, atom.Menu:
			return false
		case atom.Footer, atom.Header:
			if !insideContent(p) {
				return false
			}
		}
		for _, key := range [...]string{"class", "id"} {
			v := attr(p, key)
			if v == "" {
				continue
			}
			for _, name := range strings.Fields(v) {
				if taxonomyName(strings.ToLower(name)) {
					continue
				}
				for _, w := range nameWords(name) {
					switch w {
					case "menu", "nav", "navigation", "widget", "sidebar", "secondary", "tagcloud", "cloud", "colophon":
						return false
					}
				}
			}
		}
	}
	return true
}

// linkTags returns the names of the tag links, deduplicated.
func linkTags(links []*html.Node) []string {
	var out []string
	for _, a := range links {
		if t := tagName(textOf(a)); t != "" {
			out = append(out, t)
		}
	}
	return dedupe(out)
}

// tagName returns a tag link's text as a tag name ("#organizing" is
// "organizing"), or "" when it is no name: too long, a label, or
// WordPress's default "Uncategorized", which says nothing.
func tagName(t string) string {
	t = strings.TrimSpace(strings.TrimLeft(t, "#"))
	t = strings.TrimRight(t, ",;")
	if t == "" || len(t) > maxTagLen || wordCount(t) > maxTagWords {
		return ""
	}
	switch strings.ToLower(strings.TrimRight(t, ":")) {
	case "tags", "tagged", "labels", "categories", "category", "filed under", "posted in", "uncategorized":
		return ""
	}
	return t
}

// entryTags returns the tags of the links inside an entry of a listing.
func entryTags(links []*html.Node, entry *html.Node) []string {
	var in []*html.Node
	for _, a := range links {
		if ancestorOf(entry, a) {
			in = append(in, a)
		}
	}
	return linkTags(in)
}
