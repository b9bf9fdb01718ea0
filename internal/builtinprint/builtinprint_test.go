package builtinprint

import (
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
		{true, []any{1.5, -2.0}, "+1.500000e+000 -2.000000e+000\n"},
		{true, []any{uint8(255), int64(-7)}, "255 -7\n"},
		{true, []any{complex(1, -2)}, "(+1.000000e+000-2.000000e+000i)\n"},
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
