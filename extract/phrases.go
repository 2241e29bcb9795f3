package extract

import (
	"strings"
	"unicode"
)

// chromePhrases are texts that, standing alone in an element or a block,
// are chrome: skip links, widget labels, comment-form prompts, platform
// placeholders.
var chromePhrases = phraseSet(
	"top of page", "bottom of page", "please reload", "back to top", "scroll to top", "go to top",
	"skip to content", "skip to main content", "skip to navigation", "skip to toolbar", "skip to footer",
	"skip to primary navigation", "skip to secondary menu", "skip to primary sidebar", "skip links",
	"share this", "share", "share on facebook", "share on twitter", "tweet", "pin it", "email", "print",
	"like this", "like loading", "loading", "like", "be the first to like this",
	"leave a reply", "leave a comment", "cancel reply", "post comment", "comments", "no comments",
	"log out", "log in", "login", "sign in", "sign up", "register", "subscribe", "search", "menu",
	"toggle navigation", "open menu", "close menu", "close", "previous", "next", "previous post", "next post",
	"older posts", "newer posts", "view more posts", "load more", "show more", "see more",
	"related", "related posts", "you may also like", "post navigation", "posts navigation",
	"report abuse", "edit", "page details", "page updated", "google sites", "search this site", "embedded files",
	"this site uses cookies", "accept", "accept all", "reject all", "cookie settings", "got it",
	"powered by wordpress", "proudly powered by wordpress", "create a free website or blog at wordpress.com",
	"blog at wordpress.com", "website built with wix", "made with wix",
)

// moreLinkPhrases are link texts that lead from a teaser to the full piece.
var moreLinkPhrases = phraseSet(
	"read more", "watch now", "continue reading", "learn more", "read the full post", "read full story",
	"read the full story", "read full article", "read article", "read post", "more", "view more posts",
	"full story", "keep reading", "listen now", "view post", "see more", "read on", "details",
)

// chromePrefixes start blocks of comment forms and widgets whatever follows.
var chromePrefixes = []string{
	"fill in your details below or click an icon to log in",
	"you are commenting using your",
	"connecting to %s",
	"your email address will not be published",
	"required fields are marked",
	"notify me of new comments",
	"notify me of new posts",
	"notify me of follow-up comments",
	"save my name, email, and website",
	"this site uses akismet",
	"post was not sent - check your email",
	"sorry, your blog cannot share posts by email",
	"email check failed, please try again",
	"you must be logged in to post a comment",
	"logged in as",
	"skip to toolbar",
	"top of page",
	"bottom of page",
	"please reload",
}

func phraseSet(ps ...string) map[string]bool {
	m := make(map[string]bool, len(ps))
	for _, p := range ps {
		m[normPhrase(p)] = true
	}
	return m
}

// normPhrase lowercases s and reduces it to its words, so "READ MORE »",
// "Read more..." and "read more" compare equal.
func normPhrase(s string) string {
	var b strings.Builder
	space := false
	for _, r := range strings.ToLower(s) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) || r == '%' {
			if space && b.Len() > 0 {
				b.WriteByte(' ')
			}
			space = false
			b.WriteRune(r)
			continue
		}
		space = true
	}
	return b.String()
}

// isChromeText reports whether a whole element's or block's text is chrome.
func isChromeText(s string) bool {
	if len(s) > 200 {
		return false
	}
	n := normPhrase(s)
	if chromePhrases[n] {
		return true
	}
	if strings.HasPrefix(n, "skip to ") && strings.Count(n, " ") < 12 {
		return true
	}
	for _, p := range normChromePrefixes {
		if strings.HasPrefix(n, p) {
			return true
		}
	}
	return false
}

// normChromePrefixes are chromePrefixes reduced by normPhrase.
var normChromePrefixes = func() []string {
	out := make([]string, len(chromePrefixes))
	for i, p := range chromePrefixes {
		out[i] = normPhrase(p)
	}
	return out
}()

// isMoreLink reports whether a link's text only leads on to the full piece
// ("READ MORE", "Continue reading <title>", "WATCH NOW »").
func isMoreLink(s string) bool {
	n := normPhrase(s)
	if moreLinkPhrases[n] {
		return true
	}
	return strings.HasPrefix(n, "continue reading") || strings.HasPrefix(n, "read more")
}
