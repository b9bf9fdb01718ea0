package session

import (
	"context"
	"errors"
	"fmt"
	"go/ast"
	"go/scanner"
	"io"
	"reflect"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"

	"github.com/traefik/yaegi/interp"

	"github.com/gilgo/gilgo/engine"
	"github.com/gilgo/gilgo/session/cellast"
)

// panicFrameRE matches the line yaegi writes to stderr for every
// interpreted frame a panic crosses: "cell[3]:2:5: panic: main.f(...)",
// or "-: panic: main.f(...)" when the frame's file is gone from the
// FileSet (a finished cell's, see release.go).
var panicFrameRE = regexp.MustCompile(`^(?:(?:(\S+?):)?(\d+):(\d+)|-): panic: (.*)\(\.\.\.\)\n?$`)

// panicFilter drops yaegi's panic frame lines from stderr and keeps them
// as the traceback of the panic.
type panicFilter struct {
	s *Session
	w io.Writer
}

func (p *panicFilter) Write(b []byte) (int, error) {
	if m := panicFrameRE.FindSubmatch(b); m != nil {
		fn := string(m[4])
		if rest, ok := strings.CutPrefix(fn, "main.init"); ok && (rest == "" || rest[0] == '.') && !p.s.userInit.Load() {
			fn = "main.__cell" + rest // a statement unit's init (runGo)
		}
		f := frame{file: cellPos(string(m[1])), line: atoi(m[2]), col: atoi(m[3]), fn: fn}
		if id, ok := p.s.router.spawnedCaller(); ok {
			p.s.frames.addG(id, f)
		} else {
			p.s.frames.add(f)
		}
		return len(b), nil
	}
	return p.w.Write(b)
}

func atoi(b []byte) int {
	n, _ := strconv.Atoi(string(b))
	return n
}

// frame is one interpreted frame of a panic.
type frame struct {
	file      string
	line, col int
	fn        string
}

// frameLog collects panic frames: those of the running cell, and those of
// goroutines that cells started by goroutine id. Safe for concurrent use.
type frameLog struct {
	mu     sync.Mutex
	frames []frame
	byG    map[uint64][]frame
}

func (l *frameLog) addG(id uint64, f frame) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.byG == nil {
		l.byG = map[uint64][]frame{}
	}
	if len(l.byG[id]) < 64 {
		l.byG[id] = append(l.byG[id], f)
	}
}

func (l *frameLog) takeG(id uint64) []frame {
	l.mu.Lock()
	defer l.mu.Unlock()
	f := l.byG[id]
	delete(l.byG, id)
	return f
}

// reportGoroutinePanic writes the panic r of goroutine number n (Go id
// id), started by the cell of o, with its interpreted frames to that
// cell's stderr.
func (s *Session) reportGoroutinePanic(o owner, n int64, id uint64, r any) {
	frames := s.frames.takeG(id)
	if o.out == nil {
		return
	}
	name, value := describePanicAt(r)
	var b strings.Builder
	fmt.Fprintf(&b, "panic in goroutine %d (cell [%d]): %s: %s\n", n, o.cell, name, value)
	for _, f := range frames {
		if f.file == "" || f.file == "_.go" {
			continue
		}
		fmt.Fprintf(&b, "  %s:%d:%d in %s\n", f.file, f.line, f.col, frameFunc(f.fn))
	}
	o.out.Stream("stderr", b.String())
}

// frameFunc names the function of a frame for users: generated cell
// functions are "cell".
func frameFunc(fn string) string {
	fn = strings.TrimPrefix(fn, "main.")
	if strings.HasPrefix(fn, "__cell") || strings.HasPrefix(fn, "__keep") || fn == "main" || fn == "" {
		return "cell"
	}
	return fn
}

func (l *frameLog) add(f frame) {
	l.mu.Lock()
	if len(l.frames) < 64 {
		l.frames = append(l.frames, f)
	}
	l.mu.Unlock()
}

func (l *frameLog) take() []frame {
	l.mu.Lock()
	defer l.mu.Unlock()
	f := l.frames
	l.frames = nil
	return f
}

