//go:build race

package request_test

// raceEnabled reports whether the race detector is on: under it sync.Pool
// drops a random share of what is put back, so allocation counts vary
// from run to run and are not measured.
const raceEnabled = true
