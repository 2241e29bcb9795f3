package index

import (
	"bufio"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/fnv"
	"io"
	"os"
	"path/filepath"
	"strconv"

	"github.com/klauspost/compress/s2"

	"rankfile/record"
)

// spoolBuckets is how many files BuildFrom spools records into, by a hash
// of their record ID; shard s of an index of n shards is made of the
// buckets whose number is s modulo n, n being a divisor of spoolBuckets
// (1, 2, 3, 4, 5, 6, 8, 10, 12, 15, 16, 20, 24, 30, 40, 48, 60, 80, 120 or
// 240). The bucket modulo n is then the record's shardOf, so the shards
// built are the ones Update and UpdateFrom write to, as they were before
// indexes were spooled (one to four shards).
const spoolBuckets = 240

// spoolBufferSize is each bucket file's write buffer.
const spoolBufferSize = 16 << 10

// bucketOf returns the spool bucket of record recID.
func bucketOf(recID string) int {
	h := fnv.New32a()
	h.Write([]byte(recID))
	return int(h.Sum32() % spoolBuckets)
}

// spool keeps the records of a build on disk, by bucket, each record as
// its JSON compressed with S2 behind its length, in the order given, so
// that the build reads the records' source once and then each shard's
// records alone, with no more of them in memory than a shard's batch. An
// update spools its changes the same way, deletions of documents among
// them, to apply them one shard at a time.
type spool struct {
	dir     string
	files   [spoolBuckets]*os.File
	writers [spoolBuckets]*bufio.Writer
	count   [spoolBuckets]int   // records in each bucket
	dels    [spoolBuckets]int   // deletions in each bucket
	text    [spoolBuckets]int64 // bytes of their text
	buf     []byte
}

func newSpool(dir string) (*spool, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, err
	}
	return &spool{dir: dir}, nil
}

func (sp *spool) path(b int) string { return filepath.Join(sp.dir, "bucket-"+strconv.Itoa(b)) }

// add appends r to its bucket.
func (sp *spool) add(r record.Record) error {
	b := bucketOf(r.ID)
	js, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("spool record %s: %w", r.ID, err)
	}
	sp.buf = s2.Encode(sp.buf[:cap(sp.buf)], js)
	if err := sp.write(b, sp.buf, false); err != nil {
		return err
	}
	sp.count[b]++
	sp.text[b] += int64(len(r.Text))
	return nil
}

// addDelete appends to its record's bucket the deletion of the document
// docID (UpdateFrom's changes: a bucket holds a shard's puts and deletions
// in the order given).
func (sp *spool) addDelete(docID string) error {
	b := bucketOf(recordIDOf(docID))
	if err := sp.write(b, []byte(docID), true); err != nil {
		return err
	}
	sp.dels[b]++
	return nil
}

// write appends a frame to bucket b: its length, doubled, plus one for a
// deletion, then the data (a record's S2-compressed JSON, or a document
// ID).
func (sp *spool) write(b int, data []byte, del bool) error {
	if sp.writers[b] == nil {
		f, err := os.OpenFile(sp.path(b), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return fmt.Errorf("spool records: %w", err)
		}
		sp.files[b], sp.writers[b] = f, bufio.NewWriterSize(f, spoolBufferSize)
	}
	head := uint64(len(data)) << 1
	if del {
		head |= 1
	}
	var n [binary.MaxVarintLen64]byte
	w := sp.writers[b]
	w.Write(n[:binary.PutUvarint(n[:], head)])
	if _, err := w.Write(data); err != nil {
		return fmt.Errorf("spool records: %w", err)
	}
	return nil
}

// finish flushes and closes the bucket files.
func (sp *spool) finish() error {
	var errs []error
	for b, w := range sp.writers {
		if w == nil {
			continue
		}
		errs = append(errs, w.Flush(), sp.files[b].Close())
		sp.writers[b], sp.files[b] = nil, nil
	}
	if err := errors.Join(errs...); err != nil {
		return fmt.Errorf("spool records: %w", err)
	}
	return nil
}

// records returns the number of records spooled and the bytes of their text.
func (sp *spool) records() (n int, text int64) {
	for b := range spoolBuckets {
		n += sp.count[b]
		text += sp.text[b]
	}
	return n, text
}

// shard returns the source of shard s of shards (a divisor of
// spoolBuckets): its buckets' records, bucket by bucket, each in the order
// spooled.
func (sp *spool) shard(s, shards int) Source {
	changes := sp.shardChanges(s, shards)
	return func(fn func(record.Record) error) error {
		return changes(fn, func(docID string) error {
			return fmt.Errorf("read spooled records: a deletion (of %s) among a build's records", docID)
		})
	}
}

// shardChanges is shard for the changes of an update: the puts and
// deletions of shard s's buckets, bucket by bucket, each in the order
// spooled.
func (sp *spool) shardChanges(s, shards int) Changes {
	return func(put func(record.Record) error, del func(string) error) error {
		for b := s; b < spoolBuckets; b += shards {
			if sp.count[b]+sp.dels[b] == 0 {
				continue
			}
			if err := sp.read(b, put, del); err != nil {
				return err
			}
		}
		return nil
	}
}

// holds reports whether shard s of shards has anything spooled.
func (sp *spool) holds(s, shards int) bool {
	for b := s; b < spoolBuckets; b += shards {
		if sp.count[b]+sp.dels[b] > 0 {
			return true
		}
	}
	return false
}

// read hands put the records and del the deletions of bucket b.
func (sp *spool) read(b int, put func(record.Record) error, del func(string) error) error {
	f, err := os.Open(sp.path(b))
	if err != nil {
		return fmt.Errorf("read spooled records: %w", err)
	}
	defer f.Close()
	br := bufio.NewReaderSize(f, spoolBufferSize)
	var frame, js []byte
	for {
		head, err := binary.ReadUvarint(br)
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("read spooled records: %w", err)
		}
		n := head >> 1
		if uint64(cap(frame)) < n {
			frame = make([]byte, n)
		}
		frame = frame[:n]
		if _, err := io.ReadFull(br, frame); err != nil {
			return fmt.Errorf("read spooled records: %w", err)
		}
		if head&1 == 1 {
			if err := del(string(frame)); err != nil {
				return err
			}
			continue
		}
		if js, err = s2.Decode(js[:cap(js)], frame); err != nil {
			return fmt.Errorf("read spooled records: %w", err)
		}
		var r record.Record
		if err := json.Unmarshal(js, &r); err != nil {
			return fmt.Errorf("read spooled records: %w", err)
		}
		if err := put(r); err != nil {
			return err
		}
	}
}
