package archive

import (
	"fmt"
)

// referent is the earlier capture a revisit record stands on.
type referent struct {
	profile string     // WARC-Profile of the revisit
	entry   Entry      // the original response's index entry
	info    recordInfo // its record ID and exact date
	digest  string     // payload digest the revisit carries
	block   [][]byte   // the revisit's block
}

// recordInfo is what a revisit names of its original: WARC-Record-ID and
// WARC-Date, which the index does not keep.
type recordInfo struct {
	id   string
	date string
}

// referent decides whether ex is a revisit: a 304 Not Modified stands on the
// URL's latest full capture (server-not-modified profile); a complete
// response whose payload digest matches an earlier full capture of the same
// URL stands on the oldest such capture (identical-payload-digest profile),
// and its block is the response head only. Otherwise it returns nil and a
// full response is written.
func (a *Archive) referent(p *exchangeParts, ex *Exchange) *referent {
	if ex.Truncated != "" {
		return nil
	}
	var ref *referent
	es, err := a.idx.lookup(p.key)
	if err != nil {
		// Without the earlier captures, keep the body.
		a.log.Warn("capture index unreadable; writing a full response", "url", ex.URL, "error", err)
		return nil
	}
	if p.resp.Status == 304 {
		for i := len(es) - 1; i >= 0; i-- {
			if !es[i].Revisit() {
				ref = &referent{profile: ProfileServerNotModified, entry: es[i], digest: es[i].Digest, block: p.block}
				break
			}
		}
	} else {
		for _, e := range es {
			if !e.Revisit() && e.Digest == p.payload {
				ref = &referent{profile: ProfileIdenticalPayload, entry: e, digest: p.payload, block: [][]byte{p.head}}
				break
			}
		}
	}
	if ref == nil {
		return nil
	}
	info, err := a.recordInfo(ref.entry)
	if err != nil {
		// A revisit must lead to its original; without it, keep the body.
		a.log.Warn("original capture unreadable; writing a full response", "url", ex.URL,
			"warc_file", ref.entry.File, "warc_offset", ref.entry.Offset, "error", err)
		return nil
	}
	ref.info = info
	return ref
}

// maxInfos bounds the record IDs and dates remember keeps: those of the
// responses written last, which a revisit in the same crawl (a page
// fetched again under another URL of the same SURT key) most likely names.
// Older ones are read from their WARC file when a revisit needs them.
const maxInfos = 4096

// remember keeps the record ID and date of a response just written, for
// revisits of it.
func (a *Archive) remember(loc location, info recordInfo) {
	a.infoMu.Lock()
	defer a.infoMu.Unlock()
	if len(a.infos) >= maxInfos {
		clear(a.infos)
	}
	a.infos[loc] = info
}

// recordInfo returns the record ID and date of the response an entry points
// at, reading its header from the WARC file when it was written before this
// Archive was opened.
func (a *Archive) recordInfo(e Entry) (recordInfo, error) {
	loc := location{e.File, e.Offset}
	a.infoMu.Lock()
	info, ok := a.infos[loc]
	a.infoMu.Unlock()
	if ok {
		return info, nil
	}
	rec, f, err := a.recordAt(e.File, e.Offset)
	if err != nil {
		return recordInfo{}, err
	}
	f.Close()
	if rec.Type() != TypeResponse {
		return recordInfo{}, fmt.Errorf("%s offset %d: want a response record, found %q", e.File, e.Offset, rec.Type())
	}
	info = recordInfo{id: rec.ID(), date: rec.Header.Get("WARC-Date")}
	a.remember(loc, info)
	return info, nil
}
