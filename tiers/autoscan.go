package tiers

// autoscan.go: which funcs the watcher (auto.go) may build on their own.

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/scanner"
	"go/token"
	"go/types"
	"path"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// autoFunc is a func the compiled tier can build alone: its source as one
// cell's declarations, laid out so that positions name its own cell and
// lines.
type autoFunc struct {
	name string
	key  string // the session's entry (its directive and text): a redefinition is another key
	cell int    // the cell that declared it
	src  string // imports, then the func at its line and column
}

// autoImports are the standard packages an auto-compiled func may use:
// their code behaves alike in both tiers (the compiled tier reroutes fmt's
// prints and time.Sleep). Left out: what reaches the process rather than
// the cell (os, log, runtime, syscall, os/exec, net, io's files), sync
// (waits the generator cannot always see) and reflect (interpreted values
// are yaegi's).
var autoImports = map[string]bool{
	"bytes": true, "cmp": true, "container/heap": true, "container/list": true,
	"container/ring": true, "crypto/md5": true, "crypto/sha1": true,
	"crypto/sha256": true, "crypto/sha512": true, "encoding/base64": true,
	"encoding/binary": true, "encoding/hex": true, "errors": true, "fmt": true,
	"hash/crc32": true, "hash/fnv": true, "iter": true, "maps": true,
	"math": true, "math/big": true, "math/bits": true, "math/cmplx": true,
	"math/rand": true, "math/rand/v2": true, "slices": true, "sort": true,
	"strconv": true, "strings": true, "time": true, "unicode": true,
	"unicode/utf16": true, "unicode/utf8": true,
}

// autoDenied are the calls of allowed packages an auto-compiled func may
// not make: fmt's scans read the worker's stdin, not the cell's.
var autoDenied = map[string]bool{
	"fmt.Scan": true, "fmt.Scanf": true, "fmt.Scanln": true,
}

// universe is the set of predeclared names.
var universe = func() map[string]bool {
	m := map[string]bool{}
	for _, n := range types.Universe.Names() {
		m[n] = true
	}
	return m
}()

// directiveRE reads the cell of a position: cell[N]/_.go.
var directiveRE = regexp.MustCompile(`^cell\[(\d+)\]`)

// autoScan holds the session's declarations (hook.Host.Declarations) as
// parsed once, for the funcs a long cell may have run.
type autoScan struct {
	fset    *token.FileSet
	file    *ast.File
	text    string                   // "package main\n" + the declarations
	funcs   map[string]*ast.FuncDecl // top-level funcs by name
	globals map[string]bool          // every top-level name
	imports map[string]string        // import name -> path
}

// parseDecls parses the output of hook.Host.Declarations.
func parseDecls(decls string) (*autoScan, error) {
	s := &autoScan{fset: token.NewFileSet(), text: "package main\n" + decls,
		funcs: map[string]*ast.FuncDecl{}, globals: map[string]bool{}, imports: map[string]string{}}
	f, err := parser.ParseFile(s.fset, "", s.text, parser.SkipObjectResolution)
	if err != nil {
		return nil, fmt.Errorf("auto-compile: parse declarations: %w", err)
	}
	s.file = f
	for _, im := range f.Imports {
		p, err := strconv.Unquote(im.Path.Value)
		if err != nil {
			continue
		}
		name := importName(p)
		if im.Name != nil {
			name = im.Name.Name
		}
		s.imports[name] = p
	}
	for _, d := range f.Decls {
		switch d := d.(type) {
		case *ast.FuncDecl:
			if d.Recv == nil {
				s.funcs[d.Name.Name] = d
				s.globals[d.Name.Name] = true
			}
		case *ast.GenDecl:
			for _, sp := range d.Specs {
				switch sp := sp.(type) {
				case *ast.TypeSpec:
					s.globals[sp.Name.Name] = true
				case *ast.ValueSpec:
					for _, n := range sp.Names {
						s.globals[n.Name] = true
					}
				}
			}
		}
	}
	return s, nil
}

// importName is the package name of a standard import path: its last
// element, or the one before a major version (math/rand/v2 is rand).
func importName(p string) string {
	base := path.Base(p)
	if len(base) > 1 && base[0] == 'v' && strings.Trim(base[1:], "0123456789") == "" && path.Dir(p) != "." {
		return path.Base(path.Dir(p))
	}
	return base
}

