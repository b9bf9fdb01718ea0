package session

import "testing"

// TestMurmur2 checks the hash against JupyterLab's own (values from
// @jupyterlab/debugger 3.6's murmur2 with ipykernel's seed, under node).
func TestMurmur2(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want uint32
	}{
		{"", 3990065800},
		{"a", 2167009006},
		{"ab", 2805137849},
		{"abc", 3350977461},
		{"abcd", 804720481},
		{"func f() {\n\tx := 1\n}\nf()", 2574301017},
		{"héllo ✓ 世界", 2613055260},
	} {
		if got := murmur2([]byte(tc.in), debugHashSeed); got != tc.want {
			t.Errorf("murmur2(%q): got %d, want %d", tc.in, got, tc.want)
		}
	}
}
