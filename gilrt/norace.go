//go:build !race

package gilrt

const raceEnabled = false
