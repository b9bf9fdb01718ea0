package gil_test

import (
	"context"
	"fmt"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/gilgo/gilgo/engine"
	"github.com/gilgo/gilgo/internal/goldencells"
	"github.com/gilgo/gilgo/lib/multiprocessing"
	"github.com/gilgo/gilgo/tiers"
	"github.com/gilgo/gilgo/worker"
)

// TestMain doubles as the worker that gil.Process starts: a process with
// multiprocessing.ChildEnv set serves a session as `gilgo worker` does.
func TestMain(m *testing.M) {
	if os.Getenv(multiprocessing.ChildEnv) != "" {
		sess, err := tiers.New(tiers.Options{})
		if err == nil {
			err = worker.ServeProcess(context.Background(), sess)
		}
		if err != nil {
			fmt.Fprintln(os.Stderr, "child:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// TestProcess: gil.Process runs a func of the cells in a process with a GIL
// of its own and returns its result, beside the package's other names.
func TestProcess(t *testing.T) {
	sess, err := tiers.New(tiers.Options{WorkerCommand: []string{os.Args[0], "-test.run=^$"}})
	if err != nil {
		t.Fatal(err)
	}
	defer sess.Shutdown(context.Background(), false)
	cells := []struct{ code, want string }{
		{"func work(n int) int {\n\ts := 0\n\tfor i := 0; i < n; i++ {\n\t\ts += i\n\t}\n\treturn s\n}", ""},
		{"import \"gil\"\nimport \"fmt\"\nr, err := gil.Process(work, 10)\nfmt.Println(gil.Enabled(), r, err)", "[stdout]\ntrue 45 <nil>\n"},
	}
	for i, c := range cells {
		out := &goldencells.Recorder{}
		res := sess.Execute(context.Background(), engine.ExecuteRequest{Code: c.code, ExecutionCount: i + 1}, out)
		if res.Error != nil {
			t.Fatalf("cell %d: %v", i+1, res.Error)
		}
		if got := out.String(); got != c.want {
			t.Errorf("cell %d: got %q, want %q", i+1, got, c.want)
		}
	}
}

// TestWithout: gil.Without runs its func with the lock off and puts it
// back as it was, after a panic too; a cell that fails (a panic, an
// interrupt) with the lock off, having found it on, turns it back on and
// says so; one that succeeds leaves it as it chose.
func TestWithout(t *testing.T) {
	sess, err := tiers.New(tiers.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer sess.Shutdown(context.Background(), false)
	n := 0
	run := func(code string) (string, *engine.Error) {
		n++
		out := &goldencells.Recorder{}
		res := sess.Execute(context.Background(), engine.ExecuteRequest{Code: code, ExecutionCount: n}, out)
		return out.String(), res.Error
	}
	interrupted := func(code string) string {
		done := make(chan string, 1)
		go func() {
			out, e := run(code)
			if e == nil || e.Name != engine.ErrInterrupted {
				t.Errorf("%s: %+v, want an interrupt", code, e)
			}
			done <- out
		}()
		for {
			select {
			case <-time.After(50 * time.Millisecond):
				sess.Interrupt()
			case out := <-done:
				return out
			}
		}
	}
	if _, e := run("import (\"fmt\"; \"gil\")"); e != nil {
		t.Fatal(e.Value)
	}
	const on, off = "[stdout]\ntrue\n", "[stdout]\nfalse\n"
	const note = "[note text/plain]\nnote: the cell ended with the GIL off"
	cases := []struct {
		name, code, want string
		fails            bool
	}{
		{"off inside", "gil.Without(func() { fmt.Println(gil.Enabled()) })\nfmt.Println(gil.Enabled())", "[stdout]\nfalse\ntrue\n", false},
		{"panic", "gil.Without(func() { panic(\"boom\") })", "", true},
		{"after the panic", "fmt.Println(gil.Enabled())", on, false},
		{"already off stays off", "gil.Disable()\ngil.Without(func() {})\nfmt.Println(gil.Enabled())\ngil.Enable()", off, false},
		{"a panic after Disable", "gil.Disable()\npanic(\"boom\")", note, true},
		{"after that panic", "fmt.Println(gil.Enabled())", on, false},
		{"Disable in a cell that succeeds", "gil.Disable()", "", false},
		{"stays off for the next cell", "fmt.Println(gil.Enabled())\ngil.Enable()", off, false},
	}
	for _, c := range cases {
		out, e := run(c.code)
		if (e != nil) != c.fails || !c.fails && out != c.want || c.fails && !strings.Contains(out, c.want) {
			t.Errorf("%s: got %q, error %+v; want %q (fails %v)", c.name, out, e, c.want, c.fails)
		}
	}
	for _, code := range []string{"gil.Without(func() { for {} })", "gil.Disable()\nfor {}"} {
		interrupted(code)
		if out, _ := run("fmt.Println(gil.Enabled())"); out != on {
			t.Errorf("after an interrupt of %q: %q, want the GIL on", code, out)
		}
	}
}
