package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/gilgo/gilgo/engine"
)

func TestAction(t *testing.T) {
	tests := []struct{ src, want string }{
		{"// run\n\npackage main", "run"},
		{"//go:build linux\n\n// run\npackage main", "run"},
		{"// run arg1 arg2\npackage main", "run arg1 arg2"},
		{"// compile\npackage p", "compile"},
		{"package main\n// run", ""},
		{"\n\n// runoutput ./x.go\n", "runoutput ./x.go"},
	}
	for _, tt := range tests {
		if got := action([]byte(tt.src)); got != tt.want {
			t.Errorf("action(%q) = %q, want %q", tt.src, got, tt.want)
		}
	}
}

func TestUnrunnable(t *testing.T) {
	dir := t.TempDir()
	tests := []struct {
		name, src, want string
	}{
		{"ok.go", "// run\npackage main\nimport \"fmt\"\nfunc main() { fmt.Println() }", ""},
		{"exec.go", "// run\npackage main\nimport \"os/exec\"\nfunc main() { exec.Command(\"x\") }", "imports os/exec (runs processes)"},
		{"args.go", "// run\npackage main\nimport \"os\"\nfunc main() { _ = os.Args }", "uses os.Args"},
		{"lib.go", "// run\npackage p\n", "not package main"},
		{"plan9.go", "//go:build plan9\n\n// run\npackage main\nfunc main() {}", "not built for"},
	}
	for _, tt := range tests {
		path := filepath.Join(dir, tt.name)
		if err := os.WriteFile(path, []byte(tt.src), 0o644); err != nil {
			t.Fatal(err)
		}
		got := unrunnable(path, []byte(tt.src))
		if (tt.want == "") != (got == "") || !strings.HasPrefix(got, tt.want) {
			t.Errorf("unrunnable(%s) = %q, want %q", tt.name, got, tt.want)
		}
	}
}

func TestJudge(t *testing.T) {
	ok := Outcome{Stdout: "1\n", Stderr: ""}
	errOut := Outcome{Stdout: "1\n", Exit: 1, Error: &engine.Error{Name: "CompileError", Value: "cell[1]:3:4: undefined: x"}}
	tests := []struct {
		name      string
		want, got Outcome
		verdict   Verdict
		cause     string
	}{
		{"same", ok, ok, Pass, ""},
		{"stdout differs", ok, Outcome{Stdout: "2\n"}, Wrong, "stdout differs"},
		{"stderr differs", ok, Outcome{Stdout: "1\n", Stderr: "nil type\n"}, Wrong, "stderr differs"},
		{"gilgo fails", ok, errOut, Error, "CompileError: undefined: x"},
		{"both fail", Outcome{Stdout: "1\n", Exit: 2}, errOut, Pass, ""},
		{"only go fails", Outcome{Stdout: "1\n", Exit: 2}, ok, Wrong, "no error where go run fails"},
		{"go fails, gilgo refuses", Outcome{Stdout: "BUG\n", Exit: 1}, Outcome{Exit: 1, Error: errOut.Error}, Error, "CompileError: undefined: x"},
		{"go fails, gilgo fails otherwise", Outcome{Stdout: "BUG\n", Exit: 1}, Outcome{Exit: 1, Error: &engine.Error{Name: "panic", Value: "x"}}, Wrong, "stdout differs"},
		{"build fails", Outcome{Build: "x.go:1: syntax error", Exit: -1}, ok, Skip, "go build fails"},
		{"varies", Outcome{Nondeterministic: true}, ok, Skip, "go run's output varies"},
		{"timeout", ok, Outcome{Exit: 1, Timeout: true, Error: &engine.Error{Name: "Interrupted"}}, Error, "timeout"},
	}
	for _, tt := range tests {
		r := judge(Program{Name: tt.name}, tt.want, tt.got)
		if r.Verdict != tt.verdict || r.Cause != tt.cause {
			t.Errorf("%s: judge = %s %q, want %s %q", tt.name, r.Verdict, r.Cause, tt.verdict, tt.cause)
		}
	}
}

func TestErrorCause(t *testing.T) {
	tests := []struct{ name, value, want string }{
		{"CompileError", "cell[1]:10:10: undefined type for T", "CompileError: undefined type for T"},
		{"runtime.Error", "index out of range [5] with length 3", "runtime.Error: index out of range [N] with length N"},
		{"panic", `"boom"`, "panic: …"},
	}
	for _, tt := range tests {
		got := errorCause(Outcome{Error: &engine.Error{Name: tt.name, Value: tt.value}})
		if got != tt.want {
			t.Errorf("errorCause(%s: %s) = %q, want %q", tt.name, tt.value, got, tt.want)
		}
	}
}

func TestReport(t *testing.T) {
	results := []Result{
		{Program: Program{Corpus: "goroot", Name: "a.go"}, Verdict: Pass},
		{Program: Program{Corpus: "goroot", Name: "b.go"}, Verdict: Wrong, Cause: "stdout differs", Detail: "line 1"},
		{Program: Program{Corpus: "goroot", Name: "c.go"}, Verdict: Skip},
		{Program: Program{Corpus: "idiomatic", Name: "d.go"}, Verdict: Error, Cause: "CompileError: x"},
	}
	rep := report(results, nil, "go1.26", 0, true)
	for _, want := range []string{
		"| goroot | 3 | 1 | 1 | 0 | 1 | 50.0 % |",
		"| idiomatic | 1 | 0 | 0 | 1 | 0 | 0.0 % |",
		"| wrong | stdout differs | 1 |",
		"- goroot/b.go: wrong — line 1",
	} {
		if !strings.Contains(rep, want) {
			t.Errorf("report lacks %q:\n%s", want, rep)
		}
	}
}

func TestFragments(t *testing.T) {
	tests := []struct {
		name, src, want string
		ok              bool
	}{
		{"body after decls", "package main\n\nimport \"fmt\"\n\n// T is.\ntype T int\n\nfunc main() {\n\tx := T(1)\n\tif x > 0 {\n\t\tfmt.Println(x) // one\n\t}\n}\n",
			"import \"fmt\"\n\ntype T int\n\nx := T(1)\nif x > 0 {\n\tfmt.Println(x) // one\n}\n", true},
		{"return from main", "package main\n\nfunc main() {\n\tif true {\n\t\treturn\n\t}\n}\n", "", false},
		{"return in a func literal", "package main\n\nfunc main() {\n\tf := func() int { return 1 }\n\tprintln(f())\n}\n",
			"f := func() int { return 1 }\nprintln(f())\n", true},
		{"defer in main", "package main\n\nfunc main() {\n\tdefer println(1)\n}\n", "", false},
		{"init", "package main\n\nfunc init() {}\n\nfunc main() {\n\tprintln(1)\n}\n", "", false},
		{"shadows a global", "package main\n\nvar x = 1\n\nfunc main() {\n\tx := 2\n\tprintln(x)\n}\n", "", false},
		{"no main", "package main\n\nvar x = 1\n", "", false},
		{"syntax error", "package main\n\nfunc main() {\n", "", false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, ok := fragments(tt.src)
			if ok != tt.ok || got != tt.want {
				t.Errorf("fragments(%q) = %q, %v; want %q, %v", tt.src, got, ok, tt.want, tt.ok)
			}
		})
	}
}
