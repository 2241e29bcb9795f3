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
// records alone, with no more of them in memory than a shard's batch.
type spool struct {
	dir     string
	files   [spoolBuckets]*os.File
	writers [spoolBuckets]*bufio.Writer
	count   [spoolBuckets]int   // records in each bucket
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
	if sp.writers[b] == nil {
		f, err := os.OpenFile(sp.path(b), os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return fmt.Errorf("spool records: %w", err)
		}
		sp.files[b], sp.writers[b] = f, bufio.NewWriterSize(f, spoolBufferSize)
	}
	js, err := json.Marshal(r)
	if err != nil {
		return fmt.Errorf("spool record %s: %w", r.ID, err)
	}
	sp.buf = s2.Encode(sp.buf[:cap(sp.buf)], js)
	var n [binary.MaxVarintLen64]byte
	w := sp.writers[b]
	w.Write(n[:binary.PutUvarint(n[:], uint64(len(sp.buf)))])
	if _, err := w.Write(sp.buf); err != nil {
		return fmt.Errorf("spool records: %w", err)
	}
	sp.count[b]++
	sp.text[b] += int64(len(r.Text))
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
	return func(fn func(record.Record) error) error {
		for b := s; b < spoolBuckets; b += shards {
			if sp.count[b] == 0 {
				continue
			}
			if err := sp.read(b, fn); err != nil {
				return err
			}
		}
		return nil
	}
}

// read hands fn the records of bucket b.
func (sp *spool) read(b int, fn func(record.Record) error) error {
	f, err := os.Open(sp.path(b))
	if err != nil {
		return fmt.Errorf("read spooled records: %w", err)
	}
	defer f.Close()
	br := bufio.NewReaderSize(f, spoolBufferSize)
	var frame, js []byte
	for {
		n, err := binary.ReadUvarint(br)
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return fmt.Errorf("read spooled records: %w", err)
		}
		if uint64(cap(frame)) < n {
			frame = make([]byte, n)
		}
		frame = frame[:n]
		if _, err := io.ReadFull(br, frame); err != nil {
			return fmt.Errorf("read spooled records: %w", err)
		}
		if js, err = s2.Decode(js[:cap(js)], frame); err != nil {
			return fmt.Errorf("read spooled records: %w", err)
		}
		var r record.Record
		if err := json.Unmarshal(js, &r); err != nil {
			return fmt.Errorf("read spooled records: %w", err)
		}
		if err := fn(r); err != nil {
			return err
		}
	}
}
