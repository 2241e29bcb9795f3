package extract

import (
	"strings"

	"github.com/andybalholm/cascadia"
	"golang.org/x/net/html"
)

// platform holds what rankfile knows of a site builder's markup: how to
// recognise it, where it puts the writing and which of its elements are
// chrome.
type platform struct {
	name    string
	detect  func(m *meta, assets string) bool
	content []cascadia.Matcher // where the writing is, most specific first
	list    []cascadia.Matcher // where the writing is on a page listing posts, if not content
	drop    []cascadia.Matcher // chrome
	authors []cascadia.Matcher // the names in a post's byline, where the generic rules miss them
}

func sels(list ...string) []cascadia.Matcher {
	out := make([]cascadia.Matcher, len(list))
	for i, s := range list {
		out[i] = cascadia.MustCompile(s)
	}
	return out
}

// isContent reports whether n matches one of the platform's content selectors.
func (p *platform) isContent(n *html.Node) bool {
	for _, s := range p.content {
		if s.Match(n) {
			return true
		}
	}
	return false
}

// isChrome reports whether n matches one of the platform's chrome selectors.
func (p *platform) isChrome(n *html.Node) bool {
	for _, s := range p.drop {
		if s.Match(n) {
			return true
		}
	}
	return false
}

// contentRoots returns the elements holding the writing on a page of this
// platform: the matches of its most specific content selector that matches
// at all, or nil. Several matches (the excerpts of a blog index) are
// replaced by the closest element holding them all, so the post titles and
// dates between them stay with their excerpts.
func (p *platform) contentRoots(body *html.Node, listing bool) []*html.Node {
	selectors := p.content
	if listing && len(p.list) > 0 {
		selectors = p.list
	}
	for _, s := range selectors {
		found := cascadia.QueryAll(body, s)
		found = outermost(found)
		switch len(found) {
		case 0:
			continue
		case 1:
			return found
		default:
			return []*html.Node{commonAncestor(found)}
		}
	}
	return nil
}

// outermost drops the nodes that are inside other nodes of the list.
func outermost(nodes []*html.Node) []*html.Node {
	var out []*html.Node
	for _, n := range nodes {
		inside := false
		for _, o := range nodes {
			if o != n && ancestorOf(o, n) {
				inside = true
				break
			}
		}
		if !inside {
			out = append(out, n)
		}
	}
	return out
}

// commonAncestor returns the deepest element holding every node of the list.
func commonAncestor(nodes []*html.Node) *html.Node {
	anc := nodes[0]
	for _, n := range nodes[1:] {
		for !ancestorOf(anc, n) {
			anc = anc.Parent
		}
	}
	return anc
}

// generatorHas reports whether the generator meta or the markup names the
// platform.
func generatorHas(m *meta, s string) bool {
	return strings.Contains(strings.ToLower(m.generator), s)
}

