//go:build race

package extract

// raceFactor scales the time bounds of tests: the race detector slows code
// down about tenfold.
const raceFactor = 10
