package extract

import (
	"strings"
	"testing"
)

func TestRender(t *testing.T) {
	tests := []struct {
		name string
		html string
		want string // blocks joined by "|"
	}{
		{"paragraphs and headings", "<h1>Title</h1><p>One  two\n three.</p><h2>Sub</h2><p>Four.</p>", "Title|One two three.|Sub|Four."},
		{"list items", "<ul><li>a</li><li><p>b</p></li></ul><ol><li>c</li></ol>", "- a|- b|- c"},
		{"nested lists", "<ul><li>a<ul><li>b</li></ul></li></ul>", "- a|- b"},
		{"inline text around blocks", "<div>intro <p>para</p> outro</div>", "intro|para|outro"},
		{"line breaks, two ending a paragraph", "<p>one<br>two<br> <br>three</p>", "one\ntwo|three"},
		{"data table", "<table><tr><th>A</th><th>B</th></tr><tr><td>1</td><td>2</td></tr></table>", "A | B\n1 | 2"},
		{"table caption", "<table><caption>Cap</caption><tr><td>1</td><td>2</td></tr></table>", "Cap|1 | 2"},
		{"layout table", "<table><tr><td><p>" + para + "</p><p>" + para + "</p></td><td><p>side</p></td></tr></table>", para + "|" + para + "|side"},
		{"single column table", "<table><tr><td>row one</td></tr><tr><td>row two</td></tr></table>", "row one|row two"},
		{"preformatted", "<pre>  a\n\tb  \n\n</pre>", "  a\n\tb"},
		{"no-break spaces", "<p>a&nbsp;&nbsp;b</p>", "a b"},
		{"scripts and buttons skipped", "<p>a<script>x</script><button>Menu</button>b</p>", "ab"},
		{"accordion question kept", "<div><button>Who is this course for?</button><div><p>Teachers.</p></div></div>", "Who is this course for?|Teachers."},
		{"read more link", `<p>Summary. <a href="/post">READ MORE</a></p>`, "Summary."},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var got []string
			for _, b := range render(bodyOf(build(tt.html))) {
				got = append(got, b.text)
			}
			if g := strings.Join(got, "|"); g != tt.want {
				t.Errorf("render = %q, want %q", g, tt.want)
			}
		})
	}
}

func TestRender_Links(t *testing.T) {
	blocks := render(bodyOf(build(`<h3><a href="/p">A post title</a></h3><p>May 1, 2020 A summary. <a href="/p">Continue reading <span>A post title</span></a></p>` +
		`<p><b>Bold name</b></p><p>Some <b>bold</b> words</p>`)))
	if len(blocks) != 4 {
		t.Fatalf("got %d blocks, want 4", len(blocks))
	}
	if got := blocks[0]; got.href != "/p" || got.linkDensity() != 1 || got.links != 1 {
		t.Errorf("title block: href %q, density %.2f, links %d", got.href, got.linkDensity(), got.links)
	}
	if got := blocks[1]; got.more != "/p" || got.text != "May 1, 2020 A summary." {
		t.Errorf("summary block: more %q, text %q", got.more, got.text)
	}
	if !blocks[2].bold || blocks[3].bold {
		t.Errorf("bold = %v, %v; want true, false", blocks[2].bold, blocks[3].bold)
	}
}
