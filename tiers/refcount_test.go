package tiers

import (
	"strings"
	"testing"
)

// TestGetRefCountCountsCellsOnly: sys.GetRefCount counts the places cells
// refer to an object from, not the session's own. A variable whose value
// reaches the session (experiment's stepper holds its host, as widgets
// do) must not lead the count into the session's bookkeeping, which holds
// every variable's value again (the interpreter's frame): 02-the-gil's
// example printed 7 instead of 3 that way.
func TestGetRefCountCountsCellsOnly(t *testing.T) {
	r := newCellRunner(t)
	r.must(`import ("experiment"; "fmt"; "sys"; "time")`)
	r.must(`step := experiment.NewStepper(time.Millisecond, func(n int) {})`)
	r.must("a := []int{}\nb := a")
	if got := strings.TrimSpace(r.run(`fmt.Println(sys.GetRefCount(a))`)); got != "3" {
		t.Errorf("GetRefCount(a) with a, b and the argument: got %s, want 3", got)
	}
	r.must(`s := []int{1, 2}`)
	if got := strings.TrimSpace(r.run(`fmt.Println(sys.GetRefCount(s))`)); got != "2" {
		t.Errorf("GetRefCount(s) with s and the argument: got %s, want 2", got)
	}
}
