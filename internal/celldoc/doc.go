// Package celldoc generates the documentation tables of the cell packages
// (lib/...) from Go source: each package's TestDocs builds its table with
// Load and Lookup, writes zdocs.go with Generate (go test -update) and
// checks it with Check. It is for tests only; a Source is safe for
// concurrent reads.
package celldoc
