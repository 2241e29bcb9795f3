// Package extract turns archived HTML captures into records: it decodes the
// page's charset, parses it, strips the page chrome (menus, headers, footers,
// sidebars, share and like widgets, comment forms, cookie banners, "READ
// MORE" links) and keeps the writing, laid out as plain text blocks.
//
// Chrome is removed in two layers. Platform rules, chosen from the markup
// (generator meta, class names, asset paths), know where Wix, WordPress.com,
// self-hosted WordPress and Google Sites put the content and the chrome. A
// generic detector handles every other page: it drops elements whose tag,
// role, class or id marks them as chrome, then picks the smallest element
// that holds nearly all of the page's prose (text in blocks with few links)
// and prunes link-heavy and boilerplate blocks inside it.
//
// The writing is then cut into records by what the page is:
//
//   - an article (JSON-LD or Open Graph article type, a dated URL path, a
//     WordPress single post) yields one post record with its title,
//     authors and publication date;
//   - a listing of dated teasers yields a page record for the listing's own
//     writing and one post record per teaser (Title, Published, Link to the
//     full post, Text the teaser's summary), so that posts can be dated
//     from the listing and matched to their own pages later;
//   - a list of organizations (headings followed by descriptions, names
//     with an "(ACRONYM)") yields one organization record per organization;
//   - a mission or about page yields a mission record, and a member list
//     on it ("Coalition Member Organizations") organization records;
//   - any other page yields one page record with its main writing.
//
// Text lays the records out again as the page's main writing.
package extract
