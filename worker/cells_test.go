package worker

import "testing"

func TestCellTableBounded(t *testing.T) {
	tab := newCellTable(3)
	if tab.get(1) != nil {
		t.Fatal("empty table: want nil output")
	}
	outs := make([]*recorder, 6)
	for i := range outs {
		outs[i] = newRecorder()
		tab.add(uint64(i+1), outs[i])
	}
	if n := tab.len(); n != 3 {
		t.Errorf("len: got %d, want 3", n)
	}
	tests := []struct {
		id   uint64
		want int // index into outs
	}{
		{1, 5}, // forgotten: latest
		{3, 5},
		{4, 3},
		{6, 5},
		{99, 5}, // unknown: latest
	}
	for _, tt := range tests {
		if got := tab.get(tt.id); got != outs[tt.want] {
			t.Errorf("get(%d): got another output, want outs[%d]", tt.id, tt.want)
		}
	}
}
