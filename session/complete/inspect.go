package complete

import (
	"fmt"
	"go/constant"
	"go/doc"
	"reflect"
	"strings"
	"unicode/utf8"

	"github.com/gilgo/gilgo/engine"
)

// maxValue bounds the length of a value shown by Inspect, in bytes.
const maxValue = 400

// Inspect describes the name at byte offset cursor; detail 1 adds the
// source of cell declarations and full package docs.
func Inspect(code string, cursor, detail int, sc Scope) (res engine.Inspection) {
	cursor = clampCursor(code, cursor)
	notFound := engine.Inspection{Data: engine.MIMEBundle{}, Metadata: map[string]any{}}
	defer func() {
		// API boundary: see Complete.
		if r := recover(); r != nil {
			res = notFound
		}
	}()
	chain := chainAt(code, cursor)
	if len(chain) == 0 {
		return notFound
	}
	sig, docText := describe(chain, detail, sc)
	if sig == "" && docText == "" {
		return notFound
	}
	plain := sig
	md := "```go\n" + sig + "\n```\n"
	if docText != "" {
		plain += "\n\n" + docText
		md += "\n" + docText
	}
	return engine.Inspection{
		Found:    true,
		Data:     engine.MIMEBundle{"text/plain": plain, "text/markdown": md},
		Metadata: map[string]any{},
	}
}

// chainAt returns the selector chain ending with the identifier at or just
// before cursor, or naming the function whose call parenthesis precedes it.
func chainAt(code string, cursor int) []string {
	start, end := identStart(code, cursor), identEnd(code, cursor)
	if start == end {
		p := cursor
		for p > 0 && (code[p-1] == ' ' || code[p-1] == '\t') {
			p--
		}
		if p == 0 || code[p-1] != '(' {
			return nil
		}
		p--
		for p > 0 && (code[p-1] == ' ' || code[p-1] == '\t') {
			p--
		}
		start, end = identStart(code, p), p
	}
	word := code[start:end]
	if !isIdent(word) {
		return nil
	}
	chain, ok := selectorChain(code, start)
	if !ok {
		return nil
	}
	return append(chain, word)
}

// describe returns a declaration line and a doc text for a chain.
func describe(chain []string, detail int, sc Scope) (sig, docText string) {
	name := chain[len(chain)-1]
	if len(chain) == 1 {
		if d, ok := findDecl(sc, name); ok {
			return describeDecl(d, detail, sc)
		}
		if p, ok := packagePath(sc, name); ok {
			sig = fmt.Sprintf("package %s // import %q", name, p)
			if pd := stdPackage(p); pd != nil {
				docText = pd.text(pd.doc)
				if detail == 0 {
					docText = synopsis(docText)
				}
			}
			return sig, docText
		}
		if t := sc.VarType(name); t != nil {
			return "var " + name + " " + typeString(t), valueText(sc, name)
		}
		if pd := stdPackage("builtin"); pd != nil {
			if e, ok := pd.entry(name); ok {
				return strings.TrimSpace(e.decl), pd.text(e.doc)
			}
		}
		return "", ""
	}
	// pkg.Member
	if p, ok := packagePath(sc, chain[0]); ok && len(chain) == 2 {
		if _, isVar := findDecl(sc, chain[0]); !isVar {
			return describeMember(p, chain[0], name, sc)
		}
	}
	// a field or method of a value
	r, ok := resolveChain(chain[:len(chain)-1], sc)
	if !ok || r.pkg != "" {
		return "", ""
	}
	if r.decl != nil {
		recv := strings.TrimPrefix(r.decl.Type, "*")
		for _, d := range sc.Decls() {
			if d.Kind == KindMethod && d.Name == name && strings.TrimPrefix(d.Recv, "*") == recv {
				return describeDecl(d, detail, sc)
			}
		}
	}
	t := r.typ
	if t == nil {
		return "", ""
	}
	for _, m := range membersOf(t) {
		if m.name != name {
			continue
		}
		named := t
		if named.Kind() == reflect.Pointer {
			named = named.Elem()
		}
		if m.kind == "field" {
			return fmt.Sprintf("field %s %s", name, m.sig), ""
		}
		if p, typ, ok := cellPackageOf(sc, named); ok {
			if decl, text, ok := scopeDoc(sc, p, typ+"."+name); ok {
				return strings.TrimSpace(decl), strings.TrimSpace(text)
			}
		}
		pd := stdPackage(named.PkgPath())
		if e, ok := pd.entry(named.Name() + "." + name); ok {
			return strings.TrimSpace(e.decl), pd.text(e.doc)
		}
		return fmt.Sprintf("func (%s) %s%s", typeString(t), name, strings.TrimPrefix(m.sig, "func")), ""
	}
	return "", ""
}

