package stdlib_test

import (
	"bytes"
	"context"
	"fmt"
	"log"
	"reflect"
	"strings"
	"testing"

	"github.com/traefik/yaegi/interp"

	"github.com/gilgo/gilgo/session/stdlib"
)

// newInterp returns an interpreter with the Go 1.26 standard library
// loaded and fmt output captured in the returned buffer.
func newInterp(t *testing.T) (*interp.Interpreter, *bytes.Buffer) {
	t.Helper()
	var out bytes.Buffer
	i := interp.New(interp.Options{Stdout: &out, Stderr: &out})
	if err := stdlib.Load(i); err != nil {
		t.Fatalf("Load: %v", err)
	}
	return i, &out
}

// eval runs src and returns fmt.Sprint of its value; yaegi panics and
// errors are both returned as errors.
func eval(i *interp.Interpreter, src string) (string, error) {
	v, err := i.EvalWithContext(context.Background(), src)
	if err != nil {
		return "", err
	}
	if !v.IsValid() {
		return "<invalid>", nil
	}
	return fmt.Sprint(v.Interface()), nil
}

// rows share one interpreter per test; each row has its own imports so the
// rows stay independent of each other's order.
var rows = []struct {
	name    string
	imports string // a declaration cell run first, if not empty
	src     string
	want    string
}{
	// New in Go 1.23..1.26.
	{"iter/Seq", `import "iter"
var sq iter.Seq[int] = func(y func(int) bool) { _ = y(1) && y(2) }`, `n := 0; sq(func(v int) bool { n += v; return true }); n`, "3"},
	{"iter/Pull", `import ("iter"; "fmt")
var seq3 iter.Seq[int] = func(y func(int) bool) { _ = y(10) && y(20) }
func pull3() string {
	next, stop := iter.Pull(seq3)
	defer stop()
	a, ok1 := next()
	b, ok2 := next()
	_, ok3 := next()
	return fmt.Sprint(a, ok1, b, ok2, ok3)
}`, `pull3()`, "10 true 20 true false"},
	{"iter/Pull2", `import ("iter"; "maps"; "fmt")
func pull2() string {
	next, stop := iter.Pull2(maps.All(map[string]int{"k": 7}))
	defer stop()
	k, v, ok := next()
	return fmt.Sprint(k, v, ok)
}`, `pull2()`, "k7 true"},
	{"unique/Make", `import "unique"`, `unique.Make("go") == unique.Make("g"+"o")`, "true"},
	{"unique/Value", `import "unique"`, `unique.Make(42).Value()`, "42"},
	{"unique/distinct", `import "unique"`, `unique.Make("a") == unique.Make("b")`, "false"},
	{"structs", `import "structs"`, `hl := structs.HostLayout{}; _ = hl; 1`, "1"},
	{"crypto/sha3", `import ("crypto/sha3"; "encoding/hex")`, `hex.EncodeToString(sha3.Sum256([]byte("abc"))[:4])`, "3a985da7"},
	{"crypto/hkdf", `import ("crypto/hkdf"; "crypto/sha256"; "fmt")`, `k, err := hkdf.Key(sha256.New, []byte("secret"), nil, "info", 16); len(k) + len(fmt.Sprint(err))`, "21"},
	{"crypto/pbkdf2", `import ("crypto/pbkdf2"; "crypto/sha256"; "encoding/hex")`, `k, _ := pbkdf2.Key(sha256.New, "password", []byte("salt"), 1, 4); hex.EncodeToString(k)`, "120fb6cf"},
	{"slices.Sort", `import "slices"`, `s := []int{3, 1, 2}; slices.Sort(s); s`, "[1 2 3]"},
	{"slices.Sort/float NaN first", `import ("slices"; "math")`, `s := []float64{2, math.NaN(), 1}; slices.Sort(s); s`, "[NaN 1 2]"},
	{"slices.SortFunc", `import ("slices"; "strings")`, `s := []string{"b", "C", "a"}; slices.SortFunc(s, strings.Compare); s`, "[C a b]"},
	{"slices.SortStableFunc", `import ("slices"; "cmp")`, `s := []string{"bb", "a", "cc", "d"}; slices.SortStableFunc(s, func(x, y string) int { return cmp.Compare(len(x), len(y)) }); s`, "[a d bb cc]"},
	{"slices.Sorted(maps.Keys)", `import ("slices"; "maps")`, `slices.Sorted(maps.Keys(map[string]int{"b": 1, "c": 2, "a": 3}))`, "[a b c]"},
	{"slices.Sorted(maps.Values)", `import ("slices"; "maps")`, `slices.Sorted(maps.Values(map[string]int{"b": 1, "c": 2, "a": 3}))`, "[1 2 3]"},
	{"slices.Collect(slices.Values)", `import "slices"`, `slices.Collect(slices.Values([]string{"x", "y"}))`, "[x y]"},
	{"slices.Collect(Backward)", `import ("slices"; "maps")`, `maps.Collect(slices.Backward([]string{"x", "y"}))`, "map[0:x 1:y]"},
	{"slices.Collect(iter.Seq)", `import ("slices"; "iter")
var s2 iter.Seq[int] = func(y func(int) bool) { y(5) }`, `slices.Collect(s2)`, "[5]"},
	{"slices.Collect[string](strings.SplitSeq)", `import ("slices"; "strings")`, `slices.Collect[string](strings.SplitSeq("a,b,c", ","))`, "[a b c]"},
	{"slices.Chunk", `import "slices"`, `slices.Collect(slices.Chunk([]int{1, 2, 3, 4, 5}, 2))`, "[[1 2] [3 4] [5]]"},
	{"slices.Repeat", `import "slices"`, `slices.Repeat([]int{1, 2}, 2)`, "[1 2 1 2]"},
	{"slices.Index", `import "slices"`, `slices.Index([]string{"a", "b"}, "b")`, "1"},
	{"slices.Index/named type", `import "slices"
type names []string`, `slices.Index(names{"a", "b"}, "c")`, "-1"},
	{"slices.Contains", `import "slices"`, `slices.Contains([]int{1, 2}, 2)`, "true"},
	{"slices.Reverse", `import "slices"`, `s := []int{1, 2, 3}; slices.Reverse(s); s`, "[3 2 1]"},
	{"slices.Max", `import "slices"`, `slices.Max([]int{4, 9, 1})`, "9"},
	{"slices.Min", `import "slices"`, `slices.Min([]string{"b", "a"})`, "a"},
	{"slices.BinarySearch", `import ("slices"; "fmt")`, `i, ok := slices.BinarySearch([]int{1, 3, 5}, 4); fmt.Sprint(i, ok)`, "2 false"},
	{"slices.BinarySearchFunc", `import ("slices"; "cmp")`, `i, _ := slices.BinarySearchFunc([]int{1, 3, 5}, 5, cmp.Compare[int]); i`, "2"},
	{"slices.Equal", `import "slices"`, `slices.Equal([]int{1, 2}, []int{1, 2})`, "true"},
	{"slices.Compact", `import "slices"`, `slices.Compact([]int{1, 1, 2, 2, 1})`, "[1 2 1]"},
	{"slices.Insert", `import "slices"`, `slices.Insert([]int{1, 4}, 1, 2, 3)`, "[1 2 3 4]"},
	{"slices.Delete", `import "slices"`, `slices.Delete([]int{1, 2, 3, 4}, 1, 3)`, "[1 4]"},
	{"slices.Concat", `import "slices"`, `slices.Concat([]int{1}, []int{2, 3}, nil)`, "[1 2 3]"},
	{"maps.Keys via callback", `import ("maps"; "sort")`, `ks := []string{}; maps.Keys(map[string]int{"z": 1, "y": 2})(func(k string) bool { ks = append(ks, k); return true }); sort.Strings(ks); ks`, "[y z]"},
	{"maps.Clone", `import "maps"`, `maps.Clone(map[string]int{"a": 1})`, "map[a:1]"},
	{"maps.Insert", `import ("maps"; "slices")`, `m := map[int]string{}; maps.Insert(m, slices.All([]string{"p", "q"})); m`, "map[0:p 1:q]"},
	{"cmp.Compare", `import "cmp"`, `cmp.Compare(2, 1)`, "1"},
	{"cmp.Less", `import "cmp"`, `cmp.Less("a", "b")`, "true"},
	{"cmp.Or", `import "cmp"`, `cmp.Or("", "", "x")`, "x"},
	{"strings.SplitSeq callback", `import "strings"`, `parts := []string{}; strings.SplitSeq("a-b-c", "-")(func(s string) bool { parts = append(parts, s); return true }); parts`, "[a b c]"},
	{"strings.Lines", `import "strings"`, `n := 0; strings.Lines("x\ny\nz")(func(string) bool { n++; return true }); n`, "3"},
	{"strings.FieldsSeq", `import ("strings"; "slices")`, `slices.Collect[string](strings.FieldsSeq(" a  b "))`, "[a b]"},
	{"bytes.Lines", `import "bytes"`, `n := 0; bytes.Lines([]byte("p\nq"))(func([]byte) bool { n++; return true }); n`, "2"},
	{"os.Root (1.24)", `import "os"`, `r, err := os.OpenRoot("."); if err == nil { r.Close() }; err == nil`, "true"},
	{"sync.WaitGroup.Go (1.25)", `import ("sync"; "sync/atomic")`, `wg := &sync.WaitGroup{}; c := &atomic.Int64{}; wg.Go(func() { c.Add(1) }); wg.Wait(); c.Load()`, "1"},
	{"testing/synctest importable", `import "testing/synctest"`, `synctest.Wait != nil`, "true"},

	// Regression: packages yaegi v0.16.1 already handled.
	{"fmt", `import "fmt"`, `fmt.Sprintf("%03d|%q", 7, "x")`, `007|"x"`},
	{"strings", `import "strings"`, `strings.ToUpper(strings.TrimSpace(" go "))`, "GO"},
	{"sort", `import "sort"`, `s := []int{3, 1, 2}; sort.Ints(s); s`, "[1 2 3]"},
	{"sort.Slice", `import "sort"`, `s := []string{"b", "a"}; sort.Slice(s, func(i, j int) bool { return s[i] < s[j] }); s`, "[a b]"},
	{"time", `import "time"`, `(90 * time.Second).String()`, "1m30s"},
	{"math/rand/v2", `import "math/rand/v2"`, `r := rand.New(rand.NewPCG(1, 2)); x := r.IntN(10); x >= 0 && x < 10`, "true"},
	{"sync/atomic", `import "sync/atomic"`, `a := &atomic.Int64{}; a.Add(5); a.Add(-2); a.Load()`, "3"},
	{"errors", `import ("errors"; "io"; "fmt")`, `errors.Is(fmt.Errorf("read: %w", io.EOF), io.EOF)`, "true"},
	{"encoding/json", `import "encoding/json"`, `b, _ := json.Marshal(map[string]int{"a": 1}); string(b)`, `{"a":1}`},
	{"os.Exit is a panic", `import ("os"; "fmt")
func exit3() (r any) {
	defer func() { r = recover() }()
	os.Exit(3)
	return nil
}`, `fmt.Sprint(exit3())`, "os.Exit(3)"},
}

