package session

import (
	"context"
	"go/scanner"
	"go/token"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/traefik/yaegi/interp"

	"github.com/gilgo/gilgo/engine"
	"github.com/gilgo/gilgo/session/stdlib"
)

// CellMagic is a %%name cell magic registered in Options.CellMagics under
// name (without the %% prefix), e.g. the compiled tier's %%compile.
type CellMagic struct {
	// Help is one line for %help, e.g. "%%compile: build the cell ...".
	Help string
	// Run runs the cell. Its error is the cell's error: an error made by
	// MagicCell.CompileError, or any error a Go cell can fail with.
	Run func(mc *MagicCell) error
	// ResetNote, if set, is called by %reset. A non-empty result names
	// memory that only a fresh process frees (e.g. loaded plugins): it is
	// printed after the reset line and the cell's ExecuteResult.Restart
	// is set, so that a worker process is replaced after the reply (code
	// after such a %reset is refused, as it would be lost).
	ResetNote func() string
	// Frames, if set, finds the positions of code this magic made in the
	// stack of a panic (e.g. compiled.Frames): "cell[N]:LINE[:COL]",
	// innermost first. The traceback lists them after the interpreted
	// frames.
	Frames func(stack []byte) []string
	// Claim, if set, is asked about every Go cell that names no magic:
	// when it returns true, the cell runs through this magic (with
	// MagicCell.Claimed set), e.g. a whole program through the compiled
	// tier. It must be quick for cells it does not claim.
	Claim func(src string) bool
}

// magicFrames lists the frames the cell magics find in a panic's stack.
func (c *cell) magicFrames(stack []byte) []string {
	if len(stack) == 0 {
		return nil
	}
	var tb []string
	for _, name := range c.s.cellMagicNames() {
		f := c.s.opts.CellMagics[name].Frames
		if f == nil {
			continue
		}
		for _, pos := range f(stack) {
			tb = append(tb, "  "+pos+" (%%"+name+")")
			if m := framePosRE.FindStringSubmatch(pos); m != nil {
				line, _ := strconv.Atoi(m[2])
				col := 1
				if m[3] != "" {
					col, _ = strconv.Atoi(m[3])
				}
				tb = append(tb, c.sourceLines("cell["+m[1]+"]", line, col)...)
			}
		}
	}
	return tb
}

// framePosRE splits "cell[N]:LINE[:COL]".
var framePosRE = regexp.MustCompile(`^cell\[(\d+)\]:(\d+)(?::(\d+))?$`)

// MagicCell is the cell a CellMagic runs. Its methods must be called on
// the goroutine that called CellMagic.Run, before Run returns, except
// Output, which is safe for concurrent use.
type MagicCell struct {
	// Name is the magic's name without %%; Args the rest of its line.
	Name, Args string
	// Body is the cell after the magic's line, padded with blank lines so
	// that line L of Body is line L of the cell.
	Body string
	// Cell is the execution count: positions read cell[Cell]:L:C.
	Cell int
	// Directive is set when the magic was selected by a //gilgo:NAME
	// comment before a func declaration instead of a %%NAME line; Body is
	// then the whole cell.
	Directive bool
	// Claimed is set when the magic's Claim chose the cell (Body is the
	// whole cell): the user did not ask for the magic, so it should not
	// speak of itself.
	Claimed bool

	c *cell
}

// Context is the cell's context: cancelled when the cell is interrupted.
func (m *MagicCell) Context() context.Context { return m.c.ctx }

// Output is where the cell shows its output.
func (m *MagicCell) Output() engine.Output { return m.c.out }

// Run runs Go source as part of this cell, like the body of a plain
// cell; its positions read cell[Cell]:L:C counted from src's first line.
func (m *MagicCell) Run(src string) error { return m.c.runGo(src) }

// RunGenerated runs generated Go source (e.g. bindings to compiled code)
// as part of this cell. Its positions name no cell, and panic tracebacks
// leave its frames out, so that they show the user's lines only.
func (m *MagicCell) RunGenerated(src string) error {
	m.c.generated = true
	defer func() { m.c.generated = false }()
	return m.c.runGo(src)
}

// Use registers a package for cells (see Session.Use); it survives
// %reset.
func (m *MagicCell) Use(exports interp.Exports) error { return m.c.s.useLocked(exports) }

// Packages returns the packages cells import besides the standard
// library, as the session gave them to yaegi: the cell packages (display,
// then those of Import), the scheduler's exports and every Use, merged
// symbol by symbol in that order (a later registration of a name wins, as
// in yaegi). The session's replacements of standard symbols (time.Sleep,
// sync.Mutex under the scheduler, ...) are left out: they are not
// packages of their own. The map is the caller's.
func (m *MagicCell) Packages() interp.Exports {
	s := m.c.s
	var all []interp.Exports
	for _, p := range s.pkgs {
		all = append(all, packageSymbols(p))
	}
	for _, e := range s.sched.Exports {
		all = append(all, e)
	}
	all = append(all, s.used...)
	merged := interp.Exports{}
	for _, ex := range all {
		for key, syms := range ex {
			if _, std := stdlib.Symbols[key]; std {
				continue
			}
			m := merged[key]
			if m == nil {
				m = map[string]reflect.Value{}
				merged[key] = m
			}
			for name, v := range syms {
				m[name] = v
			}
		}
	}
	return merged
}

