package extract

import (
	"regexp"
	"strings"
)

var (
	// "United Caucuses of Rank-and-File Educators (UCORE)"
	acronymRE = regexp.MustCompile(`^(.{3,}?)\s*\(([A-Z][A-Za-z0-9&.'\-]{1,14})\)\s*[:.]?$`)
	// headings and titles of pages that list organizations
	orgTopicRE = regexp.MustCompile(`(?i)\b(partners?|partnerships?|members?|membership|affiliates?|coalitions?|caucuses|organizations|organisations|allies|endorsers?|supporters|network)\b`)
	// headings of a list of member organizations
	memberListRE = regexp.MustCompile(`(?i)\b(member|members|partner|partners|affiliates?|endorsers?|endorsing|supporters?|supporting|allies|allied)\b.*\b(organi[sz]ations?|groups?|unions?|caucuses|members|partners)\b|^(?:our\s+)?(?:members|partners|member organi[sz]ations|coalition members|endorsers|allies)$`)
)

// orgSection is an organization named by a heading and described by the
// blocks under it.
type orgSection struct {
	first, last int // heading block and last description block
	name        string
	acronym     string
	link        string
}

// splitAcronym splits "Name (ACR)" into the name and the acronym.
func splitAcronym(s string) (name, acronym string) {
	if m := acronymRE.FindStringSubmatch(strings.TrimSpace(s)); m != nil {
		return strings.TrimSpace(m[1]), m[2]
	}
	return strings.TrimSpace(s), ""
}

// nameLike reports whether a heading reads as a name rather than a
// sentence or a section label.
func nameLike(s string) bool {
	w := len(strings.Fields(s))
	return w >= 1 && w <= 14 && !strings.HasSuffix(s, "?") && !strings.HasSuffix(s, ".")
}

// findOrgSections finds a listing of organizations: headings naming an
// organization, each followed by description paragraphs. It needs two or
// more headings with an "(ACRONYM)", or, on a page about partners or
// members, two or more name-like headings with a description of 15 words
// or more; else it returns nil.
func findOrgSections(blocks []block, topic bool) []orgSection {
	var secs []orgSection
	withAcronym := 0
	for i := 0; i < len(blocks); i++ {
		b := blocks[i]
		if !headingLike(b) || !nameLike(b.text) {
			continue
		}
		last := i
		words := 0
		for j := i + 1; j < len(blocks) && !headingLike(blocks[j]); j++ {
			last = j
			words += blocks[j].words()
		}
		if last == i {
			continue
		}
		name, acr := splitAcronym(b.text)
		if acr == "" && (!topic || words < 15) {
			continue
		}
		if acr != "" {
			withAcronym++
		}
		secs = append(secs, orgSection{first: i, last: last, name: name, acronym: acr, link: b.href})
		i = last
	}
	if withAcronym >= 2 || (topic && len(secs) >= 2) {
		return secs
	}
	return nil
}

// headingLike reports whether a block heads a section: a heading, or a
// short paragraph all in bold.
func headingLike(b block) bool {
	return b.kind == blockHeading || (b.kind == blockPara && b.bold && b.words() <= 14)
}

// memberList is a heading announcing member organizations and the list
// items naming them.
type memberList struct {
	heading     int // the heading block
	first, last int // the items
}

// findMemberLists finds headings such as "Coalition Member Organizations"
// followed by two or more list items or short lines naming organizations.
func findMemberLists(blocks []block) []memberList {
	var out []memberList
	for i, b := range blocks {
		if !headingLike(b) || !memberListRE.MatchString(strings.TrimRight(b.text, ": ")) {
			continue
		}
		last := i
		for j := i + 1; j < len(blocks); j++ {
			nb := blocks[j]
			if nb.kind != blockItem && !(nb.kind == blockPara && nb.words() <= 12 && !strings.HasSuffix(nb.text, ".")) {
				break
			}
			last = j
		}
		if last-i >= 2 {
			out = append(out, memberList{heading: i, first: i + 1, last: last})
		}
	}
	return out
}

// memberName splits a member list item into the organization's name and
// what the item says of it ("Name - description", "Name: description").
func memberName(item string) (name, desc string) {
	item = strings.TrimSpace(strings.TrimPrefix(item, "- "))
	for _, sep := range []string{" – ", " — ", " - ", ": "} {
		if i := strings.Index(item, sep); i > 0 && len(strings.Fields(item[:i])) <= 12 {
			return strings.TrimSpace(item[:i]), strings.TrimSpace(item[i+len(sep):])
		}
	}
	return item, ""
}

// missionTitleRE matches the titles of mission and about pages.
var missionTitleRE = regexp.MustCompile(`(?i)^(?:our\s+)?(?:mission(?:\s+(?:statement|and vision|& vision))?|vision(?: and mission| & mission)?|purpose|about(?:\s+us)?|who we are|what we (?:do|believe|stand for)|our (?:story|values|principles|platform|goals))$`)

// isMissionTitle reports whether a page or heading title names a mission
// or about page.
func isMissionTitle(s string) bool {
	return missionTitleRE.MatchString(strings.TrimSpace(strings.TrimRight(s, ":.!")))
}
