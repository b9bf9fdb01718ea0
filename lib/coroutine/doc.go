// Package coroutine is the cell package "coroutine": Python-style
// generators (New, Primed, Co.Yield, Next, Send, Throw, Close, YieldFrom)
// from package github.com/gilgo/gilgo/coroutine, with their docs for
// inspect. Generators cannot be ranged over in interpreted cells (yaegi's
// compiler): use g.Iter() or g.Collect().
//
// Package returns a fresh table each call; the values it holds are safe
// for concurrent use as package coroutine documents.
package coroutine
