package serve

import (
	"net/url"
	"strconv"
)

func queryEscape(s string) string { return url.QueryEscape(s) }

func itoa64(n int64) string { return strconv.FormatInt(n, 10) }
