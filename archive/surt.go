package archive

import (
	"net"
	"net/url"
	"regexp"
	"slices"
	"strings"
)

// wwwPrefix matches the "www." (or "www2." and so on) that SURT drops from a
// host, as pywb's surt does.
var wwwPrefix = regexp.MustCompile(`^www\d*\.`)

// SURT returns the capture index key of rawURL in the form pywb uses: the
// host's labels reversed and joined with commas (an IP address is left as
// it is), "www." dropped, a port kept unless it is the scheme's default, then
// ")" and the path, with the query's arguments sorted, all lowercased; the
// scheme, user info and fragment are left out. So
// "https://www.Example.com:443/A?b=2&a=1#top" becomes "com,example)/a?a=1&b=2".
// A URL that is not http or https, or does not parse, is returned lowercased.
func SURT(rawURL string) string {
	u, err := url.Parse(strings.TrimSpace(rawURL))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		// Not a web URL (dns:, urn:, file:): as it is, but with no
		// space, which would break a CDXJ line.
		return strings.ReplaceAll(strings.ToLower(strings.TrimSpace(rawURL)), " ", "%20")
	}
	host := strings.TrimSuffix(strings.ToLower(u.Hostname()), ".")
	var key strings.Builder
	switch ip := net.ParseIP(host); {
	case ip != nil && ip.To4() == nil:
		key.WriteString("[" + host + "]")
	case ip != nil:
		key.WriteString(host)
	default:
		labels := strings.Split(wwwPrefix.ReplaceAllString(host, ""), ".")
		slices.Reverse(labels)
		key.WriteString(strings.Join(labels, ","))
	}
	if port := u.Port(); port != "" && !(u.Scheme == "http" && port == "80") && !(u.Scheme == "https" && port == "443") {
		key.WriteString(":" + port)
	}
	key.WriteString(")")
	path := u.EscapedPath()
	if path == "" {
		path = "/"
	}
	key.WriteString(strings.ToLower(path))
	if u.RawQuery != "" {
		args := strings.Split(strings.ToLower(u.RawQuery), "&")
		slices.Sort(args)
		key.WriteString("?" + strings.Join(args, "&"))
	}
	// A CDXJ line is split at spaces, so none may be left in the key.
	return strings.ReplaceAll(key.String(), " ", "%20")
}
