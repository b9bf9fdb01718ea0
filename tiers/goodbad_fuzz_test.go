package tiers

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/gilgo/gilgo/engine"
	"github.com/gilgo/gilgo/internal/goldencells"
	"github.com/gilgo/gilgo/modules"
)

// goodCells change and print the session's state; what each prints
// depends on the good cells before it only.
var goodCells = []string{
	`n++; fmt.Println("n", n)`,
	"func double(x int) int { return 2 * x }\nfmt.Println(\"double\", double(n))",
	`m[fmt.Sprint(n)] = n; fmt.Println("m", len(m))`,
	"import \"strings\"\nfmt.Println(\"rep\", strings.Repeat(\"a\", n%5))",
	`s = append(s, n); fmt.Println("s", s)`,
	"func describe(x int) string { return fmt.Sprintf(\"v%d\", x) }\nfmt.Println(describe(n))",
	"type point struct{ X, Y int }\nfunc (p point) sum() int { return p.X + p.Y + n }\nfmt.Println(\"point\", point{1, 2}.sum())",
	"type point struct{ X, Y, Z int }\nfunc (p point) sum() int { return p.X + p.Y + p.Z }\nfor i := 0; i < 1; i++ { fmt.Println(\"point3\", point{1, 2, i}.sum()) }",
	"total := 0\nfor _, v := range s { total += v }\nfmt.Println(\"total\", total, describe(total))",
	"const step = 3\nn += step\nfmt.Println(\"step\", n)",
}

// badCells fail to parse, to type-check, to import or at run time, or are
// interrupted; none may change what a good cell prints.
var badCells = []string{
	"func (",
	"x := ",
	"}{",
	`n = "text"`,
	"undefinedThing()",
	"func describe(x int) string { return x }",
	"n := \"shadow\"\nundefinedY()",
	"var n string = 5",
	"type point struct{ X int }\nfunc (p point) sum() int { return p.Y }",
	"import \"nosuchpkg\"\nfmt.Println(1)",
	"import (\"fmt\"; \"nosuchpkg\")",
	"x := &nosuchpkg.T{}",
	"var arr []int\nfmt.Println(arr[5])",
	`panic("boom")`,
	"var mm map[string]int\nmm[\"a\"] = 1",
	"// may succeed: the panic is reported on stderr\ndone := make(chan bool)\ngo func() { defer close(done); panic(\"in a goroutine\") }()\n<-done\ntime.Sleep(10 * time.Millisecond)",
	"for {\n}",
	"select {}",
	"time.Sleep(time.Hour)",
}

// interruptedCell reports whether bad cell i must be interrupted to end.
func interruptedCell(i int) bool { return i >= len(badCells)-3 }

const goodBadSetup = "import (\"fmt\"; \"time\")\nvar n int\nm := map[string]int{}\nvar s []int\nfunc describe(x int) string { return fmt.Sprint(\"d\", x) }\nvar _ = time.Second"

// FuzzGoodBadCells runs a sequence of good and bad cells, then the good
// ones alone in a new session: every good cell prints the same in both
// runs, and succeeds in both. Each input byte picks a cell (even: a good
// one, odd: a bad one).
func FuzzGoodBadCells(f *testing.F) {
	for _, seed := range [][]byte{
		{0, 1, 0, 3, 2},
		{10, 11, 12, 13, 14, 15, 16},
		{12, 17, 12, 19, 14},
		{6, 21, 8, 23, 6},
		{0, 25, 2, 27, 4, 29, 6, 31, 8},
		{14, 33, 16, 35, 18},
		{10, 9, 12, 19, 10, 23, 14},
		{0, 29, 0, 31, 0, 37, 0},
		{4, 33, 4, 35, 10},
		{2, 7, 2, 11, 2, 13, 2},
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, picks []byte) {
		if len(picks) > 12 {
			picks = picks[:12]
		}
		var mixed []string
		var bad []bool
		var goods []string
		for _, p := range picks {
			if p%2 == 0 {
				c := goodCells[int(p/2)%len(goodCells)]
				mixed, bad, goods = append(mixed, c), append(bad, false), append(goods, c)
			} else {
				i := int(p/2) % len(badCells)
				mixed, bad = append(mixed, badCells[i]), append(bad, interruptedCell(i))
			}
		}
		got := runGoodBad(t, mixed, bad)
		want := runGoodBad(t, goods, make([]bool, len(goods)))
		if len(got) != len(want) {
			t.Fatalf("good cells: %d results, want %d", len(got), len(want))
		}
		for i := range want {
			if got[i] != want[i] {
				t.Errorf("good cell %d after bad cells:\n%s\ngot:  %q\nwant: %q (without the bad cells)\nsequence:\n%s",
					i, goods[i], got[i], want[i], strings.Join(mixed, "\n----\n"))
			}
		}
	})
}

// runGoodBad runs the setup cell and cells in a new session and returns
// what each good cell (one that must succeed) showed. A cell marked in
// interrupt is interrupted until it ends.
func runGoodBad(t *testing.T, cells []string, interrupt []bool) []string {
	t.Helper()
	sess, err := New(Options{Modules: modules.Options{Dir: t.TempDir(), CacheDir: t.TempDir(), Env: []string{"GOPROXY=off", "GOFLAGS=-mod=mod"}}})
	if err != nil {
		t.Fatal(err)
	}
	defer func() { _ = sess.Shutdown(context.Background(), false) }()
	n := 0
	exec := func(code string) (string, *engine.Error) {
		n++
		rec := &goldencells.Recorder{}
		res := sess.Execute(context.Background(), engine.ExecuteRequest{Code: code, ExecutionCount: n}, rec)
		return rec.String(), res.Error
	}
	if _, e := exec(goodBadSetup); e != nil {
		t.Fatalf("setup: %s: %s", e.Name, e.Value)
	}
	var goods []string
	for i, c := range cells {
		if interrupt[i] {
			done := make(chan *engine.Error, 1)
			go func() { _, e := exec(c); done <- e }()
			var e *engine.Error
		wait:
			for {
				select {
				case e = <-done:
					break wait
				case <-time.After(20 * time.Millisecond):
					sess.Interrupt()
				}
			}
			if e == nil || e.Name != engine.ErrInterrupted {
				t.Fatalf("cell %d %q: %+v, want an interrupt", i, c, e)
			}
			continue
		}
		out, e := exec(c)
		isGood := false
		for _, g := range goodCells {
			isGood = isGood || g == c
		}
		if !isGood {
			if e == nil && !strings.HasPrefix(c, "// may succeed") {
				t.Fatalf("bad cell %d %q succeeded: %q", i, c, out)
			}
			continue
		}
		if e != nil {
			t.Errorf("good cell %d failed: %s: %s\n%s\nsequence:\n%s", i, e.Name, e.Value, c, strings.Join(cells, "\n----\n"))
			out += fmt.Sprintf("error %s: %s", e.Name, e.Value)
		}
		goods = append(goods, out)
	}
	return goods
}
