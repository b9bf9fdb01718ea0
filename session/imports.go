package session

import (
	"go/ast"
	"go/scanner"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"github.com/traefik/yaegi/interp"

	"github.com/gilgo/gilgo/session/stdlib"
)

// checkImports reports the imports of files that name no package a cell
// can import, as a CompileError, before anything is compiled: yaegi
// keeps the imports of a file that failed on an unknown one, so that a
// later import of the same package failed with "fmt/_.go redeclared in
// this block" until a restart.
func (c *cell) checkImports(files []*ast.File) error {
	var list scanner.ErrorList
	for _, f := range files {
		if f == nil {
			continue
		}
		for _, is := range f.Imports {
			path, err := strconv.Unquote(is.Path.Value)
			if err != nil || c.s.importable(path) {
				continue
			}
			list.Add(c.s.it.FileSet().Position(is.Path.Pos()),
				"package "+path+" is not in std, gilgo's packages or a compiled cell")
		}
	}
	if len(list) > 0 {
		return &compileError{err: list}
	}
	return nil
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
