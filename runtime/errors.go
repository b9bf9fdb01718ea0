package runtime

import (
	"context"
	"errors"
	"fmt"
	"go/ast"
	"go/scanner"
	"io"
	"reflect"
	"regexp"
	goruntime "runtime"
	"strconv"
	"strings"
	"sync"

	"github.com/traefik/yaegi/interp"

	"github.com/gilgo/gilgo/engine"
)

// panicFrameRE matches the line yaegi writes to stderr for every
// interpreted frame a panic crosses: "cell[3]:2:5: panic: main.f(...)".
var panicFrameRE = regexp.MustCompile(`^(?:(\S+?):)?(\d+):(\d+): panic: (.*)\(\.\.\.\)\n?$`)

// panicFilter drops yaegi's panic frame lines from stderr and keeps them
// as the traceback of the panic.
type panicFilter struct {
	s *Session
	w io.Writer
}

func (p *panicFilter) Write(b []byte) (int, error) {
	if m := panicFrameRE.FindSubmatch(b); m != nil {
		p.s.frames.add(frame{file: string(m[1]), line: atoi(m[2]), col: atoi(m[3]), fn: string(m[4])})
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

// frameLog collects panic frames. Safe for concurrent use.
type frameLog struct {
	mu     sync.Mutex
	frames []frame
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
	case goruntime.Error:
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

// toError turns a cell failure into what Jupyter shows.
func (c *cell) toError(err error) *engine.Error {
	frames := c.s.frames.take()
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return &engine.Error{Name: engine.ErrInterrupted, Value: "the cell was interrupted",
			Traceback: []string{"Interrupted: the cell was interrupted"}}
	}
	var ce *compileError
	if errors.As(err, &ce) {
		name := "CompileError"
		if ce.syntax {
			name = "SyntaxError"
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
	var re *rewriteError
	if errors.As(err, &re) {
		msg := re.msg
		if re.pos.IsValid() {
			msg = c.s.it.FileSet().Position(re.pos).String() + ": " + msg
		}
		return &engine.Error{Name: "CompileError", Value: msg, Traceback: c.errorLines(msg)}
	}
	var ie *interpreterError
	if errors.As(err, &ie) {
		return &engine.Error{Name: "InterpreterError", Value: ie.Error(),
			Traceback: []string{"InterpreterError: " + ie.Error()}}
	}
	var me *magicError
	if errors.As(err, &me) {
		return &engine.Error{Name: "UsageError", Value: me.msg, Traceback: []string{"UsageError: " + me.msg}}
	}
	var p interp.Panic
	if errors.As(err, &p) {
		name, value := describePanic(p.Value)
		tb := []string{name + ": " + value}
		for _, f := range frames {
			if f.file == "" {
				continue // the generated call of the cell
			}
			fn := strings.TrimPrefix(f.fn, "main.")
			if strings.HasPrefix(fn, "__cell") || fn == "main" || fn == "" {
				fn = "cell"
			}
			tb = append(tb, fmt.Sprintf("  %s:%d:%d in %s", f.file, f.line, f.col, fn))
			tb = append(tb, c.sourceLines(f.file, f.line, f.col)...)
		}
		return &engine.Error{Name: name, Value: value, Traceback: tb}
	}
	name, value := "error", err.Error()
	if e := new(engine.Error); errors.As(err, &e) {
		return e
	}
	return &engine.Error{Name: name, Value: value, Traceback: []string{name + ": " + value}}
}

// errPosRE finds "cell[N]:L:C: " at the start of an error message.
var errPosRE = regexp.MustCompile(`^cell\[(\d+)\]:(\d+):(\d+): `)

// errorLines renders msg and, when it names a line of this cell, that line
// with a caret under the column.
func (c *cell) errorLines(msg string) []string {
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
