package archive

import "testing"

// TestDechunk removes chunked codings as servers send them, right or
// wrong, as warcio reads them.
func TestDechunk(t *testing.T) {
	const page = "<p>Caucus news: the strike vote passed.</p>"
	tests := []struct {
		name, in, want string
		exact          bool
	}{
		{"exact", "5\r\n<p>Ca\r\n26\r\nucus news: the strike vote passed.</p>\r\n0\r\n\r\n", page, true},
		{"extension and trailer", "5;name=x\r\n<p>Ca\r\n26\r\nucus news: the strike vote passed.</p>\r\n0\r\nX-Trailer: 1\r\n\r\n", page, true},
		{"bare LF", "5\n<p>Ca\n26\nucus news: the strike vote passed.</p>\n0\n\n", page, true},
		{"not chunked after all", page, page, false},
		{"cut short", "5\r\n<p>Ca\r\n26\r\nucus news: the", "<p>Caucus news: the", false},
		{"size too small", "3\r\n<p>Ca\r\n26\r\nucus news: the strike vote passed.</p>\r\n0\r\n\r\n", page, false},
		{"size too large", "8\r\n<p>Ca\r\n26\r\nucus news: the strike vote passed.</p>\r\n0\r\n\r\n", page, false},
		{"characters counted, not bytes", "3\r\nné \r\n3\r\nvé!\r\n0\r\n\r\n", "né vé!", false},
		{"last size wrong", "5\r\n<p>Ca\r\n99\r\nucus news: the strike vote passed.</p>\r\n0\r\n\r\n", page, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, exact := dechunk([]byte(tt.in))
			if string(got) != tt.want || exact != tt.exact {
				t.Errorf("dechunk(%q) = %q, exact %v; want %q, exact %v", tt.in, got, exact, tt.want, tt.exact)
			}
		})
	}
}
