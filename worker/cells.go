package worker

import (
	"sync"

	"github.com/gilgo/gilgo/engine"
)

// maxCells bounds how many cells' Outputs the Client remembers for late
// output; output for a forgotten cell goes to the latest one.
const maxCells = 1000

// cellTable maps cell ids to the Output given to Execute. Safe for
// concurrent use.
type cellTable struct {
	mu     sync.Mutex
	limit  int
	outs   map[uint64]engine.Output
	order  []uint64 // oldest first
	latest engine.Output
}

func newCellTable(limit int) *cellTable {
	return &cellTable{limit: limit, outs: make(map[uint64]engine.Output)}
}

func (t *cellTable) add(id uint64, out engine.Output) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.outs[id] = out
	t.order = append(t.order, id)
	t.latest = out
	for len(t.order) > t.limit {
		delete(t.outs, t.order[0])
		t.order = t.order[1:]
	}
}

// get returns the Output of cell id, or the latest cell's if id is unknown
// or forgotten, or nil before the first cell.
func (t *cellTable) get(id uint64) engine.Output {
	t.mu.Lock()
	defer t.mu.Unlock()
	if out, ok := t.outs[id]; ok {
		return out
	}
	return t.latest
}

func (t *cellTable) last() engine.Output {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.latest
}

func (t *cellTable) len() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	return len(t.outs)
}
