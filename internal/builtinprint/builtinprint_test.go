package builtinprint

import (
	"math"
	"strings"
	"testing"
)

func TestPrint(t *testing.T) {
	var p *int
	tests := []struct {
		ln   bool
		args []any
		want string
	}{
		{false, []any{1, "a", true}, "1atrue"},
		{true, []any{1, "a", true}, "1 a true\n"},
		{true, []any{1.5, -2.0, 8.0, 1e21, 1e-7}, "1.5 -2 8 1e+21 1e-07\n"},
		{true, []any{float32(0.1), math.Inf(1), math.Copysign(0, -1)}, "0.1 +Inf -0\n"},
		{true, []any{uint8(255), int64(-7)}, "255 -7\n"},
		{true, []any{complex(5, 6), complex64(complex(1, -2))}, "(5+6i) (1-2i)\n"},
		{true, []any{p, nil}, "0x0 (0x0,0x0)\n"},
		{true, nil, "\n"},
	}
	for _, tt := range tests {
		var b strings.Builder
		Print(&b, tt.ln, tt.args)
		if b.String() != tt.want {
			t.Errorf("Print(%v, %v) = %q, want %q", tt.ln, tt.args, b.String(), tt.want)
		}
	}
}
