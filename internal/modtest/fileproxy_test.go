package modtest

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// TestWriteFileProxy: the go command downloads a module of the written
// proxy and builds a program with it.
func TestWriteFileProxy(t *testing.T) {
	if _, err := exec.LookPath("go"); err != nil {
		t.Skip("no go command")
	}
	proxy := t.TempDir()
	if err := WriteFileProxy("../../modules/testdata/proxy", proxy); err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	os.WriteFile(filepath.Join(dir, "go.mod"), []byte("module m\n\ngo 1.21\n"), 0o644)
	os.WriteFile(filepath.Join(dir, "main.go"), []byte("package main\n\nimport (\n\t\"fmt\"\n\t\"example.com/stats\"\n)\n\nfunc main() { fmt.Println(stats.Version, stats.Mean([]float64{1, 2})) }\n"), 0o644)
	env := Replace(os.Environ(), map[string]string{"GOPROXY": "file://" + proxy, "GOSUMDB": "off", "GOFLAGS": "-modcacherw", "GOMODCACHE": filepath.Join(t.TempDir(), "mod"), "GOWORK": "off"})
	for _, args := range [][]string{{"get", "example.com/stats"}, {"run", "."}} {
		cmd := exec.Command("go", args...)
		cmd.Dir, cmd.Env = dir, env
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("go %s: %v\n%s", args[0], err, out)
		}
		if args[0] == "run" && strings.TrimSpace(string(out)) != "v1.1.0 1.5" {
			t.Errorf("go run printed %q, want the newest version's", out)
		}
	}
}