func TestEval(t *testing.T) {
	for _, r := range rows {
		t.Run(r.name, func(t *testing.T) {
			// A fresh interpreter per row: yaegi rejects a repeated import.
			i, _ := newInterp(t)
			if r.imports != "" {
				if _, err := i.Eval(r.imports); err != nil {
					t.Fatalf("imports: %v", err)
				}
			}
			got, err := eval(i, r.src)
			if err != nil {
				t.Fatalf("eval %q: %v", r.src, err)
			}
			if got != r.want {
				t.Errorf("eval %q: got %s, want %s", r.src, got, r.want)
			}
		})
	}
}

// TestStdout checks that Symbols keeps yaegi's fixStdlib wiring: fmt.Print
// writes to Options.Stdout, not to the host's.
func TestStdout(t *testing.T) {
	i, out := newInterp(t)
	if _, err := i.Eval(`import "fmt"`); err != nil {
		t.Fatal(err)
	}
	if _, err := i.Eval(`fmt.Println("hello", 1)`); err != nil {
		t.Fatal(err)
	}
	if got, want := out.String(), "hello 1\n"; got != want {
		t.Errorf("stdout: got %q, want %q", got, want)
	}
}

// TestKnownGaps pins what does not work, with yaegi's error, so that a
// yaegi upgrade that fixes one shows up as a failing row to update.
func TestKnownGaps(t *testing.T) {
	gaps := []struct {
		name, imports, src, wantErr string
	}{
		{"Collect of a compiled iterator needs an explicit type argument", `import ("slices"; "strings")`,
			`slices.Collect(strings.SplitSeq("a,b", ","))`, "undefined type for E"},
		{"conversion to an interpreted generic type", `import "iter"`,
			`f := iter.Seq[int](func(y func(int) bool) {}); f != nil`, "cannot use type func(func(int) bool) as type func(int) bool"},
		{"weak is generic only", ``, `import "weak"`, `unable to find source related to: "weak"`},
	}
	for _, g := range gaps {
		t.Run(g.name, func(t *testing.T) {
			i, _ := newInterp(t)
			if g.imports != "" {
				if _, err := i.Eval(g.imports); err != nil {
					t.Fatalf("imports: %v", err)
				}
			}
			_, err := eval(i, g.src)
			if err == nil || !strings.Contains(err.Error(), g.wantErr) {
				t.Errorf("eval %q: got error %v, want one containing %q", g.src, err, g.wantErr)
			}
		})
	}
}