// cellIdents lists the identifiers of src (a cell), without parsing it:
// a cell may be any mix of statements and declarations.
func cellIdents(src string) map[string]bool {
	ids := map[string]bool{}
	var sc scanner.Scanner
	fset := token.NewFileSet()
	sc.Init(fset.AddFile("", -1, len(src)), []byte(src), nil, 0)
	for {
		_, tok, lit := sc.Scan()
		if tok == token.EOF {
			return ids
		}
		if tok == token.IDENT {
			ids[lit] = true
		}
	}
}

// reachable returns the candidates among the funcs that the identifiers
// ids name, directly or through the bodies of the session's funcs they
// name, in source order.
func (s *autoScan) reachable(ids map[string]bool) []autoFunc {
	seen := map[string]bool{}
	var queue []string
	for id := range ids {
		if s.funcs[id] != nil && !seen[id] {
			seen[id] = true
			queue = append(queue, id)
		}
	}
	for len(queue) > 0 {
		name := queue[0]
		queue = queue[1:]
		ast.Inspect(s.funcs[name].Body, func(n ast.Node) bool {
			if id, ok := n.(*ast.Ident); ok && s.funcs[id.Name] != nil && !seen[id.Name] {
				seen[id.Name] = true
				queue = append(queue, id.Name)
			}
			return true
		})
	}
	var out []autoFunc
	for _, d := range s.file.Decls {
		fd, ok := d.(*ast.FuncDecl)
		if !ok || fd.Recv != nil || !seen[fd.Name.Name] {
			continue
		}
		if af, ok := s.candidate(fd); ok {
			out = append(out, af)
		}
	}
	return out
}

