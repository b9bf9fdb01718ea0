package compiled

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"go/constant"
	"go/token"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strconv"
	"strings"

	"github.com/traefik/yaegi/interp"

	"github.com/gilgo/gilgo/compiled/rt"
)

// Cell packages in compiled code.
//
// A cell imports "gil", "sys", "display" and the other packages the
// session registers with yaegi; they are not Go packages go build can
// find. For each one a compiled cell imports, the compiler writes a shim:
// a real package, in the cell module, with the same exported names, each
// bound to the worker's own value through rt.Sym when the plugin is
// opened:
//
//	package gil
//	import p1 "github.com/gilgo/gilgo/gil"
//	type ThreadStats = p1.ThreadStats
//	var Enabled = __rt.Sym("gil", "Enabled").(func() bool)
//
// Funcs and types are the same as in interpreted cells; a variable is a
// copy taken when the plugin is opened (the packages' variables are error
// values that are never reassigned); an untyped constant is a constant.
// A symbol whose type cannot be written in Go outside its package (an
// unexported or internal type, a generic instance) is left out, with a
// comment in the shim saying why.
//
// Shims live under the cell module's pkg directory, named by a hash of
// their source: every plugin that imports the same shim shares one
// instance of it (the Go runtime checks that a package loaded twice has
// the same hash), and a package whose symbols changed gets a new path.

// cellPackages returns the cell packages of exports by import path:
// every key path/name whose path is not a Go import path go build can
// resolve by itself (its first element has no dot) and that is not a
// compiled cell's own package or the runtime's helpers.
func cellPackages(exports interp.Exports) rt.Packages {
	pkgs := rt.Packages{}
	for key, syms := range exports {
		i := strings.LastIndex(key, "/")
		if i <= 0 {
			continue
		}
		path := key[:i]
		first, _, _ := strings.Cut(path, "/")
		if strings.Contains(first, ".") || strings.HasPrefix(path, "gilgo_") || strings.HasPrefix(path, "gilgo/") {
			continue
		}
		m := pkgs[path]
		if m == nil {
			m = map[string]reflect.Value{}
			pkgs[path] = m
		}
		for name, v := range syms {
			m[name] = v
		}
	}
	return pkgs
}

// shimSource is the Go source of the shim of cell package path (package
// name) with symbols syms.
func shimSource(path, name string, syms map[string]reflect.Value) string {
	names := make([]string, 0, len(syms))
	for n := range syms {
		names = append(names, n)
	}
	sort.Strings(names)
	im := &importSet{byPath: map[string]string{}}
	var decls, skipped []string
	for _, n := range names {
		if !token.IsExported(n) {
			continue
		}
		d, err := shimDecl(path, n, syms[n], im)
		if err != nil {
			skipped = append(skipped, fmt.Sprintf("// %s is not available in compiled cells: %v", n, err))
			continue
		}
		decls = append(decls, d)
	}
	var b strings.Builder
	fmt.Fprintf(&b, "// Package %s is the cell package %q for compiled cells, bound to the worker's own symbols.\n", name, path)
	fmt.Fprintf(&b, "package %s\n\nimport %s %q\n", name, rtName, rtPath)
	for _, p := range im.paths {
		fmt.Fprintf(&b, "import %s %q\n", im.byPath[p], p)
	}
	b.WriteString("\nvar _ = " + rtName + ".Sym\n\n")
	for _, d := range decls {
		b.WriteString(d + "\n")
	}
	for _, s := range skipped {
		b.WriteString(s + "\n")
	}
	return b.String()
}

// shimDecl declares symbol n (value v) of the shim.
func shimDecl(path, n string, v reflect.Value, im *importSet) (string, error) {
	sym := fmt.Sprintf("%s.Sym(%q, %q)", rtName, path, n)
	if !v.IsValid() {
		return "", errors.New("no value")
	}
	if c, ok := v.Interface().(constant.Value); ok && !v.CanAddr() {
		return fmt.Sprintf("const %s = %s", n, c.ExactString()), nil
	}
	t := v.Type()
	switch {
	case v.CanAddr(): // a variable: a copy of its value
		ts, err := im.typeString(t)
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("var %s = *%s.(*%s)", n, sym, ts), nil
	case t.Kind() == reflect.Pointer && v.IsNil() && t.Elem().Name() != "": // a type: (*T)(nil)
		if strings.HasPrefix(n, "_") {
			return "", errors.New("an interface wrapper")
		}
		ts, err := im.typeString(t.Elem())
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("type %s = %s", n, ts), nil
	default: // a func or another value
		ts, err := im.typeString(t)
		if err != nil {
			return "", err
		}
		return fmt.Sprintf("var %s = %s.(%s)", n, sym, ts), nil
	}
}

// importSet names the packages a shim's types come from.
type importSet struct {
	byPath map[string]string // import path -> local name
	paths  []string          // in order of first use
}

