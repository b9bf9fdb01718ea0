package session

import (
	"context"
	"strings"

	"github.com/gilgo/gilgo/engine"
	"github.com/gilgo/gilgo/session/complete"
)

// Completion, inspection and is_complete are package complete's, over a
// snapshot of the session (scope.go).

var _ engine.Interpreter = (*Session)(nil)

// Names returns the top-level names declared by cells, with their kind
// ("type", "method", "func", "var", "const"), sorted. Safe to call only
// between Executes (like Complete).
func (s *Session) Names() map[string]string {
	s.execMu.Lock()
	defer s.execMu.Unlock()
	m := map[string]string{}
	for _, e := range s.st.decls.live() {
		for _, k := range e.keys {
			kind, name, _ := strings.Cut(k, " ")
			m[name] = kind
		}
	}
	return m
}

// Complete returns completions for code at byte offset cursor, through
// package complete: keywords, builtins, cell names, packages, members,
// fields and methods of globals. Not safe for concurrent use with Execute.
func (s *Session) Complete(ctx context.Context, code string, cursor int) (engine.Completion, error) {
	s.execMu.Lock()
	sc := s.scopeLocked()
	s.execMu.Unlock()
	return complete.Complete(code, cursor, sc), nil
}

// Inspect describes the name at byte offset cursor, with the doc comment
// of standard library names. Not safe for concurrent use with Execute.
func (s *Session) Inspect(ctx context.Context, code string, cursor, detail int) (engine.Inspection, error) {
	s.execMu.Lock()
	sc := s.scopeLocked()
	s.execMu.Unlock()
	return complete.Inspect(code, cursor, detail, sc), nil
}

// IsComplete tells whether code is ready to run. Safe for concurrent use.
func (s *Session) IsComplete(ctx context.Context, code string) (engine.Completeness, error) {
	return complete.IsComplete(code), nil
}
