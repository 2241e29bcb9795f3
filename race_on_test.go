//go:build race

package main

// raceEnabled: the test binary runs under the race detector, which
// multiplies memory and time.
const raceEnabled = true
