package main

import (
	"log/slog"

	"github.com/gilgo/gilgo/internal/memtrim"
)

// trimText gives back the mappings of the binary that only start-up used
// (every package's init runs, and the packages lie side by side in the
// binary): the kernel process then runs a few hundred KiB of it, and the
// worker the interpreter. Measured with the binary as cp writes it: kernel
// RSS 24.8 -> 13.3 MiB, worker 30.1 -> 15.7 MiB; the tree's PSS 33.8 ->
// 21.1 MiB. The code run later faults back in from the page cache.
func trimText(log *slog.Logger) {
	n, err := memtrim.Text()
	if err != nil {
		log.Debug("trim mappings of the binary", "err", err)
		return
	}
	log.Debug("trimmed mappings of the binary", "bytes", n)
}
