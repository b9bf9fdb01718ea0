package session

import "testing"

func TestPanicFrameRE(t *testing.T) {
	tests := []struct {
		line      string
		match     bool
		file, pos string
		fn        string
	}{
		{"cell[3]/_.go:2:5: panic: main.f(...)\n", true, "cell[3]/_.go", "2:5", "main.f"},
		{"1:28: panic: main(...)\n", true, "", "1:28", "main"},
		{"-: panic: main(...)\n", true, "", "", "main"},
		{"-: panic: main.__cell4_1(...)", true, "", "", "main.__cell4_1"},
		{"panic: boom\n", false, "", "", ""},
		{"cell[3]:2:5: index out of range\n", false, "", "", ""},
		{"x-: panic: main(...)\n", false, "", "", ""},
	}
	for _, tt := range tests {
		m := panicFrameRE.FindStringSubmatch(tt.line)
		if (m != nil) != tt.match {
			t.Errorf("%q: match %v, want %v", tt.line, m != nil, tt.match)
			continue
		}
		if m == nil {
			continue
		}
		pos := ""
		if m[2] != "" {
			pos = m[2] + ":" + m[3]
		}
		if m[1] != tt.file || pos != tt.pos || m[4] != tt.fn {
			t.Errorf("%q: got file %q pos %q fn %q, want %q %q %q", tt.line, m[1], pos, m[4], tt.file, tt.pos, tt.fn)
		}
	}
}
