package session

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"sync"

	"github.com/traefik/yaegi/interp"

	"github.com/gilgo/gilgo/engine"
)

// The Jupyter debugger: the Session is an engine.Debugger. It answers the
// DAP requests JupyterLab's debugger sends (as ipykernel 6 does, with the
// protocol's additions debugInfo, dumpCell, inspectVariables and
// richInspectVariables) and runs cells under yaegi's debugger
// (debugrun.go). docs/debugger.md has the protocol as gilgo serves it.

// debugHashSeed is the seed of the cell-to-path hash (ipykernel's).
const debugHashSeed = 3339675911

var _ engine.Debugger = (*Session)(nil)

// debugger is the session's Jupyter debugger state. Its mutex guards
// everything below it; it is never held while a cell runs.
type debugger struct {
	s      *Session
	prefix string // tmpFilePrefix

	mu          sync.Mutex
	sink        func(json.RawMessage)
	seq         int
	started     bool
	breakpoints map[string][]int // lines by source path
	sources     map[string]string
	cellPath    map[int]string // source path of cell N's code
	progs       []debugProg    // programs compiled while started
	running     *interp.Debugger
	stop        *debugStop // nil while nothing is stopped
	refs        []any      // variablesReference-1 → *debugFrameRef, debugGlobals or reflect.Value
	frames      []*interp.DebugFrame
}

// debugFrameRef is a variablesReference to a frame's locals.
type debugFrameRef struct{ frame *interp.DebugFrame }

// debugGlobals is the variablesReference of the Globals scope.
type debugGlobals struct{}

// dbg returns the session's debugger state, made on first use.
func (s *Session) dbg() *debugger {
	if d := s.debug.Load(); d != nil {
		return d
	}
	d := &debugger{
		s:           s,
		prefix:      filepath.Join(os.TempDir(), fmt.Sprintf("gilgo_%d", os.Getpid())) + "/",
		breakpoints: map[string][]int{},
		sources:     map[string]string{},
		cellPath:    map[int]string{},
	}
	if s.debug.CompareAndSwap(nil, d) {
		return d
	}
	return s.debug.Load()
}

// DebugEvents implements engine.Debugger. Safe for concurrent use.
func (s *Session) DebugEvents(sink func(event json.RawMessage)) {
	d := s.dbg()
	d.mu.Lock()
	d.sink = sink
	d.mu.Unlock()
}

// dapRequest is a DAP request.
type dapRequest struct {
	Seq       int             `json:"seq"`
	Command   string          `json:"command"`
	Arguments json.RawMessage `json:"arguments"`
}

// Debug implements engine.Debugger: it answers one DAP request without
// waiting for a running cell (it never takes the execution lock).
func (s *Session) Debug(_ context.Context, request json.RawMessage) (json.RawMessage, error) {
	var req dapRequest
	if err := json.Unmarshal(request, &req); err != nil {
		return nil, fmt.Errorf("debug: decode request: %w", err)
	}
	d := s.dbg()
	body, err := d.handle(req)
	d.mu.Lock()
	d.seq++
	resp := map[string]any{"type": "response", "seq": d.seq, "request_seq": req.Seq, "command": req.Command, "success": err == nil}
	d.mu.Unlock()
	if err != nil {
		resp["message"] = err.Error()
		body = map[string]any{}
	}
	if body == nil {
		body = map[string]any{}
	}
	resp["body"] = body
	return json.Marshal(resp)
}

// event sends a DAP event to the sink.
func (d *debugger) event(name string, body map[string]any) {
	d.mu.Lock()
	sink := d.sink
	d.seq++
	seq := d.seq
	d.mu.Unlock()
	if sink == nil {
		return
	}
	b, err := json.Marshal(map[string]any{"type": "event", "seq": seq, "event": name, "body": body})
	if err != nil {
		d.s.log.Error("debug: encode event", "event", name, "err", err)
		return
	}
	sink(b)
}

// sourcePath is the path JupyterLab computes for a cell's code.
func (d *debugger) sourcePath(code string) string {
	return d.prefix + strconv.FormatUint(uint64(murmur2([]byte(code), debugHashSeed)), 10) + ".go"
}

// hasBreakpoints reports whether any breakpoint is set. Under d.mu.
func (d *debugger) hasBreakpoints() bool {
	for _, l := range d.breakpoints {
		if len(l) > 0 {
			return true
		}
	}
	return false
}

// resetRefs forgets the variable references of the last stop. Under d.mu.
func (d *debugger) resetRefs() {
	d.refs, d.frames = nil, nil
}

