package notebook

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"strings"
	"sync"
	"time"

	"github.com/gilgo/gilgo/engine"
)

// DefaultGrace is how long Run waits for an interrupted cell to stop.
const DefaultGrace = 10 * time.Second

// ErrNoStdin is what a cell gets when it reads standard input.
var ErrNoStdin = errors.New("stdin is not available in gilgo run")

// RunOptions configure Run.
type RunOptions struct {
	// Timeout bounds each cell; zero means no limit. A cell that runs
	// longer is interrupted and Run fails.
	Timeout time.Duration
	// Grace bounds the wait for an interrupted cell (timeout or ctx) to
	// stop; zero means DefaultGrace. After it Run returns while the cell
	// may still run: the caller should shut the interpreter down.
	Grace time.Duration
	// Setup cells run first, silently and unnumbered, e.g. to fix the GIL's
	// schedule. Their output is dropped; their failure fails the run.
	Setup []string
	// GoVersion becomes metadata.language_info.version when not empty.
	GoVersion string
	// Logger receives progress at debug level; nil means slog.Default().
	Logger *slog.Logger
}

func (o RunOptions) grace() time.Duration {
	if o.Grace > 0 {
		return o.Grace
	}
	return DefaultGrace
}

// CellError is the failure of a cell that stopped Run.
type CellError struct {
	// Index is the cell's position in Notebook.Cells.
	Index int
	// Count is the cell's execution count, the N of "cell N" and of the
	// interpreter's cell[N] positions.
	Count int
	// Name and Value are the error's ename and evalue.
	Name, Value string
	// Timeout is set when the cell ran past RunOptions.Timeout.
	Timeout time.Duration
}

func (e *CellError) Error() string {
	switch {
	case e.Timeout > 0:
		return fmt.Sprintf("cell %d timed out after %s", e.Count, e.Timeout)
	case e.Value == "":
		return fmt.Sprintf("cell %d: %s", e.Count, e.Name)
	}
	return fmt.Sprintf("cell %d: %s: %s", e.Count, e.Name, e.Value)
}

// Run executes nb's code cells in order through interp, replacing their
// outputs and execution counts, and sets nb's kernel metadata. It stops at
// the first failing cell that is not tagged raises-exception and returns a
// *CellError; cells after it keep no outputs. Run does not shut interp
// down.
func Run(ctx context.Context, nb *Notebook, interp engine.Interpreter, opts RunOptions) error {
	log := opts.Logger
	if log == nil {
		log = slog.Default()
	}
	SetKernelMetadata(nb, opts.GoVersion)
	rs := &runState{displays: map[string][]*Output{}, widgets: map[string]map[string]any{}}
	defer rs.close()
	defer rs.saveWidgets(nb)
	for _, c := range nb.Cells {
		if c.Type == CodeCell {
			c.Outputs, c.ExecutionCount = nil, 0
		}
	}
	for i, src := range opts.Setup {
		req := engine.ExecuteRequest{Code: src, Silent: true}
		res, timedOut, err := execute(ctx, interp, req, discard{}, opts)
		if err != nil {
			return fmt.Errorf("setup cell %d: %w", i+1, err)
		}
		if timedOut {
			return fmt.Errorf("setup cell %d timed out after %s", i+1, opts.Timeout)
		}
		if res.Error != nil {
			return fmt.Errorf("setup cell %d: %s", i+1, res.Error)
		}
	}
	n := 0
	for i, c := range nb.Cells {
		if c.Type != CodeCell || strings.TrimSpace(c.Source) == "" {
			continue // nbclient does not run empty cells either
		}
		n++
		rs.mu.Lock()
		c.ExecutionCount = n
		rs.mu.Unlock()
		log.Debug("run cell", "cell", n, "index", i)
		out := &cellOutput{rs: rs, cell: c, count: n}
		req := engine.ExecuteRequest{Code: c.Source, ExecutionCount: n, StoreHistory: true}
		res, timedOut, err := execute(ctx, interp, req, out, opts)
		if err != nil {
			return fmt.Errorf("cell %d: %w", n, err)
		}
		if res.Error == nil {
			continue
		}
		out.addError(res.Error)
		cerr := &CellError{Index: i, Count: n, Name: res.Error.Name, Value: res.Error.Value}
		if timedOut {
			cerr.Timeout = opts.Timeout
			return cerr
		}
		if c.HasTag(TagRaisesException) {
			continue
		}
		return cerr
	}
	return nil
}

