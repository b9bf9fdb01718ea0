// Package memtrim lets a long-running gilgo process give back the page
// mappings of its own executable that it used only while starting.
//
// A Go process runs every linked package's init function at start, and the
// packages' code lies side by side in the binary, so by the time main runs
// nearly all of the executable's code, read-only data and symbol tables
// are mapped into the process (on this machine's Linux 6.18, 25 MB of a
// 41 MB binary, mapped whole folios at a time). The kernel process then
// runs a few hundred kilobytes of it, and the worker the interpreter. Both
// processes counted those pages in their RSS, and shared them only with
// each other in their PSS.
//
// Text advises the kernel (madvise MADV_DONTNEED) that the process no
// longer needs the read-only, unmodified mappings of its executable: their
// page-table entries go, the pages stay in the page cache, and whatever
// the process runs later faults back in from there. Writable mappings and
// read-only ones holding private copies (the RELRO pages the dynamic
// loader relocated) are never touched: for a private file mapping,
// MADV_DONTNEED would revert them to the file's contents.
//
// Text is safe for concurrent use; it is meant to be called once, after
// start-up. On systems other than Linux it does nothing.
package memtrim
