//go:build unix

package perm

import (
	"os"
	"syscall"
)

// umask is the process's umask, read once at start, before any goroutine
// of rankfile's creates a file: reading it means setting it for a moment.
var umask = func() os.FileMode {
	m := syscall.Umask(0)
	syscall.Umask(m)
	return os.FileMode(m)
}()