func describeDecl(d Decl, detail int, sc Scope) (sig, docText string) {
	switch d.Kind {
	case KindFunc:
		sig = "func " + d.Name + strings.TrimPrefix(d.Signature, "func")
	case KindMethod:
		sig = fmt.Sprintf("func (%s) %s%s", d.Recv, d.Name, strings.TrimPrefix(d.Signature, "func"))
	case KindType:
		sig = "type " + d.Name + " " + d.Type
		var methods []string
		for _, m := range sc.Decls() {
			if m.Kind == KindMethod && strings.TrimPrefix(m.Recv, "*") == d.Name {
				methods = append(methods, fmt.Sprintf("func (%s) %s%s", m.Recv, m.Name, strings.TrimPrefix(m.Signature, "func")))
			}
		}
		if len(methods) > 0 {
			sig += "\n\n" + strings.Join(methods, "\n")
		}
	case KindVar, KindConst:
		typ := d.Type
		if typ == "" {
			typ = typeString(sc.VarType(d.Name))
		}
		sig = strings.TrimSpace(d.Kind + " " + d.Name + " " + typ)
	default:
		sig = strings.TrimSpace(d.Kind + " " + d.Name + " " + d.Type)
	}
	var parts []string
	if d.Doc != "" {
		parts = append(parts, strings.TrimSpace(d.Doc))
	}
	if d.Kind == KindVar {
		if v := valueText(sc, d.Name); v != "" {
			parts = append(parts, v)
		}
	}
	if detail > 0 && d.Source != "" {
		parts = append(parts, "Source:\n"+d.Source)
	}
	return sig, strings.Join(parts, "\n\n")
}

func describeMember(p, pkgName, name string, sc Scope) (sig, docText string) {
	v, inTable := sc.Members(p)[name]
	if decl, text, ok := scopeDoc(sc, p, name); ok {
		sig = strings.TrimSpace(decl)
		if strings.HasPrefix(sig, "func "+name) {
			sig = strings.Replace(sig, "func "+name, "func "+pkgName+"."+name, 1)
		}
		if inTable && memberKind(v) == "type" {
			sig += scopeMethods(sc, p, name)
		}
		return sig, strings.TrimSpace(text)
	}
	pd := stdPackage(p)
	e, inDoc := pd.entry(name)
	if !inTable && !inDoc {
		return "", ""
	}
	kind := memberKind(v)
	if inDoc {
		sig = strings.TrimSpace(e.decl)
		if e.kind == "func" {
			sig = strings.Replace(sig, "func "+name, "func "+pkgName+"."+name, 1)
		}
		docText = pd.text(e.doc)
		if e.kind == "type" {
			var methods []string
			for _, k := range sortedKeys(pd.entries) {
				if m := pd.entries[k]; m.kind == "method" && strings.HasPrefix(k, name+".") {
					methods = append(methods, m.decl)
				}
			}
			if len(methods) > 0 {
				sig += "\n\n" + strings.Join(methods, "\n")
			}
		}
	} else {
		switch kind {
		case "function":
			sig = "func " + pkgName + "." + name + strings.TrimPrefix(funcSig(v.Type(), false), "func")
		case "type":
			t := v.Type().Elem()
			sig = "type " + pkgName + "." + name + " " + t.Kind().String()
			var ms []string
			for _, m := range membersOf(t) {
				ms = append(ms, m.kind+" "+m.name+" "+m.sig)
			}
			if len(ms) > 0 {
				sig += "\n\n" + strings.Join(ms, "\n")
			}
		case "variable":
			sig = "var " + pkgName + "." + name + " " + memberSignature(v)
		default:
			sig = "const " + pkgName + "." + name + " " + memberSignature(v)
		}
	}
	if inTable && (kind == "variable" || kind == "constant") {
		if s := formatValue(v); s != "" {
			docText = strings.TrimSpace(docText + "\n\nValue: " + s)
		}
	}
	return sig, docText
}

