package multiprocessing

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"go/ast"
	"go/parser"
	"os"
	"reflect"
	"strconv"
)

// reply is what Invoke writes for the parent: the results of the call as
// JSON with their Go types, or the error the func returned.
type reply struct {
	Types  []string          `json:"types,omitempty"`
	Values []json.RawMessage `json:"values,omitempty"`
	Err    string            `json:"err,omitempty"`
	Failed bool              `json:"failed,omitempty"` // Err is an error value the func returned
}

var errorType = reflect.TypeOf((*error)(nil)).Elem()

// invoke runs in the child process (cell code calls it as __mpc.Invoke):
// it decodes the JSON arguments into f's parameter types, calls f and
// writes a reply to outPath. A panic in f propagates, so the child's cell
// fails with it.
func invoke(f any, args string, outPath string) error {
	r, err := call(f, args)
	if err != nil {
		r = reply{Err: err.Error()}
	}
	b, err := json.Marshal(r)
	if err != nil {
		b, _ = json.Marshal(reply{Err: "encode results: " + err.Error()})
	}
	if err := os.WriteFile(outPath, b, 0o600); err != nil {
		return fmt.Errorf("write results: %w", err)
	}
	return nil
}

func call(f any, args string) (reply, error) {
	fv := reflect.ValueOf(f)
	if fv.Kind() != reflect.Func {
		return reply{}, fmt.Errorf("not a func: %T", f)
	}
	ft := fv.Type()
	var raw []json.RawMessage
	if err := json.Unmarshal([]byte(args), &raw); err != nil {
		return reply{}, fmt.Errorf("decode arguments: %w", err)
	}
	n := ft.NumIn()
	if ft.IsVariadic() && len(raw) < n-1 || !ft.IsVariadic() && len(raw) != n {
		return reply{}, fmt.Errorf("wrong number of arguments: got %d, want %d", len(raw), n)
	}
	in := make([]reflect.Value, len(raw))
	for i, r := range raw {
		t := ft.In(min(i, n-1))
		if ft.IsVariadic() && i >= n-1 {
			t = t.Elem()
		}
		p := reflect.New(t)
		d := json.NewDecoder(bytes.NewReader(r))
		if err := d.Decode(p.Interface()); err != nil {
			return reply{}, fmt.Errorf("argument %d: %w", i+1, err)
		}
		in[i] = p.Elem()
	}
	outs := fv.Call(in)
	var rep reply
	if k := len(outs); k > 0 && ft.Out(k-1) == errorType {
		if e := outs[k-1]; !e.IsNil() {
			return reply{Err: e.Interface().(error).Error(), Failed: true}, nil
		}
		outs = outs[:k-1]
	}
	for i, o := range outs {
		t := ft.Out(i)
		if t.Kind() == reflect.Interface && !o.IsNil() {
			t = o.Elem().Type()
		}
		b, err := json.Marshal(o.Interface())
		if err != nil {
			return reply{}, fmt.Errorf("result %d: %w", i+1, err)
		}
		rep.Types = append(rep.Types, t.String())
		rep.Values = append(rep.Values, b)
	}
	return rep, nil
}

// errFunc is an error the child's func returned.
var errFunc = errors.New("the func returned an error")

// decodeReply turns a reply into the caller's result: nil for no
// results, the value for one, a []any for several.
func decodeReply(b []byte) (any, error) {
	var r reply
	if err := json.Unmarshal(b, &r); err != nil {
		return nil, fmt.Errorf("decode results: %w", err)
	}
	if r.Err != "" {
		if r.Failed {
			return nil, fmt.Errorf("%w: %s", errFunc, r.Err)
		}
		return nil, errors.New(r.Err)
	}
	vals := make([]any, len(r.Values))
	for i, raw := range r.Values {
		typ := ""
		if i < len(r.Types) {
			typ = r.Types[i]
		}
		v, err := decodeValue(raw, typ)
		if err != nil {
			return nil, fmt.Errorf("result %d: %w", i+1, err)
		}
		vals[i] = v
	}
	switch len(vals) {
	case 0:
		return nil, nil
	case 1:
		return vals[0], nil
	}
	return vals, nil
}

// decodeValue decodes raw into the Go type named typ when the parent can
// build it (basic types, and slices, arrays, maps and pointers of them),
// else into any (JSON's float64, string, bool, []any, map[string]any).
func decodeValue(raw json.RawMessage, typ string) (any, error) {
	t := typeOf(typ)
	d := json.NewDecoder(bytes.NewReader(raw))
	if t == nil {
		var v any
		err := d.Decode(&v)
		return v, err
	}
	p := reflect.New(t)
	if err := d.Decode(p.Interface()); err != nil {
		return nil, err
	}
	return p.Elem().Interface(), nil
}

var basicTypes = map[string]reflect.Type{}

func init() {
	for _, v := range []any{false, 0, int8(0), int16(0), int32(0), int64(0), uint(0), uint8(0), uint16(0),
		uint32(0), uint64(0), uintptr(0), float32(0), float64(0), "", complex64(0), complex128(0)} {
		t := reflect.TypeOf(v)
		basicTypes[t.String()] = t
	}
	basicTypes["any"] = reflect.TypeOf((*any)(nil)).Elem()
	basicTypes["interface {}"] = basicTypes["any"]
	delete(basicTypes, "complex64") // not JSON-encodable
	delete(basicTypes, "complex128")
}

// typeOf builds the reflect type a type string names, or nil.
func typeOf(s string) reflect.Type {
	if s == "" {
		return nil
	}
	if t, ok := basicTypes[s]; ok {
		return t
	}
	e, err := parser.ParseExpr(s)
	if err != nil {
		return nil
	}
	return typeOfExpr(e)
}

func typeOfExpr(e ast.Expr) reflect.Type {
	switch e := e.(type) {
	case *ast.Ident:
		return basicTypes[e.Name]
	case *ast.InterfaceType:
		if len(e.Methods.List) == 0 {
			return basicTypes["any"]
		}
	case *ast.StarExpr:
		if t := typeOfExpr(e.X); t != nil {
			return reflect.PointerTo(t)
		}
	case *ast.ArrayType:
		el := typeOfExpr(e.Elt)
		if el == nil {
			return nil
		}
		if e.Len == nil {
			return reflect.SliceOf(el)
		}
		lit, ok := e.Len.(*ast.BasicLit)
		if !ok {
			return nil
		}
		n, err := strconv.Atoi(lit.Value)
		if err != nil || n < 0 || n > 1<<20 {
			return nil
		}
		return reflect.ArrayOf(n, el)
	case *ast.MapType:
		k, v := typeOfExpr(e.Key), typeOfExpr(e.Value)
		if k == nil || v == nil || k.Kind() == reflect.Interface {
			return nil
		}
		return reflect.MapOf(k, v)
	}
	return nil
}