func TestLoadTwice(t *testing.T) {
	i, _ := newInterp(t)
	if err := stdlib.Load(i); err == nil {
		t.Error("second Load: got nil error, want one")
	}
}

func TestSource(t *testing.T) {
	for _, pkg := range stdlib.Generic {
		src, err := stdlib.Source(pkg)
		if err != nil {
			t.Fatal(err)
		}
		if !strings.Contains(src, "package "+pkg+"\n") {
			t.Errorf("Source(%q): no package clause", pkg)
		}
	}
	if _, err := stdlib.Source("nope"); err == nil {
		t.Error(`Source("nope"): got nil error`)
	}
}

// TestLoggerMethods: the wrapper cells get from log.New has every method
// of *log.Logger (Fatal* panic instead of exiting).
func TestLoggerMethods(t *testing.T) {
	wrapper := stdlib.Symbols["log/log"]["Logger"].Type() // *logLogger
	real := reflect.TypeOf((*log.Logger)(nil))
	for i := range real.NumMethod() {
		m := real.Method(i)
		w, ok := wrapper.MethodByName(m.Name)
		if !ok {
			t.Errorf("log.Logger.%s is missing from the wrapper", m.Name)
			continue
		}
		if w.Type.NumIn() != m.Type.NumIn() || w.Type.NumOut() != m.Type.NumOut() {
			t.Errorf("log.Logger.%s: wrapper %s, real %s", m.Name, w.Type, m.Type)
		}
	}
}
