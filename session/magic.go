package session

import (
	"fmt"
	"math"
	"os"
	"sort"
	"strings"
	"time"
)

// magic is a line starting with % (never valid Go) and the rest of the cell.
type magic struct {
	name string // "time", "%time" for cell magics
	args string // the rest of the magic's line
	body string // the cell after the magic's line
	line int    // line of the body's first line in the cell
	// claimed: a CellMagic's Claim chose the cell (body is the cell).
	claimed bool
}

// magicError is a misused or unknown magic.
type magicError struct{ msg string }

func (e *magicError) Error() string { return e.msg }

// parseMagic recognises a cell whose first non-blank line starts with %.
func parseMagic(src string) (magic, bool) {
	lines := strings.Split(src, "\n")
	for i, l := range lines {
		t := strings.TrimSpace(l)
		if t == "" {
			continue
		}
		if !strings.HasPrefix(t, "%") {
			return magic{}, false
		}
		t = t[1:]
		name, args, _ := strings.Cut(t, " ")
		return magic{name: name, args: strings.TrimSpace(args), body: strings.Join(lines[i+1:], "\n"), line: i + 2}, true
	}
	return magic{}, false
}

var magicHelp = map[string]string{
	"time":    "%time CODE: run CODE (one line) and print the wall time",
	"%time":   "%%time: run the rest of the cell and print the wall time",
	"timeit":  "%timeit CODE: run CODE in a loop and print mean ± std. dev. per loop",
	"%timeit": "%%timeit: time the rest of the cell like %timeit",
	"env":     "%env [NAME[=VALUE]]: list, get or set environment variables",
	"reset":   "%reset: forget every name: a fresh interpreter",
	"lsmagic": "%lsmagic: list the magics",
	"tier":    "%tier: which tier ran each cell (interpreted by yaegi, or compiled by the Go compiler) and why",
	"help":    "%help: this help",
	"go":      "%go get MODULE[@VERSION] | mod | list -m all | version | loaded: the Go modules cells import from (the go.mod in effect)",
}