// errAbandoned is the result of a cell that did not stop within the grace
// period after an interrupt.
var errAbandoned = &engine.Error{Name: engine.ErrInterrupted, Value: "the cell did not stop after an interrupt"}

// execute runs one request; timedOut reports that the cell ran past the
// timeout (its result is then the interrupted one). err is set only when
// ctx ended.
func execute(ctx context.Context, interp engine.Interpreter, req engine.ExecuteRequest, out engine.Output, opts RunOptions) (res engine.ExecuteResult, timedOut bool, err error) {
	cctx, cancel := context.WithCancel(ctx)
	defer cancel()
	done := make(chan engine.ExecuteResult, 1) // buffered: an abandoned cell must not block
	go func() { done <- interp.Execute(cctx, req, out) }()

	var timeout, grace <-chan time.Time
	if opts.Timeout > 0 {
		t := time.NewTimer(opts.Timeout)
		defer t.Stop()
		timeout = t.C
	}
	var graceTimer *time.Timer
	defer func() {
		if graceTimer != nil {
			graceTimer.Stop()
		}
	}()
	startGrace := func() {
		graceTimer = time.NewTimer(opts.grace())
		grace = graceTimer.C
	}
	parent := ctx.Done()
	for {
		select {
		case res := <-done:
			if ctx.Err() != nil && !timedOut {
				return res, false, ctx.Err()
			}
			return res, timedOut && res.Error != nil, nil
		case <-timeout:
			timeout, timedOut = nil, true
			interp.Interrupt()
			cancel()
			startGrace()
		case <-parent:
			parent = nil
			interp.Interrupt()
			if grace == nil {
				startGrace()
			}
		case <-grace:
			if ctx.Err() != nil {
				return engine.ExecuteResult{}, false, ctx.Err()
			}
			return engine.ExecuteResult{Error: errAbandoned}, true, nil
		}
	}
}

// runState is shared by the outputs of one Run.
type runState struct {
	mu       sync.Mutex
	closed   bool
	displays map[string][]*Output      // display_id → outputs showing it
	widgets  map[string]map[string]any // comm id → widget model (widgetTarget)
}

func (rs *runState) close() {
	rs.mu.Lock()
	rs.closed = true
	rs.mu.Unlock()
}

// cellOutput collects one cell's outputs; it implements engine.Output.
type cellOutput struct {
	rs      *runState
	cell    *Cell
	count   int
	pending bool // clear_output(wait=true) seen
}

var (
	_ engine.Output     = (*cellOutput)(nil)
	_ engine.CommOutput = (*cellOutput)(nil)
)

// widgetTarget is ipywidgets' comm target; WidgetStateMIME the key of the
// widget state a run saves in metadata.widgets.
const (
	widgetTarget    = "jupyter.widget"
	WidgetStateMIME = "application/vnd.jupyter.widget-state+json"
)

// Comm keeps the state of the widget models the cells open and update, as
// nbclient does, so that the executed notebook renders them statically.
func (c *cellOutput) Comm(m engine.Comm) {
	c.rs.mu.Lock()
	defer c.rs.mu.Unlock()
	if c.rs.closed {
		return
	}
	state, _ := m.Data["state"].(map[string]any)
	switch m.Type {
	case engine.CommOpen:
		if m.Target != widgetTarget || state == nil {
			return
		}
		c.rs.widgets[m.ID] = map[string]any{
			"model_name": state["_model_name"], "model_module": state["_model_module"],
			"model_module_version": state["_model_module_version"], "state": maps.Clone(state),
		}
	case engine.CommMsg:
		w := c.rs.widgets[m.ID]
		if w == nil || m.Data["method"] != "update" {
			return
		}
		maps.Copy(w["state"].(map[string]any), state)
	case engine.CommClose:
		delete(c.rs.widgets, m.ID)
	}
}

