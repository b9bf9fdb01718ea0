package session

import (
	"fmt"
	"testing"
	"unsafe"
)

// TestFrameFields fails when a yaegi upgrade moves the fields growFrame
// reaches: yaegi then copies its global frame again for every cell that
// declares a variable.
func TestFrameFields(t *testing.T) {
	s := newTestSession(t)
	if _, ok := frameOf(s.it); !ok {
		t.Fatal("yaegi's Interpreter fields frame (data, mutex) and universe (types) not found")
	}
}

// TestFrameCopies runs cells that each declare a variable and counts how
// often the global frame's values moved to a new array: with growFrame a
// few times in all, without it once a cell.
func TestFrameCopies(t *testing.T) {
	const cells = 500
	s := newTestSession(t)
	fv, _ := frameOf(s.it)
	base := func() unsafe.Pointer { return unsafe.Pointer(unsafe.SliceData(*fv.data)) }
	moves, last := 0, base()
	for k := 1; k <= cells; k++ {
		if out := runCell(s, k, fmt.Sprintf("v%d := %d", k, k), nil); out != "" {
			t.Fatalf("cell %d: %s", k, out)
		}
		if b := base(); b != last {
			moves, last = moves+1, b
		}
	}
	if moves > 10 {
		t.Errorf("the global frame moved %d times in %d cells, want at most 10", moves, cells)
	}
	if out := runCell(s, cells+1, "v1 + v250 + v500", nil); out != "[result text/plain]\n751\n" {
		t.Errorf("v1 + v250 + v500: got %q", out)
	}
}