// runMagic runs a magic cell. After a line magic the rest of the cell runs
// as Go.
func (c *cell) runMagic(m magic) error {
	body := m.body
	pad := strings.Repeat("\n", m.line-1)
	var err error
	switch m.name {
	case "time":
		err = c.timed(pad[:max(0, len(pad)-1)] + m.args)
		if err == nil && strings.TrimSpace(body) != "" {
			err = c.runGo(pad + body)
		}
		return err
	case "%time":
		return c.timed(pad + body)
	case "timeit":
		if err = c.timeit(m.args); err == nil && strings.TrimSpace(body) != "" {
			err = c.runGo(pad + body)
		}
		return err
	case "%timeit":
		return c.timeit(body)
	case "env":
		err = c.env(m.args)
	case "tier":
		c.out.Stream("stdout", c.s.tierReport())
	case "go":
		err = c.goCommand(m.args)
	case "reset":
		err = c.reset(strings.TrimSpace(body) != "")
	case "lsmagic":
		cells := []string{"%%time", "%%timeit"}
		for _, name := range c.s.sched.Magics {
			cells = append(cells, "%%"+name)
		}
		for _, name := range c.s.cellMagicNames() {
			cells = append(cells, "%%"+name)
		}
		sort.Strings(cells)
		lines := "%env  %help  %lsmagic  %reset  %tier  %time  %timeit"
		if c.s.opts.Modules != nil {
			lines = "%env  %go  %help  %lsmagic  %reset  %tier  %time  %timeit"
		}
		c.out.Stream("stdout", "Available line magics:\n"+lines+"\n\nAvailable cell magics:\n"+strings.Join(cells, "  ")+"\n")
	case "help", "?":
		keys := make([]string, 0, len(magicHelp))
		for k := range magicHelp {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		var b strings.Builder
		b.WriteString("gilgo: Go cells on yaegi. Cells mix imports, declarations, statements and a trailing expression.\nMagics:\n")
		for _, k := range keys {
			if k == "go" && c.s.opts.Modules == nil {
				continue
			}
			b.WriteString("  " + magicHelp[k] + "\n")
		}
		for _, name := range c.s.cellMagicNames() {
			if h := c.s.opts.CellMagics[name].Help; h != "" {
				b.WriteString("  " + h + "\n")
			}
		}
		c.out.Stream("stdout", b.String())
	default:
		return &magicError{msg: fmt.Sprintf("unknown magic %%%s (see %%lsmagic)", m.name)}
	}
	if err == nil && strings.TrimSpace(body) != "" {
		err = c.runGo(pad + body)
	}
	return err
}

// reset implements %reset: a fresh interpreter in this process. When a cell
// magic's ResetNote is non-empty (memory only a new process frees, such as
// compiled plugins), the notes are printed and the cell asks to be replaced
// by a fresh process (ExecuteResult.Restart). Code after %reset would be
// lost with this process, so such a cell (hasBody) is refused before
// anything is reset.
func (c *cell) reset(hasBody bool) error {
	s := c.s
	var notes, askers []string
	for _, name := range s.cellMagicNames() {
		if f := s.opts.CellMagics[name].ResetNote; f != nil {
			if note := strings.TrimSpace(f()); note != "" {
				notes = append(notes, note)
				askers = append(askers, "%%"+name)
			}
		}
	}
	if len(notes) > 0 && hasBody {
		return &magicError{msg: "code after %reset would be lost: this reset starts a fresh process (for " +
			strings.Join(askers, ", ") + "); run that code in the next cell"}
	}
	it, err := s.newInterp()
	if err != nil {
		return err
	}
	stopOld(s.it)
	s.it, s.st = it, newState()
	s.userInit.Store(false)
	c.out.Stream("stdout", "all names were removed: a fresh interpreter\n")
	for _, note := range notes {
		c.out.Stream("stdout", note+"\n")
	}
	c.restart = len(notes) > 0
	return nil
}

// timed runs src and prints its wall time.
func (c *cell) timed(src string) error {
	start := time.Now()
	err := c.runGo(src)
	c.out.Stream("stdout", "Wall time: "+formatDuration(time.Since(start))+"\n")
	return err
}

// timeit times src like IPython: the loop count grows ×10 until a run takes
// 0.2 s, then 7 runs give mean ± std. dev. per loop.
func (c *cell) timeit(src string) error {
	if strings.TrimSpace(src) == "" {
		return &magicError{msg: "%timeit needs code to time"}
	}
	st := c.s.st
	st.unit++
	name := fmt.Sprintf("__timeit%d", st.unit)
	decl := fmt.Sprintf("func %s(__n int) {\nfor __k := 0; __k < __n; __k++ {\n%s\n}\n}", name, src)
	if err := c.runGo(decl); err != nil {
		return err
	}
	run := func(n int) (time.Duration, error) {
		start := time.Now()
		_, err := c.call(fmt.Sprintf("%s(%d)", name, n))
		return time.Since(start), err
	}
	loops := 1
	for {
		d, err := run(loops)
		if err != nil {
			return err
		}
		if d >= 200*time.Millisecond || loops >= 1e8 {
			break
		}
		loops *= 10
	}
	const runs = 7
	per := make([]float64, runs)
	for i := range per {
		d, err := run(loops)
		if err != nil {
			return err
		}
		per[i] = float64(d) / float64(loops)
	}
	mean, std := meanStd(per)
	loopWord := "loops"
	if loops == 1 {
		loopWord = "loop"
	}
	c.out.Stream("stdout", fmt.Sprintf("%s ± %s per loop (mean ± std. dev. of %d runs, %d %s each)\n",
		formatDuration(time.Duration(mean)), formatDuration(time.Duration(std)), runs, loops, loopWord))
	return nil
}

func meanStd(xs []float64) (mean, std float64) {
	for _, x := range xs {
		mean += x
	}
	mean /= float64(len(xs))
	for _, x := range xs {
		std += (x - mean) * (x - mean)
	}
	return mean, math.Sqrt(std / float64(len(xs)))
}

// formatDuration prints d like IPython: 3 significant digits, ns/µs/ms/s.
func formatDuration(d time.Duration) string {
	f := float64(d)
	switch {
	case f < 1e3:
		return fmt.Sprintf("%.3g ns", f)
	case f < 1e6:
		return fmt.Sprintf("%.3g µs", f/1e3)
	case f < 1e9:
		return fmt.Sprintf("%.3g ms", f/1e6)
	}
	return fmt.Sprintf("%.3g s", f/1e9)
}

// env implements %env.
func (c *cell) env(args string) error {
	if args == "" {
		env := os.Environ()
		sort.Strings(env)
		c.out.Stream("stdout", strings.Join(env, "\n")+"\n")
		return nil
	}
	name, value, set := strings.Cut(args, "=")
	if !set {
		name, value, set = strings.Cut(args, " ")
	}
	name, value = strings.TrimSpace(name), strings.TrimSpace(value)
	if !set {
		v, ok := os.LookupEnv(name)
		if !ok {
			return &magicError{msg: fmt.Sprintf("environment variable %s is not set", name)}
		}
		c.out.Stream("stdout", v+"\n")
		return nil
	}
	if err := os.Setenv(name, value); err != nil {
		return fmt.Errorf("set %s: %w", name, err)
	}
	c.out.Stream("stdout", fmt.Sprintf("env: %s=%s\n", name, value))
	return nil
}
