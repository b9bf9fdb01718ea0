package kernel

import (
	"context"
	"runtime"
	"strings"
	"sync"
	"testing"

	"github.com/gilgo/gilgo/engine"
)

// keepOutputs is an interpreter that keeps the Output of every cell, as
// worker.Client does (for the output of goroutines a cell started).
type keepOutputs struct {
	*fakeInterp
	mu   sync.Mutex
	outs []engine.Output
}

func (k *keepOutputs) Execute(_ context.Context, _ engine.ExecuteRequest, out engine.Output) engine.ExecuteResult {
	k.mu.Lock()
	defer k.mu.Unlock()
	k.outs = append(k.outs, out)
	return engine.ExecuteResult{}
}

// heapInUse returns the bytes of live heap objects after a full GC.
func heapInUse() int64 {
	runtime.GC()
	runtime.GC() // sync.Pool's victims (encoding/json's buffers) go at the second
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	return int64(ms.HeapAlloc)
}

// TestRetainedMemoryPerCell: what the kernel keeps after large cells is
// small next to them. Three cells of 20 MiB each left 120 MiB behind:
// every cell's input in the history, and every request, content
// included, in the Output its interpreter keeps.
func TestRetainedMemoryPerCell(t *testing.T) {
	const cellSize, cells = 20 << 20, 3
	fi := &keepOutputs{fakeInterp: newFake()}
	c := startKernel(t, fi, Options{})
	c.execute(map[string]any{"code": "warm up"})
	var sb strings.Builder
	sb.Grow(cellSize)
	sb.WriteString("x := 1 //")
	for sb.Len() < cellSize {
		sb.WriteByte('y')
	}
	code := sb.String()
	before := heapInUse()
	for range cells {
		if r, _ := c.execute(map[string]any{"code": code}); c.content(r)["status"] != "ok" {
			t.Fatalf("execute: %s", r.Content)
		}
	}
	retained := heapInUse() - before
	t.Logf("retained after %d cells of %d MiB: %.1f MiB", cells, cellSize>>20, float64(retained)/(1<<20))
	if limit := int64(cellSize / 4); retained > limit {
		t.Errorf("retained %.1f MiB after %d cells of %d MiB, want at most %.1f MiB",
			float64(retained)/(1<<20), cells, cellSize>>20, float64(limit)/(1<<20))
	}
	runtime.KeepAlive(fi)
	runtime.KeepAlive(code) // live at both measurements
}