// describePanic names a panic value the way a Go user reads it:
// "runtime.Error" for runtime errors, "error" for plain error values
// (errors.New, fmt.Errorf), the dynamic type for other errors
// ("*fs.PathError"), "panic" for anything else; and the message in Go's
// own words (yaegi's reflect messages are translated).
func describePanic(r any) (name, value string) {
	if rv, ok := r.(reflect.Value); ok && rv.IsValid() && rv.CanInterface() {
		r = rv.Interface()
	}
	switch v := r.(type) {
	case runtime.Error:
		return "runtime.Error", translate(v.Error())
	case error:
		msg := v.Error()
		if t := translate(msg); t != msg {
			return "runtime.Error", t
		}
		switch tn := fmt.Sprintf("%T", v); tn {
		case "*errors.errorString", "*fmt.wrapError", "*fmt.wrapErrors", "*errors.joinError":
			return "error", msg
		default:
			return tn, msg
		}
	case string:
		if t := translate(v); t != v {
			return "runtime.Error", t
		}
		if strings.HasPrefix(v, "os.Exit(") {
			return "Exit", "exit status " + strings.TrimSuffix(strings.TrimPrefix(v, "os.Exit("), ")")
		}
		return "panic", v
	default:
		return "panic", fmt.Sprintf("%#v", r)
	}
}

// describePanicAt is describePanic with positions naming cells.
func describePanicAt(r any) (name, value string) {
	name, value = describePanic(r)
	return name, cellPos(value)
}

// posPrefixRE matches a leading yaegi position ("1:42: ").
var posPrefixRE = regexp.MustCompile(`^(\S*?\d+:\d+: )`)

// translate rewrites the messages yaegi produces through reflect into Go's
// runtime error text. Unknown messages are returned unchanged.
func translate(msg string) string {
	m := posPrefixRE.ReplaceAllString(msg, "")
	switch {
	case strings.Contains(m, "reflect: slice index out of range"),
		strings.Contains(m, "reflect: array index out of range"),
		strings.Contains(m, "reflect: string index out of range"):
		return "runtime error: index out of range"
	case strings.Contains(m, "slice index out of bounds"), strings.Contains(m, "slice bounds out of range"):
		return "runtime error: slice bounds out of range"
	case strings.Contains(m, "on zero Value"), strings.Contains(m, "nil pointer dereference"),
		strings.Contains(m, "reflect: call of reflect.Value") && strings.Contains(m, "nil"):
		return "runtime error: invalid memory address or nil pointer dereference"
	case strings.HasPrefix(m, "interface conversion:"):
		return m
	case strings.HasPrefix(m, "reflect:"), strings.HasPrefix(m, "reflect."):
		return "runtime error: " + strings.TrimPrefix(strings.TrimPrefix(m, "reflect: "), "reflect.")
	}
	if m != msg && strings.HasPrefix(m, "runtime error") {
		return m
	}
	return msg
}

// incompleteRE matches yaegi's panic for an identifier it could not
// resolve: "...: CFG post-order panic: cell[3]/_.go:1:1: incomplete type x".
var incompleteRE = regexp.MustCompile(`CFG post-order panic: (\S+): incomplete type (\S+)$`)

// incompleteRunRE matches the run-time panic of a statement that reads a
// name yaegi could not resolve: "cell[1]:1:6: incomplete type nosuch".
var incompleteRunRE = regexp.MustCompile(`^\S*: incomplete type (\w+)$`)

// yaegiPanicError turns a panic of yaegi's compiler into an error: an
// unresolved name is Go's "undefined: x" compile error, anything else an
// interpreterError.
func yaegiPanicError(n ast.Node, r any) error {
	if m := incompleteRE.FindStringSubmatch(fmt.Sprint(r)); m != nil {
		return &compileError{err: fmt.Errorf("%s: undefined: %s", m[1], m[2])}
	}
	return &interpreterError{construct: constructOf(n, r), value: r}
}

// constructOf names what yaegi failed on, for InterpreterError.
func constructOf(n ast.Node, r any) string {
	msg := fmt.Sprint(r)
	var parts []string
	ast.Inspect(n, func(x ast.Node) bool {
		switch x := x.(type) {
		case *ast.RangeStmt:
			parts = append(parts, "range over an int or a func")
		case *ast.TypeSpec:
			if x.TypeParams != nil {
				parts = append(parts, "this generic type")
			}
		}
		return true
	})
	if strings.Contains(msg, "nil type") && len(parts) > 0 {
		return parts[0] + " (could not be rewritten here: give the value an explicit type)"
	}
	return ""
}

// toError turns a cell failure into what Jupyter shows, with positions
// naming cells as cell[N]:L:C.
func (c *cell) toError(err error) *engine.Error {
	e := c.describeError(err)
	out := &engine.Error{Name: e.Name, Value: cellPos(e.Value), Traceback: make([]string, len(e.Traceback))}
	for i, l := range e.Traceback {
		out.Traceback[i] = cellPos(l)
	}
	out.Traceback = append(out.Traceback, c.failedNotes()...)
	return out
}

