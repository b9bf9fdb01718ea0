package pylib

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"
)

// TestGolden runs every testdata/cells/*.txtar as a notebook: sections
// named "cell" run in order in one session; the "out" section after each
// holds its exact output. go test -update rewrites the outputs.
func TestGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/cells/*.txtar")
	if err != nil || len(files) == 0 {
		t.Fatalf("no golden files: %v", err)
	}
	for _, file := range files {
		t.Run(filepath.Base(file), func(t *testing.T) {
			ar, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			s := newSession(t)
			var out []txtar.File
			for i := 0; i < len(ar.Files); i++ {
				f := ar.Files[i]
				if f.Name != "cell" {
					continue
				}
				got := s.eval(string(f.Data))
				out = append(out, f, txtar.File{Name: "out", Data: []byte(got)})
				want := ""
				if i+1 < len(ar.Files) && ar.Files[i+1].Name == "out" {
					want = string(ar.Files[i+1].Data)
				}
				if got != want && !*update {
					t.Errorf("cell %d:\n%s\ngot:\n%s\nwant:\n%s", len(out)/2, f.Data, got, want)
				}
			}
			if *update {
				ar.Files = out
				if err := os.WriteFile(file, txtar.Format(ar), 0o644); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}
