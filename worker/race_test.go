//go:build race

package worker

// raceEnabled: the race detector reports the fake's intended races on the
// child's stderr, which is forwarded as ordinary output.
const raceEnabled = true
