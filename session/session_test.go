package session

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/gilgo/gilgo/engine"
)

// signalRecorder is a recorder that reports every stream write on a
// channel, so a test can wait until a cell has reached a point.
type signalRecorder struct {
	recorder
	wrote chan string
}

func (r *signalRecorder) Stream(name, text string) {
	r.recorder.Stream(name, text)
	select {
	case r.wrote <- text:
	default:
	}
}

// hangGuard bounds a wait that only a bug makes long; it is not a timing
// assertion.
const hangGuard = 60 * time.Second

// startCell runs code in the background once the previous cells are done
// and returns a channel with the result.
func startCell(s *Session, n int, code string, out engine.Output) <-chan engine.ExecuteResult {
	done := make(chan engine.ExecuteResult, 1)
	go func() {
		done <- s.Execute(context.Background(), engine.ExecuteRequest{Code: code, ExecutionCount: n}, out)
	}()
	return done
}

func waitFor(t *testing.T, what string, ch <-chan string, want string) {
	t.Helper()
	for {
		select {
		case got := <-ch:
			if strings.Contains(got, want) {
				return
			}
		case <-time.After(hangGuard):
			t.Fatalf("%s: never saw %q", what, want)
		}
	}
}

func waitResult(t *testing.T, what string, ch <-chan engine.ExecuteResult) engine.ExecuteResult {
	t.Helper()
	select {
	case res := <-ch:
		return res
	case <-time.After(hangGuard):
		t.Fatalf("%s: the cell did not return", what)
	}
	return engine.ExecuteResult{}
}

func TestInterrupt(t *testing.T) {
	cases := []struct {
		name, code string
	}{
		{"busy loop", `import "fmt"; x := 41; x++; fmt.Println("started"); for {}`},
		{"sleep", `import ("fmt"; "time"); fmt.Println("started"); time.Sleep(time.Hour)`},
		{"channel", `import "fmt"; ch := make(chan int); fmt.Println("started"); <-ch`},
		{"loop in a func", `import "fmt"; func spin() { for {} }; fmt.Println("started"); spin()`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s := newTestSession(t)
			rec := &signalRecorder{wrote: make(chan string, 16)}
			done := startCell(s, 1, tc.code, rec)
			waitFor(t, "cell", rec.wrote, "started")
			s.Interrupt()
			res := waitResult(t, "interrupted cell", done)
			if res.Error == nil || res.Error.Name != engine.ErrInterrupted {
				t.Fatalf("got error %v, want %s", res.Error, engine.ErrInterrupted)
			}
			// The session goes on, earlier variables intact.
			if got := runCell(s, 2, "1 + 1", nil); got != "[result text/plain]\n2\n" {
				t.Errorf("after interrupt: got %q", got)
			}
		})
	}
	t.Run("variables kept", func(t *testing.T) {
		s := newTestSession(t)
		runCell(s, 1, "keep := 42", nil)
		rec := &signalRecorder{wrote: make(chan string, 16)}
		done := startCell(s, 2, `import "fmt"; keep++; fmt.Println("started"); for {}`, rec)
		waitFor(t, "cell", rec.wrote, "started")
		s.Interrupt()
		waitResult(t, "interrupted cell", done)
		if got := runCell(s, 3, "keep", nil); got != "[result text/plain]\n43\n" {
			t.Errorf("keep: got %q, want 43", got)
		}
	})
}

// A goroutine a cell started keeps writing to that cell, also while a
// later cell runs.
func TestGoroutineOutputAttribution(t *testing.T) {
	s := newTestSession(t)
	rec1, rec2 := &recorder{}, &recorder{}
	code1 := `import "fmt"
release, done := make(chan bool), make(chan bool)
go func() {
	<-release
	fmt.Println("late, from cell 1's goroutine")
	close(done)
}()
fmt.Println("cell 1 returns")`
	if res := s.Execute(context.Background(), engine.ExecuteRequest{Code: code1, ExecutionCount: 1}, rec1); res.Error != nil {
		t.Fatal(res.Error)
	}
	code2 := `close(release)
<-done
fmt.Println("cell 2 runs")`
	if res := s.Execute(context.Background(), engine.ExecuteRequest{Code: code2, ExecutionCount: 2}, rec2); res.Error != nil {
		t.Fatal(res.Error)
	}
	if got, want := rec1.String(), "[stdout]\ncell 1 returns\nlate, from cell 1's goroutine\n"; got != want {
		t.Errorf("cell 1 output: got %q, want %q", got, want)
	}
	if got, want := rec2.String(), "[stdout]\ncell 2 runs\n"; got != want {
		t.Errorf("cell 2 output: got %q, want %q", got, want)
	}
}

