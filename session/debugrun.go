package session

import (
	"fmt"
	"reflect"
	"runtime"
	"sort"
	"strconv"

	"github.com/traefik/yaegi/interp"
)

// Running cells under yaegi's debugger (interp.Debug). While the Jupyter
// debugger is started, every program a cell compiles is remembered with
// the cell's source path (prefix + murmur2(code) + suffix) so that
// breakpoints set later reach the funcs it declared. While some
// breakpoint is set, a program runs through interp.Debug instead of
// ExecuteWithContext: the breakpoints of every remembered program are
// applied first, and the events of its goroutines become DAP events.
// Without breakpoints a cell runs exactly as without the debugger.

// debugProg is a program compiled while the debugger was started.
type debugProg struct {
	prog *interp.Program
	path string // the cell's source path
}

// debugStop is where a goroutine is stopped.
type debugStop struct {
	dbg    *interp.Debugger
	ev     *interp.DebugEvent
	gid    int // yaegi's goroutine id (1: the program's main goroutine)
	thread int // the DAP thread id: 1 for the cell, else the goroutine's id
	cell   int
}

// execute runs prog as the cell's code; handled is false when the
// debugger has nothing to do with it (the caller runs prog itself).
func (d *debugger) execute(c *cell, prog *interp.Program) (v reflect.Value, handled bool, err error) {
	d.mu.Lock()
	if !d.started {
		d.mu.Unlock()
		return v, false, nil
	}
	path := d.sourcePath(c.src)
	if d.cellPath[c.n] != path {
		d.cellPath[c.n] = path
		// The same code run again declares the same names again: the
		// programs of its earlier runs are dead, and forgetting them
		// keeps applyBreakpoints' walk bounded.
		kept := d.progs[:0]
		for _, p := range d.progs {
			if p.path != path {
				kept = append(kept, p)
			}
		}
		clear(d.progs[len(kept):])
		d.progs = kept
	}
	d.progs = append(d.progs, debugProg{prog: prog, path: path})
	active := d.hasBreakpoints()
	d.mu.Unlock()
	if !active {
		return v, false, nil
	}
	v, err = d.runDebug(c, prog)
	return v, true, err
}

// runDebug runs prog through interp.Debug and waits until it ended.
func (d *debugger) runDebug(c *cell, prog *interp.Program) (reflect.Value, error) {
	it := c.s.it
	terminated := make(chan struct{})
	var dbg *interp.Debugger
	events := func(e *interp.DebugEvent) {
		if e.Reason() == interp.DebugTerminate {
			close(terminated)
			return
		}
		d.onEvent(dbg, e, c.n)
	}
	dbg = it.Debug(c.ctx, prog, events, &interp.DebugOptions{GoRoutineStartAt1: true})
	d.mu.Lock()
	d.applyBreakpoints(dbg)
	d.running = dbg
	d.mu.Unlock()
	defer func() {
		d.mu.Lock()
		d.running = nil
		d.mu.Unlock()
	}()
	if err := dbg.Continue(1); err != nil {
		return reflect.Value{}, fmt.Errorf("debug: start the cell: %w", err)
	}
	<-terminated
	// interp.Debug's goroutine clears the interpreter's debugger after
	// the terminate event: the next program must not start before, or it
	// would run under a cancelled debugger.
	waitDebuggerCleared(it)
	if err := c.ctx.Err(); err != nil {
		return reflect.Value{}, err
	}
	return dbg.Wait()
}

// waitDebuggerCleared waits until yaegi's Interpreter no longer has a
// debugger (an unexported field, read through reflect: yaegi stays
// unmodified). The wait is the few instructions of a returning defer.
func waitDebuggerCleared(it *interp.Interpreter) {
	f := reflect.ValueOf(it).Elem().FieldByName("debugger")
	if !f.IsValid() {
		return
	}
	for !f.IsNil() {
		runtime.Gosched()
	}
}

// applyBreakpoints sets the breakpoints of every remembered program, and
// clears those of programs whose path has none left. Under d.mu.
func (d *debugger) applyBreakpoints(dbg *interp.Debugger) {
	for _, p := range d.progs {
		lines := d.breakpoints[p.path]
		reqs := make([]interp.BreakpointRequest, 0, len(lines)+1)
		for _, l := range lines {
			reqs = append(reqs, interp.LineBreakpoint(l))
		}
		if len(reqs) == 0 {
			// A line no node has: clears the program's stale breakpoints.
			reqs = append(reqs, interp.LineBreakpoint(-1))
		}
		dbg.SetBreakpoints(interp.ProgramBreakpointTarget(p.prog), reqs...)
	}
}

// onEvent turns a yaegi debug event into DAP events. It runs on the
// goroutine the event is about, which waits for a resume after a stop.
func (d *debugger) onEvent(dbg *interp.Debugger, e *interp.DebugEvent, cell int) {
	reason := ""
	switch e.Reason() {
	case interp.DebugBreak:
		reason = "breakpoint"
	case interp.DebugStepInto, interp.DebugStepOver, interp.DebugStepOut:
		reason = "step"
	case interp.DebugPause:
		reason = "pause"
	case interp.DebugEntry:
		reason = "entry"
	default:
		return // goroutine enter and exit: the threads request lists them
	}
	thread := 1
	if id, ok := d.s.router.spawnedCaller(); ok {
		thread = int(id)
	}
	d.mu.Lock()
	d.stop = &debugStop{dbg: dbg, ev: e, gid: e.GoRoutine(), thread: thread, cell: cell}
	d.resetRefs()
	d.mu.Unlock()
	d.event("stopped", map[string]any{"reason": reason, "threadId": thread, "allThreadsStopped": true})
}

// cellOfFile returns N of a position's file name cell[N]/_.go.
func cellOfFile(name string) (int, bool) {
	m := cellFileRE.FindStringSubmatch(name)
	if m == nil {
		return 0, false
	}
	n, err := strconv.Atoi(m[1])
	return n, err == nil
}

// spawnedG is a goroutine a cell started.
type spawnedG struct {
	id   uint64
	cell int
}

// spawnedList returns the goroutines cells started, by id.
func (r *router) spawnedList() []spawnedG {
	r.mu.RLock()
	out := make([]spawnedG, 0, len(r.byG))
	for id, o := range r.byG {
		out = append(out, spawnedG{id, o.cell})
	}
	r.mu.RUnlock()
	sort.Slice(out, func(i, j int) bool { return out[i].id < out[j].id })
	return out
}

// currentCell returns the number of the cell that runs (or ran last).
func (r *router) currentCell() int {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.current.cell
}
