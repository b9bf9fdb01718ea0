package cellast

import (
	"fmt"
	"go/ast"
	"go/parser"
	"go/types"
	"strings"
)

// passCallbacks wraps each func value a cell passes to a function or
// method of a module's package (a path whose first element has a dot):
// compiled module code may call it on a goroutine of its own (errgroup's
// Go), where interpreted code would run outside the GIL, write to no cell
// and crash the process with any panic, the interrupt's included. The
// wrapper takes the call site (__rt.Here, on the cell's goroutine) and
// runs each call through __rt.Callback, which runs it as it is on that
// goroutine (or one the cell started) and, on another one, as a new
// thread of the cell under the GIL, its panics reported as a goroutine's:
//
//	g.Go(func(__cb func() error, __site *__rt.CallSite) func() error {
//		return func() (r0 error) { __rt.Callback(__site, func() { r0 = __cb() }); return }
//	}(f, __rt.Here()))
func passCallbacks(env Env, f *ast.File) error {
	te, info := typed(env)
	if info == nil {
		return nil
	}
	ast.Inspect(f, func(n ast.Node) bool {
		call, ok := n.(*ast.CallExpr)
		if !ok {
			return true
		}
		id := CalleeIdent(call.Fun)
		if id == nil {
			return true
		}
		// A module's package is imported under its own path; the cell
		// packages' types carry gilgo's Go paths, imported under others.
		fn, ok := info.Uses[id].(*types.Func)
		if !ok || fn.Pkg() == nil || !modulePackage(fn.Pkg().Path()) ||
			fileImportName(f, fn.Pkg().Path()) == "" && te.ImportName(fn.Pkg().Path()) == "" {
			return true
		}
		for i, arg := range call.Args {
			if id, ok := arg.(*ast.Ident); ok && id.Name == "nil" {
				continue
			}
			t := info.TypeOf(arg)
			if t == nil {
				continue
			}
			sig, ok := t.Underlying().(*types.Signature)
			if !ok || sig.TypeParams().Len() > 0 {
				continue
			}
			if w, ok := callbackWrapper(te, f, t, sig, arg); ok {
				call.Args[i] = w
			}
		}
		return true
	})
	return nil
}

// callbackWrapper returns the wrapper of arg, a func value of type t.
func callbackWrapper(te TypedEnv, f *ast.File, t types.Type, sig *types.Signature, arg ast.Expr) (ast.Expr, bool) {
	ft, ok := typeString(te, f, t)
	if !ok {
		return nil, false
	}
	var params, args, results, assign []string
	for i := 0; i < sig.Params().Len(); i++ {
		ps, ok := typeString(te, f, sig.Params().At(i).Type())
		if !ok {
			return nil, false
		}
		a := fmt.Sprintf("__p%d", i)
		if sig.Variadic() && i == sig.Params().Len()-1 {
			params = append(params, a+" ..."+strings.TrimPrefix(ps, "[]"))
			a += "..."
		} else {
			params = append(params, a+" "+ps)
		}
		args = append(args, a)
	}
	for i := 0; i < sig.Results().Len(); i++ {
		rs, ok := typeString(te, f, sig.Results().At(i).Type())
		if !ok {
			return nil, false
		}
		results = append(results, fmt.Sprintf("__r%d %s", i, rs))
		assign = append(assign, fmt.Sprintf("__r%d", i))
	}
	callExpr := "__cb(" + strings.Join(args, ", ") + ")"
	body := callExpr
	if len(assign) > 0 {
		body = strings.Join(assign, ", ") + " = " + callExpr
	}
	src := fmt.Sprintf("func(__cb %s, __site *__rt.CallSite) %s { return func(%s) (%s) { __rt.Callback(__site, func() { %s }); return } }(__cbarg, __rt.Here())",
		ft, ft, strings.Join(params, ", "), strings.Join(results, ", "), body)
	e, err := parser.ParseExpr(src)
	if err != nil {
		return nil, false
	}
	clearPos(e)
	outer := e.(*ast.CallExpr)
	outer.Args[0] = arg
	return outer, true
}

// CallbackBody returns the func literal a callback wrapper (see
// passCallbacks) runs through __rt.Callback, when fl is such a wrapper,
// else nil. The wrapper itself may run on a goroutine outside the GIL, so
// the scheduler's passes add no check point to it, only to the body.
func CallbackBody(fl *ast.FuncLit) *ast.FuncLit {
	if len(fl.Body.List) != 2 {
		return nil
	}
	es, ok := fl.Body.List[0].(*ast.ExprStmt)
	if !ok {
		return nil
	}
	call, ok := es.X.(*ast.CallExpr)
	if !ok || !isRTCall(call, "Callback") || len(call.Args) != 2 {
		return nil
	}
	body, _ := call.Args[1].(*ast.FuncLit)
	return body
}
