// Package refcount makes CPython's reference counting, and the reason for
// its global interpreter lock, visible in Go, which has a tracing collector
// and no counts of its own.
//
// An Object holds a payload and a count that starts at 1. IncRef and DecRef
// change it; when it reaches zero the payload is freed: dropped, passed to
// the OnFree callback and announced as "refcount: freed NAME" on the
// object's output (SetOutput sets the default; the session points it at
// the cell's stdout). Using a freed object is an error value, never a
// crash: IncRef and Value return ErrUseAfterFree ("refcount: use after
// free"), DecRef returns ErrDoubleFree ("refcount: double free"). Frees are
// logical: the payload is held behind an atomic pointer, so even a racing
// free cannot corrupt memory.
//
// Three kinds of counting, for the chapter's argument:
//
//   - Plain: count++ and count-- on a plain int64, what CPython does. It is
//     correct only when one lock (the GIL) serialises every operation; two
//     goroutines without it lose updates, so the count ends wrong and the
//     payload may be freed while still referenced. This race is deliberate,
//     so a Plain object shared between goroutines without a lock is a data
//     race that go test -race reports; the package's own racy demonstration
//     runs only in builds without -race.
//   - Atomic: atomic adds. Correct without a GIL; each operation costs more.
//   - Locked: a mutex per object. Correct, costs a lock per operation, and
//     invites deadlock as soon as code holds two objects' locks: Transfer
//     takes from's lock, then to's, and two goroutines transferring in
//     opposite directions deadlock. Transfer detects that with a waits-for
//     graph (checked when a lock is busy, then at polls up to 2 ms apart)
//     and returns "deadlock detected: goroutine A holds X and waits for Y;
//     goroutine B holds Y and waits for X" to the goroutine that closed the
//     cycle, which releases its locks so the other proceeds. A context ends
//     any wait (the session cancels it on interrupt).
//
// Race runs the chapter's experiment (goroutines × IncRef/DecRef pairs,
// with or without a lock standing in for the GIL) and reports the final
// count, premature frees and errors.
//
// # Concurrency
//
// Atomic and Locked objects are safe for concurrent use. A Plain object is
// safe for concurrent use only under an external lock; without it the count
// is wrong but the program stays memory-safe (counts are int64 fields,
// the payload and the freed flag are atomic). Stats, Freed, Value, Name,
// Kind and SetOutput are always safe for concurrent use. Transfer is safe
// for concurrent use; that is its point.
package refcount
