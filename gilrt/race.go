//go:build race

package gilrt

// raceEnabled: the race detector reports the plain load of the inline
// check point, so check points call the compiled C instead.
const raceEnabled = true