func valueText(sc Scope, name string) string {
	vs, ok := sc.(ValueScope)
	if !ok {
		return ""
	}
	v, ok := vs.VarValue(name)
	if !ok {
		return ""
	}
	if s := formatValue(v); s != "" {
		return "Value: " + s
	}
	return ""
}

// formatValue prints a value briefly; methods it calls may panic.
func formatValue(v reflect.Value) (s string) {
	defer func() {
		if recover() != nil {
			s = ""
		}
	}()
	if !v.IsValid() || !v.CanInterface() {
		return ""
	}
	x := v.Interface()
	if c, ok := x.(constant.Value); ok {
		s = c.ExactString()
		if c.Kind() == constant.Float {
			s = c.String()
		}
	} else {
		s = fmt.Sprintf("%v", x)
	}
	if len(s) > maxValue {
		cut := maxValue
		for cut > 0 && !utf8.RuneStart(s[cut]) {
			cut--
		}
		s = s[:cut] + "…"
	}
	return s
}

func synopsis(text string) string {
	var p doc.Package
	return p.Synopsis(text)
}

// scopeDoc asks the scope's DocScope, if any, about path.name.
func scopeDoc(sc Scope, path, name string) (decl, doc string, ok bool) {
	ds, isDoc := sc.(DocScope)
	if !isDoc {
		return "", "", false
	}
	return ds.PackageDoc(path, name)
}

// scopeMethods lists the documented methods of type typ of package path:
// "\n\nfunc (g *T) M()..." or "".
func scopeMethods(sc Scope, path, typ string) string {
	t := sc.Members(path)[typ]
	if !t.IsValid() || t.Kind() != reflect.Pointer {
		return ""
	}
	var methods []string
	for _, m := range membersOf(t.Type()) {
		if m.kind != "method" {
			continue
		}
		if decl, _, ok := scopeDoc(sc, path, typ+"."+m.name); ok {
			methods = append(methods, strings.TrimSpace(decl))
		}
	}
	if len(methods) == 0 {
		return ""
	}
	return "\n\n" + strings.Join(methods, "\n")
}

// cellPackageOf finds the imported package whose symbol table exports
// type t, and the name it has there: its import path in cells is not
// t.PkgPath() for the session's cell packages.
func cellPackageOf(sc Scope, t reflect.Type) (path, name string, ok bool) {
	if _, isDoc := sc.(DocScope); !isDoc || t.Name() == "" {
		return "", "", false
	}
	for _, p := range sortedValues(sc.Imports()) {
		mem := sc.Members(p)
		for _, n := range sortedKeys(mem) {
			if v := mem[n]; memberKind(v) == "type" && v.Type().Elem() == t {
				return p, n, true
			}
		}
	}
	return "", "", false
}

func sortedValues(m map[string]string) []string {
	vs := make([]string, 0, len(m))
	for _, k := range sortedKeys(m) {
		vs = append(vs, m[k])
	}
	return vs
}
