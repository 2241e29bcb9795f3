package archive

import (
	"crypto/sha1"
	"crypto/sha256"
	"encoding/base32"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"
	"os"
	"strings"
	"time"
)

// scanned is one whole record met by scanFile.
type scanned struct {
	rec   *Record
	block []byte
	end   int64 // offset just past the record
}

// scanFile reads every record of the WARC file at path (its first limit
// bytes; -1 for all), calling fn for each whole record. Past a damaged
// record it reads on at the next record of a gzip-per-record file (see
// Reader.Resync). It returns the offset just past the last whole record,
// and the damage found, if any: the *RecordErrors joined, each saying where
// reading went on; an error from fn or from opening the file is returned as
// err.
func scanFile(path, name string, limit int64, fn func(s scanned) error) (good int64, damage, err error) {
	return scan(path, name, limit, false, fn)
}

// scan is scanFile, reading leniently (see Reader.Lenient) when lenient is
// set.
func scan(path, name string, limit int64, lenient bool, fn func(s scanned) error) (good int64, damage, err error) {
	f, err := os.Open(path)
	if err != nil {
		return 0, nil, err
	}
	defer f.Close()
	var src io.Reader = f
	if limit >= 0 {
		src = io.NewSectionReader(f, 0, limit)
	}
	rd := NewReader(src)
	rd.File, rd.Lenient = name, lenient
	var damaged []error
	for {
		rec, err := rd.Next()
		if err == io.EOF {
			return good, errors.Join(damaged...), nil
		}
		var block []byte
		var end int64
		if err == nil {
			block, err = io.ReadAll(rec.Body)
		}
		if err == nil {
			end, err = rd.Finish()
		}
		if err != nil {
			at, rerr := rd.Resync()
			if rerr != nil {
				return good, errors.Join(append(damaged, err)...), nil
			}
			damaged = append(damaged, readOn(err, at))
			continue
		}
		good = end
		if err := fn(scanned{rec: rec, block: block, end: end}); err != nil {
			return good, errors.Join(damaged...), err
		}
	}
}

// readOn adds to the damage err where reading went on after it.
func readOn(err error, at int64) error {
	return fmt.Errorf("%w (read on at offset %d, the next whole record)", err, at)
}

// unjoin returns the errors joined in err (errors.Join), or err alone.
func unjoin(err error) []error {
	if err == nil {
		return nil
	}
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		return j.Unwrap()
	}
	return []error{err}
}

// isCapture reports whether a record is a capture the index holds: a
// response, a revisit, or a resource other than a list of WARC fields (as
// pywb's indexer has it).
func isCapture(rec *Record) bool {
	switch rec.Type() {
	case TypeResponse, TypeRevisit:
		return true
	case TypeResource:
		return warcMediaType(rec.Header) != "application/warc-fields"
	}
	return false
}

// entryOf returns the index entry of a capture record (see isCapture); ok
// is false for records of other types, which the index does not hold.
func entryOf(s scanned, file string) (e Entry, ok bool) {
	t := s.rec.Type()
	if !isCapture(s.rec) {
		return Entry{}, false
	}
	date, err := s.rec.Date()
	if err != nil {
		date = time.Time{}
	}
	e = Entry{
		URL: s.rec.TargetURI(), Time: date.Truncate(time.Second), Digest: s.rec.Header.Get("WARC-Payload-Digest"),
		Offset: s.rec.Offset, Length: s.end - s.rec.Offset, File: file,
	}
	e.Key = SURT(e.URL)
	if t == TypeResource {
		// A page archived without HTTP (warcit, Webrecorder): replayed
		// as a 200 of its record's Content-Type, as pywb replays it.
		e.Status, e.Mime = 200, warcMediaType(s.rec.Header)
	} else if !isHTTPBlock(s.rec.Header, s.block) {
		e.Mime = warcMediaType(s.rec.Header) // a DNS lookup (text/dns), an FTP file: no status
	} else if msg, err := parseHTTP(s.block); err == nil && len(s.block) > 0 {
		e.Status = msg.Status
		e.Mime = mediaType(msg.Header)
		e.ETag, e.LastModified = validators(msg.Header)
	}
	if t == TypeRevisit {
		e.Mime = revisitMime
	}
	return e, true
}

