package extract

import (
	"regexp"
	"strings"

	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"

	"rankfile/record"
)

// maxComments bounds the comments read from one page.
const maxComments = 1000

// Reader comments are read before the chrome is pruned (the pruner drops
// every element named as a comment, so they never reach a record's text)
// from the static markup platforms write them in:
//
//   - WordPress and WordPress.com: ol.comment-list (or .commentlist) of
//     li.comment, each with .comment-author .fn, a <time> in
//     .comment-metadata and .comment-content, replies nested in ol.children;
//     themes such as Astra rename the parts (.ast-comment-content);
//   - Blogger: li.comment with cite.user, .datetime and .comment-content,
//     and the older dl#comments-block of dt.comment-author,
//     dd.comment-body and dd.comment-footer;
//   - Drupal: article.comment (or div.comment) with .username or
//     .comment__author, .comment__time or .submitted, and
//     .field--name-comment-body;
//   - any markup naming its items "comment" inside a comments area, or
//     marked up as schema.org Comments.
//
// Comments loaded by scripts (Disqus, Facebook) are not in the page.

// commentIDRE matches the ids platforms give comment items.
var commentIDRE = regexp.MustCompile(`^(?:li-comment|div-comment|comment|c)[-_]?\d+$`)

// commentItem reports whether n is one reader comment.
func commentItem(n *html.Node) bool {
	if strings.Contains(attr(n, "itemtype"), "schema.org/Comment") {
		return true
	}
	class := attr(n, "class")
	if !strings.Contains(class, "comment") {
		return false
	}
	item := false
	for _, c := range strings.Fields(class) {
		switch {
		case c == "comment" || c == "js-comment":
			item = true
		case strings.Contains(c, "comment") && c != "comment" && partName(c):
			return false // Astra's section.ast-comment-content.comment is a part
		}
	}
	if !item {
		return false
	}
	return commentIDRE.MatchString(attr(n, "id")) || hasAttr(n, "data-comment-user-id") || inCommentsArea(n)
}

// partName reports class names of the parts of a comment.
func partName(c string) bool {
	for _, s := range []string{"content", "body", "text", "meta", "author", "date", "footer", "header"} {
		if strings.HasSuffix(c, s) {
			return true
		}
	}
	return false
}

// commentsAreaDepth is how far above an item its comments area is looked for.
const commentsAreaDepth = 8

// inCommentsArea reports whether n stands in an element named as a list
// or area of comments.
func inCommentsArea(n *html.Node) bool {
	p := n.Parent
	for i := 0; i < commentsAreaDepth && p != nil; i++ {
		for _, key := range [...]string{"class", "id"} {
			for _, name := range strings.Fields(attr(p, key)) {
				for _, w := range nameWords(name) {
					if w == "comments" || w == "commentlist" || w == "thread" {
						return true
					}
				}
				if strings.EqualFold(name, "comment-list") || strings.EqualFold(name, "field--name-comment") {
					return true
				}
			}
		}
		p = p.Parent
	}
	return false
}

// readComments returns the reader comments of a page, in page order,
// replies after what they answer.
func readComments(body *html.Node) []record.Comment {
	items := map[*html.Node]bool{}
	var order []*html.Node
	var blocks []*html.Node // Blogger's old dl#comments-block
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		for c := n.FirstChild; c != nil && len(order) < maxComments; c = c.NextSibling {
			if c.Type != html.ElementNode {
				continue
			}
			if c.DataAtom == atom.Dl && attr(c, "id") == "comments-block" {
				blocks = append(blocks, c)
				continue
			}
			if commentItem(c) {
				items[c] = true
				order = append(order, c)
			}
			walk(c)
		}
	}
	walk(body)
	var out []record.Comment
	for _, n := range order {
		if c, ok := readComment(n, items); ok {
			out = append(out, c)
		}
	}
	for _, dl := range blocks {
		out = append(out, bloggerBlock(dl)...)
	}
	return out
}

// readComment reads one comment item's author, date and text, leaving out
// the replies nested in it.
func readComment(n *html.Node, items map[*html.Node]bool) (record.Comment, bool) {
	find := func(match func(*html.Node) bool) *html.Node { return findOutside(n, items, match) }
	var c record.Comment
	if a := find(func(e *html.Node) bool {
		return attr(e, "itemprop") == "author" || hasClass(e, "fn") || e.DataAtom == atom.Cite ||
			hasClass(e, "comment-author") || hasClass(e, "comment__author") || hasClass(e, "username")
	}); a != nil {
		if nm := findFirst(a, func(e *html.Node) bool { return attr(e, "itemprop") == "name" }); nm != nil {
			a = nm
		}
		c.Author = commentAuthor(textOf(a))
	}
	if t := find(func(e *html.Node) bool { return e.DataAtom == atom.Time }); t != nil {
		c.Date = firstString(parseDate(attr(t, "datetime")), parseDate(textOf(t)))
	}
	if c.Date == "" {
		if d := find(func(e *html.Node) bool { return commentDateName(e) && parseDate(textOf(e)) != "" }); d != nil {
			c.Date = parseDate(textOf(d))
		}
	}
	textBox := n
	for _, match := range commentBodies {
		if b := find(match); b != nil {
			textBox = b
			break
		}
	}
	c.Text = commentText(textBox, func(e *html.Node) bool {
		return e != textBox && (items[e] || commentChrome(e))
	})
	return c, c.Text != ""
}

