// Package streambatch coalesces the text a cell writes to its streams
// (stdout, stderr) into fewer, larger pieces. The kernel's IOPub publisher
// and the worker's event writer both use it, each with its own key (the
// request and stream name; the cell and stream name) and its own way of
// sending a piece.
//
// A Batcher buffers text per key, in the order of each key's first write,
// and hands every buffered piece to its emit function when the owner calls
// Flush (before any message of its own, so output keeps its order), when a
// size limit is reached, or when its timer fires. The timer is armed by a
// write that finds it idle and fires Config.Delay later; with an adaptive
// delay (Config.MaxDelay above Delay) the delay doubles while output keeps
// coming and falls back after a pause.
//
// # Concurrency
//
// A Batcher has no lock of its own. Like sync.Cond, it is guarded by the
// sync.Locker given to New, which is the owner's lock over whatever emit
// sends to: Write, Flush, Stop and changes to Config must be made with that
// lock held, and none of them is safe for concurrent use otherwise. The
// timer takes the lock itself before it flushes. emit always runs with the
// lock held, so the owner sends a flushed piece and its own messages under
// one lock, in one order; emit must not call the Batcher.
package streambatch