// describeError names and renders a cell failure.
func (c *cell) describeError(err error) *engine.Error {
	frames := c.s.frames.take()
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return &engine.Error{Name: engine.ErrInterrupted, Value: "the cell was interrupted",
			Traceback: []string{"Interrupted: the cell was interrupted"}}
	}
	var ce *compileError
	if errors.As(err, &ce) {
		name := engine.ErrCompile
		if ce.syntax {
			name = engine.ErrSyntax
		}
		var lines []string
		var list scanner.ErrorList
		if errors.As(ce.err, &list) {
			for i, e := range list {
				if i == 3 {
					lines = append(lines, fmt.Sprintf("(and %d more errors)", len(list)-3))
					break
				}
				lines = append(lines, c.errorLines(e.Error())...)
			}
			return &engine.Error{Name: name, Value: list[0].Error(), Traceback: lines}
		}
		return &engine.Error{Name: name, Value: ce.err.Error(), Traceback: c.errorLines(ce.err.Error())}
	}
	var mce *magicCompileError
	if errors.As(err, &mce) {
		return mce.describe(c)
	}
	var re *cellast.Error
	if errors.As(err, &re) {
		msg := re.Msg
		if re.Pos.IsValid() {
			msg = c.s.it.FileSet().Position(re.Pos).String() + ": " + msg
		}
		return &engine.Error{Name: engine.ErrCompile, Value: msg, Traceback: c.errorLines(msg)}
	}
	var ie *interpreterError
	if errors.As(err, &ie) {
		return &engine.Error{Name: engine.ErrInterpreter, Value: ie.Error(),
			Traceback: []string{engine.ErrInterpreter + ": " + ie.Error()}}
	}
	var me *magicError
	if errors.As(err, &me) {
		return &engine.Error{Name: engine.ErrUsage, Value: me.msg, Traceback: []string{engine.ErrUsage + ": " + me.msg}}
	}
	var p interp.Panic
	if errors.As(err, &p) {
		if m := incompleteRunRE.FindStringSubmatch(fmt.Sprint(p.Value)); m != nil {
			// yaegi kept an undefined name of a failed cell as an
			// incomplete symbol (its position is that cell's): Go's words.
			msg := "undefined: " + m[1]
			return &engine.Error{Name: engine.ErrCompile, Value: msg, Traceback: []string{engine.ErrCompile + ": " + msg}}
		}
		name, value := describePanic(p.Value)
		if name == "runtime.Error" {
			value = c.boundsDetail(value, frames)
		}
		tb := []string{name + ": " + value}
		for _, f := range frames {
			if f.file == "" || f.file == "_.go" {
				continue // the generated call of the cell
			}
			tb = append(tb, fmt.Sprintf("  %s:%d:%d in %s", f.file, f.line, f.col, frameFunc(f.fn)))
			tb = append(tb, c.sourceLines(f.file, f.line, f.col)...)
		}
		tb = append(tb, c.magicFrames(p.Stack)...)
		return &engine.Error{Name: name, Value: value, Traceback: tb}
	}
	name, value := "error", err.Error()
	if e := new(engine.Error); errors.As(err, &e) {
		return e
	}
	return &engine.Error{Name: name, Value: value, Traceback: []string{name + ": " + value}}
}

// cellFileRE matches the file name of the cells' line directives.
var cellFileRE = regexp.MustCompile(`cell\[(\d+)\]/_\.go`)

// cellPos rewrites positions "cell[N]/_.go:L:C" to "cell[N]:L:C".
func cellPos(s string) string {
	if !strings.Contains(s, "/_.go") {
		return s
	}
	return cellFileRE.ReplaceAllString(s, "cell[$1]")
}

// errPosRE finds "cell[N]:L:C: " at the start of an error message.
var errPosRE = regexp.MustCompile(`^cell\[(\d+)\]:(\d+):(\d+): `)

// errorLines renders msg and, when it names a line of this cell, that line
// with a caret under the column.
func (c *cell) errorLines(msg string) []string {
	msg = cellPos(msg)
	lines := []string{msg}
	m := errPosRE.FindStringSubmatch(msg)
	if m == nil {
		return lines
	}
	line, _ := strconv.Atoi(m[2])
	col, _ := strconv.Atoi(m[3])
	return append(lines, c.sourceLines("cell["+m[1]+"]", line, col)...)
}

// sourceLines shows line of this cell with a caret, when file is this cell.
func (c *cell) sourceLines(file string, line, col int) []string {
	if file != fmt.Sprintf("cell[%d]", c.n) {
		return nil
	}
	src := strings.Split(c.src, "\n")
	if line < 1 || line > len(src) {
		return nil
	}
	text := strings.ReplaceAll(src[line-1], "\t", "    ")
	pad := 0
	for i, r := range src[line-1] {
		if i >= col-1 {
			break
		}
		if r == '\t' {
			pad += 4
		} else {
			pad++
		}
	}
	return []string{"    " + text, "    " + strings.Repeat(" ", pad) + "^"}
}