// ref returns a new variablesReference for v. Under d.mu.
func (d *debugger) ref(v any) int {
	d.refs = append(d.refs, v)
	return len(d.refs)
}

func decodeArgs(req dapRequest, v any) error {
	if len(req.Arguments) == 0 {
		return nil
	}
	if err := json.Unmarshal(req.Arguments, v); err != nil {
		return fmt.Errorf("%s: decode arguments: %w", req.Command, err)
	}
	return nil
}

// handle answers one request: its response body, or why it failed.
func (d *debugger) handle(req dapRequest) (map[string]any, error) {
	switch req.Command {
	case "initialize":
		defer d.event("initialized", map[string]any{})
		return map[string]any{
			"supportsConfigurationDoneRequest": true,
			"supportsEvaluateForHovers":        true,
			"supportsSetVariable":              false,
			"supportsStepBack":                 false,
		}, nil
	case "attach":
		d.mu.Lock()
		d.started = true
		d.mu.Unlock()
		return nil, nil
	case "disconnect":
		d.disconnect()
		return nil, nil
	case "configurationDone", "setExceptionBreakpoints", "setFunctionBreakpoints":
		return nil, nil
	case "debugInfo":
		return d.debugInfo(), nil
	case "dumpCell":
		var a struct {
			Code string `json:"code"`
		}
		if err := decodeArgs(req, &a); err != nil {
			return nil, err
		}
		p := d.sourcePath(a.Code)
		d.mu.Lock()
		d.sources[p] = a.Code
		d.mu.Unlock()
		return map[string]any{"sourcePath": p}, nil
	case "setBreakpoints":
		return d.setBreakpoints(req)
	case "source":
		var a struct {
			Source struct {
				Path string `json:"path"`
			} `json:"source"`
		}
		if err := decodeArgs(req, &a); err != nil {
			return nil, err
		}
		d.mu.Lock()
		src, ok := d.sources[a.Source.Path]
		d.mu.Unlock()
		if !ok {
			return nil, fmt.Errorf("source: no cell has path %s", a.Source.Path)
		}
		return map[string]any{"content": src, "mimeType": "text/x-go"}, nil
	case "threads":
		return map[string]any{"threads": d.threads()}, nil
	case "stackTrace":
		return d.stackTrace(req)
	case "scopes":
		return d.scopes(req)
	case "variables":
		return d.variables(req)
	case "continue", "next", "stepIn", "stepOut":
		return d.resume(req.Command)
	case "pause":
		d.mu.Lock()
		dbg := d.running
		d.mu.Unlock()
		if dbg == nil {
			return nil, fmt.Errorf("pause: no cell runs under the debugger (set a breakpoint first)")
		}
		for _, g := range dbg.GoRoutines() {
			dbg.Interrupt(g.ID(), interp.DebugPause)
		}
		return nil, nil
	case "evaluate":
		return d.evaluate(req)
	case "inspectVariables":
		return map[string]any{"variables": d.globals()}, nil
	case "richInspectVariables":
		return d.richInspect(req)
	case "modules":
		return map[string]any{"modules": []any{}, "totalModules": 0}, nil
	}
	return nil, fmt.Errorf("%s: not supported by gilgo's debugger", req.Command)
}

