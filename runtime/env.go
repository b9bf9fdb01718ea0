package runtime

import "reflect"

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
