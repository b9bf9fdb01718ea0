package notebook

import (
	"bytes"
	"context"
	"errors"
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden files")

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("%s differs (go test -update rewrites it):\n--- got\n%s\n--- want\n%s", path, got, want)
	}
}

func readFile(t *testing.T, name string) *Notebook {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	nb, err := Read(f)
	if err != nil {
		t.Fatalf("Read(%s): %v", name, err)
	}
	return nb
}

func TestRunGolden(t *testing.T) {
	tests := []struct {
		in      string
		wantErr string
	}{
		{"basic.ipynb", ""},
		{"error.ipynb", "cell 3: runtime.Error: runtime error: index out of range"},
	}
	for _, tt := range tests {
		t.Run(tt.in, func(t *testing.T) {
			nb := readFile(t, tt.in)
			err := Run(t.Context(), nb, newFake(), RunOptions{GoVersion: "1.99.0"})
			if got := errString(err); got != tt.wantErr {
				t.Errorf("Run error = %q, want %q", got, tt.wantErr)
			}
			b, err := Marshal(nb)
			if err != nil {
				t.Fatal(err)
			}
			golden(t, strings.TrimSuffix(tt.in, ".ipynb")+".golden.ipynb", b)
			// What Write wrote reads back to the same bytes.
			again, err := Read(bytes.NewReader(b))
			if err != nil {
				t.Fatalf("Read(Write(nb)): %v", err)
			}
			b2, _ := Marshal(again)
			if !bytes.Equal(b, b2) {
				t.Errorf("Write(Read(Write(nb))) differs from Write(nb):\n%s\n---\n%s", b2, b)
			}
		})
	}
}

func errString(err error) string {
	if err == nil {
		return ""
	}
	return err.Error()
}

func TestRunCellError(t *testing.T) {
	nb := readFile(t, "error.ipynb")
	err := Run(t.Context(), nb, newFake(), RunOptions{})
	var ce *CellError
	if !errors.As(err, &ce) {
		t.Fatalf("Run = %v, want a *CellError", err)
	}
	if ce.Index != 2 || ce.Count != 3 || ce.Name != "runtime.Error" {
		t.Errorf("CellError = %+v, want index 2, count 3, runtime.Error", ce)
	}
	if last := nb.Cells[3]; last.ExecutionCount != 0 || len(last.Outputs) != 0 {
		t.Errorf("cell after the error: count %d, outputs %d; want it cleared and not run", last.ExecutionCount, len(last.Outputs))
	}
}

func TestRunTimeout(t *testing.T) {
	nb := &Notebook{Cells: []*Cell{
		{Type: CodeCell, Source: "print ok"},
		{Type: CodeCell, Source: "print spinning\nspin"},
		{Type: CodeCell, Source: "print never"},
	}}
	f := newFake()
	err := Run(t.Context(), nb, f, RunOptions{Timeout: 20 * time.Millisecond})
	var ce *CellError
	if !errors.As(err, &ce) || ce.Timeout != 20*time.Millisecond || ce.Count != 2 {
		t.Fatalf("Run = %v, want cell 2 timed out", err)
	}
	if got, want := err.Error(), "cell 2 timed out after 20ms"; got != want {
		t.Errorf("error = %q, want %q", got, want)
	}
	if f.interrupts == 0 {
		t.Error("the timed-out cell was not interrupted")
	}
	if outs := nb.Cells[1].Outputs; len(outs) != 2 || outs[1].Type != ErrorOutput {
		t.Errorf("timed-out cell outputs = %+v, want its stream and an error", outs)
	}
	if len(f.executed) != 2 {
		t.Errorf("executed %d cells, want 2", len(f.executed))
	}
}

func TestRunAbandonsAHangingCell(t *testing.T) {
	nb := &Notebook{Cells: []*Cell{{Type: CodeCell, Source: "hang"}}}
	f := newFake()
	defer close(f.hang) // lets the abandoned Execute goroutine end
	err := Run(t.Context(), nb, f, RunOptions{Timeout: time.Millisecond, Grace: time.Millisecond})
	var ce *CellError
	if !errors.As(err, &ce) || ce.Timeout == 0 {
		t.Fatalf("Run = %v, want a timeout", err)
	}
}

func TestRunContextCancelled(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	nb := &Notebook{Cells: []*Cell{{Type: CodeCell, Source: "spin"}}}
	err := Run(ctx, nb, newFake(), RunOptions{})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("Run = %v, want context.Canceled", err)
	}
}

func TestRunSetup(t *testing.T) {
	f := newFake()
	nb := &Notebook{Cells: []*Cell{{Type: CodeCell, Source: "print hi"}}}
	if err := Run(t.Context(), nb, f, RunOptions{Setup: []string{"print hidden"}}); err != nil {
		t.Fatal(err)
	}
	if len(f.executed) != 2 || !f.executed[0].Silent || f.executed[1].ExecutionCount != 1 {
		t.Errorf("executed = %+v, want a silent setup cell then cell 1", f.executed)
	}
	if got := nb.Cells[0].Outputs; len(got) != 1 || got[0].Text != "hi\n" {
		t.Errorf("outputs = %+v, want only the cell's own", got)
	}
	err := Run(t.Context(), nb, newFake(), RunOptions{Setup: []string{"fail CompileError no gil"}})
	if got, want := errString(err), "setup cell 1: CompileError: no gil"; got != want {
		t.Errorf("failing setup: %q, want %q", got, want)
	}
}

