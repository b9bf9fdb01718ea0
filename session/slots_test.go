package session

import "testing"

// globalSlots is the length of yaegi's global frame layout (the universe
// scope's types), or -1 if its fields moved.
func globalSlots(s *Session) int {
	in, ok := internalsOf(s.it)
	if !ok {
		return -1
	}
	types, ok := unexported(in.universe.Elem(), "types")
	if !ok {
		return -1
	}
	return types.Len()
}

// TestGlobalSlots counts the slots each kind of cell adds to yaegi's
// global frame, which never shrinks and which yaegi copies whole whenever
// a compile added to it: only a declared variable may add one.
func TestGlobalSlots(t *testing.T) {
	tests := []struct {
		name string
		code string
		want int
	}{
		{"expression", "x + 1", 0},
		{"statement", "x++", 0},
		{"statements and expression", "x++\nx * 2", 0},
		{"print", "fmt.Println(x)", 0},
		{"loop", "for i := 0; i < 3; i++ { x += i }", 0},
		{"value and error", "strconv.Atoi(\"12\")", 0},
		{"func", "func f() int { return x }", 0},
		{"call of a cell func", "f()", 0},
		{"a new variable", "y := 2", 1},
		{"two new variables", "var a, b = 1, 2", 2},
	}
	s := newTestSession(t)
	if out := runCell(s, 1, "import (\n\"fmt\"\n\"strconv\"\n)\nx := 1", nil); out != "" {
		t.Fatalf("setup: %s", out)
	}
	for i, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			before := globalSlots(s)
			if before < 0 {
				t.Fatal("yaegi's universe scope has no types field")
			}
			rec := runCell(s, i+2, tt.code, nil)
			if got := globalSlots(s) - before; got != tt.want {
				t.Errorf("%q added %d global slots, want %d (it showed %q)", tt.code, got, tt.want, rec)
			}
		})
	}
}
