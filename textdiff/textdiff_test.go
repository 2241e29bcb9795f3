package textdiff

import (
	"fmt"
	"strings"
	"testing"
)

func TestLines(t *testing.T) {
	tests := []struct {
		name, a, b, want string
	}{
		{"same", "x y", "x y", "=x0,0 =y1,1"},
		{"one changed", "x y z", "x Y z", "=x0,0 -y1,-1 +Y-1,1 =z2,2"},
		{"added at the end", "x", "x y", "=x0,0 +y-1,1"},
		{"from nothing", "", "x", "+x-1,0"},
		{"to nothing", "x", "", "-x0,-1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, e := range Lines(strings.Fields(tt.a), strings.Fields(tt.b)) {
				got = append(got, fmt.Sprintf("%c%s%d,%d", "=-+"[e.Op], e.Text, e.A, e.B))
			}
			if s := strings.Join(got, " "); s != tt.want {
				t.Errorf("got %s, want %s", s, tt.want)
			}
		})
	}
}
