package extract

import (
	"rankfile/record"
)

// sections returns the records of a page that is neither an article nor a
// listing: organizations (from a listing of them or a member list), a
// mission, and a page record for the rest of the writing.
func (a *analysis) sections() []record.Record {
	used := make([]bool, len(a.blocks))
	var parts []part
	for _, s := range findOrgSections(a.blocks, a.orgTopic()) {
		body := a.blocks[s.first+1 : s.last+1]
		for j := s.first; j <= s.last; j++ {
			used[j] = true
		}
		parts = append(parts, part{at: s.first, rec: record.Record{
			Kind: record.KindOrganization, URL: a.url, Title: s.name, Acronym: s.acronym,
			Link: a.resolve(s.link), Text: joinBlocks(body), Markdown: joinMarkdown(body),
		}})
	}
	lists := findMemberLists(a.blocks)
	for _, l := range lists {
		for j := l.first; j <= l.last; j++ {
			if used[j] {
				continue
			}
			used[j] = true
			name, desc := memberName(a.blocks[j].text)
			name, acr := splitAcronym(name)
			parts = append(parts, part{at: j, rec: record.Record{
				Kind: record.KindOrganization, URL: a.url, Title: name, Acronym: acr,
				Link: a.resolve(a.blocks[j].href), Text: desc, Markdown: escapeLineStartText(desc),
			}})
		}
	}
	if p, ok := a.mission(used, lists); ok {
		parts = append(parts, p)
	}
	parts = append(parts, a.rest(used)...)
	return a.finish(parts)
}

// orgTopic reports whether the page is about partners, members or a
// network of organizations, by its title or its first heading.
func (a *analysis) orgTopic() bool {
	if orgTopicRE.MatchString(a.title) {
		return true
	}
	for _, b := range a.blocks {
		if b.kind == blockHeading {
			return orgTopicRE.MatchString(b.text)
		}
	}
	return false
}

// mission returns the page's mission record: on a page titled as a mission
// or about page, its writing up to the first member list; elsewhere the
// section under a heading such as "Our Mission".
func (a *analysis) mission(used []bool, lists []memberList) (part, bool) {
	head := -1
	for i, b := range a.blocks {
		if headingLike(b) && isMissionTitle(b.text) && !used[i] {
			head = i
			break
		}
	}
	pageWide := isMissionTitle(a.title) || isMissionTitle(lastPathSegment(a.url))
	if head < 0 && !pageWide {
		return part{}, false
	}
	start, end := 0, len(a.blocks)
	title := a.title
	if head >= 0 {
		start, title = head+1, a.blocks[head].text
		if !pageWide {
			for j := start; j < len(a.blocks); j++ {
				if headingLike(a.blocks[j]) && a.blocks[j].kind == blockHeading && a.blocks[j].level <= a.blocks[head].level {
					end = j
					break
				}
			}
		}
	}
	for _, l := range lists {
		if l.heading >= start && l.heading < end {
			end = l.heading
		}
	}
	var body []block
	for j := start; j < end; j++ {
		if !used[j] {
			used[j] = true
			body = append(body, a.blocks[j])
		}
	}
	if head >= 0 {
		used[head] = true
	}
	if len(body) == 0 {
		return part{}, false
	}
	at := start
	if head >= 0 {
		at = head
	}
	return part{at: at, main: true, rec: record.Record{
		Kind: record.KindMission, URL: a.url, Title: title, Organization: a.site, Text: joinBlocks(body),
		Markdown: joinMarkdown(body),
	}}, true
}
