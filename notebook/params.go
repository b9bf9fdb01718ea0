package notebook

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/scanner"
	"go/token"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Tags of papermill's convention for parameterised runs.
const (
	// TagParameters marks the cell whose declarations are the notebook's
	// parameters and their defaults.
	TagParameters = "parameters"
	// TagInjectedParameters marks the cell InjectParameters adds after it.
	TagInjectedParameters = "injected-parameters"
)

// Param is a parameter of a run: `gilgo run NOTEBOOK -p name=value`.
type Param struct{ Name, Value string }

// ParseParam parses "name=value".
func ParseParam(s string) (Param, error) {
	name, value, ok := strings.Cut(s, "=")
	name = strings.TrimSpace(name)
	if !ok || !token.IsIdentifier(name) {
		return Param{}, fmt.Errorf("parameter %q: want name=value with a Go identifier as name", s)
	}
	return Param{Name: name, Value: value}, nil
}

// InjectParameters follows papermill: after the first code cell tagged
// "parameters" (or at the top when there is none) it inserts a code cell
// tagged "injected-parameters" that assigns each parameter, replacing
// such a cell left by an earlier run. A value is written in Go syntax for
// the type its variable has in the parameters cell: a string is quoted
// (unless it already is a Go string literal), an int, float or bool is
// checked, a time.Duration may be written "30s"; other types take the
// value as a Go expression. A parameter the parameters cell does not
// declare is declared with := from the value as written, and named in
// the returned warnings. It returns the values as injected, by name.
func InjectParameters(nb *Notebook, params []Param) (injected map[string]string, warnings []string, err error) {
	if len(params) == 0 {
		return nil, nil, nil
	}
	cells := nb.Cells[:0:0]
	for _, c := range nb.Cells {
		if !(c.Type == CodeCell && c.HasTag(TagInjectedParameters)) {
			cells = append(cells, c)
		}
	}
	at, types := 0, map[string]string{}
	for i, c := range cells {
		if c.Type == CodeCell && c.HasTag(TagParameters) {
			if types, err = declaredTypes(c.Source); err != nil {
				return nil, nil, fmt.Errorf("the parameters cell: %w", err)
			}
			at = i + 1
			break
		}
	}
	injected = map[string]string{}
	var b strings.Builder
	b.WriteString("// Parameters injected by gilgo run\n")
	for _, p := range params {
		typ, declared := types[p.Name]
		v, err := goValue(typ, p.Value)
		if err != nil {
			return nil, nil, fmt.Errorf("parameter %s: %w", p.Name, err)
		}
		op := "="
		if !declared {
			op = ":="
			warnings = append(warnings, fmt.Sprintf("parameter %s is not declared in the parameters cell: declared here with :=", p.Name))
		}
		fmt.Fprintf(&b, "%s %s %s\n", p.Name, op, v)
		injected[p.Name] = v
	}
	cell := &Cell{Type: CodeCell, Source: b.String(), Metadata: map[string]any{"tags": []any{TagInjectedParameters}}}
	nb.Cells = append(cells[:at:at], append([]*Cell{cell}, cells[at:]...)...)
	return injected, warnings, nil
}

// declaredTypes returns the variables a parameters cell declares (var
// declarations and :=), each with its type as written or as its literal
// gives it ("" when neither says).
func declaredTypes(src string) (map[string]string, error) {
	fset := token.NewFileSet()
	f, err := parser.ParseFile(fset, "", "package p\nfunc _() {\n"+withoutImports(src)+"\n}", parser.SkipObjectResolution)
	if err != nil {
		return nil, err
	}
	types := map[string]string{}
	add := func(names []*ast.Ident, typ ast.Expr, values []ast.Expr) {
		for i, n := range names {
			switch {
			case typ != nil:
				types[n.Name] = exprString(typ)
			case len(values) == len(names):
				types[n.Name] = literalType(values[i])
			default:
				types[n.Name] = ""
			}
		}
	}
	for _, st := range f.Decls[0].(*ast.FuncDecl).Body.List {
		switch st := st.(type) {
		case *ast.DeclStmt:
			if gd, ok := st.Decl.(*ast.GenDecl); ok && gd.Tok == token.VAR {
				for _, s := range gd.Specs {
					vs := s.(*ast.ValueSpec)
					add(vs.Names, vs.Type, vs.Values)
				}
			}
		case *ast.AssignStmt:
			if st.Tok == token.DEFINE {
				var names []*ast.Ident
				for _, l := range st.Lhs {
					if id, ok := l.(*ast.Ident); ok {
						names = append(names, id)
					}
				}
				if len(names) == len(st.Lhs) {
					add(names, nil, st.Rhs)
				}
			}
		}
	}
	return types, nil
}

