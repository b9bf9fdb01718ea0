package session

import (
	"context"
	"io"
	"log/slog"
	"strings"
	"testing"

	"github.com/gilgo/gilgo/engine"
)

// TestResetRestart checks that %reset asks for a fresh process
// (ExecuteResult.Restart) exactly when a cell magic's ResetNote is
// non-empty, and that code after such a %reset is refused before anything
// is reset.
func TestResetRestart(t *testing.T) {
	tests := []struct {
		name        string
		note        string // the fake magic's ResetNote; "-" for no magic
		cell        string
		wantRestart bool
		wantErr     string // error name, "" for none
		wantOut     string // in the cell's output
		xAfter      string // what "x" shows after the cell
	}{
		{name: "no magics", note: "-", cell: "%reset", xAfter: "undefined: x"},
		{name: "empty note", note: "", cell: "%reset", xAfter: "undefined: x"},
		{name: "nil note func", note: "nil", cell: "%reset", xAfter: "undefined: x"},
		{name: "note", note: "2 plugins (1.5 MB) freed by a fresh process\n", cell: "%reset", wantRestart: true,
			wantOut: "a fresh interpreter\n2 plugins (1.5 MB) freed by a fresh process\n", xAfter: "undefined: x"},
		{name: "note with code after", note: "held", cell: "%reset\nx := 2", wantErr: "UsageError",
			wantOut: "code after %reset would be lost", xAfter: "[result text/plain]\n1\n"},
		{name: "code after, no note", note: "", cell: "%reset\nx := 2\nx", wantOut: "[result text/plain]\n2\n", xAfter: "[result text/plain]\n2\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			opts := Options{Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}
			switch tt.note {
			case "-":
			case "nil":
				opts.CellMagics = map[string]CellMagic{"fake": {Run: func(*MagicCell) error { return nil }}}
			default:
				note := tt.note
				opts.CellMagics = map[string]CellMagic{"fake": {
					Run:       func(*MagicCell) error { return nil },
					ResetNote: func() string { return note },
				}}
			}
			s, err := New(opts)
			if err != nil {
				t.Fatalf("new session: %v", err)
			}
			t.Cleanup(func() { _ = s.Shutdown(context.Background(), false) })
			if got := runCell(s, 1, "x := 1", nil); got != "" {
				t.Fatalf("x := 1: got %q", got)
			}
			rec := &recorder{}
			res := s.Execute(context.Background(), engine.ExecuteRequest{Code: tt.cell, ExecutionCount: 2}, rec)
			out := rec.String()
			gotErr := ""
			if res.Error != nil {
				gotErr = res.Error.Name
				out += res.Error.Value
			}
			if gotErr != tt.wantErr {
				t.Errorf("error: got %q (%v), want %q", gotErr, res.Error, tt.wantErr)
			}
			if res.Restart != tt.wantRestart {
				t.Errorf("Restart: got %v, want %v", res.Restart, tt.wantRestart)
			}
			if !strings.Contains(out, tt.wantOut) {
				t.Errorf("output: got %q, want it to contain %q", out, tt.wantOut)
			}
			if got := runCell(s, 3, "x", nil); !strings.Contains(got, tt.xAfter) {
				t.Errorf("x after the cell: got %q, want it to contain %q", got, tt.xAfter)
			}
			// A later cell does not ask again.
			if res := s.Execute(context.Background(), engine.ExecuteRequest{Code: "y := 3", ExecutionCount: 4}, &recorder{}); res.Restart {
				t.Errorf("a plain cell after it: Restart set")
			}
		})
	}
}
