package archive

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// revisitProfiles are the WARC-Profile values of revisit records this
// package understands.
var revisitProfiles = map[string]bool{
	ProfileIdenticalPayload: true, ProfileServerNotModified: true,
	profileIdenticalPayload10: true, profileNotModified10: true,
}

// knownProfile reports whether a WARC-Profile names a revisit this
// package understands: the profiles of WARC/1.1 and 1.0, or of the drafts
// before (0.17, 0.18, which older Wayback tools wrote), or Internet
// Archive's uri-agnostic-identical-payload-digest.
func knownProfile(p string) bool {
	if revisitProfiles[p] {
		return true
	}
	rest, ok := strings.CutPrefix(p, "http://netpreserve.org/warc/")
	if !ok {
		return false
	}
	_, name, _ := strings.Cut(rest, "/revisit/")
	switch name {
	case "identical-payload-digest", "server-not-modified", "uri-agnostic-identical-payload-digest":
		return true
	}
	return false
}

// original is what Check keeps of a response record for the revisits that
// may stand on it.
type original struct {
	uri     string
	date    time.Time
	payload string // its WARC-Payload-Digest, or the SHA-1 of its payload
}

// pendingRevisit is a revisit record Check has met, to be matched with its
// original once every file is read.
type pendingRevisit struct {
	file                string
	offset              int64
	uri, profile, refID string
	refURI              string
	refDate             time.Time
	digest              string
}

// revisits collects responses and revisits across the files Check reads.
type revisits struct {
	byID    map[string]original
	byURI   map[string][]original
	pending []pendingRevisit
}

func newRevisits() *revisits {
	return &revisits{byID: map[string]original{}, byURI: map[string][]original{}}
}

// note records a response (as a possible original) or a revisit.
func (rv *revisits) note(s scanned, file string) {
	h := s.rec.Header
	switch s.rec.Type() {
	case TypeResponse:
		o := original{uri: s.rec.TargetURI(), payload: h.Get("WARC-Payload-Digest")}
		o.date, _ = s.rec.Date()
		if p, ok := payloadOf(s); ok && o.payload == "" {
			o.payload = sha1Digest(p)
		}
		rv.byID[s.rec.ID()] = o
		rv.byURI[o.uri] = append(rv.byURI[o.uri], o)
	case TypeRevisit:
		p := pendingRevisit{file: file, offset: s.rec.Offset, uri: s.rec.TargetURI(),
			profile: h.Get("WARC-Profile"), refID: h.Get("WARC-Refers-To"),
			refURI: cleanURI(h.Get("WARC-Refers-To-Target-URI")), digest: h.Get("WARC-Payload-Digest")}
		if v := h.Get("WARC-Refers-To-Date"); v != "" {
			p.refDate, _ = parseWARCDate(v)
		}
		rv.pending = append(rv.pending, p)
	}
}

// problems returns, for each revisit, what keeps it from its original;
// a revisit of an imported file (see imported) whose original is not in
// the archive at all goes in waiting instead: it is resolved when a file
// holding its original is imported.
func (rv *revisits) problems(imported map[string]bool) (ps, waiting []Problem) {
	for _, p := range rv.pending {
		err := rv.resolve(p)
		if err == nil {
			continue
		}
		pr := Problem{File: p.file, Offset: p.offset, Err: fmt.Errorf("%w: revisit of %s: %w", ErrRevisit, p.uri, err)}
		if imported[p.file] && errors.Is(err, errNoOriginal) {
			waiting = append(waiting, pr)
		} else {
			ps = append(ps, pr)
		}
	}
	return ps, waiting
}

// errNoOriginal means the archive holds nothing a revisit could stand on.
var errNoOriginal = errors.New("original not in the archive")

// resolve finds p's original and checks that it is the one p describes.
func (rv *revisits) resolve(p pendingRevisit) error {
	if !knownProfile(p.profile) {
		return fmt.Errorf("unknown WARC-Profile %q", p.profile)
	}
	uri := p.refURI
	if uri == "" {
		uri = p.uri
	}
	var o original
	var ok bool
	if p.refID != "" {
		if o, ok = rv.byID[p.refID]; !ok {
			return fmt.Errorf("WARC-Refers-To %s names no response record of the archive: %w", p.refID, errNoOriginal)
		}
	} else {
		for _, c := range rv.byURI[uri] {
			if (!p.refDate.IsZero() && c.date.Equal(p.refDate)) || (p.refDate.IsZero() && sameDigest(c.payload, p.digest)) {
				o, ok = c, true
				break
			}
		}
		if !ok {
			return fmt.Errorf("no response of %s it could stand on: %w", uri, errNoOriginal)
		}
	}
	switch {
	case o.uri != uri:
		return fmt.Errorf("original is of %s, not %s", o.uri, uri)
	case !p.refDate.IsZero() && !o.date.Equal(p.refDate):
		return fmt.Errorf("original dated %s, WARC-Refers-To-Date %s", o.date.Format(time.RFC3339Nano), p.refDate.Format(time.RFC3339Nano))
	case p.digest != "" && !sameDigest(o.payload, p.digest):
		return fmt.Errorf("WARC-Payload-Digest %s, original's payload %s", p.digest, o.payload)
	}
	return nil
}

// sameDigest compares two labelled digests ("sha1:BASE32"). Digests of
// different algorithms cannot be compared and count as the same.
func sameDigest(a, b string) bool {
	algA, _, _ := strings.Cut(a, ":")
	algB, _, _ := strings.Cut(b, ":")
	if !strings.EqualFold(algA, algB) {
		return true
	}
	return strings.EqualFold(a, b)
}
