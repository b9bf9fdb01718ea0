// Package refcount makes CPython's reference counting, and the reason for
// its global interpreter lock, visible in Go, which has a tracing collector
// and no counts of its own.
//
// An Object holds a payload and a count that starts at 1. IncRef and DecRef
// change it; at zero the payload is freed: dropped, passed to the OnFree
// callback and announced as "refcount: freed NAME" on the object's output
// (SetOutput sets the default). Using a freed object is an error value,
// never a crash: IncRef and Value return ErrUseAfterFree, DecRef returns
// ErrDoubleFree. The Kind chooses the counting: Plain (count++ as CPython
// does, correct only under one lock), Atomic, or Locked (a mutex per
// object). Transfer takes two Locked objects' locks in order and returns a
// *DeadlockError (ErrDeadlock) to the goroutine that closes a cycle, or the
// context's error when ctx ends first. Race runs the chapter's experiment
// and reports the final count, premature frees and errors.
// docs/cell-packages.md explains the three kinds and the deadlock check.
//
// Atomic and Locked objects are safe for concurrent use. A Plain object is
// safe only under an external lock; without one the count goes wrong (a
// deliberate data race that go test -race reports) but memory stays safe.
// Stats, Freed, Value, Name, Kind and SetOutput are always safe for
// concurrent use, and so is Transfer; that is its point.
package refcount
