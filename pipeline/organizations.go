package pipeline

import (
	"crypto/sha1"
	"encoding/hex"
	"fmt"
	"slices"

	"rankfile/extract"
	"rankfile/index"
	"rankfile/record"
	"rankfile/store"
)

// The organizations whose names the extractor finds in the writing: those
// named in the archive (organization records, kept in the store as found)
// and the sites file's.

// known returns the organizations to find in the writing: those named in
// the archive, then the sites file's.
func (d *deriver) known() []extract.Organization {
	orgs := slices.Clone(d.orgs)
	if d.sites != nil {
		for _, s := range d.sites.Sites {
			orgs = append(orgs, extract.Organization{Name: s.Name, Acronym: s.Acronym})
		}
	}
	return orgs
}

func orgsDigest(orgs []extract.Organization) string {
	h := sha1.New()
	for _, o := range orgs {
		fmt.Fprintf(h, "%s\x00%s\x00", o.Name, o.Acronym)
	}
	return hex.EncodeToString(h.Sum(nil))
}

// found adds an organization found in the archive to those looked for.
func (d *deriver) found(o extract.Organization) {
	d.mu.Lock()
	defer d.mu.Unlock()
	d.orgs = append(d.orgs, o)
	d.grew = true
	d.ex = extract.New(extract.Options{Logger: d.p.logger(), Organizations: d.known()})
}

// mentionsMeta names the store's note of the organizations its records'
// mentions were found against.
const mentionsMeta = "mentions-of"

// remention finds the mentions of all records anew, in short
// transactions, when the organizations looked for are not those the
// records were read against: an organization found during this run, or a
// sites file changed.
func (d *deriver) remention() error {
	final := d.known()
	digest := orgsDigest(final)
	var before string
	var count int
	if err := d.st.View(d.ctx, func(tx *store.Tx) error {
		before, _ = tx.Meta(mentionsMeta)
		var err error
		count, err = tx.Count()
		return err
	}); err != nil {
		return err
	}
	stale := d.grew || (before != digest && before != "") || (before == "" && d.start != digest)
	if stale && count > 0 {
		var bar *counterBar
		if d.p.Progress != nil {
			bar = newCounterBar(d.p.Progress, "mentions", "records")
		}
		var after uint64
		for {
			n := 0
			err := d.st.Update(d.ctx, func(tx *store.Tx) error {
				var keys []uint64
				var recs []record.Record
				if err := tx.RecordsAfter(after, deriveBatch*4, func(k uint64, r record.Record) error {
					keys, recs = append(keys, k), append(recs, r)
					return nil
				}); err != nil {
					return err
				}
				n = len(recs)
				for i, r := range extract.Mention(recs, final) {
					if !slices.Equal(r.Mentions, recs[i].Mentions) {
						if err := tx.Put(keys[i], index.DocID(r), r); err != nil {
							return err
						}
					}
					after = keys[i]
				}
				return nil
			})
			if err != nil {
				return err
			}
			if bar != nil {
				bar.add(n)
			}
			if n == 0 {
				break
			}
		}
		if bar != nil {
			bar.finish()
		}
	}
	return d.st.Update(d.ctx, func(tx *store.Tx) error { return tx.SetMeta(mentionsMeta, digest) })
}
