package archive

import "testing"

func TestSURT(t *testing.T) {
	tests := []struct {
		name string
		url  string
		want string
	}{
		{"root", "http://example.com/", "com,example)/"},
		{"no path", "http://example.com", "com,example)/"},
		{"www dropped", "http://www.bmorecaucus.test/community-partnerships", "test,bmorecaucus)/community-partnerships"},
		{"www2 dropped", "https://www2.example.com/a", "com,example)/a"},
		{"https same key", "https://example.com/", "com,example)/"},
		{"subdomains reversed", "http://wp.towson.test/urbanedemproj/", "test,towson,wp)/urbanedemproj/"},
		{"lowercased", "http://Sites.Google.TEST/View/ArosLouisville/", "test,google,sites)/view/aroslouisville/"},
		{"query sorted", "http://example.com/p?b=2&a=1&C=3", "com,example)/p?a=1&b=2&c=3"},
		{"fragment dropped", "http://example.com/p#top", "com,example)/p"},
		{"default port dropped", "http://example.com:80/x", "com,example)/x"},
		{"https default port dropped", "https://example.com:443/x", "com,example)/x"},
		{"other port kept", "http://example.com:8080/x", "com,example:8080)/x"},
		{"user info dropped", "http://user:pw@example.com/", "com,example)/"},
		{"ipv4 not reversed", "http://127.0.0.1:8080/x", "127.0.0.1:8080)/x"},
		{"ipv6", "http://[::1]/x", "[::1])/x"},
		{"escaped path kept", "http://example.com/a%20b/", "com,example)/a%20b/"},
		{"trailing dot host", "http://example.com./", "com,example)/"},
		{"not http", "mailto:Someone@example.com", "mailto:someone@example.com"},
		{"dns scheme", "dns:example.com", "dns:example.com"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := SURT(tt.url); got != tt.want {
				t.Errorf("SURT(%q) = %q, want %q", tt.url, got, tt.want)
			}
		})
	}
}
