// Package refcount is the cell package "refcount": explicitly
// reference-counted objects (plain, atomic, or with a lock of their own),
// the refcount race and the per-object-lock deadlock of package
// github.com/gilgo/gilgo/refcount, bound to a session by Package.
//
// refcount.New sends "refcount: freed NAME" to the stdout of the cell the
// calling goroutine belongs to, unless SetOutput or an Output option says
// otherwise. Transfer waits until a deadlock is detected, the cell is
// interrupted (the error wraps ErrInterrupted) or, for TransferContext,
// the context ends.
//
// Everything the table holds is safe for concurrent use.
package refcount
