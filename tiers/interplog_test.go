package tiers

import (
	"bytes"
	"log"
	"log/slog"
	"strings"
	"testing"

	"github.com/traefik/yaegi/interp"
)

// TestInterpreterLog: yaegi's own log lines (it writes "nil type" before
// a compile panic of a construct it cannot type) go to the worker's log, not
// to the process's stderr, which is the running cell's; a line logged by
// other code still goes there.
func TestInterpreterLog(t *testing.T) {
	var cellErr, workerLog bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&workerLog, nil))
	prev := log.Writer()
	log.SetOutput(interpreterLog{log: logger, cell: &cellErr})
	defer log.SetOutput(prev)

	// Bare yaegi v0.16.1 cannot compile a comma-ok index in a package var
	// (a session runs it in a func instead): it logs "nil type" and
	// panics.
	it := interp.New(interp.Options{})
	func() {
		defer func() { _ = recover() }()
		_, _ = it.Eval("var m = map[string]string{\"a\": \"A\"}\nvar a, aok = m[\"a\"]")
	}()
	if !strings.Contains(workerLog.String(), "nil type") {
		t.Errorf("the worker's log has no line of yaegi's: %q", workerLog.String())
	}
	if cellErr.Len() != 0 {
		t.Errorf("yaegi's log reached the cell's stderr: %q", cellErr.String())
	}
	log.Print("from compiled code")
	if !strings.Contains(cellErr.String(), "from compiled code") {
		t.Errorf("a line of other code did not reach the cell's stderr: %q", cellErr.String())
	}
}
