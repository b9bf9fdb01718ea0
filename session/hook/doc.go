// Package hook holds the seams a session is extended through: a Scheduler
// (the GIL: package gilrt), the cell packages (Package: lib/...), and the
// Host that both may ask of the session, and InterruptContext, the one way
// they give up a wait when a cell is interrupted. Packages that plug into a
// session depend on it rather than on the whole session.
//
// What each implementation must make safe for concurrent use is stated on
// the interface (Host: every method; Scheduler: Go, Blocking, Interrupt;
// Modules: Wants and GoPath). Modules resolves the imports of Go modules.
package hook
