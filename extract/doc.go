// Package extract turns archived HTML captures into records: it decodes the
// page's charset, builds its tree, strips the page chrome (menus, headers,
// footers, sidebars, share and like widgets, comment forms, cookie banners,
// related posts, "READ MORE" links) and keeps the writing, laid out as
// plain text blocks: paragraphs, headings and list items ("- ") each a
// block, a blank line between blocks, tables a row a line with cells
// separated by " | ". Each record also holds its writing as Markdown
// (markdown.go): headings, nested and numbered lists, pipe tables, block
// quotes, emphasis and links made absolute.
//
// Charset: a byte order mark, else the Content-Type header's charset, else
// a <meta charset> (unless the body is valid UTF-8 with non-ASCII text: a
// page converted to UTF-8 that kept its old declaration), else UTF-8 when
// the bytes are valid UTF-8, else windows-1252. The output is always valid
// UTF-8.
//
// The tree is built by a lenient builder over golang.org/x/net/html's
// tokenizer (build.go): it keeps the same text as html.Parse (a test checks
// this on real pages) at about twice its speed and has no nesting limit.
// Scripts and style sheets are dropped before tokenizing; <noscript> is
// read as content only on pages whose writing is only there.
//
// Chrome is removed in two layers. Platform rules, chosen from the markup
// (generator meta, asset paths, Wix's #SITE_CONTAINER), know where Wix,
// WordPress.com, self-hosted WordPress, Blogger, Squarespace, NationBuilder,
// Drupal and Google Sites put the writing, which of their elements are
// chrome and, where the generic rules miss them, their bylines. A generic detector handles every
// page: it drops elements whose tag, role, class or id marks them as chrome
// (unless they hold most of the page's prose), picks the deepest element
// holding nearly all of the page's prose (text outside links, and long
// link texts such as teasers), and prunes chrome phrases, menu-like runs of
// links, related-posts sections and newsletter calls inside it.
//
// An article's blocks then get a second opinion, as trafilatura takes
// readability's and jusText's: go-readability picks the article's body on
// its own, and where the two agree on most of the writing, the blocks
// readability leaves out (link runs, captions, rails beside the body) are
// dropped (opinion.go).
//
// The writing is then cut into records by what the page is:
//
//   - an article (JSON-LD article types, WordPress's single-post body
//     class; or og:type article, a dated URL or a visible date, with a date
//     known) yields one post record with its title, authors and publication
//     date; its Text is the body without the title;
//   - a blog index or archive (several <article> or .hentry entries, or a
//     WordPress listing body class) and a listing of dated teasers (a title
//     followed by a date) yield one post record per entry or teaser (Title,
//     Published, Authors where given, Link to the full post, Text the
//     excerpt or summary as written, date included), and a page record for
//     the listing's own writing if it has any;
//   - a list of organizations (headings followed by descriptions, names
//     with an "(ACRONYM)", or name-like headings on a page about partners or
//     members) yields one organization record each (Title the name, Acronym,
//     Link, Text the description);
//   - a mission or about page, or a section headed "Our Mission", yields a
//     mission record (Organization the site's name), and a member list under
//     a heading such as "Coalition Member Organizations" yields organization
//     records;
//   - whatever writing no other record takes is one page record.
//
// Authors come from JSON-LD (people given by @id resolved), meta tags,
// byline markup and, last, author-named elements and links to author
// pages; publication dates from go-htmldate (the field's date finder, in
// its fast mode, no date after the capture's), then the page's JSON-LD,
// meta tags, URL and date lines, and for a longer page that none dates,
// htmldate's extensive search (guessdate.go). A page record carries the
// authors its head declares and its date.
//
// Every field of a record is plain text without control characters, and
// a record's text and Markdown are bounded (maxText), so a hostile page
// cannot make a record its readers choke on; the libraries asked for a
// second opinion or a date see only pages of bounded markup.
//
// What the page says about itself fills in the records (meta.go,
// jsonld.go, tags.go, language.go, describe.go): every record gets the
// page's language (declared by <html lang>, Content-Language, JSON-LD or
// og:locale, unless its stopwords clearly say another; guessed from them
// when undeclared) and canonical URL (link rel=canonical, else og:url);
// the page's own writing (its post, page or mission record) gets its
// modification date and its tags and categories (article:tag, JSON-LD
// keywords and sections, else the tag links beside the post), and its
// description as summary; other records are summarized by their first
// sentences. Reader comments (comments.go) are read before the chrome is
// pruned and kept in the post's Comments, never in its text. With
// Options.Organizations, posts, pages and missions list the organizations
// they name in Mentions (mentions.go).
//
// Text lays a page's records out again as its main writing. Over the
// records of a whole archive, ResolveTeasers dates undated posts from the
// teasers linking to them and drops the teasers of archived posts, and
// Dedupe keeps one record per page and content version (archive.go).
package extract
