//go:build !race

package extract

// raceFactor scales the time bounds of tests: 1 without the race detector.
const raceFactor = 1
