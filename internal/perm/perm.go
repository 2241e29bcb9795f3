// Package perm creates files and folders with the permissions the umask
// allows, as a plain open(2) or mkdir(2) would: os.CreateTemp and
// os.MkdirTemp make them 0600 and 0700 whatever the umask, and a library
// may do the same (bleve's index files), so that a `rankfile serve` run as
// another user of the group could not read what a cron crawl wrote. With
// the usual umask 022 or 027, what rankfile writes is group-readable.
package perm

import (
	"crypto/rand"
	"encoding/hex"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// File is the mode of a new file under the process's umask (0644 under 022).
func File() os.FileMode { return 0o666 &^ umask }

// Dir is the mode of a new folder under the process's umask (0755 under 022).
func Dir() os.FileMode { return 0o777 &^ umask }

// CreateTemp is os.CreateTemp with the mode File gives.
func CreateTemp(dir, pattern string) (*os.File, error) {
	for range 100 {
		f, err := os.OpenFile(tempName(dir, pattern), os.O_RDWR|os.O_CREATE|os.O_EXCL, 0o666)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		return f, err
	}
	return nil, &os.PathError{Op: "createtemp", Path: filepath.Join(dir, pattern), Err: fs.ErrExist}
}

// MkdirTemp is os.MkdirTemp with the mode Dir gives.
func MkdirTemp(dir, pattern string) (string, error) {
	for range 100 {
		name := tempName(dir, pattern)
		err := os.Mkdir(name, 0o777)
		if errors.Is(err, fs.ErrExist) {
			continue
		}
		if err != nil {
			return "", err
		}
		return name, nil
	}
	return "", &os.PathError{Op: "mkdirtemp", Path: filepath.Join(dir, pattern), Err: fs.ErrExist}
}

// tempName puts a random string in place of the last "*" of pattern, or
// after it.
func tempName(dir, pattern string) string {
	b := make([]byte, 6)
	rand.Read(b)
	r := hex.EncodeToString(b)
	if i := strings.LastIndexByte(pattern, '*'); i >= 0 {
		return filepath.Join(dir, pattern[:i]+r+pattern[i+1:])
	}
	return filepath.Join(dir, pattern+r)
}

// Tree gives every file and folder under root the mode a new one gets
// under the umask, keeping execute bits off files: for what a library wrote
// with modes of its own.
func Tree(root string) error {
	return filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		switch {
		case d.IsDir():
			return os.Chmod(path, Dir())
		case d.Type().IsRegular():
			return os.Chmod(path, File())
		}
		return nil
	})
}
