package session

import (
	"fmt"
	"io"
	"reflect"
	"strings"
)

// Globals returns the package-level variables of the session's current
// interpreter (all cells), for cell packages such as sys.GetRefCount. It is
// meant to be called by code running in a cell: it does not take the
// session's execution lock, which that cell holds.
func (s *Session) Globals() map[string]reflect.Value {
	return s.it.Globals()
}

// Interrupted returns a channel that the next Interrupt closes, so that
// compiled helpers blocked on behalf of a cell (a deadlocked
// refcount.Transfer, say) can give up. Safe for concurrent use.
func (s *Session) Interrupted() <-chan struct{} {
	s.cellMu.Lock()
	defer s.cellMu.Unlock()
	return s.wake
}

// Declarations returns the session's imports and top-level declarations as
// compilable source, in the order cells made them (the source a fresh
// interpreter replays), so that another process can rebuild the session's
// functions (lib/multiprocessing). Like Globals, it is meant for code running
// in a cell and does not take the execution lock.
func (s *Session) Declarations() string {
	var b strings.Builder
	for _, imp := range s.st.importSr {
		fmt.Fprintf(&b, "import %s\n", imp)
	}
	for _, e := range s.st.decls.live() {
		b.WriteString(e.current())
		b.WriteByte('\n')
	}
	return b.String()
}

// Stdout and Stderr are the streams interpreted cells see as os.Stdout and
// os.Stderr: what is written goes to the running cell's output (or the
// cell that started the writing goroutine), in order with the cell's
// other output. Compiled code is given them (compiled/rt.SetOutput).
// Safe for concurrent use.
func (s *Session) Stdout() io.Writer { return s.osStdout }

// Stderr: see Stdout.
func (s *Session) Stderr() io.Writer { return s.osStderr }