// platforms lists the known site builders, tried in order.
var platforms = []*platform{
	{
		name: "wix",
		detect: func(m *meta, assets string) bool {
			return generatorHas(m, "wix.com") || m.wixSite || strings.Contains(assets, "static.wixstatic.") ||
				strings.Contains(assets, "static.parastorage.com")
		},
		content: sels(`[data-hook="post-description"]`, `#PAGES_CONTAINER`, `#SITE_PAGES`, `main`),
		drop: sels(`#SITE_HEADER`, `#SITE_FOOTER`, `#WIX_ADS`, `#SCROLL_TO_TOP`, `#SCROLL_TO_BOTTOM`,
			`[data-hook="post-footer"]`, `[data-hook="recent-posts"]`, `[data-hook="comments"]`,
			`[data-hook="post-title"]`, `[data-testid="linkElement"][aria-label]`),
	},
	{
		name: "wordpress.com",
		detect: func(m *meta, assets string) bool {
			return generatorHas(m, "wordpress.com") || strings.Contains(assets, ".wp.com/") ||
				strings.Contains(assets, "wordpress.com/xmlrpc.php")
		},
		content: sels(`.entry-content`, `.post-content`, `article`, `#content`, `main`),
		list:    wordpressList,
		drop:    wordpressChrome,
	},
	{
		name: "wordpress",
		detect: func(m *meta, assets string) bool {
			return generatorHas(m, "wordpress") || (strings.Contains(assets, "/wp-content/") &&
				(strings.Contains(assets, "/wp-includes/") || strings.Contains(assets, "/wp-json")))
		},
		content: sels(`.entry-content`, `.post-content`, `.td-post-content`, `.elementor-widget-theme-post-content`,
			`.post-entry`, `.entry`, `article .content`, `main`, `#content`),
		list: wordpressList,
		drop: wordpressChrome,
	},
	{
		name: "blogger",
		detect: func(m *meta, assets string) bool {
			return generatorHas(m, "blogger") || strings.Contains(assets, "blogger.com/static/") ||
				strings.Contains(assets, "blogblog.com")
		},
		content: sels(`.post-body`, `.blog-posts`, `#main`),
		list:    sels(`.blog-posts`, `#main`),
		drop: sels(`.post-footer`, `.post-share-buttons`, `.blog-pager`, `.post-feeds`, `.date-header`, `#navbar`,
			`.comment-form`, `.post-header`, `.Attribution`, `.Profile`, `.BlogArchive`),
	},
	{
		name: "squarespace",
		detect: func(m *meta, assets string) bool {
			return generatorHas(m, "squarespace") || strings.Contains(assets, "squarespace") ||
				strings.Contains(assets, "sqspcdn.com")
		},
		content: sels(`.blog-item-content`, `.blog-item-content-wrapper`, `article.entry`, `#sections`, `main`),
		list:    sels(`.blog-list`, `.blog-basic-grid`, `.summary-item-list`, `#sections`, `main`),
		drop: sels(`#header`, `header.header`, `#footer-sections`, `.header-announcement-bar-wrapper`,
			`.sqs-block-newsletter`, `.newsletter-block`, `.item-pagination`, `.blog-item-author-profile-wrapper`,
			`.blog-meta-section`, `.blog-share-wrapper`, `.squarespace-comments`, `.blog-item-comments`,
			`.sqs-announcement-bar`, `.sqs-cookie-banner-v2`, `.blog-item-meta-wrapper`),
		authors: sels(`.blog-author-name`, `.blog-meta-item--author a`, `.blog-meta-item--author`),
	},
	{
		name: "nationbuilder",
		detect: func(m *meta, assets string) bool {
			return generatorHas(m, "nationbuilder") || strings.Contains(assets, "nationbuilder.com/") ||
				strings.Contains(assets, "d3n8a8pro7vhmx.cloudfront")
		},
		content: sels(`.blog_post .content`, `.page-type-blog_post .content`, `#content .main-content`, `#content`),
		list:    sels(`.blog`, `#content .main-content`, `#content`),
		drop: sels(`.top-bar`, `.user-nav`, `#intro .breadcrumbs`, `.like-page`, `.share-buttons`, `.signup-sidebar`,
			`.sidebar`, `.nb-credit`, `.byline`, `.tags`, `.comment-form`, `.signup_form`, `.ajaxForm`),
		authors: sels(`.byline .linked-signup-name`, `.byline .author`, `.byline a`),
	},
	{
		name: "drupal",
		detect: func(m *meta, assets string) bool {
			return generatorHas(m, "drupal") || strings.Contains(assets, "/sites/default/files/") ||
				strings.Contains(assets, "/core/misc/drupal.js") || strings.Contains(assets, "/misc/drupal.js")
		},
		content: sels(`.node__content`, `.node .content`, `.field--name-body`, `.field-name-body`, `article.node`,
			`.region-content`, `main`),
		list: sels(`.view-content`, `.region-content`, `.region--content`, `main`),
		drop: sels(`.node__meta`, `.submitted`, `.field--name-field-tags`, `.field-name-field-tags`, `.node__links`,
			`ul.links.inline`, `.breadcrumb`, `.block-system-powered-by-block`, `.visually-hidden`, `.element-invisible`,
			`.comment-wrapper`, `section.comments`, `.add-comment__heading`, `#block-olivero-powered`),
	},
	{
		name: "google-sites",
		detect: func(m *meta, assets string) bool {
			return generatorHas(m, "google sites") || strings.Contains(assets, "gstatic.com/atari/") ||
				strings.Contains(assets, "/_/atari/")
		},
		content: sels(`[role="main"]`, `#sites-canvas-main-content`, `main`),
		drop: sels(`[role="navigation"]`, `[role="banner"]`, `header`, `#sites-chrome-header`,
			`#sites-chrome-sidebar-left`, `#sites-canvas-bottom-panel`, `.sites-adminfooter`),
	},
}

// wordpressList is where WordPress themes put the excerpts of an index or
// archive page, with the archive's title above them.
var wordpressList = sels(`main`, `#main`, `.site-main`, `#primary`, `#content`, `.content-area`)

// wordpressChrome are the chrome elements of WordPress themes and plugins
// (Jetpack sharing and likes, related posts, comment areas, admin bar).
var wordpressChrome = sels(`#wpadminbar`, `.skip-link`, `.screen-reader-text`, `#masthead`, `.site-header`,
	`#colophon`, `.site-footer`, `#secondary`, `.widget-area`, `.widget`, `.sharedaddy`, `#jp-post-flair`,
	`.jp-relatedposts`, `.wpcnt`, `#actionbar`, `.comments-area`, `#comments`, `#respond`, `.comment-respond`,
	`.post-navigation`, `.posts-navigation`, `.navigation`, `.nav-links`, `.entry-footer`, `.entry-meta`,
	`.byline`, `.cat-links`, `.tags-links`, `.edit-link`, `.author-info`, `.author-bio`, `#cancel-comment-reply-link`,
	`.wp-block-post-comments-form`, `.wp-block-comments`, `.addtoany_share_save_container`, `.jetpack-likes-widget-wrapper`)

// platformAuthors returns the names the platform's byline selectors find
// in doc, or nil.
func (p *platform) platformAuthors(doc *html.Node) []string {
	for _, s := range p.authors {
		var names []string
		for _, n := range cascadia.QueryAll(doc, s) {
			t := textOf(n)
			if bl := parseByline(t); len(bl) > 0 {
				names = append(names, bl...)
			} else if plausibleName(t) {
				names = append(names, t)
			}
		}
		if len(names) > 0 {
			return dedupe(names)
		}
	}
	return nil
}

// detectPlatform returns the platform the page was built with, or nil.
func detectPlatform(m *meta) *platform {
	assets := m.assets.String()
	for _, p := range platforms {
		if p.detect(m, assets) {
			return p
		}
	}
	return nil
}
