package hook

import (
	"path"
	"reflect"

	"github.com/gilgo/gilgo/engine"
	"github.com/gilgo/gilgo/session/cellast"
)

// Exports are yaegi symbol tables (interp.Exports): a key "path/name"
// (import path, then package name) maps symbol names to values.
type Exports = map[string]map[string]reflect.Value

// Host is what a Scheduler and the cell packages may ask of the session.
// *session.Session implements it. Every method may be called from code
// running in a cell; all but Globals and Declarations are safe for
// concurrent use from any goroutine (those two read the session's state
// without its lock, which the running cell holds).
type Host interface {
	// CurrentOutput is the Output of the calling goroutine's cell, or nil
	// before the first cell.
	CurrentOutput() engine.Output
	// CurrentCell is the execution count of the calling goroutine's cell.
	CurrentCell() int
	// Spawn starts f as a go statement of the calling goroutine's cell
	// would (for wrappers such as sync.WaitGroup.Go).
	Spawn(f func())
	// Blocking runs f with the calling goroutine's hold on the
	// scheduler's lock released.
	Blocking(f func())
	// Interrupted returns a channel that the session's next Interrupt
	// closes, so that compiled waits on behalf of a cell can give up.
	Interrupted() <-chan struct{}
	// Globals returns the package-level variables of all cells. Values
	// may be yaegi's internal representations (unnamed struct types,
	// reflect.MakeFunc closures).
	Globals() map[string]reflect.Value
	// Declarations returns the imports and top-level declarations of the
	// cells run so far as the source of one declaration cell: import
	// lines first, then every current declaration (as redefined last),
	// each with its /*line cell[N]...*/ directive.
	Declarations() string
}

// Scheduler puts every goroutine that runs interpreted code under one lock
// (the GIL). session.Options.Scheduler plugs one in; package gilrt
// implements it on package gil. Without one, goroutines run free, as in
// plain Go.
//
// The session calls BeginCell on Execute's goroutine before a cell runs
// and the returned end func after it (the cell waits for the lock like any
// goroutine); Go for every go statement of a cell; Blocking around the
// blocking calls the session itself implements (time.Sleep, stdin reads);
// Interrupt from Session.Interrupt. Go, Blocking and Interrupt must be
// safe for concurrent use.
type Scheduler interface {
	// Attach is called once by session.New, before the first interpreter
	// is built.
	Attach(h Host) (Attachment, error)
	// BeginCell waits for the lock on behalf of cell n and clears a
	// pending interrupt; end releases it. failed says the cell ended
	// with an error (an interrupt, a panic), so that the scheduler can
	// undo what the cell left half done (a GIL it turned off).
	BeginCell(n int) (end func(failed bool))
	// Go runs f on a new goroutine under the lock, as a thread of cell n.
	// f recovers its own panics.
	Go(n int, f func())
	// Adopt runs f on the calling goroutine, one the scheduler did not
	// start (compiled code's, calling back into a cell), as a new thread
	// of cell n holding the lock while f runs. Panics propagate.
	Adopt(n int, f func())
	// Blocking runs f with the calling goroutine's lock released.
	Blocking(f func())
	// Interrupt makes interpreted code stop at its next check point.
	Interrupt()
	// Magic runs a %%name cell magic of the scheduler's (name without the
	// %% prefix); run runs the rest of the cell. handled is false for
	// magics the scheduler does not know.
	Magic(name, args string, run func() error) (handled bool, err error)
}

// Attachment is what a Scheduler adds to the session.
type Attachment struct {
	// Exports are the helpers its passes call and its replacements of
	// standard symbols (sync, time); they are used after the standard
	// library, so they override its symbols.
	Exports []Exports
	// Passes run after the cell packages' passes, before go statements
	// become spawns.
	Passes []cellast.Pass
	// Prelude is compiled into every interpreter after the session's own
	// prelude, e.g. the import of the helpers the passes call.
	Prelude string
	// Magics are the cell magics Magic handles, for %lsmagic.
	Magics []string
}

// Package is a package cells import: "gil", "sys", "refcount", ... Both
// tiers read its Symbols: interpreted cells through yaegi, compiled cells
// through a generated shim bound to the same values.
type Package struct {
	// Path is the import path cells use, e.g. "sys". It is also the
	// package name.
	Path string
	// Symbols maps each exported name to its value, as yaegi wants it: a
	// func or value as is, a variable by address (reflect.ValueOf(&v).Elem()),
	// a type T as reflect.ValueOf((*T)(nil)).
	Symbols map[string]reflect.Value
	// Docs documents the symbols for inspect_request, keyed by "Name" or
	// "Type.Method"; nil leaves them to reflection.
	Docs map[string]Doc
	// Passes are AST rewrites every cell needs for the package to work
	// (e.g. naming the funcs a pool may call); they run after the built-in
	// passes, before the scheduler's.
	Passes []cellast.Pass
	// Helpers are symbol tables the passes' generated code calls; cells
	// do not import them.
	Helpers Exports
}

// Exports returns p as yaegi symbol tables: its symbols under
// "path/name", and its helpers.
func (p Package) Exports() Exports {
	ex := Exports{p.Path + "/" + path.Base(p.Path): p.Symbols}
	for k, v := range p.Helpers {
		ex[k] = v
	}
	return ex
}

// Doc is the documentation of one symbol of a cell package.
type Doc struct {
	Decl string // e.g. "func New(body func(co *Co) any) *Generator"
	Text string // the doc comment, with its examples
}
