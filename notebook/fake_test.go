package notebook

import (
	"context"
	"strings"
	"sync"

	"github.com/gilgo/gilgo/engine"
)

// fake is an engine.Interpreter that runs a tiny script language, one
// command a line:
//
//	print TEXT        stdout TEXT\n          eprint TEXT   stderr TEXT\n
//	write TEXT        stdout TEXT (no newline)
//	result TEXT       execute_result text/plain
//	display ID TEXT   display_data (ID "-" for none)
//	update ID TEXT    update_display_data
//	clear / clearwait clear_output
//	input             asks for input, prints the error
//	fail NAME VALUE   the cell fails
//	spin              waits for an interrupt, then fails Interrupted
//	hang              ignores interrupts until the test ends
//	widget ID VALUE   opens widget comm ID with value VALUE (comm_open)
//	set ID VALUE      updates its value (comm_msg)
//	close ID          closes it (comm_close)
type fake struct {
	mu         sync.Mutex
	interrupt  chan struct{}
	hang       chan struct{}
	executed   []engine.ExecuteRequest
	interrupts int
}

func newFake() *fake {
	return &fake{interrupt: make(chan struct{}), hang: make(chan struct{})}
}

func (f *fake) Execute(ctx context.Context, req engine.ExecuteRequest, out engine.Output) engine.ExecuteResult {
	f.mu.Lock()
	f.executed = append(f.executed, req)
	intr := f.interrupt
	f.mu.Unlock()
	for _, line := range strings.Split(req.Code, "\n") {
		cmd, arg, _ := strings.Cut(line, " ")
		switch cmd {
		case "widget", "set", "close":
			id, v, _ := strings.Cut(arg, " ")
			co, ok := out.(engine.CommOutput)
			if !ok {
				out.Stream("stderr", "no comms\n")
				break
			}
			switch cmd {
			case "widget":
				co.Comm(engine.Comm{Type: engine.CommOpen, ID: id, Target: "jupyter.widget", Data: map[string]any{"state": map[string]any{
					"_model_name": "IntSliderModel", "_model_module": "@jupyter-widgets/controls", "_model_module_version": "2.0.0", "value": v}}})
			case "set":
				co.Comm(engine.Comm{Type: engine.CommMsg, ID: id, Data: map[string]any{"method": "update", "state": map[string]any{"value": v}}})
			case "close":
				co.Comm(engine.Comm{Type: engine.CommClose, ID: id})
			}
		case "print":
			out.Stream("stdout", arg+"\n")
		case "write":
			out.Stream("stdout", arg)
		case "eprint":
			out.Stream("stderr", arg+"\n")
		case "result":
			out.Result(engine.MIMEBundle{"text/plain": arg}, nil)
		case "display", "update":
			id, text, _ := strings.Cut(arg, " ")
			if id == "-" {
				id = ""
			}
			out.Display(engine.MIMEBundle{"text/plain": text, "text/html": "<b>" + text + "</b>"}, map[string]any{}, id, cmd == "update")
		case "clear":
			out.ClearOutput(false)
		case "clearwait":
			out.ClearOutput(true)
		case "input":
			_, err := out.Input(ctx, "? ", false)
			out.Stream("stderr", err.Error()+"\n")
		case "fail":
			name, value, _ := strings.Cut(arg, " ")
			return engine.ExecuteResult{Error: &engine.Error{Name: name, Value: value, Traceback: []string{name + ": " + value, "  at cell"}}}
		case "spin":
			select {
			case <-intr:
			case <-ctx.Done():
			}
			return engine.ExecuteResult{Error: &engine.Error{Name: engine.ErrInterrupted, Value: "interrupted"}}
		case "hang":
			<-f.hang
		}
	}
	return engine.ExecuteResult{}
}

func (f *fake) Interrupt() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.interrupts++
	close(f.interrupt)
	f.interrupt = make(chan struct{})
}

func (f *fake) Complete(context.Context, string, int) (engine.Completion, error) {
	return engine.Completion{}, nil
}

func (f *fake) Inspect(context.Context, string, int, int) (engine.Inspection, error) {
	return engine.Inspection{}, nil
}

func (f *fake) IsComplete(context.Context, string) (engine.Completeness, error) {
	return engine.Completeness{Status: "complete"}, nil
}

func (f *fake) Shutdown(context.Context, bool) error { return nil }
