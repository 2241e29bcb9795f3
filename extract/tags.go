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
	return tagged && writingContext(n)
}

// tagContainer reports an element whose class names it a list of tags,
// categories or labels ("tags-links", "post-labels", "blog-categories-list",
// "field--name-field-tags"). Class names made from a post's own terms
// ("category-news", "tag-closures") name the post, and tag clouds are
// navigation.
func tagContainer(n *html.Node) bool {
	class := attr(n, "class")
	if class == "" || !(strings.Contains(class, "tag") || strings.Contains(class, "categor") ||
		strings.Contains(class, "label") || strings.Contains(class, "cat-links")) {
		return false
	}
	for _, name := range strings.Fields(class) {
		words := nameWords(name)
		if len(words) == 0 || contains(words, "cloud") || contains(words, "tagcloud") {
			continue
		}
		last := words[len(words)-1]
		switch words[0] {
		case "category", "tag", "term", "tax":
			if len(words) > 1 && !containerWords[last] {
				continue // a term of the post: category-news
			}
		}
		for _, w := range words {
			switch w {
			case "tags", "tag", "categories", "category", "labels", "cat", "tagged":
				return true
			}
		}
	}
	return false
}

// containerWords end the class names of lists.
var containerWords = wordSet(`links list wrapper container items box area section`)

// writingContext reports whether a tag link or an author's name stands
// with the writing rather than in navigation: inside a post (an <article>, a .hentry, a .post) with
// no menu, sidebar, widget or tag cloud between them, or, outside posts,
// in none of these nor the site's header or footer. The body's classes
// ("ast-right-sidebar") describe the layout, not the link.
func writingContext(n *html.Node) bool {
	for p := n.Parent; p != nil && p.DataAtom != atom.Body; p = p.Parent {
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
		if navName(p) {
			return false
		}
		if p.DataAtom == atom.Article || hasClass(p, "hentry") || hasClass(p, "post") || hasClass(p, "h-entry") || hasClass(p, "node") {
			return true
		}
	}
	return true
}

// navName reports an element whose class or id names navigation, a
// sidebar, a widget, a tag cloud, related posts or reader comments.
func navName(p *html.Node) bool {
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
				case "menu", "nav", "navigation", "widget", "sidebar", "secondary", "tagcloud", "cloud", "colophon", "related",
					"comment", "comments", "commentlist", "respond", "replies":
					return true
				}
			}
		}
	}
	return false
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
	if t == "" || len(t) > maxTagLen || wordCount(t) > maxTagWords || isChromeText(t) {
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
