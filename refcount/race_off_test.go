//go:build !race

package refcount

const raceEnabled = false
