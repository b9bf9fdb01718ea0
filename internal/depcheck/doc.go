// Package depcheck reads the import graph of a Go module from its source
// files (go/parser, imports only, so half-written packages still load) and
// lets a test assert which packages may import which. Its test guards the
// edges that docs/ARCHITECTURE.md promises.
//
// Load returns an immutable Graph; all of its methods are safe for
// concurrent use. The package has no mutable state.
package depcheck
