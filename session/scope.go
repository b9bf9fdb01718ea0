package session

import (
	"reflect"
	"strings"

	"github.com/traefik/yaegi/interp"

	"github.com/gilgo/gilgo/session/complete"
	"github.com/gilgo/gilgo/session/hook"
	"github.com/gilgo/gilgo/session/stdlib"
)

// scope is a snapshot of what the session knows, for package complete. It
// is built under execMu and read-only afterwards, so it is safe for
// concurrent use.
type scope struct {
	decls    []complete.Decl
	imports  map[string]string // package name → import path
	packages map[string]string // import path → package name
	members  map[string]map[string]reflect.Value
	globals  map[string]reflect.Value
	docs     map[string]map[string]hook.Doc // of the cell packages, by path
}

var (
	_ complete.Scope      = (*scope)(nil)
	_ complete.ValueScope = (*scope)(nil)
	_ complete.DocScope   = (*scope)(nil)
)

// PackageDoc implements complete.DocScope from the cell packages' Docs.
func (s *scope) PackageDoc(path, name string) (decl, doc string, ok bool) {
	d, ok := s.docs[path][name]
	return d.Decl, d.Text, ok
}

func (s *scope) Decls() []complete.Decl                       { return s.decls }
func (s *scope) Imports() map[string]string                   { return s.imports }
func (s *scope) Packages() map[string]string                  { return s.packages }
func (s *scope) Members(path string) map[string]reflect.Value { return s.members[path] }

func (s *scope) VarType(name string) reflect.Type {
	if v, ok := s.globals[name]; ok && v.IsValid() {
		return v.Type()
	}
	return nil
}

func (s *scope) VarValue(name string) (reflect.Value, bool) {
	v, ok := s.globals[name]
	return v, ok && v.IsValid()
}

// scopeLocked takes the snapshot; the caller holds execMu.
func (s *Session) scopeLocked() *scope {
	sc := &scope{
		imports:  map[string]string{},
		packages: map[string]string{},
		members:  map[string]map[string]reflect.Value{},
		globals:  map[string]reflect.Value{},
		docs:     map[string]map[string]hook.Doc{},
	}
	for _, p := range s.pkgs {
		sc.docs[p.Path] = p.Docs
	}
	all := []interp.Exports{stdlib.Symbols}
	for _, p := range s.pkgs {
		all = append(all, packageSymbols(p))
	}
	all = append(all, s.used...)
	for _, ex := range all {
		for key, mem := range ex {
			i := strings.LastIndex(key, "/")
			if i <= 0 || key == "." {
				continue
			}
			path, name := key[:i], key[i+1:]
			if strings.HasPrefix(path, "gilgo/rt") {
				continue
			}
			sc.packages[path] = name
			m := sc.members[path]
			if m == nil {
				m = map[string]reflect.Value{}
				sc.members[path] = m
			}
			for k, v := range mem {
				m[k] = v
			}
		}
	}
	for _, p := range stdlib.Generic {
		sc.packages[p] = p
	}
	for _, imp := range s.st.importSr {
		name, path, named := strings.Cut(imp, " ")
		if !named {
			path = name
			name = ""
		}
		path = strings.Trim(path, `"`)
		if name == "" {
			name = sc.packages[path]
			if name == "" {
				name = path[strings.LastIndex(path, "/")+1:]
			}
		}
		if name != "_" && name != "." {
			sc.imports[name] = path
		}
	}
	current := map[string]bool{}
	for _, e := range s.st.decls.live() {
		for _, k := range e.keys {
			_, n, _ := strings.Cut(k, " ")
			current[n] = true
		}
	}
	for _, e := range s.st.decls.live() {
		for _, d := range complete.ParseDecls(stripDirectives(e.src)) {
			if current[d.Name] || d.Kind == complete.KindMethod {
				sc.decls = append(sc.decls, d)
			}
		}
	}
	func() {
		defer func() { _ = recover() }() // yaegi internals must not fail a completion
		for n, v := range s.it.Globals() {
			if !strings.HasPrefix(n, "__") {
				sc.globals[n] = v
			}
		}
	}()
	// Inferred types of variables, named as cells name them (main.P → P),
	// so that methods declared in cells are offered.
	f := &formatter{types: s.st.types}
	for i, d := range sc.decls {
		if d.Kind != complete.KindVar || d.Type != "" {
			continue
		}
		if v, ok := sc.globals[d.Name]; ok && v.IsValid() {
			sc.decls[i].Type = strings.ReplaceAll(f.typeName(v.Type()), "main.", "")
		}
	}
	return sc
}

// stripDirectives removes the /*line ...*/ comments the session adds.
func stripDirectives(src string) string {
	for {
		i := strings.Index(src, "/*line ")
		if i < 0 {
			return src
		}
		j := strings.Index(src[i:], "*/")
		if j < 0 {
			return src
		}
		src = src[:i] + src[i+j+2:]
	}
}
