package archive

import "rankfile/record"

// ReadCapture reads the response (or resource) record the index entry e points at and
// returns it as a capture, payload decoded. A revisit entry is an error:
// read the entry of the response it revisits instead (see Lookup).
func (a *Archive) ReadCapture(e Entry) (record.Capture, error) {
	if a.isClosed() {
		return record.Capture{}, ErrClosed
	}
	return a.readCapture(e)
}
