package typecheck

import (
	"fmt"
	"go/constant"
	"go/token"
	"go/types"
	"reflect"
	"strings"
)

// fromReflect builds go/types packages from the symbol tables the session
// gives yaegi (cell packages such as "gil", compiled cells' packages):
// each symbol's reflect type becomes a go/types type. Named types of the
// standard library are the importer's own; other named types get a
// package of their own, made once, with their methods.
type fromReflect struct {
	std   types.Importer
	pkgs  map[string]*types.Package // synthetic packages by path
	named map[reflect.Type]*types.Named
}

func newFromReflect(std types.Importer) *fromReflect {
	return &fromReflect{std: std, pkgs: map[string]*types.Package{}, named: map[reflect.Type]*types.Named{}}
}

// unsupported is a panic value for a reflect type that has no go/types
// counterpart here; packageOf recovers it into an error.
type unsupported struct{ what string }

var (
	errorType = reflect.TypeOf((*error)(nil)).Elem()
	anyType   = reflect.TypeOf((*any)(nil)).Elem()
)

// packageOf returns the package with import path path whose symbols are
// syms.
func (r *fromReflect) packageOf(path string, syms map[string]reflect.Value) (pkg *types.Package, err error) {
	defer func() {
		if x := recover(); x != nil {
			u, ok := x.(unsupported)
			if !ok {
				panic(x)
			}
			pkg, err = nil, fmt.Errorf("package %s: %s", path, u.what)
		}
	}()
	name := path[strings.LastIndex(path, "/")+1:]
	pkg = types.NewPackage(path, name)
	scope := pkg.Scope()
	for sym, v := range syms {
		if !token.IsExported(sym) || !v.IsValid() {
			continue
		}
		if obj := r.object(pkg, sym, v); obj != nil {
			scope.Insert(obj)
		}
	}
	pkg.MarkComplete()
	return pkg, nil
}

// object is the go/types object of symbol sym with value v.
func (r *fromReflect) object(pkg *types.Package, sym string, v reflect.Value) types.Object {
	if c, ok := v.Interface().(constant.Value); ok && !v.CanAddr() {
		return types.NewConst(token.NoPos, pkg, sym, untypedOf(c), c)
	}
	t := v.Type()
	switch {
	case v.CanAddr():
		return types.NewVar(token.NoPos, pkg, sym, r.typeOf(t))
	case t.Kind() == reflect.Pointer && v.IsNil() && t.Elem().Name() != "":
		// A type, given as (*T)(nil).
		return types.NewTypeName(token.NoPos, pkg, sym, r.typeOf(t.Elem()))
	case t.Kind() == reflect.Func:
		sig, ok := r.typeOf(t).(*types.Signature)
		if !ok {
			return nil
		}
		return types.NewFunc(token.NoPos, pkg, sym, sig)
	default:
		return types.NewVar(token.NoPos, pkg, sym, r.typeOf(t))
	}
}

func untypedOf(c constant.Value) types.Type {
	switch c.Kind() {
	case constant.Bool:
		return types.Typ[types.UntypedBool]
	case constant.String:
		return types.Typ[types.UntypedString]
	case constant.Int:
		return types.Typ[types.UntypedInt]
	case constant.Float:
		return types.Typ[types.UntypedFloat]
	case constant.Complex:
		return types.Typ[types.UntypedComplex]
	}
	return types.Typ[types.Invalid]
}

var basics = map[reflect.Kind]types.BasicKind{
	reflect.Bool: types.Bool, reflect.Int: types.Int, reflect.Int8: types.Int8, reflect.Int16: types.Int16,
	reflect.Int32: types.Int32, reflect.Int64: types.Int64, reflect.Uint: types.Uint, reflect.Uint8: types.Uint8,
	reflect.Uint16: types.Uint16, reflect.Uint32: types.Uint32, reflect.Uint64: types.Uint64,
	reflect.Uintptr: types.Uintptr, reflect.Float32: types.Float32, reflect.Float64: types.Float64,
	reflect.Complex64: types.Complex64, reflect.Complex128: types.Complex128, reflect.String: types.String,
	reflect.UnsafePointer: types.UnsafePointer,
}

// typeOf converts t.
func (r *fromReflect) typeOf(t reflect.Type) types.Type {
	switch {
	case t == errorType:
		return types.Universe.Lookup("error").Type()
	case t == anyType:
		return types.Universe.Lookup("any").Type()
	case t.Name() != "" && t.PkgPath() != "":
		return r.namedOf(t)
	case t.Name() != "":
		if k, ok := basics[t.Kind()]; ok { // int, string, ...
			return types.Typ[k]
		}
	}
	return r.literalOf(t)
}

