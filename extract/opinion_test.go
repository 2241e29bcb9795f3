package extract

import (
	"fmt"
	"strings"
	"testing"
)

// TestSecondOpinion checks that a line of other stories' headlines (links
// only, in a language no rule of ours names, under a class name that says
// nothing) inside an article's own container is left out when
// readability's choice of body agrees on the rest, and that the article's
// writing stays whole.
func TestSecondOpinion(t *testing.T) {
	rail := `<div class="x9">`
	headlines := []string{
		"Bundesregierung plant neue Regeln für die Bildungsfinanzierung der Länder im kommenden Jahr",
		"Lehrkräfte in Sachsen streiken für kleinere Klassen und bessere Arbeitsbedingungen an Schulen",
		"Gewerkschaft fordert mehr Mitsprache der Beschäftigten bei der Digitalisierung des Unterrichts",
		"Kommunen klagen über fehlende Mittel für die Sanierung maroder Schulgebäude in vielen Städten",
	}
	for i, h := range headlines {
		rail += ` <a href="/artikel/` + string(rune('a'+i)) + `">` + h + `</a>`
	}
	rail += `</div>`
	page := `<html><head><title>A long story</title>
<script type="application/ld+json">{"@type":"NewsArticle","headline":"A long story","datePublished":"2024-03-01"}</script>
</head><body><div id="wrap"><h1>A long story</h1><div class="body">` +
		strings.Repeat("<p>"+para+"</p>", 6) + rail + `</div></div></body></html>`
	recs, err := New(Options{}).ExtractHTML("http://news.test/2024/03/01/story", []byte(page), nil)
	if err != nil {
		t.Fatal(err)
	}
	text := Text(recs)
	if strings.Count(text, para) != 6 {
		t.Errorf("the writing is not whole: %d of 6 paragraphs", strings.Count(text, para))
	}
	for _, h := range headlines {
		if strings.Contains(text, h) {
			t.Errorf("another story's headline %q kept in the article's text", h)
		}
	}
}

// TestSecondOpinion_blocks checks the two ways the second opinion changes
// our choice of an article's blocks beyond keeping what both agree on.
func TestSecondOpinion_blocks(t *testing.T) {
	paras := make([]string, 10)
	for i := range paras {
		paras[i] = fmt.Sprintf("Paragraph %d of the essay. %s %s", i+1, para, para)
	}
	article := "<article><h1>The story of the strike</h1>"
	for i, p := range paras {
		article += "<p>" + p + "</p>"
		if i%3 == 2 {
			article += `<figure><img src="/p` + fmt.Sprint(i) + `.jpg"><figcaption>A picture</figcaption></figure>`
		}
	}
	article += "</article>"
	blocksOf := func(markup string) []block {
		return clean((&renderer{}).run(bodyOf(buildMarkup(markupOf(markup)))))
	}
	ask := func(page string, ours []block) string {
		a := &analysis{url: "http://news.test/story", markup: markupOf(page)}
		return joinBlocks(a.secondOpinion(ours))
	}

	t.Run("our part of a longer article", func(t *testing.T) {
		page := "<html><body>" + article + "</body></html>"
		ours := blocksOf("<p>" + paras[8] + "</p><p>" + paras[9] + "</p>") // one section, after the pictures
		got := ask(page, ours)
		for _, p := range paras {
			if !strings.Contains(got, p) {
				t.Errorf("the article's %.14q is missing from %.300q", p, got)
			}
		}
	})

	t.Run("rails before and after the article", func(t *testing.T) {
		var player, more strings.Builder
		player.WriteString("<ul class=\"q1\">")
		for i := 0; i < 120; i++ {
			fmt.Fprintf(&player, "<li>Option %d</li>", i)
		}
		player.WriteString("</ul>")
		more.WriteString("<div class=\"q2\">")
		for i := 0; i < 12; i++ {
			fmt.Fprintf(&more, `<p><a href="/other/%d">Another story, number %d, about the school board's budget and the vote that comes</a></p>`, i, i)
		}
		more.WriteString("</div>")
		page := "<html><body>" + player.String() + article + more.String() + "</body></html>"
		got := ask(page, blocksOf("<div>"+player.String()+article+more.String()+"</div>"))
		for _, p := range paras {
			if !strings.Contains(got, p) {
				t.Errorf("the article's %.14q is missing", p)
			}
		}
		for _, chrome := range []string{"Option 7", "Another story, number 3"} {
			if strings.Contains(got, chrome) {
				t.Errorf("%q kept beside the article", chrome)
			}
		}
	})

	t.Run("a short article its markup types among long rails", func(t *testing.T) {
		var player, more strings.Builder
		player.WriteString("<ul class=\"q1\">")
		for i := 0; i < 150; i++ {
			fmt.Fprintf(&player, "<li>Option %d</li><li>Caucus</li>", i)
		}
		player.WriteString("</ul>")
		more.WriteString("<div class=\"q2\">")
		for i := 0; i < 14; i++ {
			fmt.Fprintf(&more, `<p><a href="/other/%d">Summary %d: the district moved its budget hearing to the spring, and parents asked again why the school nurse was cut</a></p>`, i, i)
		}
		more.WriteString("</div>")
		typed := `<div itemscope itemtype="https://schema.org/NewsArticle"><h1>The story of the strike</h1>`
		for _, p := range paras[:4] {
			typed += "<p>" + p + "</p>"
		}
		typed += "</div>"
		page := "<html><body>" + player.String() + typed + more.String() + "</body></html>"
		got := ask(page, blocksOf("<div>"+player.String()+typed+more.String()+"</div>"))
		for _, p := range paras[:4] {
			if !strings.Contains(got, p) {
				t.Errorf("the article's %.14q is missing", p)
			}
		}
		for _, chrome := range []string{"Option 7", "Caucus\n", "Summary 3:"} {
			if strings.Contains(got, chrome) {
				t.Errorf("%q kept beside the article", chrome)
			}
		}
	})
}
