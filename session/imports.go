package session

import (
	"fmt"
	"go/ast"
	"go/scanner"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/traefik/yaegi/interp"

	"github.com/gilgo/gilgo/session/hook"
	"github.com/gilgo/gilgo/session/stdlib"
)

// checkImports reports the imports of files that name no package a cell
// can import, as a CompileError, before anything is compiled: yaegi
// keeps the imports of a file that failed on an unknown one, so that a
// later import of the same package failed with "fmt/_.go redeclared in
// this block" until a restart. The packages of Go modules are first
// resolved and built by Options.Modules.
func (c *cell) checkImports(files []*ast.File) error {
	var list scanner.ErrorList
	var modules []string
	at := map[string]token.Pos{}
	for _, f := range files {
		if f == nil {
			continue
		}
		for _, is := range f.Imports {
			path, err := strconv.Unquote(is.Path.Value)
			if err != nil || c.s.importable(path) {
				continue
			}
			if m := c.s.opts.Modules; m != nil && m.Wants(path) {
				if _, ok := at[path]; !ok {
					modules = append(modules, path)
					at[path] = is.Path.Pos()
				}
				continue
			}
			list.Add(c.s.it.FileSet().Position(is.Path.Pos()),
				"package "+path+" is not in std, gilgo's packages or a compiled cell")
		}
	}
	if len(list) > 0 {
		return &compileError{err: list}
	}
	if len(modules) > 0 {
		return c.importModules(modules, at)
	}
	return nil
}

// importModules has Options.Modules resolve and build the packages at
// paths (with the cell's hold on the lock released, so that its
// goroutines run meanwhile) and makes those it compiled importable. A
// failure is the cell's CompileError at the import it names.
func (c *cell) importModules(paths []string, at map[string]token.Pos) error {
	s := c.s
	var ex hook.Exports
	var err error
	s.Blocking(func() { ex, err = s.opts.Modules.Import(c.ctx, paths, c.out) })
	if err == nil && len(ex) > 0 {
		err = s.useLocked(ex)
	}
	if err == nil {
		for _, p := range paths {
			if !s.importable(p) {
				err = fmt.Errorf("cannot import %q: the module loader did not provide it", p)
				break
			}
			if !exportsHave(ex, p) {
				if err = s.probeSource(p, ex); err != nil {
					break
				}
			}
		}
	}
	if err == nil {
		return nil
	}
	if c.ctx.Err() != nil {
		return c.ctx.Err()
	}
	pos := at[paths[0]]
	for _, p := range paths {
		if strings.Contains(err.Error(), strconv.Quote(p)) {
			pos = at[p]
			break
		}
	}
	var list scanner.ErrorList
	list.Add(s.it.FileSet().Position(pos), err.Error())
	return &compileError{err: list}
}

// importable reports whether a cell can import path: a package of the
// standard library (compiled or interpreted from source), of the session
// (cell packages, the scheduler's, those added with Use, compiled cells),
// or under Options.GoPath.
func (s *Session) importable(path string) bool {
	if path == "C" {
		return false
	}
	if slices.Contains(stdlib.Generic, path) || exportsHave(stdlib.Symbols, path) || exportsHave(s.overrides(), path) {
		return true
	}
	for _, e := range s.used {
		if exportsHave(e, path) {
			return true
		}
	}
	for _, e := range s.sched.Exports {
		if exportsHave(e, path) {
			return true
		}
	}
	for _, p := range s.pkgs {
		if exportsHave(interp.Exports(p.Exports()), path) { // its helpers too (gilgo/procpool)
			return true
		}
	}
	if s.opts.GoPath != "" {
		if fi, err := os.Stat(filepath.Join(s.opts.GoPath, "src", filepath.FromSlash(path))); err == nil && fi.IsDir() {
			return true
		}
	}
	return false
}

// exportsHave reports whether e holds the package at path (under the key
// "path/name").
func exportsHave(e interp.Exports, path string) bool {
	for k := range e {
		if name, ok := strings.CutPrefix(k, path+"/"); ok && !strings.Contains(name, "/") {
			return true
		}
	}
	return false
}

// goCommand runs the line magic %go through Options.Modules.
func (c *cell) goCommand(args string) error {
	m := c.s.opts.Modules
	if m == nil {
		return &magicError{msg: "%go: this session has no module support"}
	}
	var err error
	c.s.Blocking(func() { err = m.Command(c.ctx, args, c.out) })
	if err != nil && c.ctx.Err() == nil {
		return &magicError{msg: err.Error()}
	}
	return err
}

// probeSource compiles the import of source package path in a scratch
// interpreter first: yaegi keeps what it compiled of a package that then
// failed, and a later cell could fail on that wreck in unrelated ways.
func (s *Session) probeSource(path string, ex hook.Exports) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("cannot import %q: the interpreter failed on its source: %v", path, r)
		}
	}()
	it := interp.New(interp.Options{GoPath: s.opts.GoPath, Unrestricted: true})
	if err := stdlib.Load(it); err != nil {
		return fmt.Errorf("cannot import %q: %w", path, err)
	}
	for _, e := range append(append([]interp.Exports{}, s.used...), interp.Exports(ex)) {
		if err := it.Use(e); err != nil {
			return fmt.Errorf("cannot import %q: %w", path, err)
		}
	}
	if _, err := it.Compile("import _ " + strconv.Quote(path)); err != nil {
		return fmt.Errorf("cannot import %q: the interpreter cannot compile its source (yaegi: %v); a package without generics, or an older version, may work", path, err)
	}
	return nil
}
