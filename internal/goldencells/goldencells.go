// Package goldencells checks notebook-style golden files for the session's
// tests: a txtar archive whose files named "cell..." are cells, each
// followed by a "want" file holding what the cell shows. With update set,
// the want files are rewritten from what the cells showed.
//
// Recorder renders a cell's output in the want files' format.
//
// It is for tests only; Check is safe for concurrent use on distinct files.
package goldencells

import (
	"os"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"
)

// Check runs the cells of file in order through run (given the cell file's
// name, e.g. "cell stdin=a,b", and its text without the final newline) and
// compares what run returns with the want file after each cell.
func Check(t *testing.T, file string, update bool, run func(name, src string) string) {
	t.Helper()
	ar, err := txtar.ParseFile(file)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	changed := false
	var out []txtar.File
	for i := 0; i < len(ar.Files); i++ {
		f := ar.Files[i]
		if !strings.HasPrefix(f.Name, "cell") {
			continue
		}
		n++
		got := run(f.Name, strings.TrimSuffix(string(f.Data), "\n"))
		want := ""
		if i+1 < len(ar.Files) && ar.Files[i+1].Name == "want" {
			want = string(ar.Files[i+1].Data)
			i++
		}
		if got != want {
			changed = true
			if !update {
				t.Errorf("cell %d:\n%s\ngot:\n%s\nwant:\n%s", n, f.Data, got, want)
			}
		}
		out = append(out, f, txtar.File{Name: "want", Data: []byte(got)})
	}
	if update && changed {
		ar.Files = out
		if err := os.WriteFile(file, txtar.Format(ar), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}
