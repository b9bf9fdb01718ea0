package gilrt

import (
	"flag"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gilgo/gilgo/internal/goldencells"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata/gil")

// TestGolden runs testdata/gil/*.txtar through a session with the GIL:
// each "cell" file is a cell, the "want" file after it what the cell
// shows. go test -update rewrites the want files. Files named *_monitor
// are skipped under -race.
func TestGolden(t *testing.T) {
	files, err := filepath.Glob("testdata/gil/*.txtar")
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
			f := newFixture(t, Options{})
			goldencells.Check(t, file, *update, func(_, src string) string { return f.run(src) })
		})
	}
}
