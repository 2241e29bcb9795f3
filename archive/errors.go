package archive

import (
	"errors"
	"fmt"
)

// Sentinel errors a caller may branch on with errors.Is.
var (
	// ErrHeader means a record's version line or named fields are malformed.
	ErrHeader = errors.New("archive: invalid record header")
	// ErrTruncated means the input ended in the middle of a record.
	ErrTruncated = errors.New("archive: truncated record")
	// ErrLength means a record's block is not followed by the CRLF CRLF that
	// ends a record, so its Content-Length is wrong.
	ErrLength = errors.New("archive: record length does not match its Content-Length")
	// ErrDigest means a record's block or payload does not match its digest.
	ErrDigest = errors.New("archive: digest mismatch")
	// ErrClosed is returned by the methods of a closed Archive.
	ErrClosed = errors.New("archive: closed")
	// ErrLocked means another process has the archive directory open.
	ErrLocked = errors.New("archive: directory in use by another process")
	// ErrReadOnly is returned by the methods that write to an Archive
	// opened with OpenReadOnly.
	ErrReadOnly = errors.New("archive: opened read-only")
	// ErrNotFound means the archive holds no capture of the URL asked for.
	ErrNotFound = errors.New("archive: no capture")
	// ErrIndex means a capture index entry does not match the WARC files.
	ErrIndex = errors.New("archive: index entry does not match the files")
	// ErrExists means a file of the name recovery would give an .open file
	// is in the archive already.
	ErrExists = errors.New("archive: file already in the archive")
	// ErrRevisit means a revisit record does not lead to its original: the
	// response it names is not in the archive, or is not the one it describes.
	ErrRevisit = errors.New("archive: revisit without its original")
	// ErrSalvaged means Salvage imported a file without its damaged records.
	ErrSalvaged = errors.New("archive: imported without its damaged records")
	// ErrExchange means an Exchange handed to Write is unusable.
	ErrExchange = errors.New("archive: invalid exchange")
)

// RecordError reports a damaged record: the WARC file (base name, or "" when
// the reader was given none), the byte offset where the record (or its gzip
// member) starts, and what is wrong.
type RecordError struct {
	File   string
	Offset int64
	Err    error
}

// Error implements error.
func (e *RecordError) Error() string {
	return fmt.Sprintf("warc record at %s offset %d: %v", e.fileName(), e.Offset, e.Err)
}

func (e *RecordError) fileName() string {
	if e.File == "" {
		return "(input)"
	}
	return e.File
}

// Unwrap returns the cause, so errors.Is(err, ErrTruncated) works.
func (e *RecordError) Unwrap() error { return e.Err }