// saveWidgets writes the widget models the run left open into
// metadata.widgets (ipywidgets' widget-state format), or removes an
// earlier run's when there are none.
func (rs *runState) saveWidgets(nb *Notebook) {
	rs.mu.Lock()
	defer rs.mu.Unlock()
	if len(rs.widgets) == 0 {
		delete(nb.Metadata, "widgets")
		return
	}
	state := map[string]any{}
	for id, w := range rs.widgets {
		state[id] = w
	}
	nb.Metadata["widgets"] = map[string]any{
		WidgetStateMIME: map[string]any{"version_major": 2, "version_minor": 0, "state": state},
	}
}

// add appends o, clearing first if a clear is pending. rs.mu is held.
func (c *cellOutput) add(o *Output) {
	if c.pending {
		c.cell.Outputs, c.pending = nil, false
	}
	c.cell.Outputs = append(c.cell.Outputs, o)
}

func (c *cellOutput) Stream(name, text string) {
	if text == "" {
		return
	}
	c.rs.mu.Lock()
	defer c.rs.mu.Unlock()
	if c.rs.closed {
		return
	}
	if !c.pending {
		if outs := c.cell.Outputs; len(outs) > 0 {
			if last := outs[len(outs)-1]; last.Type == StreamOutput && last.Name == name {
				last.Text += text
				return
			}
		}
	}
	c.add(&Output{Type: StreamOutput, Name: name, Text: text})
}

func (c *cellOutput) Result(data engine.MIMEBundle, metadata map[string]any) {
	c.rs.mu.Lock()
	defer c.rs.mu.Unlock()
	if c.rs.closed {
		return
	}
	c.add(&Output{Type: ExecuteResultOutput, Data: maps.Clone(data), Metadata: maps.Clone(metadata), ExecutionCount: c.count})
}

func (c *cellOutput) Display(data engine.MIMEBundle, metadata map[string]any, displayID string, update bool) {
	c.rs.mu.Lock()
	defer c.rs.mu.Unlock()
	if c.rs.closed {
		return
	}
	if update {
		for _, o := range c.rs.displays[displayID] {
			o.Data, o.Metadata = maps.Clone(data), maps.Clone(metadata)
		}
		return
	}
	o := &Output{Type: DisplayDataOutput, Data: maps.Clone(data), Metadata: maps.Clone(metadata)}
	c.add(o)
	if displayID != "" {
		c.rs.displays[displayID] = append(c.rs.displays[displayID], o)
	}
}

func (c *cellOutput) ClearOutput(wait bool) {
	c.rs.mu.Lock()
	defer c.rs.mu.Unlock()
	if c.rs.closed {
		return
	}
	if wait {
		c.pending = true
		return
	}
	c.cell.Outputs, c.pending = nil, false
}

func (c *cellOutput) Input(context.Context, string, bool) (string, error) {
	return "", ErrNoStdin
}

func (c *cellOutput) addError(e *engine.Error) {
	tb := e.Traceback
	if len(tb) == 0 {
		tb = []string{e.Error()}
	}
	c.rs.mu.Lock()
	defer c.rs.mu.Unlock()
	c.add(&Output{Type: ErrorOutput, EName: e.Name, EValue: e.Value, Traceback: tb})
}

// discard is the Output of setup cells.
type discard struct{}

func (discard) Stream(string, string)                                   {}
func (discard) Result(engine.MIMEBundle, map[string]any)                {}
func (discard) Display(engine.MIMEBundle, map[string]any, string, bool) {}
func (discard) ClearOutput(bool)                                        {}
func (discard) Input(context.Context, string, bool) (string, error)     { return "", ErrNoStdin }
