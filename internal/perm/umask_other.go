//go:build !unix

package perm

// umask is the usual one where there is none to read.
const umask = 0o022
