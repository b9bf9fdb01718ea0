package multiprocessing

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"reflect"
	"runtime"
	"sync"
	"time"

	"github.com/gilgo/gilgo/session/cellast"
	"github.com/gilgo/gilgo/session/hook"
)

// ChildEnv is the environment variable set in the processes a pool
// starts; such a process refuses to start processes of its own, so a
// declaration like var r, _ = multiprocessing.Run(work, 1), which every
// child replays, cannot fork without end.
const ChildEnv = "GILGO_PROCPOOL_CHILD"

// MaxProcs bounds the processes of one pool.
const MaxProcs = 64

// errChild is returned when a child process tries to start processes.
var errChild = errors.New("a process started by a pool cannot start processes of its own")

// Options configure Procs.
type Options struct {
	// Host is the session whose cells call the pool (required): its
	// declarations are replayed in the children, its current cell gets
	// their output, its Interrupt stops calls.
	Host hook.Host
	// Command is the argv of a child: nil means {os.Executable(), "worker"}.
	Command []string
	// Logger receives diagnostics; nil discards them.
	Logger *slog.Logger
	// KillGrace is how long an interrupted child may take to stop its
	// call before it is killed; 0 means 1 s.
	KillGrace time.Duration
}

// Procs runs funcs of a session's cells in child worker processes, each
// with its own interpreter and GIL. One Procs serves one session; it is
// safe for concurrent use.
type Procs struct {
	opts  Options
	log   *slog.Logger
	id    identity
	child bool

	mu     sync.Mutex
	funcs  map[string]reflect.Value // registered top-level funcs
	pools  map[*poolState]struct{}
	closed bool

	sweep sync.Once // of stale reply directories, before a pool makes the first
}

// identityOnce probes yaegi's closure layout once per process; the result
// never changes.
var identityOnce = sync.OnceValue(probeIdentity)

// New returns a Procs for the session opts.Host.
func New(opts Options) *Procs {
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	if opts.KillGrace <= 0 {
		opts.KillGrace = time.Second
	}
	return &Procs{
		opts: opts, log: log, id: identityOnce(), child: os.Getenv(ChildEnv) != "",
		funcs: map[string]reflect.Value{}, pools: map[*poolState]struct{}{},
	}
}

// Package returns the cell package "multiprocessing" (NewPool, Pool, Run,
// Map, CPUCount, ProcessError, ErrInterrupted), with the pass that names
// the funcs of every cell so that cells can pass func values (Pass) and
// the helpers its generated code calls.
func (p *Procs) Package() hook.Package {
	return hook.Package{
		Path: "multiprocessing",
		Symbols: map[string]reflect.Value{
			"NewPool":        reflect.ValueOf(p.NewPool),
			"Pool":           reflect.ValueOf((*Pool)(nil)),
			"Run":            reflect.ValueOf(p.Run),
			"Map":            reflect.ValueOf(p.Map),
			"CPUCount":       reflect.ValueOf(p.CPUCount),
			"ProcessError":   reflect.ValueOf((*ProcessError)(nil)),
			"ErrInterrupted": reflect.ValueOf(&hook.ErrInterrupted).Elem(),
		},
		Docs:   docs(),
		Passes: []cellast.Pass{registerPass()},
		Helpers: hook.Exports{helperPath + "/procpool": {
			"R": reflect.ValueOf(func(name string, f any) bool { p.register(name, f); return true }),
			"Invoke": reflect.ValueOf(func(f any, args, outPath string) {
				if err := invoke(f, args, outPath); err != nil {
					panic(err)
				}
			}),
		}},
	}
}

// CPUCount is multiprocessing.cpu_count: the number of CPUs this process
// may use, the default size of a pool.
//
//	pool := multiprocessing.NewPool(multiprocessing.CPUCount())
func (p *Procs) CPUCount() int { return runtime.NumCPU() }

// NewPool returns a pool of n processes (n <= 0: one per CPU), started on
// first use. Close it when done (defer pool.Close()).
func (p *Procs) NewPool(n int) *Pool {
	if n <= 0 {
		n = runtime.NumCPU()
	}
	n = min(n, MaxProcs)
	st := &poolState{procs: p, idle: make(chan *proc, n)}
	for i := range n {
		st.all = append(st.all, &proc{pool: st, n: i + 1})
		st.idle <- st.all[i]
	}
	p.mu.Lock()
	closed := p.closed
	if !closed {
		p.pools[st] = struct{}{}
	}
	p.mu.Unlock()
	if closed {
		st.closed = true
	}
	pool := &Pool{s: st}
	// A pool a cell forgets to close ends with its last reference.
	runtime.AddCleanup(pool, func(st *poolState) { _ = st.close() }, st)
	return pool
}

// Run calls f(args...) once in a fresh process and returns its result
// (see Pool.Apply); the process ends with the call.
func (p *Procs) Run(f any, args ...any) (any, error) {
	pool := p.NewPool(1)
	defer pool.Close()
	return pool.Apply(f, args...)
}

// Map calls f(x) for every x of args in a fresh pool of
// min(len(args), CPUs) processes (see Pool.Map).
func (p *Procs) Map(f any, args []any) ([]any, error) {
	pool := p.NewPool(max(1, min(len(args), runtime.NumCPU())))
	defer pool.Close()
	return pool.Map(f, args)
}

// Close ends every process of every pool. Safe for concurrent use; the
// session should call it when it shuts down.
func (p *Procs) Close() error {
	p.mu.Lock()
	p.closed = true
	pools := make([]*poolState, 0, len(p.pools))
	for st := range p.pools {
		pools = append(pools, st)
	}
	p.mu.Unlock()
	var errs []error
	for _, st := range pools {
		errs = append(errs, st.close())
	}
	return errors.Join(errs...)
}

func (p *Procs) forget(st *poolState) {
	p.mu.Lock()
	delete(p.pools, st)
	p.mu.Unlock()
}

// command is the argv of a child.
func (p *Procs) command() ([]string, error) {
	if len(p.opts.Command) > 0 {
		return p.opts.Command, nil
	}
	exe, err := os.Executable()
	if err != nil {
		return nil, fmt.Errorf("find the gilgo executable: %w", err)
	}
	return []string{exe, "worker"}, nil
}
