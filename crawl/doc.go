// Package crawl fetches the sites named in a sites file with a colly
// collector: it gives each URL to the site whose seeds or include patterns
// claim it best (Sites.SiteFor), keeps to that site's scope (and fetches
// the requisites of its pages wherever they are), honours robots.txt as
// RFC 9309 reads it, waits between requests to a host, and hands every
// HTTP exchange, as sent and as received, to the archive before anything
// else reads it. Its report names every URL it failed to fetch or chose
// not to, with why; an archive that cannot take an exchange (a full disk)
// stops it at once.
//
// # Crawl context
//
// Each exchange goes to the archive with its crawl context, which the
// archive keeps in a metadata record beside the response (none beside a
// revisit: a 304 or an unchanged payload), as Heritrix does:
//
//   - via: the URL of the page whose link led here, or of the redirect that
//     did; for a sitemap named by robots.txt, that robots.txt. A seed, a
//     robots.txt and a /sitemap.xml tried where robots.txt names none have
//     no via.
//   - hopsFromSeed: the hop path from the seed, one letter per hop, as in
//     Heritrix: L a link (anchors, frames, <link rel=canonical, next, prev,
//     alternate>, and the URLs a sitemap or feed lists, which are links to
//     pages too: X, Heritrix's letter for links guessed from scripts, is not
//     used), E a requisite (image, script, stylesheet, icon, media),
//     R a redirect, I a sitemap (named by robots.txt or tried at
//     /sitemap.xml) and P robots.txt. A seed's path is empty, a link of a
//     link's "LL", the page a link of the seed redirects to "LR". A path
//     keeps its last 50 hops: a longer one is written as the number of hops
//     cut, '+', and the last 50 letters ("3+LLL…").
//   - fetchTimeMs: from sending the request to having the whole body.
//   - outlink: one field per link and requisite found on a 2xx page or
//     sitemap, whether or not it is in scope or fetched, as Heritrix writes
//     it, "URL HOP CONTEXT": the absolute URL normalized as the crawler keys
//     on it (Normalize), L for a link or E for a requisite, and the element
//     and attribute it stands in ("a/@href", "img/@src", "link/@href"; the
//     first, for a URL linked twice); links first in document order, then
//     requisites, each URL and letter once. A sitemap's or feed's links have
//     no context ("URL L"). Only http and https URLs are listed (not mailto:,
//     javascript:, data:). A redirect lists its Location as "URL R".
//
// The recorder finds a page's links once, on the decoded body, for both the
// metadata record and the frontier; the frontier keeps each queued URL's via
// and hop path until the URL is finished.
package crawl
