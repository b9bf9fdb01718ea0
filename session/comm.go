package session

import (
	"context"
	"sync"

	"github.com/gilgo/gilgo/engine"
	"github.com/gilgo/gilgo/session/hook"
)

// comms are the session's comm targets and open comms.
type comms struct {
	mu      sync.Mutex
	targets map[string]func(engine.Comm, engine.Output) error
	open    map[string]string // comm id → target
}

var (
	_ engine.Comms  = (*Session)(nil)
	_ hook.CommHost = (*Session)(nil)
)

// RegisterCommTarget implements hook.CommHost.
func (s *Session) RegisterCommTarget(target string, h func(engine.Comm, engine.Output) error) {
	s.comms.mu.Lock()
	defer s.comms.mu.Unlock()
	if s.comms.targets == nil {
		s.comms.targets = map[string]func(engine.Comm, engine.Output) error{}
		s.comms.open = map[string]string{}
	}
	s.comms.targets[target] = h
}

// CommOutput implements hook.CommHost.
func (s *Session) CommOutput() engine.CommOutput {
	co, _ := s.router.lookup().out.(engine.CommOutput)
	return co
}

// SendComm implements hook.CommHost.
func (s *Session) SendComm(out engine.CommOutput, c engine.Comm) {
	s.comms.mu.Lock()
	switch c.Type {
	case engine.CommOpen:
		if s.comms.open == nil {
			s.comms.open = map[string]string{}
		}
		s.comms.open[c.ID] = c.Target
	case engine.CommClose:
		delete(s.comms.open, c.ID)
	}
	s.comms.mu.Unlock()
	out.Comm(c)
}

// HandleComm implements engine.Comms: a comm_open to a registered target
// opens the comm; a comm_msg or comm_close of an open comm reaches its
// target's handler; others are dropped (a comm_open: ErrNoCommTarget).
func (s *Session) HandleComm(_ context.Context, c engine.Comm, out engine.Output) error {
	s.comms.mu.Lock()
	target := c.Target
	if c.Type != engine.CommOpen {
		target = s.comms.open[c.ID]
	}
	h := s.comms.targets[target]
	if h != nil {
		switch c.Type {
		case engine.CommOpen:
			s.comms.open[c.ID] = target
		case engine.CommClose:
			delete(s.comms.open, c.ID)
		}
	}
	s.comms.mu.Unlock()
	if h == nil {
		if c.Type == engine.CommOpen {
			return engine.ErrNoCommTarget
		}
		return nil
	}
	return h(c, out)
}

// CommInfo implements engine.Comms.
func (s *Session) CommInfo(_ context.Context, target string) (map[string]string, error) {
	s.comms.mu.Lock()
	defer s.comms.mu.Unlock()
	res := map[string]string{}
	for id, t := range s.comms.open {
		if target == "" || t == target {
			res[id] = t
		}
	}
	return res, nil
}

// RunCallback implements hook.CommHost.
func (s *Session) RunCallback(out engine.Output, f func()) {
	s.adopted(owner{out: out, cell: s.router.lookup().cell}, f)
}

// Redirect implements hook.CommHost.
func (s *Session) Redirect(out engine.Output, f func()) {
	id := goid()
	prev, had := s.router.owner(id)
	s.router.register(id, owner{out: out, cell: s.router.lookup().cell})
	defer func() {
		if had {
			s.router.register(id, prev)
		} else {
			s.router.unregister(id)
		}
	}()
	f()
}

// adopted runs f on the calling goroutine, one the session did not start,
// as a thread of o's cell under the GIL, its output to o; a panic is
// reported as a goroutine's, an interrupt ends f quietly.
func (s *Session) adopted(o owner, f func()) {
	id := goid()
	s.router.register(id, o)
	defer s.router.unregister(id)
	defer func() {
		if r := recover(); r != nil && !isInterrupt(r) {
			s.reportGoroutinePanic(o, s.spawned.Add(1), id, r)
		}
	}()
	if s.opts.Scheduler == nil {
		f()
		return
	}
	s.opts.Scheduler.Adopt(o.cell, f)
}
