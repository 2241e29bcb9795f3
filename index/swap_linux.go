package index

import (
	"errors"
	"os"
	"path/filepath"

	"golang.org/x/sys/unix"
)

// swap puts fresh in place of dir. With RENAME_EXCHANGE, dir names the old
// index until the instant it names the new one; the old ends up at fresh,
// and old is unused. Without it (old kernels, some file systems) it falls
// back to two renames.
func swap(fresh, dir, old string) error {
	err := unix.Renameat2(unix.AT_FDCWD, fresh, unix.AT_FDCWD, dir, unix.RENAME_EXCHANGE)
	switch {
	case err == nil:
		return nil
	case errors.Is(err, unix.ENOENT):
		// no old index: a plain rename, which fails rather than replace
		// a directory created meanwhile
		return os.Rename(fresh, dir)
	case errors.Is(err, unix.ENOSYS), errors.Is(err, unix.EINVAL):
		return swapRenames(fresh, dir, old)
	}
	return &os.LinkError{Op: "exchange", Old: fresh, New: dir, Err: err}
}

// writerActive reports whether a process holds dir's index open for
// writing: bolt keeps an exclusive flock on each shard's store/root.bolt
// while it is open for writing and a shared one while it is open
// read-only.
func writerActive(dir string) bool {
	bolts, _ := filepath.Glob(filepath.Join(dir, "shard-*", "store", "root.bolt"))
	for _, b := range bolts {
		if boltWriter(b) {
			return true
		}
	}
	return false
}

func boltWriter(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close() // closing the file drops the probe lock
	err = unix.Flock(int(f.Fd()), unix.LOCK_SH|unix.LOCK_NB)
	return errors.Is(err, unix.EWOULDBLOCK)
}
