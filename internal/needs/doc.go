// Package needs tells tests what this machine can do, so that a test
// skips on a developer's machine without a Go toolchain or cgo but fails
// in CI, where $GILGO_REQUIRE_COMPILED is set. It imports nothing of the
// module, so that any package's tests can use it. It is for tests only;
// its functions are safe for concurrent use.
package needs
