package extract

import (
	"strings"
	"testing"
)

// para is a paragraph of writing long enough to count as prose.
const para = "The caucus met on Thursday to plan the spring campaign for smaller classes, fair pay and schools the students deserve."

func TestPlatformRules(t *testing.T) {
	tests := []struct {
		name     string
		url      string
		html     string
		platform string
		want     []string // texts that must be kept
		unwanted []string // chrome that must be dropped
	}{
		{
			name: "wix", url: "http://wix.example.test/about", platform: "wix",
			html: `<html><head><meta name="generator" content="Wix.com Website Builder"><title>About | Caucus</title></head><body>
<div id="SITE_CONTAINER"><div id="SCROLL_TO_TOP" aria-label="top of page"><span>top of page</span></div>
<header id="SITE_HEADER"><ul><li><a href="/">Home</a></li><li><a href="/about">About</a></li></ul><p>Caucus of Educators</p></header>
<main id="PAGES_CONTAINER"><div class="wixui-rich-text"><h1 class="font_0">About the caucus</h1><p class="font_8">` + para + `</p>
<p class="font_8">Please reload</p></div></main>
<footer id="SITE_FOOTER"><p>©2024 by Caucus of Educators. Proudly created with Wix.com</p></footer>
<div id="SCROLL_TO_BOTTOM"><span>bottom of page</span></div></div></body></html>`,
			want:     []string{"About the caucus", para},
			unwanted: []string{"top of page", "bottom of page", "Please reload", "Home", "Proudly created", "Caucus of Educators\n"},
		},
		{
			name: "wordpress.com", url: "http://blog.example.test/2019/03/04/spring-plans/", platform: "wordpress.com",
			html: `<html><head><meta name="generator" content="WordPress.com"><title>Spring plans – Blog</title>
<link rel="stylesheet" href="https://s0.wp.com/wp-content/themes/pub/twentysixteen/style.css"></head><body class="single single-post postid-7">
<header id="masthead" class="site-header"><p class="site-title">Blog</p><nav class="main-navigation"><a href="/">Home</a></nav></header>
<main id="main"><article class="post hentry"><header class="entry-header"><h1 class="entry-title">Spring plans</h1></header>
<div class="entry-content"><p>` + para + `</p><ul><li>Smaller classes</li><li>Fair pay</li></ul>
<div class="sharedaddy sd-sharing-enabled"><h3 class="sd-title">Share this:</h3><ul><li><a href="#">Twitter</a></li><li><a href="#">Facebook</a></li></ul></div>
<div class="sharedaddy sd-block sd-like jetpack-likes-widget-wrapper"><h3 class="sd-title">Like this:</h3><span>Like Loading...</span></div>
<div id="jp-post-flair"><div id="jp-relatedposts" class="jp-relatedposts"><h3 class="jp-relatedposts-headline"><em>Related</em></h3><p>Another post about something else entirely, with a long summary.</p></div></div>
<p><a class="more-link" href="/x">Continue reading <span class="screen-reader-text">Spring plans</span></a></p></div>
<footer class="entry-footer"><span class="byline">By <span class="author vcard"><a class="url fn n" href="/author/jane/" rel="author">Jane Doe</a></span></span></footer></article>
<div id="comments" class="comments-area"><div id="respond" class="comment-respond"><h3 id="reply-title" class="comment-reply-title">Leave a Reply</h3>
<form id="commentform" class="comment-form"><p>Fill in your details below or click an icon to log in:</p><p>You are commenting using your WordPress.com account. ( Log Out / Change )</p><textarea></textarea><p>Connecting to %s</p></form></div></div></main>
<aside id="secondary" class="widget-area"><section class="widget"><h2>Archives</h2><ul><li><a href="/2019/03/">March 2019</a></li></ul></section></aside>
<footer id="colophon" class="site-footer"><a href="https://wordpress.com/">Blog at WordPress.com.</a></footer></body></html>`,
			want:     []string{para, "- Smaller classes", "- Fair pay"},
			unwanted: []string{"Share this", "Like this", "Related", "Leave a Reply", "Fill in your details", "Log Out", "Connecting to %s", "Archives", "Continue reading", "Blog at WordPress.com", "Home"},
		},
		{
			name: "wordpress", url: "http://wp.example.test/caucus/2020/10/29/beginnings/", platform: "wordpress",
			html: `<html><head><meta name="generator" content="WordPress 5.5.3"><title>Beginnings – Project</title></head><body class="post-template-default single single-post postid-212 admin-bar">
<div id="wpadminbar"><a class="screen-reader-shortcut" href="#wp-toolbar">Skip to toolbar</a><ul><li>My Sites</li><li>Log Out</li></ul></div>
<a class="skip-link screen-reader-text" href="#site-content">Skip to the content</a>
<header id="site-header" class="header-footer-group"><div class="header-titles"><div class="site-title"><a href="/">Project</a></div></div><nav class="primary-menu-wrapper"><ul><li><a href="/">Home</a></li></ul></nav></header>
<main id="site-content" role="main"><article class="post hentry"><header class="entry-header"><h1 class="entry-title">Beginnings</h1>
<div class="post-meta-wrapper"><ul class="post-meta"><li class="post-author">By <a href="/author/a/">Amrita Dani</a></li><li class="post-date"><time datetime="2020-10-29T10:03:11-04:00">October 29, 2020</time></li></ul></div></header>
<div class="post-inner"><div class="entry-content"><p><strong>By Amrita Dani and Chloe Asselin</strong></p><p>` + para + `</p>
<figure class="wp-block-table"><table><tbody><tr><td>Boston</td><td>Black</td><td>White</td></tr><tr><td>Students</td><td>30%</td><td>15%</td></tr></tbody></table></figure></div></div>
<div class="comments-wrapper"><div id="respond" class="comment-respond"><h2 id="reply-title">Leave a Reply</h2><form class="comment-form"><p class="comment-notes"><span id="email-notes">Your email address will not be published.</span> Required fields are marked <span class="required">*</span></p><textarea></textarea></form></div></div></article></main>
<footer id="site-footer" class="header-footer-group"><p>© 2020 Project</p><p>Powered by WordPress</p></footer></body></html>`,
			want:     []string{"By Amrita Dani and Chloe Asselin", para, "Boston | Black | White\nStudents | 30% | 15%"},
			unwanted: []string{"Skip to toolbar", "My Sites", "Log Out", "Skip to the content", "Leave a Reply", "Your email address", "Required fields", "Powered by", "Home"},
		},
		{
			name: "google sites", url: "http://sites.example.test/view/coalition/our-mission", platform: "google-sites",
			html: `<html><head><title>Coalition - Our Mission</title><link rel="stylesheet" href="https://ssl.gstatic.com/atari/_/ss/k=atari.vw.css"></head><body>
<div class="ZXyNgd"><a href="#h.main">Skip to main content</a><a href="#h.nav">Skip to navigation</a></div>
<header id="atIdViewHeader"><a href="/view/coalition/">Coalition</a><nav role="navigation"><ul><li><a href="/view/coalition/">Home</a></li><li><a href="/view/coalition/our-mission">Our Mission</a></li></ul></nav></header>
<div role="main" id="h.main"><section><h1>Our Mission</h1><p>` + para + `</p></section></div>
<div class="dZA9kd"><div role="menu" style="display:none"><span>Page details</span><span>Page updated</span><span><a href="https://sites.google.com/new">Google Sites</a></span><span><a href="/_/report-abuse">Report abuse</a></span></div></div></body></html>`,
			want:     []string{para},
			unwanted: []string{"Skip to main content", "Skip to navigation", "Home", "Page details", "Page updated", "Google Sites", "Report abuse"},
		},
		{
			name: "generic news site", url: "http://news.example.test/posts/spring-plans", platform: "generic",
			html: `<html><head><title>Spring plans | News</title></head><body>
<div class="cookie-banner"><p>This site uses cookies to give you the best experience. Accept or reject them in the settings.</p><button>Accept</button></div>
<div class="top-bar"><a href="/">News</a> <a href="/members/login">Members log in</a></div>
<div class="nav"><ul><li><a href="/">Home</a></li><li><a href="/posts">Posts</a></li><li><a href="/about">About us</a></li></ul></div>
<div class="wrapper"><div class="post"><h1>Spring plans</h1><p class="date">May 16, 2022</p><p>` + para + `</p><p>` + para + ` Again, with feeling.</p></div>
<div class="related-posts"><h3>More posts</h3><p><a href="/posts/x">Another post with a long title about something</a></p><p>A teaser summary of another post that is long enough to look like prose.</p></div></div>
<div class="site-footer"><p>Copyright 2024 News. All rights reserved. Contact us at the office any weekday.</p></div></body></html>`,
			want:     []string{para, "Again, with feeling."},
			unwanted: []string{"cookies", "Members log in", "Home", "About us", "More posts", "teaser summary", "Copyright"},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			page, _ := decode([]byte(tt.html), "")
			doc := build(page)
			if got := platformName(detectPlatform(readMeta(doc))); got != tt.platform {
				t.Errorf("platform = %q, want %q", got, tt.platform)
			}
			recs, err := New(Options{}).ExtractHTML(tt.url, []byte(tt.html), nil)
			if err != nil {
				t.Fatal(err)
			}
			text := Text(recs)
			for _, w := range tt.want {
				if !strings.Contains(text, w) {
					t.Errorf("text lacks %q:\n%s", w, text)
				}
			}
			for _, u := range tt.unwanted {
				if strings.Contains(text, u) {
					t.Errorf("text holds chrome %q:\n%s", u, text)
				}
			}
		})
	}
}
