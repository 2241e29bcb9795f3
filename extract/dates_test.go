package extract

import (
	"slices"
	"testing"
)

func TestParseDate(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"May 16, 2022", "2022-05-16"},
		{"November 23, 2021 What challenges did districts face?", "2021-11-23"},
		{"Oct. 23rd, 2017", "2017-10-23"},
		{"Monday, May 16, 2022", "2022-05-16"},
		{"Sept 4 2019", "2019-09-04"},
		{"16 May 2022", "2022-05-16"},
		{"23rd of October, 2017", "2017-10-23"},
		{"2017-10-23T15:12:41-06:00", "2017-10-23"},
		{"2020/10/29", "2020-10-29"},
		{"10/29/2020", "2020-10-29"},
		{"Posted on 2019-02-04 by admin", "2019-02-04"},
		{"February 30, 2019", ""},
		{"13/13/2020", ""},
		{"May 2022", ""},
		{"in 1850 the school opened", ""},
		{"", ""},
		{"no date here", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := parseDate(tt.in); got != tt.want {
				t.Errorf("parseDate(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestLeadingDate(t *testing.T) {
	tests := []struct {
		in, date, rest string
	}{
		{"May 16, 2022 The National Labor Management Partnership", "2022-05-16", "The National Labor Management Partnership"},
		{"Posted on October 23, 2017", "2017-10-23", ""},
		{"Tuesday, February 4, 2019 — Northeast TURN", "2019-02-04", "Northeast TURN"},
		{"2020-10-29 | News", "2020-10-29", "News"},
		{"The meeting on May 16, 2022 went well", "", "The meeting on May 16, 2022 went well"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			date, rest := leadingDate(tt.in)
			if date != tt.date || rest != tt.rest {
				t.Errorf("leadingDate(%q) = %q, %q; want %q, %q", tt.in, date, rest, tt.date, tt.rest)
			}
		})
	}
}

func TestURLDate(t *testing.T) {
	tests := []struct {
		in, want string
	}{
		{"http://albu-core.test/2017/10/23/ucore-report-back/", "2017-10-23"},
		{"http://wp.towson.test/urbanedemproj/2020/10/29/beginnings/", "2020-10-29"},
		{"http://example.test/2019/02/some-post", "2019-02-01"},
		{"http://example.test/posts/northeast-turn", ""},
		{"http://example.test/2019/13/01/x", ""},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := urlDate(tt.in); got != tt.want {
				t.Errorf("urlDate(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

// TestDatedSlug: a post's dated URL has a slug after the date; a date
// archive's has the date alone.
func TestDatedSlug(t *testing.T) {
	for in, want := range map[string]bool{
		"http://albu-core.test/2017/10/23/ucore-report-back/":                     true,
		"https://www.npr.org/sections/health/2022/11/09/1135211525/anxiety-study": true,
		"http://example.test/2019/02/some-post":                                   true,
		"http://albu-core.test/2017/10/":                                          false,
		"http://albu-core.test/2017/10/23/":                                       false,
		"http://albu-core.test/2017/10/?page=2":                                   false,
		"http://example.test/posts/northeast-turn":                                false,
	} {
		if got := datedSlug(in); got != want {
			t.Errorf("datedSlug(%q) = %v, want %v", in, got, want)
		}
	}
}

func TestParseByline(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"By Amrita Dani and Chloe Asselin", []string{"Amrita Dani", "Chloe Asselin"}},
		{"by Jane Doe", []string{"Jane Doe"}},
		{"BY JANE DOE", []string{"JANE DOE"}},
		{"Written by Ann Cummings-Bogan", []string{"Ann Cummings-Bogan"}},
		{"Posted by Jane Doe on May 16, 2022", []string{"Jane Doe"}},
		{"By Jane Doe | May 16, 2022", []string{"Jane Doe"}},
		{"By A. Smith, B. Jones and C. Brown", []string{"A. Smith", "B. Jones", "C. Brown"}},
		{"By Jane Doe, Mary Roe, & Ruth Poe", []string{"Jane Doe", "Mary Roe", "Ruth Poe"}},
		{"Author: Jane Doe", []string{"Jane Doe"}},
		{"Authors: Jane Doe & John Roe", []string{"Jane Doe", "John Roe"}},
		{"By admin", nil},
		{"By the time the union met, the district had already decided to close three schools.", nil},
		{"Bylaws of the caucus", nil},
		{"The weekend before school started", nil},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			if got := parseByline(tt.in); !slices.Equal(got, tt.want) {
				t.Errorf("parseByline(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}
