package multiprocessing

import (
	"os"
	"strconv"
	"strings"
	"syscall"
	"testing"
)

const workDecl = `func work(n int) int {
	s := 0
	for i := 0; i < n; i++ {
		s += i
	}
	return s
}`

func TestMapOverTwoProcesses(t *testing.T) {
	p := newParent(t)
	p.decl(workDecl)
	p.decl("import \"os\"\nfunc pid(x int) int { return os.Getpid() }")
	out := p.must(`import "multiprocessing"
import "fmt"
var pool = multiprocessing.NewPool(2)
r, err := pool.Map(work, []any{10, 100, 1000, 5})
fmt.Println(r, err)
pids, err := pool.Map(pid, []any{1, 2, 3, 4})
fmt.Println(len(pool.PIDs()), err)
`)
	lines := strings.Split(out, "\n")
	if lines[0] != "[45 4950 499500 10] <nil>" || lines[1] != "2 <nil>" {
		t.Fatalf("output:\n%s", out)
	}
	pids := p.must(`for _, x := range pids { fmt.Println(x) }`)
	for _, l := range strings.Fields(pids) {
		if l == strconv.Itoa(os.Getpid()) {
			t.Errorf("a call ran in the parent process (pid %s)", l)
		}
	}
	// The children end with the pool.
	var live []int
	for _, l := range strings.Fields(p.must(`for _, x := range pool.PIDs() { fmt.Println(x) }; pool.Close()`)) {
		n, _ := strconv.Atoi(l)
		live = append(live, n)
	}
	for _, pid := range live {
		if err := syscall.Kill(pid, 0); err == nil {
			t.Errorf("process %d outlived its pool", pid)
		}
	}
}

func TestRunResults(t *testing.T) {
	p := newParent(t)
	p.decl(workDecl)
	p.decl(`func pair(a, b string) (int, string) { return len(a + b), a + b }
func none(x int) {}
func both(x int) (int, error) { return x * 2, nil }
func sum(xs []float64) float64 { t := 0.0; for _, x := range xs { t += x }; return t }
func words(s string) map[string]int { return map[string]int{s: len(s)} }`)
	out := p.must(`import "multiprocessing"
import "fmt"
r, err := multiprocessing.Run(work, 2e3)
fmt.Printf("%T %v %v\n", r, r, err)
r2, err := multiprocessing.Run(pair, "ab", "c")
fmt.Printf("%v %v\n", r2, err)
r3, err := multiprocessing.Run(none, 1)
fmt.Printf("%v %v\n", r3, err)
r4, err := multiprocessing.Run("both", 21)
fmt.Printf("%T %v %v\n", r4, r4, err)
r5, err := multiprocessing.Run(sum, []float64{1, 2.5})
fmt.Printf("%T %v %v\n", r5, r5, err)
r6, err := multiprocessing.Run(words, "abc")
fmt.Printf("%T %v %v\n", r6, r6, err)
`)
	want := `int 1999000 <nil>
[3 abc] <nil>
<nil> <nil>
int 42 <nil>
float64 3.5 <nil>
map[string]int map[abc:3] <nil>
`
	if out != want {
		t.Fatalf("got:\n%s\nwant:\n%s", out, want)
	}
}

func TestErrorsNameTheChild(t *testing.T) {
	p := newParent(t)
	p.decl(`import "errors"
func boom(x int) int { if x == 2 { panic("boom") }; return x }
func fails(x int) (int, error) { return 0, errors.New("bad input") }`)
	tests := []struct{ cell, want string }{
		{`_, err := multiprocessing.Run(boom, 2); fmt.Println(err)`, "multiprocessing: boom in process 1 (pid "},
		{`_, err := multiprocessing.Run(boom, 2); fmt.Println(err)`, "): panic: boom"},
		{`_, err := multiprocessing.Run(fails, 2); fmt.Println(err)`, "fails in process 1"},
		{`_, err := multiprocessing.Run(fails, 2); fmt.Println(err)`, ": error: bad input"},
		{`r, err := multiprocessing.Map(boom, []any{1, 2, 3}); fmt.Println(r, err)`, "[1 <nil> 3] multiprocessing: call 2 of 3: boom in process"},
		{`_, err := multiprocessing.Run(boom, "x"); fmt.Println(err)`, "CallError: argument 1: json: cannot unmarshal string"},
		{`_, err := multiprocessing.Run(boom); fmt.Println(err)`, "wrong number of arguments: got 0, want 1"},
		{`_, err := multiprocessing.Run(boom, func() {}); fmt.Println(err)`, "not JSON-encodable"},
		{`var e *multiprocessing.ProcessError; _, err := multiprocessing.Run(boom, 2); fmt.Println(errors.As(err, &e), e.Name)`, "true panic"},
	}
	p.must("import \"multiprocessing\"\nimport \"fmt\"")
	for _, tc := range tests {
		out := p.must(tc.cell)
		if !strings.Contains(out, tc.want) {
			t.Errorf("%s\ngot:  %s\nwant: ...%s...", tc.cell, out, tc.want)
		}
	}
}

func TestOnlyTopLevelFuncs(t *testing.T) {
	p := newParent(t)
	p.decl(workDecl)
	p.decl("type T struct{}\nfunc (T) M(x int) int { return x }")
	p.must("import \"multiprocessing\"\nimport \"fmt\"")
	tests := []struct{ cell, want string }{
		{`f := func(x int) int { return x }; _, err := multiprocessing.Run(f, 1); fmt.Println(err)`, errNotTopLevel},
		{`_, err := multiprocessing.Run(T{}.M, 1); fmt.Println(err)`, errNotTopLevel},
		{`_, err := multiprocessing.Run(strings.ToUpper, "a"); fmt.Println(err)`, errNotTopLevel},
		{`_, err := multiprocessing.Run("nosuch", 1); fmt.Println(err)`, "nosuch is not a top-level func declared in a cell"},
		{`_, err := multiprocessing.Run(42, 1); fmt.Println(err)`, "want a func declared in a cell or its name, got int"},
		{`g := work; r, err := multiprocessing.Run(g, 3); fmt.Println(r, err)`, "3 <nil>"},
	}
	p.must(`import "strings"`)
	for _, tc := range tests {
		out := p.must(tc.cell)
		if !strings.Contains(out, tc.want) {
			t.Errorf("%s\ngot:  %s\nwant: ...%s...", tc.cell, out, tc.want)
		}
	}
}
