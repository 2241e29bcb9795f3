package index

import (
	"fmt"
	"path/filepath"

	"github.com/gofrs/flock"
)

// lockUpdates takes the lock that Build and Update hold while they make a
// new index for dir and swap it in, waiting for another process's: the
// lock file sits beside dir (.NAME.lock), since dir itself is replaced.
func lockUpdates(dir string) (unlock func(), err error) {
	l := flock.New(filepath.Join(filepath.Dir(dir), "."+filepath.Base(dir)+".lock"))
	if err := l.Lock(); err != nil {
		return nil, fmt.Errorf("lock index %s: %w", dir, err)
	}
	return func() { l.Unlock() }, nil
}
