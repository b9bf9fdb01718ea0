package session

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"strconv"
	"sync"

	"github.com/gilgo/gilgo/engine"
)

// goid returns the id of the calling goroutine, parsed from its stack header
// ("goroutine 123 [running]:"). It costs about a microsecond.
func goid() uint64 {
	var buf [64]byte
	n := runtime.Stack(buf[:], false)
	b := bytes.TrimPrefix(buf[:n], []byte("goroutine "))
	if i := bytes.IndexByte(b, ' '); i > 0 {
		b = b[:i]
	}
	id, _ := strconv.ParseUint(string(b), 10, 64)
	return id
}

// owner is the cell a goroutine belongs to and where its output goes.
type owner struct {
	out  engine.Output
	cell int
}

// router attributes output to cells: a goroutine started by a cell (through
// the rewritten go statement) writes to that cell; any other goroutine writes
// to the current cell. Safe for concurrent use.
type router struct {
	mu      sync.RWMutex
	current owner
	byG     map[uint64]owner
	ended   int64 // spawned goroutines that have ended
}

func newRouter() *router { return &router{byG: make(map[uint64]owner)} }

func (r *router) setCurrent(o owner) {
	r.mu.Lock()
	r.current = o
	r.mu.Unlock()
}

// lookup returns the owner of the calling goroutine.
func (r *router) lookup() owner {
	r.mu.RLock()
	defer r.mu.RUnlock()
	if len(r.byG) > 0 {
		if o, ok := r.byG[goid()]; ok {
			return o
		}
	}
	return r.current
}

// spawnedCaller returns the calling goroutine's id if a cell started it.
// The id is looked up (runtime.Stack, costly on deep stacks) only while
// some spawned goroutine is alive.
func (r *router) spawnedCaller() (uint64, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	if len(r.byG) == 0 {
		return 0, false
	}
	id := goid()
	_, ok := r.byG[id]
	return id, ok
}

// owner returns goroutine id's registration.
func (r *router) owner(id uint64) (owner, bool) {
	r.mu.RLock()
	defer r.mu.RUnlock()
	o, ok := r.byG[id]
	return o, ok
}

// owns reports whether goroutine id is registered (a cell started it).
func (r *router) owns(id uint64) bool {
	r.mu.RLock()
	defer r.mu.RUnlock()
	_, ok := r.byG[id]
	return ok
}

func (r *router) register(id uint64, o owner) {
	r.mu.Lock()
	r.byG[id] = o
	r.mu.Unlock()
}

func (r *router) unregister(id uint64) {
	r.mu.Lock()
	delete(r.byG, id)
	r.ended++
	r.mu.Unlock()
}

// endedCount returns how many spawned goroutines have ended.
func (r *router) endedCount() int64 {
	r.mu.RLock()
	defer r.mu.RUnlock()
	return r.ended
}

// streamWriter is an io.Writer that sends what it gets to the stream name of
// the calling goroutine's cell.
type streamWriter struct {
	r    *router
	name string
}

func (w *streamWriter) Write(p []byte) (int, error) {
	if o := w.r.lookup(); o.out != nil {
		o.out.Stream(w.name, string(p))
	}
	return len(p), nil
}

// StdStream replaces os.Stdout and os.Stderr in cells: writes go to the
// calling goroutine's cell. It has the *os.File methods cells use to write.
type StdStream struct {
	w    io.Writer
	name string
	fd   uintptr
}

// Write writes p to the cell's stream.
func (s *StdStream) Write(p []byte) (int, error) { return s.w.Write(p) }

// WriteString writes str to the cell's stream.
func (s *StdStream) WriteString(str string) (int, error) { return s.w.Write([]byte(str)) }

// Name returns "/dev/stdout" or "/dev/stderr".
func (s *StdStream) Name() string { return s.name }

// Fd returns 1 or 2.
func (s *StdStream) Fd() uintptr { return s.fd }

// Sync does nothing: output is sent as it is written.
func (s *StdStream) Sync() error { return nil }

// Close does nothing: a cell cannot close the kernel's streams.
func (s *StdStream) Close() error { return nil }

// errStdinNotAllowed is returned by reads from os.Stdin when the request
// does not allow stdin.
var errStdinNotAllowed = errors.New("stdin is not allowed: the frontend does not support input requests")

// StdinReader replaces os.Stdin in cells: when its buffer is empty it asks
// the current cell's Output for a line (an input_request).
type StdinReader struct {
	s   *Session
	mu  sync.Mutex
	buf []byte
}

// Read fills p from the buffered line, asking the frontend for a new line
// when the buffer is empty.
func (r *StdinReader) Read(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if len(r.buf) == 0 {
		line, err := r.s.input("", false)
		if err != nil {
			return 0, err
		}
		r.buf = append(r.buf, line...)
		r.buf = append(r.buf, '\n')
	}
	n := copy(p, r.buf)
	r.buf = r.buf[n:]
	return n, nil
}

// Name returns "/dev/stdin".
func (r *StdinReader) Name() string { return "/dev/stdin" }

// Close does nothing.
func (r *StdinReader) Close() error { return nil }

func (r *StdinReader) reset() {
	r.mu.Lock()
	r.buf = nil
	r.mu.Unlock()
}

// input asks the current cell's frontend for a line.
func (s *Session) input(prompt string, password bool) (string, error) {
	s.cellMu.Lock()
	allow, ctx := s.allowStdin, s.cellCtx
	s.cellMu.Unlock()
	if !allow || ctx == nil {
		return "", errStdinNotAllowed
	}
	o := s.router.lookup()
	if o.out == nil {
		return "", errStdinNotAllowed
	}
	line, err := o.out.Input(ctx, prompt, password)
	if err != nil {
		return "", fmt.Errorf("read stdin: %w", err)
	}
	return line, nil
}

// CurrentOutput returns the engine.Output of the cell the calling goroutine
// belongs to (the running cell, or the cell that started the goroutine), or
// nil before the first cell. Cell packages such as display send to it.
// Safe for concurrent use.
func (s *Session) CurrentOutput() engine.Output { return s.router.lookup().out }

// CurrentCell returns the execution count of the cell the calling goroutine
// belongs to. Safe for concurrent use.
func (s *Session) CurrentCell() int { return s.router.lookup().cell }

// Input asks the frontend of the calling goroutine's cell for a line; it
// fails when the cell does not allow stdin. Safe for concurrent use.
func (s *Session) Input(ctx context.Context, prompt string, password bool) (string, error) {
	_ = ctx
	return s.input(prompt, password)
}