// Tier records which tier ran the cell and why, for the execute_reply's
// metadata and %tier (a cell is "interpreted" unless a magic says so).
func (m *MagicCell) Tier(name, reason string) { m.c.tier, m.c.tierWhy = name, reason }

// Blocking runs f with the cell's hold on the scheduler's lock released,
// for slow work that runs no interpreted code (a go build).
func (m *MagicCell) Blocking(f func()) { m.c.s.Blocking(f) }

// CompileError returns the error that reports the cell as not compiling,
// ename CompileError: lines read "cell[N]:L:C: message" and each is shown
// with the cell's line and a caret when it names one. The first line is
// the evalue.
func (m *MagicCell) CompileError(lines []string) error {
	return &magicCompileError{lines: append([]string(nil), lines...)}
}

// magicCompileError is a cell magic's compile failure.
type magicCompileError struct{ lines []string }

func (e *magicCompileError) Error() string { return strings.Join(e.lines, "; ") }

// describe renders the error for Jupyter.
func (e *magicCompileError) describe(c *cell) *engine.Error {
	if len(e.lines) == 0 {
		return &engine.Error{Name: engine.ErrCompile, Value: "the cell did not compile",
			Traceback: []string{engine.ErrCompile + ": the cell did not compile"}}
	}
	var tb []string
	for _, l := range e.lines {
		tb = append(tb, c.errorLines(l)...)
	}
	return &engine.Error{Name: engine.ErrCompile, Value: e.lines[0], Traceback: tb}
}

// runCellMagic runs m if a CellMagic of that name is registered.
func (c *cell) runCellMagic(m magic, directive bool) (handled bool, err error) {
	name := strings.TrimPrefix(m.name, "%")
	cm, ok := c.s.opts.CellMagics[name]
	if !ok || cm.Run == nil || (!directive && !strings.HasPrefix(m.name, "%")) {
		return false, nil
	}
	body := m.body
	if !directive {
		body = strings.Repeat("\n", m.line-1) + m.body
	}
	mc := &MagicCell{Name: name, Args: m.args, Body: body, Cell: c.n, Directive: directive && !m.claimed, Claimed: m.claimed, c: c}
	return true, cm.Run(mc)
}

// claimedMagic finds the cell magic whose Claim takes the cell.
func (c *cell) claimedMagic() (magic, bool) {
	for _, name := range c.s.cellMagicNames() {
		if cm := c.s.opts.CellMagics[name]; cm.Claim != nil && cm.Claim(c.src) {
			return magic{name: name, body: c.src, claimed: true}, true
		}
	}
	return magic{}, false
}

// directiveMagic finds a //gilgo:NAME comment line directly before a func
// declaration of src whose NAME is a registered cell magic: the cell then
// runs through that magic with the whole cell as its body.
func (c *cell) directiveMagic() (magic, bool) {
	if len(c.s.opts.CellMagics) == 0 || !strings.Contains(c.src, "//gilgo:") {
		return magic{}, false
	}
	fset := token.NewFileSet()
	file := fset.AddFile("cell", -1, len(c.src))
	var sc scanner.Scanner
	sc.Init(file, []byte(c.src), nil, scanner.ScanComments)
	pending := "" // the magic a directive just named
	pendLine := 0 // its line
	depth := 0    // bracket depth: only top-level funcs count
	for {
		pos, tok, lit := sc.Scan()
		switch tok {
		case token.EOF:
			return magic{}, false
		case token.COMMENT:
			name, ok := strings.CutPrefix(lit, "//gilgo:")
			if ok && depth == 0 {
				name = strings.TrimSpace(name)
				if _, known := c.s.opts.CellMagics[name]; known {
					pending, pendLine = name, file.Line(pos)
				}
			}
			continue
		case token.SEMICOLON:
			if lit == "\n" {
				continue // the newline after the comment
			}
		case token.LPAREN, token.LBRACK, token.LBRACE:
			depth++
		case token.RPAREN, token.RBRACK, token.RBRACE:
			depth--
		case token.FUNC:
			if pending != "" && depth == 0 && file.Line(pos) <= pendLine+1 {
				return magic{name: pending, body: c.src, line: 1}, true
			}
		}
		pending = ""
	}
}

// cellMagicNames returns the registered cell magics, sorted.
func (s *Session) cellMagicNames() []string {
	names := make([]string, 0, len(s.opts.CellMagics))
	for n := range s.opts.CellMagics {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}
