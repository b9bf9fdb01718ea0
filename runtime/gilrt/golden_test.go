package gilrt

import (
	"flag"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/txtar"
)

var update = flag.Bool("update", false, "rewrite the golden files in ../testdata/gil")

// TestGolden runs ../testdata/gil/*.txtar through a session with the GIL:
// each "cell" file is a cell, the "want" file after it what the cell
// shows. go test -update rewrites the want files. Files named *_monitor
// are skipped under -race.
func TestGolden(t *testing.T) {
	files, err := filepath.Glob("../testdata/gil/*.txtar")
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no golden files")
	}
	for _, file := range files {
		name := strings.TrimSuffix(filepath.Base(file), ".txtar")
		t.Run(name, func(t *testing.T) {
			if raceEnabled && strings.HasSuffix(name, "_monitor") && !*update {
				t.Skip("monitor hand-offs have no happens-before edge the race detector sees (see the file's comment)")
			}
			ar, err := txtar.ParseFile(file)
			if err != nil {
				t.Fatal(err)
			}
			f := newFixture(t, Options{})
			changed := false
			var out []txtar.File
			for i := 0; i < len(ar.Files); i++ {
				cf := ar.Files[i]
				if !strings.HasPrefix(cf.Name, "cell") {
					continue
				}
				got := f.run(strings.TrimSuffix(string(cf.Data), "\n"))
				want := ""
				if i+1 < len(ar.Files) && ar.Files[i+1].Name == "want" {
					want = string(ar.Files[i+1].Data)
					i++
				}
				if got != want {
					changed = true
					if !*update {
						t.Errorf("cell %d:\n%s\ngot:\n%s\nwant:\n%s", f.n, cf.Data, got, want)
					}
				}
				out = append(out, cf, txtar.File{Name: "want", Data: []byte(got)})
			}
			if *update && changed {
				ar.Files = out
				if err := os.WriteFile(file, txtar.Format(ar), 0o644); err != nil {
					t.Fatal(err)
				}
			}
		})
	}
}
