package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"strings"
	"testing"

	"github.com/rogpeppe/go-internal/testscript"

	"github.com/gilgo/gilgo/compiled"
	"github.com/gilgo/gilgo/internal/needs"
)

// TestMain lets the test binary act as the gilgo command inside scripts:
// testscript copies it to $PATH as "gilgo", so `gilgo kernel` can start
// `gilgo worker` from os.Executable() as the real binary does.
func TestMain(m *testing.M) {
	testscript.Main(m, map[string]func(){
		"gilgo": func() { os.Exit(run(context.Background(), os.Args[1:], os.Stdout, os.Stderr)) },
	})
}

// TestScripts runs testdata/*.txtar. Conditions: [jupyter] holds when
// /usr/bin/python3 can import jupyter_client; [compiled] when the compiled
// tier can build plugins for this binary (a go toolchain of the same
// version, cgo, the checkout it was built from).
func TestScripts(t *testing.T) {
	testscript.Run(t, testscript.Params{
		Dir:                 "testdata",
		RequireExplicitExec: true,
		Setup: func(e *testscript.Env) error {
			// Never touch the real user's Jupyter directories.
			if err := os.MkdirAll(e.WorkDir+"/home", 0o755); err != nil {
				return err
			}
			e.Setenv("HOME", e.WorkDir+"/home")
			// The type check's cache of the standard library is the
			// user's, as the Go build cache is.
			if dir, err := os.UserCacheDir(); err == nil {
				e.Setenv("XDG_CACHE_HOME", dir)
			}
			e.Setenv("XDG_DATA_HOME", "")
			e.Setenv("JUPYTER_DATA_DIR", "")
			e.Setenv("JUPYTER_PATH", "")
			e.Setenv("JUPYTER_RUNTIME_DIR", e.WorkDir+"/runtime")
			e.Setenv("PYDEVD_DISABLE_FILE_VALIDATION", "1")
			return nil
		},
		Condition: func(cond string) (bool, error) {
			switch cond {
			case "jupyter":
				return hasJupyterClient(), nil
			case "compiled":
				return needs.CompiledCondition(compiled.Check())
			}
			return false, nil
		},
	})
}

func hasJupyterClient() bool {
	return exec.Command("/usr/bin/python3", "-c", "import jupyter_client").Run() == nil
}

// TestRunExitStatus checks exit statuses and where usage text goes, in
// process.
func TestRunExitStatus(t *testing.T) {
	tests := []struct {
		name       string
		args       []string
		want       int
		wantStdout string
		wantStderr string
	}{
		{"no command", nil, exitUsage, "", "usage: gilgo COMMAND"},
		{"unknown command", []string{"frobnicate"}, exitUsage, "", `unknown command "frobnicate"`},
		{"help", []string{"help"}, exitOK, "Commands:", ""},
		{"--help", []string{"--help"}, exitOK, "Commands:", ""},
		{"help install", []string{"help", "install"}, exitOK, "usage: gilgo install", ""},
		{"help unknown", []string{"help", "nope"}, exitUsage, "", `unknown command "nope"`},
		{"help too many", []string{"help", "a", "b"}, exitUsage, "", "usage: gilgo help"},
		{"install -h", []string{"install", "-h"}, exitOK, "-sys-prefix", ""},
		{"kernel -h", []string{"kernel", "-h"}, exitOK, "usage: gilgo kernel -f CONNECTION_FILE", ""},
		{"bad flag", []string{"install", "--bogus"}, exitUsage, "", "flag provided but not defined: -bogus"},
		{"two scopes", []string{"install", "--user", "--prefix", "x"}, exitUsage, "", "use only one of"},
		{"sys-prefix and prefix", []string{"uninstall", "--sys-prefix", "--prefix", "x"}, exitUsage, "", "use only one of"},
		{"stray argument", []string{"install", "extra"}, exitUsage, "", `unexpected argument "extra"`},
		{"bad log level", []string{"install", "--prefix", "x", "--log-level", "loud"}, exitUsage, "", "invalid --log-level"},
		{"kernel without -f", []string{"kernel"}, exitUsage, "", "missing -f CONNECTION_FILE"},
		{"kernel bad level", []string{"kernel", "-f", "c.json", "--log-level", "loud"}, exitUsage, "", "want debug, info, warn or error"},
		{"kernel missing file", []string{"kernel", "-f", "/nonexistent/c.json"}, exitFail, "", "read connection file"},
		{"version", []string{"version"}, exitOK, "yaegi ", ""},
		{"version extra", []string{"version", "x"}, exitUsage, "", "unexpected argument"},
		{"worker extra", []string{"worker", "x"}, exitUsage, "", "unexpected argument"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			got := run(t.Context(), tt.args, &stdout, &stderr)
			if got != tt.want {
				t.Errorf("run(%q) = %d, want %d\nstdout: %s\nstderr: %s", tt.args, got, tt.want, &stdout, &stderr)
			}
			if !strings.Contains(stdout.String(), tt.wantStdout) {
				t.Errorf("stdout = %q, want it to contain %q", &stdout, tt.wantStdout)
			}
			if !strings.Contains(stderr.String(), tt.wantStderr) {
				t.Errorf("stderr = %q, want it to contain %q", &stderr, tt.wantStderr)
			}
			if tt.wantStdout == "" && stdout.Len() > 0 {
				t.Errorf("stdout = %q, want nothing", &stdout)
			}
		})
	}
}

func TestHelpListsEveryCommand(t *testing.T) {
	var stdout bytes.Buffer
	run(t.Context(), []string{"help"}, &stdout, &stdout)
	for _, c := range commands() {
		if !strings.Contains(stdout.String(), "  "+c.name+" ") {
			t.Errorf("help does not list %q:\n%s", c.name, &stdout)
		}
		var out bytes.Buffer
		if got := run(t.Context(), []string{"help", c.name}, &out, &out); got != exitOK || !strings.Contains(out.String(), "usage: gilgo "+c.name) {
			t.Errorf("gilgo help %s = %d, %q", c.name, got, &out)
		}
	}
}