// candidate reports whether fd can be built on its own and behave as it
// does interpreted: a plain func (no receiver, no type parameters) of a
// cell, not a generated one, whose free identifiers are its own name,
// predeclared names the session does not redeclare, and the names of
// allowed standard imports (autoImports); whose signature passes values
// the bindings share as they are (basic types, and arrays, slices, maps
// and pointers of them: no funcs, chans or interfaces), and which starts
// no goroutine and uses no channel. A name the analysis takes for a local
// by mistake (declared in another scope of the func) only makes the build
// fail: the session keeps the interpreted func.
func (s *autoScan) candidate(fd *ast.FuncDecl) (autoFunc, bool) {
	name := fd.Name.Name
	if fd.Body == nil || fd.Type.TypeParams != nil || name == "main" || name == "init" || name == "_" ||
		strings.HasPrefix(name, "__") {
		return autoFunc{}, false
	}
	pos := s.fset.Position(fd.Pos())
	m := directiveRE.FindStringSubmatch(pos.Filename)
	if m == nil {
		return autoFunc{}, false // generated source (bindings): no cell of its own
	}
	cell, _ := strconv.Atoi(m[1])
	used := map[string]string{} // import name -> path
	ok := true
	deny := func() bool { ok = false; return false }
	// The signature.
	var sigType func(e ast.Expr) bool
	sigType = func(e ast.Expr) bool {
		switch e := e.(type) {
		case *ast.Ident:
			switch e.Name {
			case "any", "error", "comparable":
				return false
			}
			return universe[e.Name] && !s.globals[e.Name]
		case *ast.SelectorExpr:
			x, isID := e.X.(*ast.Ident)
			if !isID {
				return false
			}
			p, imported := s.imports[x.Name]
			if !imported || !autoImports[p] || s.globals[x.Name] {
				return false
			}
			used[x.Name] = p
			return true
		case *ast.ArrayType:
			return sigType(e.Elt)
		case *ast.MapType:
			return sigType(e.Key) && sigType(e.Value)
		case *ast.StarExpr:
			return sigType(e.X)
		case *ast.Ellipsis:
			return sigType(e.Elt)
		case *ast.ParenExpr:
			return sigType(e.X)
		}
		return false
	}
	for _, fl := range []*ast.FieldList{fd.Type.Params, fd.Type.Results} {
		if fl == nil {
			continue
		}
		for _, f := range fl.List {
			if !sigType(f.Type) {
				return autoFunc{}, false
			}
		}
	}
	// The body: what it declares, what it uses.
	declared := map[string]bool{}
	declare := func(ids ...*ast.Ident) {
		for _, id := range ids {
			declared[id.Name] = true
		}
	}
	for _, fl := range []*ast.FieldList{fd.Type.Params, fd.Type.Results} {
		if fl != nil {
			for _, f := range fl.List {
				declare(f.Names...)
			}
		}
	}
	skip := map[*ast.Ident]bool{} // field names, labels, selectors' names
	ast.Inspect(fd.Body, func(n ast.Node) bool {
		if !ok {
			return false
		}
		switch n := n.(type) {
		case *ast.GoStmt, *ast.SelectStmt, *ast.SendStmt, *ast.ChanType:
			return deny()
		case *ast.UnaryExpr:
			if n.Op == token.ARROW {
				return deny()
			}
		case *ast.AssignStmt:
			if n.Tok == token.DEFINE {
				for _, l := range n.Lhs {
					if id, isID := l.(*ast.Ident); isID {
						declare(id)
					}
				}
			}
		case *ast.RangeStmt:
			if n.Tok == token.DEFINE {
				for _, e := range []ast.Expr{n.Key, n.Value} {
					if id, isID := e.(*ast.Ident); isID {
						declare(id)
					}
				}
			}
		case *ast.ValueSpec:
			declare(n.Names...)
		case *ast.TypeSpec:
			declare(n.Name)
		case *ast.Field:
			declare(n.Names...)
		case *ast.LabeledStmt:
			skip[n.Label] = true
		case *ast.BranchStmt:
			if n.Label != nil {
				skip[n.Label] = true
			}
		case *ast.KeyValueExpr:
			if id, isID := n.Key.(*ast.Ident); isID {
				skip[id] = true // a field name, or a key the build then reports
			}
		case *ast.SelectorExpr:
			skip[n.Sel] = true
			if x, isID := n.X.(*ast.Ident); isID {
				if autoDenied[x.Name+"."+n.Sel.Name] {
					return deny()
				}
			}
		}
		return true
	})
	if !ok {
		return autoFunc{}, false
	}
	ast.Inspect(fd.Body, func(n ast.Node) bool {
		id, isID := n.(*ast.Ident)
		if !ok || !isID || skip[id] || declared[id.Name] || id.Name == name || id.Name == "_" {
			return ok
		}
		switch p, imported := s.imports[id.Name]; {
		case s.globals[id.Name]:
			ok = false // a cell's var, type, const or another func
		case imported:
			if !autoImports[p] {
				ok = false
			}
			used[id.Name] = p
		case !universe[id.Name]:
			ok = false // undefined here: the cell did not compile either
		}
		return ok
	})
	if !ok {
		return autoFunc{}, false
	}
	return autoFunc{name: name, key: s.entryText(fd), cell: cell, src: s.layout(fd, pos, used)}, true
}

// entryText is fd's source as the session keeps it, from its position
// directive to its end.
func (s *autoScan) entryText(fd *ast.FuncDecl) string {
	tf := s.fset.File(fd.Pos())
	start, end := tf.Offset(fd.Pos()), tf.Offset(fd.End())
	if i := strings.LastIndex(s.text[:start], "/*line "); i >= 0 && !strings.Contains(s.text[i:start], "\n") {
		start = i
	}
	return s.text[start:end]
}

// layout writes fd as a cell of its own: the imports it uses on the first
// line, then the func at the line and column it has in its cell, so that
// compiled positions (panics, check points) name the cell's own lines.
func (s *autoScan) layout(fd *ast.FuncDecl, pos token.Position, used map[string]string) string {
	var b strings.Builder
	names := make([]string, 0, len(used))
	for n := range used {
		names = append(names, n)
	}
	slices.Sort(names)
	for _, n := range names {
		fmt.Fprintf(&b, "import %s %q; ", n, used[n])
	}
	line, col := pos.Line, pos.Column
	if line > 1 {
		b.WriteString(strings.Repeat("\n", line-1))
		b.WriteString(strings.Repeat(" ", max(0, col-1)))
	}
	tf := s.fset.File(fd.Pos())
	b.WriteString(s.text[tf.Offset(fd.Pos()):tf.Offset(fd.End())])
	b.WriteByte('\n')
	return b.String()
}