// literalOf converts the structure of t, ignoring its name.
func (r *fromReflect) literalOf(t reflect.Type) types.Type {
	if k, ok := basics[t.Kind()]; ok {
		return types.Typ[k]
	}
	switch t.Kind() {
	case reflect.Pointer:
		return types.NewPointer(r.typeOf(t.Elem()))
	case reflect.Slice:
		return types.NewSlice(r.typeOf(t.Elem()))
	case reflect.Array:
		return types.NewArray(r.typeOf(t.Elem()), int64(t.Len()))
	case reflect.Map:
		return types.NewMap(r.typeOf(t.Key()), r.typeOf(t.Elem()))
	case reflect.Chan:
		dir := types.SendRecv
		switch t.ChanDir() {
		case reflect.SendDir:
			dir = types.SendOnly
		case reflect.RecvDir:
			dir = types.RecvOnly
		}
		return types.NewChan(dir, r.typeOf(t.Elem()))
	case reflect.Func:
		return r.signatureOf(t, nil)
	case reflect.Struct:
		fields := make([]*types.Var, t.NumField())
		tags := make([]string, t.NumField())
		for i := range fields {
			f := t.Field(i)
			fields[i] = types.NewField(token.NoPos, r.pkgOf(f.PkgPath), f.Name, r.typeOf(f.Type), f.Anonymous)
			tags[i] = string(f.Tag)
		}
		return types.NewStruct(fields, tags)
	case reflect.Interface:
		// An unexported method is left out: reflect lists it in an
		// interface but not in the method sets of the package's types
		// that implement it (refcount.Kind's apply), so keeping it would
		// make every such use a false type error. The interface checks
		// only its exported methods.
		var methods []*types.Func
		for i := range t.NumMethod() {
			m := t.Method(i)
			if m.PkgPath != "" {
				continue
			}
			methods = append(methods, types.NewFunc(token.NoPos, r.pkgOf(m.PkgPath), m.Name, r.signatureOf(m.Type, nil)))
		}
		return types.NewInterfaceType(methods, nil).Complete()
	}
	panic(unsupported{"type " + t.String()})
}

// signatureOf converts func type t; recv, if set, is the receiver.
func (r *fromReflect) signatureOf(t reflect.Type, recv *types.Var) *types.Signature {
	params := make([]*types.Var, t.NumIn())
	for i := range params {
		params[i] = types.NewParam(token.NoPos, nil, "", r.typeOf(t.In(i)))
	}
	results := make([]*types.Var, t.NumOut())
	for i := range results {
		results[i] = types.NewParam(token.NoPos, nil, "", r.typeOf(t.Out(i)))
	}
	return types.NewSignatureType(recv, nil, nil, types.NewTuple(params...), types.NewTuple(results...), t.IsVariadic())
}

// namedOf converts a named type: the standard library's own, or one made
// here with its methods.
func (r *fromReflect) namedOf(t reflect.Type) types.Type {
	if n, ok := r.named[t]; ok {
		return n
	}
	if strings.Contains(t.Name(), "[") {
		return r.literalOf(t) // an instance of a generic type: its structure
	}
	if isStd(t.PkgPath()) && r.std != nil {
		if p, err := r.std.Import(t.PkgPath()); err == nil {
			if obj, ok := p.Scope().Lookup(t.Name()).(*types.TypeName); ok {
				return obj.Type()
			}
		}
	}
	pkg := r.pkgOf(t.PkgPath())
	obj := types.NewTypeName(token.NoPos, pkg, t.Name(), nil)
	n := types.NewNamed(obj, nil, nil)
	r.named[t] = n
	n.SetUnderlying(r.literalOf(t).Underlying())
	if t.Kind() != reflect.Interface {
		seen := map[string]bool{}
		for _, rt := range []reflect.Type{t, reflect.PointerTo(t)} {
			for i := range rt.NumMethod() {
				m := rt.Method(i)
				if seen[m.Name] {
					continue
				}
				seen[m.Name] = true
				// m.Type has the receiver as its first parameter.
				in := make([]reflect.Type, 0, m.Type.NumIn()-1)
				for j := 1; j < m.Type.NumIn(); j++ {
					in = append(in, m.Type.In(j))
				}
				out := make([]reflect.Type, m.Type.NumOut())
				for j := range out {
					out[j] = m.Type.Out(j)
				}
				ft := reflect.FuncOf(in, out, m.Type.IsVariadic())
				var recvT types.Type = n
				if rt.Kind() == reflect.Pointer {
					recvT = types.NewPointer(n)
				}
				recv := types.NewVar(token.NoPos, pkg, "", recvT)
				n.AddMethod(types.NewFunc(token.NoPos, pkg, m.Name, r.signatureOf(ft, recv)))
			}
		}
	}
	if pkg != nil {
		pkg.Scope().Insert(obj)
	}
	return n
}

// pkgOf returns the synthetic package of path ("" for none).
func (r *fromReflect) pkgOf(path string) *types.Package {
	if path == "" {
		return nil
	}
	if p, ok := r.pkgs[path]; ok {
		return p
	}
	p := types.NewPackage(path, path[strings.LastIndex(path, "/")+1:])
	r.pkgs[path] = p
	return p
}

// isStd reports whether path is a standard-library import path.
func isStd(path string) bool {
	first, _, _ := strings.Cut(path, "/")
	return !strings.Contains(first, ".") && path != "main"
}
