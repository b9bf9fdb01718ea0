package session

import (
	"testing"

	"github.com/traefik/yaegi/interp"
)

// TestReleaseFields fails when a yaegi upgrade renames the unexported
// fields releaseCompiled empties: without them every cell's node graph
// stays reachable and the worker grows ~15 KB per cell again.
func TestReleaseFields(t *testing.T) {
	it := interp.New(interp.Options{})
	in, ok := internalsOf(it)
	if !ok {
		t.Fatal("yaegi's Interpreter fields mutex, roots, universe, scopes not found")
	}
	if _, err := it.Eval("func __cell1_1() int { return 1 }\nvar keep = __cell1_1()"); err != nil {
		t.Fatal(err)
	}
	if in.roots.Len() == 0 {
		t.Fatal("roots: empty after an Eval, want the Eval's root")
	}
	releaseCompiled(it)
	if n := in.roots.Len(); n != 0 {
		t.Errorf("roots after release: got %d, want 0", n)
	}
	if _, err := it.Eval("__cell1_1()"); err == nil {
		t.Error("__cell1_1 still defined after release, want it removed from package main")
	}
	v, err := it.Eval("keep")
	if err != nil || v.Interface() != 1 {
		t.Errorf("keep after release: got %v, %v; want 1", v, err)
	}
}