func (s *importSet) name(path string) string {
	if n, ok := s.byPath[path]; ok {
		return n
	}
	n := "p" + strconv.Itoa(len(s.paths)+1)
	s.byPath[path] = n
	s.paths = append(s.paths, path)
	return n
}

// typeString writes t as Go source outside its package.
func (s *importSet) typeString(t reflect.Type) (string, error) {
	if t.Name() != "" {
		if t.PkgPath() == "" {
			return t.Name(), nil // a predeclared type
		}
		if strings.Contains(t.Name(), "[") {
			return "", fmt.Errorf("generic type %s", t)
		}
		if !importable(t.PkgPath()) {
			return "", fmt.Errorf("type %s of package %s cannot be imported", t.Name(), t.PkgPath())
		}
		if !token.IsExported(t.Name()) {
			return "", fmt.Errorf("unexported type %s", t)
		}
		return s.name(t.PkgPath()) + "." + t.Name(), nil
	}
	elem := func(prefix string) (string, error) {
		e, err := s.typeString(t.Elem())
		return prefix + e, err
	}
	switch t.Kind() {
	case reflect.Pointer:
		return elem("*")
	case reflect.Slice:
		return elem("[]")
	case reflect.Array:
		return elem("[" + strconv.Itoa(t.Len()) + "]")
	case reflect.Map:
		k, err := s.typeString(t.Key())
		if err != nil {
			return "", err
		}
		return elem("map[" + k + "]")
	case reflect.Chan:
		switch t.ChanDir() {
		case reflect.RecvDir:
			return elem("<-chan ")
		case reflect.SendDir:
			return elem("chan<- ")
		}
		if e := t.Elem(); e.Kind() == reflect.Chan && e.ChanDir() == reflect.RecvDir && e.Name() == "" {
			inner, err := s.typeString(e)
			return "chan (" + inner + ")", err
		}
		return elem("chan ")
	case reflect.Func:
		return s.funcString(t)
	case reflect.Interface:
		if t.NumMethod() == 0 {
			return "any", nil
		}
		return "", fmt.Errorf("unnamed interface type %s", t)
	case reflect.Struct:
		var fields []string
		for i := range t.NumField() {
			f := t.Field(i)
			if !f.IsExported() {
				return "", fmt.Errorf("struct type %s has unexported fields", t)
			}
			ft, err := s.typeString(f.Type)
			if err != nil {
				return "", err
			}
			fs := f.Name + " " + ft
			if f.Anonymous {
				fs = ft
			}
			if f.Tag != "" {
				fs += " " + strconv.Quote(string(f.Tag))
			}
			fields = append(fields, fs)
		}
		return "struct{ " + strings.Join(fields, "; ") + " }", nil
	}
	return "", fmt.Errorf("unsupported type %s", t)
}

func (s *importSet) funcString(t reflect.Type) (string, error) {
	var in, out []string
	for i := range t.NumIn() {
		p := t.In(i)
		prefix := ""
		if t.IsVariadic() && i == t.NumIn()-1 {
			p, prefix = p.Elem(), "..."
		}
		ps, err := s.typeString(p)
		if err != nil {
			return "", err
		}
		in = append(in, prefix+ps)
	}
	for i := range t.NumOut() {
		ps, err := s.typeString(t.Out(i))
		if err != nil {
			return "", err
		}
		out = append(out, ps)
	}
	f := "func(" + strings.Join(in, ", ") + ")"
	switch len(out) {
	case 0:
	case 1:
		f += " " + out[0]
	default:
		f += " (" + strings.Join(out, ", ") + ")"
	}
	return f, nil
}

// importable reports whether a package outside this module may import
// path: not a command, not behind an internal directory.
func importable(path string) bool {
	if path == "main" || strings.HasSuffix(path, "/main") {
		return false
	}
	return path != "internal" && !strings.HasPrefix(path, "internal/") &&
		!strings.Contains(path, "/internal/") && !strings.HasSuffix(path, "/internal")
}

// shim writes the shim of cell package path into the cell module (once
// per content) and returns its import path.
func (c *Compiler) shim(path string, syms map[string]reflect.Value) (string, error) {
	name := path[strings.LastIndex(path, "/")+1:]
	src := shimSource(path, name, syms)
	sum := sha256.Sum256([]byte(path + "\x00" + src))
	rel := "pkg/" + name + "_" + hex.EncodeToString(sum[:6])
	dir := filepath.Join(c.mod, filepath.FromSlash(rel))
	if _, err := os.Stat(filepath.Join(dir, name+".go")); err == nil {
		return c.modPath() + "/" + rel, nil
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("compiled: shim of %s: %w", path, err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".go"), []byte(src), 0o644); err != nil {
		return "", fmt.Errorf("compiled: shim of %s: %w", path, err)
	}
	return c.modPath() + "/" + rel, nil
}