func TestReadErrors(t *testing.T) {
	tests := []struct {
		name, in, want string
	}{
		{"empty", "", "not a notebook: empty file"},
		{"text", "hello", "not a notebook: invalid character 'h' looking for beginning of value at line 1, column 1"},
		{"second line", "{\n \"cells\": [,]}", "not a notebook: invalid character ',' looking for beginning of value at line 2, column 12"},
		{"truncated", "{\"cells\": [", "not a notebook: unexpected end of JSON input at line 1, column 11"},
		{"trailing", `{"nbformat": 4, "cells": []} x`, "not a notebook: data after the JSON value at line 1, column 30"},
		{"array", "[]", "not a notebook: want a JSON object, got an array"},
		{"no nbformat", `{"cells": []}`, "not a notebook: no nbformat field"},
		{"nbformat string", `{"nbformat": "4"}`, "not a notebook: nbformat: want an integer, got a string"},
		{"nbformat 3", `{"nbformat": 3, "worksheets": []}`, "unsupported nbformat 3, want 4"},
		{"no cells", `{"nbformat": 4}`, "invalid notebook: no cells field"},
		{"cells object", `{"nbformat": 4, "cells": {}}`, "invalid notebook: cells: want an array, got an object"},
		{"cell type", `{"nbformat": 4, "cells": [{"cell_type": "heading", "source": ""}]}`, `invalid notebook: cells[0]: cell_type: got "heading", want code, markdown or raw`},
		{"no source", `{"nbformat": 4, "cells": [{"cell_type": "code"}]}`, "invalid notebook: cells[0]: source: missing"},
		{"source number", `{"nbformat": 4, "cells": [{"cell_type": "code", "source": ["a", 1]}]}`, "invalid notebook: cells[0]: source: want a string or an array of strings, got an element of type the number 1"},
		{"bad id", `{"nbformat": 4, "cells": [{"cell_type": "code", "id": "a b", "source": ""}]}`, `invalid notebook: cells[0]: id: got "a b", want 1 to 64 letters, digits, '-' or '_'`},
		{"count", `{"nbformat": 4, "cells": [{"cell_type": "code", "source": "", "execution_count": 1.5}]}`, "invalid notebook: cells[0]: execution_count: want an integer, got 1.5"},
		{"output type", `{"nbformat": 4, "cells": [{"cell_type": "code", "source": "", "outputs": [{"output_type": "pyout"}]}]}`, `invalid notebook: cells[0]: outputs[0]: output_type: got "pyout", want stream, display_data, execute_result or error`},
		{"traceback", `{"nbformat": 4, "cells": [{"cell_type": "code", "source": "", "outputs": [{"output_type": "error", "ename": "E", "evalue": "v"}]}]}`, "invalid notebook: cells[0]: outputs[0]: traceback: want an array of strings, got null"},
		{"metadata", `{"nbformat": 4, "cells": [], "metadata": []}`, "invalid notebook: metadata: want an object, got an array"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Read(strings.NewReader(tt.in))
			if got := errString(err); got != tt.want {
				t.Errorf("Read(%q)\n got %q\nwant %q", tt.in, got, tt.want)
			}
		})
	}
}

func TestReadRepairsDuplicateIDs(t *testing.T) {
	nb, err := Read(strings.NewReader(`{"nbformat": 4, "nbformat_minor": 5, "cells": [
		{"cell_type": "code", "id": "x", "source": "a"}, {"cell_type": "code", "id": "x", "source": "b"}]}`))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := Marshal(nb); err != nil {
		t.Fatal(err)
	}
	if nb.Cells[0].ID != "x" || nb.Cells[1].ID == "x" || nb.Cells[1].ID == "" {
		t.Errorf("ids = %q, %q; want x and a fresh one", nb.Cells[0].ID, nb.Cells[1].ID)
	}
}

func TestSplitLines(t *testing.T) {
	tests := []struct {
		in   string
		want []string
	}{
		{"", []string{}},
		{"a", []string{"a"}},
		{"a\n", []string{"a\n"}},
		{"a\nb", []string{"a\n", "b"}},
		{"\n\n", []string{"\n", "\n"}},
	}
	for _, tt := range tests {
		got := splitLines(tt.in)
		if strings.Join(got, "|") != strings.Join(tt.want, "|") || len(got) != len(tt.want) {
			t.Errorf("splitLines(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestCellTags(t *testing.T) {
	c := &Cell{Metadata: map[string]any{"tags": []any{"wall-clock", 3, "raises-exception"}}}
	if !c.HasTag(TagWallClock) || !c.HasTag(TagRaisesException) || c.HasTag("x") {
		t.Errorf("tags = %q", c.Tags())
	}
}

func FuzzRead(f *testing.F) {
	for _, name := range []string{"basic.ipynb", "error.ipynb", "basic.golden.ipynb"} {
		b, err := os.ReadFile(filepath.Join("testdata", name))
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(`{"nbformat": 4, "cells": [{"cell_type": "code", "source": ["a\n", "b"], "outputs": [{"output_type": "display_data", "data": {"application/json": {"a": [1]}, "text/plain": ["x"]}}]}]}`))
	f.Add([]byte("{"))
	f.Add([]byte("null"))
	f.Fuzz(func(t *testing.T, data []byte) {
		nb, err := Read(bytes.NewReader(data))
		if err != nil {
			return
		}
		// Whatever Read accepts, Write writes, and Read accepts that again
		// with the same result.
		b, err := Marshal(nb)
		if err != nil {
			return // e.g. a number json cannot re-encode; never a panic
		}
		nb2, err := Read(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("Read(Write(nb)): %v\n%s", err, b)
		}
		b2, err := Marshal(nb2)
		if err != nil || !bytes.Equal(b, b2) {
			t.Fatalf("Write is not stable: %v\n%s\n---\n%s", err, b, b2)
		}
	})
}