// debugInfo is the state JupyterLab restores from (debugInfo reply).
func (d *debugger) debugInfo() map[string]any {
	d.mu.Lock()
	defer d.mu.Unlock()
	bps := []any{}
	paths := make([]string, 0, len(d.breakpoints))
	for p := range d.breakpoints {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	for _, p := range paths {
		var list []any
		for _, l := range d.breakpoints[p] {
			list = append(list, map[string]any{"line": l})
		}
		if len(list) > 0 {
			bps = append(bps, map[string]any{"source": p, "breakpoints": list})
		}
	}
	stopped := []int{}
	if d.stop != nil {
		stopped = append(stopped, d.stop.thread)
	}
	return map[string]any{
		"isStarted":      d.started,
		"hashMethod":     "Murmur2",
		"hashSeed":       debugHashSeed,
		"tmpFilePrefix":  d.prefix,
		"tmpFileSuffix":  ".go",
		"breakpoints":    bps,
		"stoppedThreads": stopped,
		"richRendering":  true,
		"exceptionPaths": []string{},
	}
}

// disconnect stops debugging: breakpoints and programs are forgotten and
// a stopped cell goes on.
func (d *debugger) disconnect() {
	d.mu.Lock()
	d.started = false
	d.breakpoints = map[string][]int{}
	d.progs = nil
	d.cellPath = map[int]string{}
	stop := d.stop
	d.stop = nil
	d.resetRefs()
	d.mu.Unlock()
	if stop != nil {
		_ = stop.dbg.Continue(stop.gid)
	}
}

func (d *debugger) setBreakpoints(req dapRequest) (map[string]any, error) {
	var a struct {
		Source struct {
			Path string `json:"path"`
		} `json:"source"`
		Breakpoints []struct {
			Line int `json:"line"`
		} `json:"breakpoints"`
	}
	if err := decodeArgs(req, &a); err != nil {
		return nil, err
	}
	lines := make([]int, 0, len(a.Breakpoints))
	out := make([]any, 0, len(a.Breakpoints))
	for _, b := range a.Breakpoints {
		lines = append(lines, b.Line)
		out = append(out, map[string]any{"verified": true, "line": b.Line, "source": map[string]any{"path": a.Source.Path}})
	}
	d.mu.Lock()
	d.breakpoints[a.Source.Path] = lines
	if d.running != nil {
		// A cell runs under the debugger: its programs (and the earlier
		// ones it may call) get the change now.
		d.applyBreakpoints(d.running)
	}
	d.mu.Unlock()
	return map[string]any{"breakpoints": out}, nil
}

// threads lists the cell's goroutine (thread 1) and the goroutines cells
// started (by goroutine id). Interpreted code runs only while holding
// the GIL, so a stopped goroutine holds it: its name says so.
func (d *debugger) threads() []any {
	d.mu.Lock()
	stopped := 0
	if d.stop != nil {
		stopped = d.stop.thread
	}
	d.mu.Unlock()
	name := func(id int, what string) string {
		if id == stopped {
			return what + " (holds the GIL)"
		}
		return what
	}
	cell := "cell"
	if c := d.s.router.currentCell(); c > 0 {
		cell = fmt.Sprintf("cell[%d]", c)
	}
	out := []any{map[string]any{"id": 1, "name": name(1, "goroutine 1: "+cell)}}
	for _, g := range d.s.router.spawnedList() {
		out = append(out, map[string]any{"id": int(g.id), "name": name(int(g.id), fmt.Sprintf("goroutine %d: started by cell[%d]", g.id, g.cell))})
	}
	return out
}

func (d *debugger) stackTrace(req dapRequest) (map[string]any, error) {
	var a struct {
		StartFrame int `json:"startFrame"`
		Levels     int `json:"levels"`
	}
	if err := decodeArgs(req, &a); err != nil {
		return nil, err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.stop == nil {
		return map[string]any{"stackFrames": []any{}, "totalFrames": 0}, nil
	}
	if d.frames == nil {
		d.frames = d.stop.ev.Frames(0, d.stop.ev.FrameDepth())
	}
	frames := []any{}
	for i, f := range d.frames {
		if i < a.StartFrame || (a.Levels > 0 && i >= a.StartFrame+a.Levels) {
			continue
		}
		pos := f.Position()
		fr := map[string]any{"id": i + 1, "name": frameName(f.Name()), "line": pos.Line, "column": pos.Column}
		if n, ok := cellOfFile(pos.Filename); ok {
			if p := d.cellPath[n]; p != "" {
				fr["source"] = map[string]any{"path": p, "name": fmt.Sprintf("cell[%d]", n)}
			}
		}
		frames = append(frames, fr)
	}
	return map[string]any{"stackFrames": frames, "totalFrames": len(d.frames)}, nil
}

// frameName shows a statement unit's generated func as the cell.
func frameName(name string) string {
	if strings.HasPrefix(name, "__cell") {
		if n, _, ok := strings.Cut(strings.TrimPrefix(name, "__cell"), "_"); ok {
			return "cell[" + n + "]"
		}
	}
	return name
}

func (d *debugger) scopes(req dapRequest) (map[string]any, error) {
	var a struct {
		FrameID int `json:"frameId"`
	}
	if err := decodeArgs(req, &a); err != nil {
		return nil, err
	}
	d.mu.Lock()
	defer d.mu.Unlock()
	if a.FrameID < 1 || a.FrameID > len(d.frames) {
		return nil, fmt.Errorf("scopes: no frame %d", a.FrameID)
	}
	f := d.frames[a.FrameID-1]
	return map[string]any{"scopes": []any{
		map[string]any{"name": "Locals", "variablesReference": d.ref(&debugFrameRef{f}), "expensive": false},
		map[string]any{"name": "Globals", "variablesReference": d.ref(debugGlobals{}), "expensive": false},
	}}, nil
}

// maxChildren bounds the elements of one expanded value.
const maxChildren = 300

func (d *debugger) variables(req dapRequest) (map[string]any, error) {
	var a struct {
		Ref int `json:"variablesReference"`
	}
	if err := decodeArgs(req, &a); err != nil {
		return nil, err
	}
	d.mu.Lock()
	if a.Ref < 1 || a.Ref > len(d.refs) {
		d.mu.Unlock()
		return map[string]any{"variables": []any{}}, nil
	}
	r := d.refs[a.Ref-1]
	d.mu.Unlock()
	switch r := r.(type) {
	case *debugFrameRef:
		var vars []any
		seen := map[string]bool{}
		for _, sc := range r.frame.Scopes() {
			vs := sc.Variables()
			sort.Slice(vs, func(i, j int) bool { return vs[i].Name < vs[j].Name })
			for _, v := range vs {
				if strings.HasPrefix(v.Name, "_") || seen[v.Name] {
					continue
				}
				seen[v.Name] = true
				vars = append(vars, d.variable(v.Name, v.Value))
			}
		}
		return map[string]any{"variables": orEmpty(vars)}, nil
	case debugGlobals:
		return map[string]any{"variables": d.globals()}, nil
	case reflect.Value:
		return map[string]any{"variables": orEmpty(d.children(r))}, nil
	}
	return map[string]any{"variables": []any{}}, nil
}

func orEmpty(v []any) []any {
	if v == nil {
		return []any{}
	}
	return v
}

// variable describes one value; a composite one gets a reference to its
// elements.
func (d *debugger) variable(name string, v reflect.Value) map[string]any {
	v = unwrapYaegi(v)
	out := map[string]any{"name": name, "evaluateName": name, "variablesReference": 0}
	if !v.IsValid() {
		out["value"], out["type"] = "nil", ""
		return out
	}
	f := &formatter{types: d.s.st.types, seen: map[uintptr]bool{}}
	out["type"] = f.typeName(v.Type())
	out["value"] = formatValue(d.s.st.types, v)
	if hasChildren(v) {
		d.mu.Lock()
		out["variablesReference"] = d.ref(v)
		d.mu.Unlock()
	}
	return out
}

func hasChildren(v reflect.Value) bool {
	switch v.Kind() {
	case reflect.Struct:
		return v.NumField() > 0
	case reflect.Slice, reflect.Array, reflect.Map:
		return v.Len() > 0
	case reflect.Pointer, reflect.Interface:
		return !v.IsNil() && hasChildren(v.Elem())
	}
	return false
}

// children lists a composite value's elements, at most maxChildren.
func (d *debugger) children(v reflect.Value) []any {
	var out []any
	switch v.Kind() {
	case reflect.Pointer, reflect.Interface:
		return d.children(v.Elem())
	case reflect.Struct:
		t := v.Type()
		for i := 0; i < v.NumField() && i < maxChildren; i++ {
			out = append(out, d.variable(t.Field(i).Name, v.Field(i)))
		}
	case reflect.Slice, reflect.Array:
		for i := 0; i < v.Len() && i < maxChildren; i++ {
			out = append(out, d.variable(strconv.Itoa(i), v.Index(i)))
		}
	case reflect.Map:
		keys := v.MapKeys()
		sort.Slice(keys, func(i, j int) bool { return fmt.Sprint(keys[i]) < fmt.Sprint(keys[j]) })
		for i, k := range keys {
			if i >= maxChildren {
				break
			}
			out = append(out, d.variable(formatValue(d.s.st.types, k), v.MapIndex(k)))
		}
	}
	return out
}

// globals lists the session's package-level variables. While a cell runs
// and is not stopped, its declarations may change under the listing, so
// it is empty then.
func (d *debugger) globals() []any {
	d.mu.Lock()
	stopped := d.stop != nil
	d.mu.Unlock()
	if !stopped {
		if !d.s.execMu.TryLock() {
			return []any{}
		}
		defer d.s.execMu.Unlock()
	}
	g := d.s.it.Globals()
	names := make([]string, 0, len(g))
	for n := range g {
		if !strings.HasPrefix(n, "_") {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	out := []any{}
	for _, n := range names {
		v := g[n]
		if v.IsValid() && v.Kind() == reflect.Func {
			continue
		}
		out = append(out, d.variable(n, v))
	}
	return out
}

// lookup finds a name in the selected (first) frame of the stop, then
// among the globals; "a.b.c" follows fields, "a[2]" an index.
func (d *debugger) lookup(expr string) (reflect.Value, error) {
	expr = strings.TrimSpace(expr)
	name, rest := expr, ""
	if i := strings.IndexAny(expr, ".["); i > 0 {
		name, rest = expr[:i], expr[i:]
	}
	var v reflect.Value
	found := false
	d.mu.Lock()
	stop := d.stop
	frames := d.frames
	d.mu.Unlock()
	if stop != nil {
		if frames == nil {
			frames = stop.ev.Frames(0, 1)
		}
		if len(frames) > 0 {
			for _, sc := range frames[0].Scopes() {
				for _, dv := range sc.Variables() {
					if dv.Name == name {
						v, found = dv.Value, true
					}
				}
			}
		}
	}
	if !found {
		for _, dv := range d.globals() {
			if m := dv.(map[string]any); m["name"] == name {
				v, found = d.s.it.Globals()[name], true
			}
		}
	}
	if !found {
		return v, fmt.Errorf("evaluate: %s is not a variable of the stopped frame or a global", name)
	}
	for rest != "" {
		v = unwrapYaegi(v)
		for v.Kind() == reflect.Pointer || v.Kind() == reflect.Interface {
			v = v.Elem()
		}
		switch rest[0] {
		case '.':
			field := rest[1:]
			if i := strings.IndexAny(field, ".["); i >= 0 {
				field, rest = field[:i], field[i:]
			} else {
				rest = ""
			}
			if v.Kind() != reflect.Struct || !v.FieldByName(field).IsValid() {
				return v, fmt.Errorf("evaluate: no field %s in %s", field, expr)
			}
			v = v.FieldByName(field)
		case '[':
			end := strings.IndexByte(rest, ']')
			if end < 0 {
				return v, fmt.Errorf("evaluate: %s: missing ]", expr)
			}
			i, err := strconv.Atoi(rest[1:end])
			if err != nil || (v.Kind() != reflect.Slice && v.Kind() != reflect.Array) || i < 0 || i >= v.Len() {
				return v, fmt.Errorf("evaluate: %s: only constant indexes of slices and arrays", expr)
			}
			v, rest = v.Index(i), rest[end+1:]
		default:
			return v, fmt.Errorf("evaluate: %s: only names, fields and indexes", expr)
		}
	}
	return v, nil
}

func (d *debugger) evaluate(req dapRequest) (map[string]any, error) {
	var a struct {
		Expression string `json:"expression"`
	}
	if err := decodeArgs(req, &a); err != nil {
		return nil, err
	}
	v, err := d.lookup(a.Expression)
	if err != nil {
		return nil, err
	}
	vr := d.variable(a.Expression, v)
	return map[string]any{"result": vr["value"], "type": vr["type"], "variablesReference": vr["variablesReference"]}, nil
}

func (d *debugger) richInspect(req dapRequest) (map[string]any, error) {
	var a struct {
		Name string `json:"variableName"`
	}
	if err := decodeArgs(req, &a); err != nil {
		return nil, err
	}
	v, err := d.lookup(a.Name)
	if err != nil {
		return nil, err
	}
	data, md, ok := resultBundle(d.s.st.types, []reflect.Value{unwrapYaegi(v)})
	if !ok {
		data, md = valueBundle(d.s.st.types, unwrapYaegi(v)), nil
	}
	if md == nil {
		md = map[string]any{}
	}
	return map[string]any{"data": data, "metadata": md}, nil
}

// resume continues or steps the stopped goroutine. JupyterLab 3.6 sends
// threadId 1 whichever goroutine stopped, so the stopped one is resumed.
func (d *debugger) resume(command string) (map[string]any, error) {
	d.mu.Lock()
	stop := d.stop
	d.stop = nil
	d.resetRefs()
	d.mu.Unlock()
	if stop == nil {
		return nil, fmt.Errorf("%s: no goroutine is stopped", command)
	}
	d.event("continued", map[string]any{"threadId": stop.thread, "allThreadsContinued": true})
	var err error
	switch command {
	case "continue":
		err = stop.dbg.Continue(stop.gid)
	case "next":
		err = stop.dbg.Step(stop.gid, interp.DebugStepOver)
	case "stepIn":
		err = stop.dbg.Step(stop.gid, interp.DebugStepInto)
	case "stepOut":
		err = stop.dbg.Step(stop.gid, interp.DebugStepOut)
	}
	if err != nil {
		return nil, fmt.Errorf("%s: %w", command, err)
	}
	if command == "continue" {
		return map[string]any{"allThreadsContinued": true}, nil
	}
	return nil, nil
}