// errUnknownDigest marks a digest whose algorithm Check cannot compute.
var errUnknownDigest = errors.New("unknown digest algorithm")

// verifyDigest checks a labelled digest ("sha1:BASE32", hex accepted too;
// sha256 as well) against the concatenated parts. It returns nil when they
// match, an error wrapping ErrDigest when they do not, and one wrapping
// errUnknownDigest when the algorithm is not known.
func verifyDigest(label string, parts ...[]byte) error {
	h := newHash(label)
	if h == nil {
		return errUnknownDigest
	}
	for _, p := range parts {
		h.Write(p)
	}
	if digestIs(label, h.Sum(nil)) {
		return nil
	}
	return ErrDigest
}

// newHash returns a fresh hash of a labelled digest's algorithm (sha1 or
// sha256), or nil for another or no label.
func newHash(label string) hash.Hash {
	alg, _, ok := strings.Cut(label, ":")
	if !ok {
		return nil
	}
	switch strings.ToLower(alg) {
	case "sha1", "sha-1":
		return sha1.New()
	case "sha256", "sha-256":
		return sha256.New()
	}
	return nil
}

// digestIs reports whether a labelled digest's value is sum, written in
// base32 (padded or not) or hex.
func digestIs(label string, sum []byte) bool {
	_, value, _ := strings.Cut(label, ":")
	return strings.EqualFold(value, base32.StdEncoding.EncodeToString(sum)) ||
		strings.EqualFold(strings.TrimRight(value, "="), base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(sum)) ||
		strings.EqualFold(value, hex.EncodeToString(sum))
}

// payloadOf returns the payload a record's WARC-Payload-Digest covers: the
// HTTP entity body with any chunked coding removed for request and response
// records, the block for resource records and for response records that
// hold no HTTP message (a DNS lookup). ok is false for records whose
// payload is elsewhere (revisit) or undefined.
func payloadOf(s scanned) (p []byte, ok bool) {
	ps := payloadReadings(s)
	if len(ps) == 0 {
		return nil, false
	}
	return ps[0], true
}

// payloadReadings returns the byte strings a record's WARC-Payload-Digest
// may have been computed over, the payload as WARC 1.1 defines it first.
// For a chunked HTTP message that is the entity body with the chunking
// removed; Heritrix (and other older writers) digest the body as it came
// off the wire, chunk markers included, so that reading follows.
func payloadReadings(s scanned) [][]byte {
	switch s.rec.Type() {
	case TypeResponse, TypeRequest:
		if s.rec.Type() == TypeResponse && !isHTTPBlock(s.rec.Header, s.block) {
			return [][]byte{s.block}
		}
		msg, err := parseHTTP(s.block)
		if err != nil {
			return nil
		}
		if isChunked(msg.Header) {
			return [][]byte{Dechunk(msg.Payload), msg.Payload}
		}
		return [][]byte{msg.Payload}
	case TypeResource:
		return [][]byte{s.block}
	}
	return nil
}

// verifyPayloadDigest checks a record's WARC-Payload-Digest label against
// its payload, accepting any of its readings (payloadReadings). It returns
// nil when one matches or the record has no payload of its own, an error
// wrapping ErrDigest when none does, and one wrapping errUnknownDigest for
// an algorithm Check cannot compute.
func verifyPayloadDigest(label string, s scanned) error {
	var err error
	for _, p := range payloadReadings(s) {
		if err = verifyDigest(label, p); err == nil || errors.Is(err, errUnknownDigest) {
			return err
		}
	}
	return err
}