func TestUserExpressions(t *testing.T) {
	s := newTestSession(t)
	res := s.Execute(context.Background(), engine.ExecuteRequest{
		Code:            "x := 41",
		ExecutionCount:  1,
		UserExpressions: map[string]string{"next": "x + 1", "bad": "nope", "text": `"a" + "b"`},
	}, &recorder{})
	if res.Error != nil {
		t.Fatal(res.Error)
	}
	check := func(name, status, field, want string) {
		t.Helper()
		m, _ := res.UserExpressions[name].(map[string]any)
		if m["status"] != status {
			t.Errorf("%s: status %v, want %s (%v)", name, m["status"], status, m)
			return
		}
		var got any
		if field == "data" {
			got = m["data"].(engine.MIMEBundle)["text/plain"]
		} else {
			got = m[field]
		}
		if fmt.Sprint(got) != want {
			t.Errorf("%s: %s %q, want %q", name, field, got, want)
		}
	}
	check("next", "ok", "data", "42")
	check("text", "ok", "data", `"ab"`)
	check("bad", "error", "ename", "CompileError")
}

func TestMagics(t *testing.T) {
	s := newTestSession(t)
	runCell(s, 1, "x := 1", nil)
	if got := runCell(s, 2, "%reset", nil); !strings.Contains(got, "fresh interpreter") {
		t.Errorf("%%reset: got %q", got)
	}
	if got := runCell(s, 3, "x", nil); !strings.Contains(got, "undefined: x") {
		t.Errorf("x after %%reset: got %q, want undefined", got)
	}
	got := runCell(s, 4, "%timeit y := 2; _ = y", nil)
	re := regexp.MustCompile(`^\[stdout\]\n[0-9.]+ (ns|µs|ms|s) ± [0-9.]+ (ns|µs|ms|s) per loop \(mean ± std\. dev\. of 7 runs, [0-9,]+ loops each\)\n$`)
	if !re.MatchString(got) {
		t.Errorf("%%timeit: got %q", got)
	}
}

// TestTrailingValues shows one trailing value of each kind, in a session
// whose types have no String or Error method (the value goes to
// __rt.Ret1), then with one (__rt.Ret with the method's text).
func TestTrailingValues(t *testing.T) {
	const setup = "import \"errors\"\ntype P struct{ X, Y int }\ntype G[T any] struct{ V T }\ntype I interface{ M() }\n" +
		"func (P) M() {}\nvar err error\nvar pp *P\nf := func(i int) int { return i }\nvar ii I = P{3, 4}"
	tests := []struct {
		code, want string
	}{
		{"P{1, 2}", "main.P{X: 1, Y: 2}"},
		{"&P{1, 2}", "&main.P{X: 1, Y: 2}"},
		{"pp", "(*main.P)(nil)"},
		{"G[int]{3}", "struct { V int }{V: 3}"},
		{"f", "func(int) int"},
		{"ii", "main.P{X: 3, Y: 4}"},
		{"err", ""},
		{"errors.New(\"e\")", "e"},
		{"map[string]P{\"a\": {1, 2}}", "map[string]main.P{\"a\": main.P{X: 1, Y: 2}}"},
		{"1 << 3", "8"},
		{"'a'", "97"},
		{"nil", ""},
		{"S(1)", "one"},
		{"S(2)", "%!v(PANIC=String method: two)"},
	}
	s := newTestSession(t)
	if out := runCell(s, 1, setup, nil); out != "" {
		t.Fatalf("setup: %s", out)
	}
	for i, tt := range tests {
		if tt.code == "S(1)" {
			if out := runCell(s, 100, "type S int\nfunc (s S) String() string { if s == 2 { panic(\"two\") }; return \"one\" }", nil); out != "" {
				t.Fatalf("declare S: %s", out)
			}
		}
		t.Run(tt.code, func(t *testing.T) {
			want := ""
			if tt.want != "" {
				want = "[result text/plain]\n" + tt.want + "\n"
			}
			if got := runCell(s, i+2, tt.code, nil); got != want {
				t.Errorf("got %q, want %q", got, want)
			}
		})
	}
}

// TestInitStatements runs statement units and trailing expressions as
// the body of a func init (one compile): their frames read as the cell's,
// a func init a cell declares keeps its own name (and from then on
// statements run the old way), and a global of a multi-value var
// declaration, which yaegi reads wrongly from a func called by another,
// reads right.
func TestInitStatements(t *testing.T) {
	tests := []struct {
		code string
		want string // in the cell's output
	}{
		{"import \"fmt\"\nfunc pair() (int, error) { return 1, nil }\na, err := pair()", ""},
		{"fmt.Println(a, err)", "1 <nil>"},
		{"a + 1", "2"},
		{"panic(\"p1\")", "cell[4]:1:1 in cell"},
		{"func() { panic(\"p2\") }()", "cell[5]:1:10 in cell"},
		{"x := 0\n_ = x\nvar s []int\ns[1] = 2", "cell[6]:4:1 in cell"},
		{"func init() { panic(\"p3\") }", "cell[7]:1:15 in init"},
		{"panic(\"p4\")", "cell[8]:1:1 in cell"},
		{"a + 2", "3"},
	}
	s := newTestSession(t)
	for i, tt := range tests {
		got := runCell(s, i+1, tt.code, nil)
		if !strings.Contains(got, tt.want) || tt.want == "" && got != "" {
			t.Errorf("cell %d %q: got %q, want it to contain %q", i+1, tt.code, got, tt.want)
		}
	}
}
