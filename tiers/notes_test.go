package tiers

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gilgo/gilgo/compiled"
	"github.com/gilgo/gilgo/internal/needs"
)

// TestCompileNotes: what the compiled tier has to tell a %%compile cell
// (its build is slow, it is unavailable) is a note, never a line on the
// cell's stderr, which is its program's.
func TestCompileNotes(t *testing.T) {
	const cell = "%%compile\nfunc seven() int { return 7 }"
	check := func(t *testing.T, r *cellRunner, wantNotes ...string) {
		out := r.must(cell)
		notes := out.text("note")
		for _, w := range wantNotes {
			if !strings.Contains(notes, w) {
				t.Errorf("notes: got %q, want %q in them", notes, w)
			}
		}
		if got := out.text("stderr"); got != "" {
			t.Errorf("stderr: got %q, want nothing", got)
		}
		if got := r.run("import \"fmt\"\nfmt.Println(seven())"); got != "7\n" {
			t.Errorf("seven(): got %q", got)
		}
	}

	t.Run("unavailable", func(t *testing.T) {
		t.Setenv("PATH", t.TempDir()) // no go command
		check(t, newRunnerWith(t, Options{NoAutoCompile: true}), "compiled tier unavailable: ", "; running interpreted")
	})

	t.Run("slow build", func(t *testing.T) {
		needs.CompiledTier(t, compiled.Check())
		gobin, err := exec.LookPath("go")
		if err != nil {
			t.Skip("no go command")
		}
		dir := t.TempDir()
		script := "#!/bin/sh\nif [ \"$1\" = build ]; then sleep 1.5; fi\nexec " + gobin + " \"$@\"\n"
		if err := os.WriteFile(filepath.Join(dir, "go"), []byte(script), 0o755); err != nil {
			t.Fatal(err)
		}
		t.Setenv("PATH", dir+string(os.PathListSeparator)+os.Getenv("PATH"))
		check(t, newRunnerWith(t, Options{NoAutoCompile: true}), "compiling cell[1] with go build", "compiled cell[1] with go build (")
	})
}