// commentBodies find the element holding a comment's text, most specific
// first.
var commentBodies = []func(*html.Node) bool{
	func(e *html.Node) bool {
		return hasClass(e, "field--name-comment-body") || hasClass(e, "field-name-comment-body")
	},
	func(e *html.Node) bool { return attr(e, "itemprop") == "text" || attr(e, "itemprop") == "commentText" },
	func(e *html.Node) bool {
		return hasClass(e, "comment-content") || hasClass(e, "comment-text") || hasClass(e, "comment_text") ||
			hasClass(e, "ast-comment-content") || hasClass(e, "comment-entry") || hasClass(e, "comment__content")
	},
	func(e *html.Node) bool { return hasClass(e, "comment-body") || hasClass(e, "comment_body") },
}

// findOutside returns the first element under n (n excluded) for which
// match is true, not looking inside the other comment items.
func findOutside(n *html.Node, items map[*html.Node]bool, match func(*html.Node) bool) *html.Node {
	for c := n.FirstChild; c != nil; c = c.NextSibling {
		if c.Type != html.ElementNode || items[c] {
			continue
		}
		if match(c) {
			return c
		}
		if f := findOutside(c, items, match); f != nil {
			return f
		}
	}
	return nil
}

// commentDateName reports elements named as a comment's date.
func commentDateName(e *html.Node) bool {
	for _, name := range strings.Fields(attr(e, "class")) {
		for _, w := range nameWords(name) {
			switch w {
			case "date", "time", "timestamp", "datetime", "metadata", "commentmetadata", "submitted", "permalink":
				return true
			}
		}
	}
	return false
}

// commentChrome reports the parts of a comment that are not its text: the
// author and date line, reply and edit links, avatars, forms.
func commentChrome(e *html.Node) bool {
	switch e.DataAtom {
	case atom.Form, atom.Footer, atom.Header, atom.Time, atom.Cite, atom.Img:
		return true
	}
	if hidden(e) {
		return true
	}
	for _, key := range [...]string{"class", "id"} {
		for _, name := range strings.Fields(attr(e, key)) {
			for _, w := range nameWords(name) {
				switch w {
				case "reply", "meta", "metadata", "commentmetadata", "author", "avatar", "actions", "edit", "says",
					"vcard", "fn", "username", "permalink", "footer", "header", "like", "likes", "rating", "links", "submitted":
					return true
				}
			}
		}
	}
	return false
}

// commentChromeTexts are whole blocks of a comment that are its controls.
var commentChromeTexts = phraseSet("reply", "delete", "edit", "report", "flag", "like", "likes", "loading",
	"like liked by", "reply to this comment", "permalink", "share")

// commentText renders a comment's text, its controls and skipped parts
// left out.
func commentText(n *html.Node, skip func(*html.Node) bool) string {
	var kept []block
	for _, b := range (&renderer{skip: skip}).run(n) {
		if isChromeText(b.text) || commentChromeTexts[normPhrase(b.text)] {
			continue
		}
		kept = append(kept, b)
	}
	return joinBlocks(kept)
}

// authorTailRE matches what follows a commenter's name: "says:",
// "said...", "commented <date>", Drupal's "(not verified)".
var authorTailRE = regexp.MustCompile(`(?i)\s*(?:says|said|wrote)\s*[:.…]*\s*$|\s+commented\b.*$|\s*\(not verified\)\s*$`)

// commentAuthor cleans a commenter's name.
func commentAuthor(s string) string {
	s = strings.TrimSpace(authorTailRE.ReplaceAllString(s, ""))
	if len(s) > 100 {
		return ""
	}
	return s
}

// bloggerBlock reads the comments of Blogger's older template: a
// dt.comment-author, its dd.comment-body and dd.comment-footer.
func bloggerBlock(dl *html.Node) []record.Comment {
	var out []record.Comment
	for c := dl.FirstChild; c != nil && len(out) < maxComments; c = c.NextSibling {
		last := len(out) - 1
		switch {
		case c.DataAtom == atom.Dt:
			out = append(out, record.Comment{Author: commentAuthor(textOf(c))})
		case last >= 0 && c.DataAtom == atom.Dd && hasClass(c, "comment-body"):
			out[last].Text = commentText(c, commentChrome)
		case last >= 0 && c.DataAtom == atom.Dd && hasClass(c, "comment-footer"):
			out[last].Date = parseDate(textOf(c))
		}
	}
	kept := out[:0]
	for _, c := range out {
		if c.Text != "" {
			kept = append(kept, c)
		}
	}
	return kept
}
