package compiled

import (
	"errors"
	"go/constant"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"reflect"
	"testing"
	"time"

	"github.com/traefik/yaegi/interp"

	"github.com/gilgo/gilgo/gil"
)

// internalT stands for a type no other module may import.
type internalT struct{ x int }

var errDemo = errors.New("demo")

// TestShimSource: every kind of symbol a cell package exports, as the shim
// declares it (testdata/shim.golden), and the shim parses as Go.
func TestShimSource(t *testing.T) {
	syms := map[string]reflect.Value{
		"Enabled":    reflect.ValueOf(func() bool { return true }),
		"Stats":      reflect.ValueOf(func() gil.Stats { return gil.Stats{} }),
		"Printf":     reflect.ValueOf(func(format string, args ...any) (int, error) { return 0, nil }),
		"Chans":      reflect.ValueOf(func(a <-chan int, b chan<- []string, c chan (<-chan int)) {}),
		"Maps":       reflect.ValueOf(func(m map[string]*gil.Stats, d time.Duration) [2]float64 { return [2]float64{} }),
		"Anon":       reflect.ValueOf(func(p struct{ X, Y int }) {}),
		"Lock":       reflect.ValueOf((*gil.Lock)(nil)),
		"ErrDemo":    reflect.ValueOf(&errDemo).Elem(),
		"MaxDepth":   reflect.ValueOf(constant.MakeInt64(1000)),
		"Greeting":   reflect.ValueOf(constant.MakeString("hi")),
		"Hidden":     reflect.ValueOf(func(internalT) {}),
		"Iface":      reflect.ValueOf(func(interface{ M() }) {}),
		"_Wrapper":   reflect.ValueOf((*gil.Lock)(nil)),
		"unexported": reflect.ValueOf(func() {}),
	}
	got := shimSource("demo", "demo", syms)
	if _, err := parser.ParseFile(token.NewFileSet(), "demo.go", got, 0); err != nil {
		t.Fatalf("shim does not parse: %v\n%s", err, got)
	}
	golden := filepath.Join("testdata", "shim.golden")
	if *update {
		if err := os.WriteFile(golden, []byte(got), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if got != string(want) {
		t.Errorf("shim differs from %s (go test -update to rewrite):\n--- got\n%s\n--- want\n%s", golden, got, want)
	}
}

// TestCellPackages: which registered packages get shims.
func TestCellPackages(t *testing.T) {
	f := reflect.ValueOf(func() {})
	got := cellPackages(interp.Exports{
		"gil/gil":                      {"A": f},
		"sys/sys":                      {"B": f},
		"github.com/x/display/display": {"C": f},
		"gilgo_c0001/gilgo_c0001":      {"X__f": f},
		"gilgo/rt/rt":                  {"Go": f},
		"example.com/y/y":              {"D": f},
	})
	var paths []string
	for p := range got {
		paths = append(paths, p)
	}
	if len(got) != 2 || got["gil"] == nil || got["sys"] == nil {
		t.Errorf("cellPackages = %v, want gil and sys", paths)
	}
}
