package typecheck

import (
	"go/constant"
	"go/types"
	"io"
	"reflect"
	"strings"
	"testing"
	"time"
)

type testNamed struct {
	A    int
	b    string
	Next *testNamed
}

func (testNamed) Value() int       { return 0 }
func (*testNamed) Set(v int) error { return nil }

type testCounter int

// testOption is an option interface with an unexported method, as
// refcount.Option: reflect shows apply in the interface but not in
// testKind's methods.
type testOption interface{ apply() }

type testKind int

func (testKind) apply() {}

var testVar = 3

// TestFromReflect: symbols of a cell package become go/types objects of
// the right kind and type; named types of the standard library are the
// importer's own, others get methods of both receivers.
func TestFromReflect(t *testing.T) {
	r := newFromReflect(stdPackages())
	pkg, err := r.packageOf("cellpkg", map[string]reflect.Value{
		"Func":     reflect.ValueOf(func(w io.Writer, xs ...int) (int, error) { return 0, nil }),
		"Sleep":    reflect.ValueOf(func(d time.Duration) {}),
		"Var":      reflect.ValueOf(&testVar).Elem(),
		"Named":    reflect.ValueOf((*testNamed)(nil)),
		"Counter":  reflect.ValueOf((*testCounter)(nil)),
		"Const":    reflect.ValueOf(constant.MakeInt64(7)),
		"Chans":    reflect.ValueOf(func(<-chan int, chan<- string, map[string][]byte) {}),
		"Any":      reflect.ValueOf(func(any, error) {}),
		"New":      reflect.ValueOf(func(...testOption) {}),
		"Kind":     reflect.ValueOf((*testKind)(nil)),
		"_Wrapper": reflect.ValueOf((*testNamed)(nil)),
	})
	if err != nil {
		t.Fatal(err)
	}
	qual := func(p *types.Package) string { return p.Name() }
	tests := []struct{ name, kind, typ string }{
		{"Func", "func", "func(w io.Writer, xs ...int) (int, error)"},
		{"Sleep", "func", "func(time.Duration)"},
		{"Var", "var", "int"},
		{"Named", "type", "typecheck.testNamed"},
		{"Counter", "type", "typecheck.testCounter"},
		{"Const", "const", "untyped int"},
		{"Chans", "func", "func(<-chan int, chan<- string, map[string][]uint8)"}, // byte is uint8
		{"Any", "func", "func(any, error)"},
	}
	for _, tt := range tests {
		obj := pkg.Scope().Lookup(tt.name)
		if obj == nil {
			t.Errorf("%s: not in the package", tt.name)
			continue
		}
		kind := ""
		switch obj.(type) {
		case *types.Func:
			kind = "func"
		case *types.Var:
			kind = "var"
		case *types.TypeName:
			kind = "type"
		case *types.Const:
			kind = "const"
		}
		typ := types.TypeString(obj.Type(), qual)
		// Parameter names are not in reflect; TypeString shows none.
		want := strings.NewReplacer("w ", "", "xs ", "").Replace(tt.typ)
		if kind != tt.kind || typ != want {
			t.Errorf("%s: %s %s, want %s %s", tt.name, kind, typ, tt.kind, want)
		}
	}
	// A Kind passes as an Option: the interface keeps its exported
	// methods only (none).
	opt := pkg.Scope().Lookup("New").Type().(*types.Signature).Params().At(0).Type().(*types.Slice).Elem()
	if kind := pkg.Scope().Lookup("Kind").Type(); !types.AssignableTo(kind, opt) {
		t.Errorf("Kind is not assignable to %s: an unexported interface method was kept", types.TypeString(opt, qual))
	}
	if pkg.Scope().Lookup("_Wrapper") != nil {
		t.Error("an unexported symbol is in the package")
	}
	named := pkg.Scope().Lookup("Named").Type().(*types.Named)
	var methods []string
	for i := range named.NumMethods() {
		m := named.Method(i)
		methods = append(methods, m.Name()+" "+types.TypeString(m.Type(), qual))
	}
	if got := strings.Join(methods, "; "); got != "Value func() int; Set func(int) error" {
		t.Errorf("methods of testNamed: %s", got)
	}
	st := named.Underlying().(*types.Struct)
	if st.NumFields() != 3 || st.Field(1).Exported() || types.TypeString(st.Field(2).Type(), qual) != "*typecheck.testNamed" {
		t.Errorf("testNamed's fields: %s", types.TypeString(st, qual))
	}
}

func TestFromReflectUnsupported(t *testing.T) {
	r := newFromReflect(stdPackages())
	type withFunc struct {
		F func(chan<- [2]struct{ X complex64 })
	}
	if _, err := r.packageOf("ok", map[string]reflect.Value{"V": reflect.ValueOf(withFunc{})}); err != nil {
		t.Errorf("a nested literal type: %v", err)
	}
}
