// Package crawl fetches the sites named in a sites file with a colly
// collector: it keeps to each site's domains, honours robots.txt, waits
// between requests to a host, and hands every HTTP exchange, as sent and as
// received, to the archive before anything else reads it.
package crawl
