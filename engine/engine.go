package engine

import (
	"context"
	"fmt"
)

// Interpreter runs cells and answers introspection requests.
//
// The kernel calls Execute, Complete, Inspect and IsComplete from one
// goroutine at a time (the shell handler), but Interrupt and Shutdown may be
// called concurrently with any of them (from the control handler or a signal).
type Interpreter interface {
	// Execute runs one cell. Output produced while the cell runs, and by the
	// goroutines it starts (also after Execute has returned), goes to out.
	// Cancelling ctx interrupts the cell like Interrupt does. A failure of
	// the cell is reported in the result's Error, never as a panic.
	Execute(ctx context.Context, req ExecuteRequest, out Output) ExecuteResult

	// Complete returns completions for code at byte offset cursor.
	Complete(ctx context.Context, code string, cursor int) (Completion, error)

	// Inspect describes the name at byte offset cursor; detail is 0 or 1.
	Inspect(ctx context.Context, code string, cursor, detail int) (Inspection, error)

	// IsComplete tells whether code is ready to run.
	IsComplete(ctx context.Context, code string) (Completeness, error)

	// Interrupt stops the running cell, if any, at its next check point and
	// stops the goroutines that cells started. Variables are kept.
	// Safe for concurrent use.
	Interrupt()

	// Shutdown releases the interpreter. restart says whether the client
	// will start a new kernel. Safe for concurrent use.
	Shutdown(ctx context.Context, restart bool) error
}

// ExecuteRequest is the part of an execute_request an interpreter needs.
type ExecuteRequest struct {
	Code string
	// ExecutionCount is the number the kernel gives this cell; error
	// positions name the cell as cell[ExecutionCount].
	ExecutionCount int
	Silent         bool
	StoreHistory   bool
	AllowStdin     bool
	// UserExpressions maps names to expressions evaluated after the cell.
	UserExpressions map[string]string
}

// ExecuteResult is the outcome of Execute.
type ExecuteResult struct {
	// Error is nil when the cell ran to the end.
	Error *Error
	// UserExpressions maps each requested name to its result in the
	// protocol's form: {"status": "ok", "data": MIMEBundle, "metadata": {}}
	// or {"status": "error", "ename": ..., "evalue": ..., "traceback": [...]}.
	UserExpressions map[string]any
	// Payload is the execute_reply payload list (deprecated by Jupyter but
	// still honoured by clients, e.g. "set_next_input"); usually empty.
	Payload []map[string]any
	// Metadata is added to the execute_reply's metadata, e.g. which tier
	// ran the cell ({"gilgo": {"tier": "compiled", "reason": "..."}}).
	Metadata map[string]any
	// Restart asks that the interpreter be replaced by a fresh one once
	// this reply is sent: the cell freed what it could in the process, but
	// something only a new process frees remains (e.g. %reset with compiled
	// plugins loaded, which Go cannot unload). worker.Client does it before
	// Execute returns; callers without a process to replace ignore it.
	Restart bool
}

// Error is a failed cell as Jupyter shows it.
type Error struct {
	Name      string   // ename: the Go type or kind of the failure
	Value     string   // evalue: its message
	Traceback []string // lines shown to the user, may hold ANSI colours
}

func (e *Error) Error() string {
	if e.Value == "" {
		return e.Name
	}
	return e.Name + ": " + e.Value
}

// The error names gilgo gives a failed cell besides the Go ones of the
// cell's own panics ("runtime.Error", "error", a type name).
const (
	// ErrSyntax names a cell that does not parse.
	ErrSyntax = "SyntaxError"
	// ErrCompile names a cell that does not compile.
	ErrCompile = "CompileError"
	// ErrUsage names a misused magic.
	ErrUsage = "UsageError"
	// ErrRecursion names a cell stopped at the recursion limit.
	ErrRecursion = "RecursionError"
	// ErrInterrupted names a cell stopped by Interrupt or ctx.
	ErrInterrupted = "Interrupted"
	// ErrInterpreter names a failure of the interpreter rather than of the
	// cell's code: a panic inside it, recovered at an API boundary (the
	// session, the worker, the kernel; see Recovered). The session and
	// its variables are kept.
	ErrInterpreter = "InterpreterError"
	// ErrInterpreterCrashed names a cell whose interpreter process died of
	// a fatal runtime error; a fresh session has replaced it.
	ErrInterpreterCrashed = "InterpreterCrashed"
	// ErrShutDown names a cell sent to an interpreter that was shut down.
	ErrShutDown = "ShutDown"
	// ErrInputTooLarge names a request (a cell, code to complete) larger
	// than the kernel or the interpreter accepts; it did not run, and the
	// session is kept.
	ErrInputTooLarge = "InputTooLarge"
)

// Recovered is the error of a cell during which the interpreter panicked
// with r, recovered at an API boundary: ErrInterpreter, with r as its
// value.
func Recovered(r any) *Error {
	v := fmt.Sprint(r)
	return &Error{Name: ErrInterpreter, Value: v, Traceback: []string{ErrInterpreter + ": " + v}}
}

// MIMEBundle maps a MIME type to its data: a string for text types and
// base64-encoded binary types, any JSON value for JSON types.
type MIMEBundle map[string]any

// Output receives what a running cell shows. Implementations are safe for
// concurrent use: goroutines a cell started write to it at any time, also
// after Execute has returned.
type Output interface {
	// Stream writes text to "stdout" or "stderr".
	Stream(name, text string)
	// Result shows the value of the cell's trailing expression
	// (execute_result).
	Result(data MIMEBundle, metadata map[string]any)
	// Display shows data (display_data). A non-empty displayID names the
	// output so that later calls with update set replace it
	// (update_display_data).
	Display(data MIMEBundle, metadata map[string]any, displayID string, update bool)
	// ClearOutput clears the cell's output, when the next output arrives if
	// wait is set.
	ClearOutput(wait bool)
	// Input asks the user for a line of text (input_request). It fails when
	// the request did not allow stdin or ctx ends first.
	Input(ctx context.Context, prompt string, password bool) (string, error)
}

// Completion answers a complete_request.
type Completion struct {
	Matches     []string
	CursorStart int
	CursorEnd   int
	// Types feeds _jupyter_types_experimental; may be empty.
	Types []CompletionType
}

// CompletionType describes one match.
type CompletionType struct {
	Start     int    `json:"start"`
	End       int    `json:"end"`
	Text      string `json:"text"`
	Type      string `json:"type"` // "function", "variable", "type", "package", "keyword", "field", "method", "constant", "module"
	Signature string `json:"signature,omitempty"`
}

// Inspection answers an inspect_request.
type Inspection struct {
	Found    bool
	Data     MIMEBundle
	Metadata map[string]any
}

// Completeness answers an is_complete_request.
type Completeness struct {
	Status string // "complete", "incomplete", "invalid" or "unknown"
	Indent string // for "incomplete": the indent of the next line
}
