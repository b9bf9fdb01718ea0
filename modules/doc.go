// Package modules makes the packages of Go modules importable in gilgo
// cells: a Loader implements hook.Modules for a session.
//
// The go.mod in effect is the one in the kernel's directory (the
// notebook's) or its nearest parent, so a course repository pins every
// version; without one, the session's own module under the cache
// directory, which %go get changes. An import resolves through the user's
// GOPROXY, GOFLAGS, GONOSUMDB... with checksums verified as go verifies
// them. A package whose API is not generic is compiled: its yaegi symbol
// table, generated from its export data, is built into a plugin with the
// kernel's own build recipe (compiled.PluginRecipe) and cached under the
// cache directory by module versions, Go version and the kernel's build,
// so later imports and new kernels only open it. A package with generic
// funcs or types is interpreted from source (yaegi instantiates generics
// from source only), its files linked under GoPath; what it imports that
// is not generic is compiled. Failures are *Error values naming the cause
// and the fix. docs/modules.md has the design and the costs.
//
// The Loader's temporary directories, the GOPATH and the build workspace,
// are made when first needed (a session that imports no module makes
// none), named after the process; the first one made removes those that
// ended processes left (internal/piddir). Close removes what was made.
//
// Import and Command are serialised; Wants, GoPath, ModFile, Versions and
// Close are safe for concurrent use (Close after the last Import; it never
// waits for one, and an Import after it fails).
package modules