// withoutImports blanks the import declarations of a cell (which mixes
// imports, declarations and statements), keeping every other byte where
// it was.
func withoutImports(src string) string {
	b := []byte(src)
	var sc scanner.Scanner
	fset := token.NewFileSet()
	sc.Init(fset.AddFile("", -1, len(b)), b, nil, 0)
	start, depth := -1, 0
	for {
		pos, tok, _ := sc.Scan()
		if tok == token.EOF {
			break
		}
		off := fset.Position(pos).Offset
		switch {
		case start < 0 && tok == token.IMPORT:
			start = off
		case start >= 0 && tok == token.LPAREN:
			depth++
		case start >= 0 && tok == token.RPAREN:
			depth--
		case start >= 0 && tok == token.SEMICOLON && depth == 0:
			for i := start; i < off && i < len(b); i++ {
				if b[i] != '\n' {
					b[i] = ' '
				}
			}
			start = -1
		}
	}
	return string(b)
}

// literalType is the default type of a basic literal or true/false.
func literalType(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.BasicLit:
		return map[token.Token]string{token.INT: "int", token.FLOAT: "float64", token.STRING: "string", token.CHAR: "rune", token.IMAG: "complex128"}[e.Kind]
	case *ast.UnaryExpr:
		if e.Op == token.SUB || e.Op == token.ADD {
			return literalType(e.X)
		}
	case *ast.Ident:
		if e.Name == "true" || e.Name == "false" {
			return "bool"
		}
	}
	return ""
}

func exprString(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.Ident:
		return e.Name
	case *ast.SelectorExpr:
		return exprString(e.X) + "." + e.Sel.Name
	}
	return ""
}

// goValue writes v as a Go expression of type typ.
func goValue(typ, v string) (string, error) {
	switch typ {
	case "string":
		if len(v) > 0 && (v[0] == '"' || v[0] == '`') {
			if _, err := strconv.Unquote(v); err == nil {
				return v, nil
			}
		}
		return strconv.Quote(v), nil
	case "int", "int8", "int16", "int32", "int64", "uint", "uint8", "uint16", "uint32", "uint64", "rune", "byte":
		if _, err := strconv.ParseInt(strings.ReplaceAll(v, "_", ""), 0, 64); err != nil {
			if _, uerr := strconv.ParseUint(strings.ReplaceAll(v, "_", ""), 0, 64); uerr != nil {
				return "", fmt.Errorf("%q is not an integer (the parameters cell declares %s)", v, typ)
			}
		}
		return v, nil
	case "float64", "float32":
		if _, err := strconv.ParseFloat(strings.ReplaceAll(v, "_", ""), 64); err != nil {
			return "", fmt.Errorf("%q is not a number (the parameters cell declares %s)", v, typ)
		}
		return v, nil
	case "bool":
		b, err := strconv.ParseBool(v)
		if err != nil {
			return "", fmt.Errorf("%q is not a bool (the parameters cell declares bool)", v)
		}
		return strconv.FormatBool(b), nil
	case "time.Duration":
		if d, err := time.ParseDuration(v); err == nil {
			return fmt.Sprintf("time.Duration(%d) // %s", int64(d), v), nil
		}
	}
	if _, err := parser.ParseExpr(v); err != nil {
		return "", fmt.Errorf("%q is not a Go expression: %v", v, err)
	}
	return v, nil
}

// SetRunMetadata records how a notebook was run in metadata.gilgo:
// gilgo's and Go's versions, the seed (when set), the parameters and the
// module versions in effect (when any).
func SetRunMetadata(nb *Notebook, gilgoVersion, goVersion string, seed *int64, params, modules map[string]string) {
	if nb.Metadata == nil {
		nb.Metadata = map[string]any{}
	}
	m := map[string]any{"version": gilgoVersion, "go_version": goVersion}
	if seed != nil {
		m["seed"] = *seed
	}
	for key, kv := range map[string]map[string]string{"parameters": params, "modules": modules} {
		if len(kv) == 0 {
			continue
		}
		keys := make([]string, 0, len(kv))
		for k := range kv {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		obj := map[string]any{}
		for _, k := range keys {
			obj[k] = kv[k]
		}
		m[key] = obj
	}
	nb.Metadata["gilgo"] = m
}
