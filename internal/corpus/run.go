package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/gilgo/gilgo/engine"
	"github.com/gilgo/gilgo/worker"
)

// Outcome is what running a program showed.
type Outcome struct {
	Stdout, Stderr string
	// Exit is the exit status of `go run` (-1: it did not finish); for
	// gilgo, 0 when the cell ran without an error, else 1.
	Exit    int
	Error   *engine.Error `json:",omitempty"` // gilgo: the cell's error
	Timeout bool          `json:",omitempty"`
	// Nondeterministic marks a `go run` whose two runs differed.
	Nondeterministic bool   `json:",omitempty"`
	Build            string `json:",omitempty"` // go build's error output
}

// runner runs programs with the Go toolchain and with gilgo.
type runner struct {
	gobin    string
	gilgo    string
	cache    string // directory of cached go outcomes; "" disables the cache
	timeout  time.Duration
	goVer    string
	work     string // scratch directory
	mu       sync.Mutex
	builtNum int
	// fragments runs programs as cell statements (see fragments).
	fragments bool
}

func newRunner(gobin, gilgo, cache string, timeout time.Duration) (*runner, error) {
	gilgo, err := filepath.Abs(gilgo)
	if err != nil {
		return nil, fmt.Errorf("gilgo: %w", err)
	}
	out, err := exec.Command(gobin, "version").Output()
	if err != nil {
		return nil, fmt.Errorf("go version: %w", err)
	}
	work, err := os.MkdirTemp("", "gilgo-corpus-")
	if err != nil {
		return nil, fmt.Errorf("scratch directory: %w", err)
	}
	if cache != "" {
		if err := os.MkdirAll(cache, 0o755); err != nil {
			return nil, fmt.Errorf("cache: %w", err)
		}
	}
	return &runner{gobin: gobin, gilgo: gilgo, cache: cache, timeout: timeout,
		goVer: strings.TrimSpace(string(out)), work: work}, nil
}

func (r *runner) close() error { return os.RemoveAll(r.work) }

// expected runs p with the Go toolchain: built once, run twice to tell a
// deterministic program. Outcomes are cached by source and Go version.
func (r *runner) expected(ctx context.Context, p Program) (Outcome, error) {
	sum := sha256.Sum256([]byte(r.goVer + "\x00" + p.Source))
	key := filepath.Join(r.cache, hex.EncodeToString(sum[:12])+".json")
	if r.cache != "" {
		if data, err := os.ReadFile(key); err == nil {
			var o Outcome
			if json.Unmarshal(data, &o) == nil {
				return o, nil
			}
		}
	}
	o, err := r.runGo(ctx, p)
	if err != nil {
		return o, err
	}
	if r.cache != "" {
		data, _ := json.Marshal(o)
		if err := os.WriteFile(key, data, 0o644); err != nil {
			return o, fmt.Errorf("cache: %w", err)
		}
	}
	return o, nil
}

func (r *runner) runGo(ctx context.Context, p Program) (Outcome, error) {
	r.mu.Lock()
	r.builtNum++
	dir := filepath.Join(r.work, fmt.Sprintf("b%d", r.builtNum))
	r.mu.Unlock()
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return Outcome{}, err
	}
	defer os.RemoveAll(dir)
	src := filepath.Join(dir, "main.go")
	if err := os.WriteFile(src, []byte(p.Source), 0o644); err != nil {
		return Outcome{}, err
	}
	bin := filepath.Join(dir, "prog")
	build := exec.CommandContext(ctx, r.gobin, "build", "-o", bin, src)
	build.Dir = dir
	build.Env = append(os.Environ(), "GO111MODULE=off", "GOFLAGS=")
	if out, err := build.CombinedOutput(); err != nil {
		return Outcome{Exit: -1, Build: string(out)}, nil
	}
	first := r.runBinary(ctx, bin, dir)
	if first.Timeout {
		return first, nil
	}
	second := r.runBinary(ctx, bin, dir)
	first.Nondeterministic = first.Stdout != second.Stdout || first.Stderr != second.Stderr || first.Exit != second.Exit
	return first, nil
}

func (r *runner) runBinary(ctx context.Context, bin, dir string) Outcome {
	ctx, cancel := context.WithTimeout(ctx, r.timeout)
	defer cancel()
	cmd := exec.CommandContext(ctx, bin)
	cmd.Dir = dir
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	err := cmd.Run()
	o := Outcome{Stdout: stdout.String(), Stderr: stderr.String()}
	var ee *exec.ExitError
	switch {
	case ctx.Err() != nil:
		o.Exit, o.Timeout = -1, true
	case errors.As(err, &ee):
		o.Exit = ee.ExitCode()
	case err != nil:
		o.Exit = -1
	}
	return o
}

// gilgoRun runs src as one cell in a fresh gilgo worker.
func (r *runner) gilgoRun(ctx context.Context, src string) (Outcome, error) {
	c, err := worker.Start(ctx, worker.Options{Command: []string{r.gilgo, "worker"}, Dir: r.work})
	if err != nil {
		return Outcome{}, fmt.Errorf("start a worker: %w", err)
	}
	defer func() {
		sctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = c.Shutdown(sctx, false)
	}()
	out := &streams{}
	cctx, cancel := context.WithTimeout(ctx, r.timeout)
	defer cancel()
	done := make(chan engine.ExecuteResult, 1)
	go func() { done <- c.Execute(cctx, engine.ExecuteRequest{Code: src, ExecutionCount: 1}, out) }()
	var res engine.ExecuteResult
	select {
	case res = <-done:
	case <-time.After(r.timeout + hardStop):
		// Interrupted and still running (compiled code between check
		// points, say): the deferred Shutdown kills the worker.
		res = engine.ExecuteResult{Error: &engine.Error{Name: engine.ErrInterrupted, Value: "the cell did not stop when interrupted"}}
	}
	o := Outcome{Stdout: out.text("stdout"), Stderr: out.text("stderr"), Error: res.Error}
	if res.Error != nil {
		o.Exit = 1
		o.Timeout = cctx.Err() != nil && ctx.Err() == nil
	}
	return o, nil
}

// hardStop is how long after its time limit an interrupted cell may take
// to stop before its worker is killed.
const hardStop = 15 * time.Second

// streams records a cell's stdout and stderr.
type streams struct {
	mu             sync.Mutex
	stdout, stderr strings.Builder
}

func (s *streams) text(name string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if name == "stderr" {
		return s.stderr.String()
	}
	return s.stdout.String()
}

func (s *streams) Stream(name, text string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if name == "stderr" {
		s.stderr.WriteString(text)
		return
	}
	s.stdout.WriteString(text)
}
func (s *streams) Result(engine.MIMEBundle, map[string]any)                {}
func (s *streams) Display(engine.MIMEBundle, map[string]any, string, bool) {}
func (s *streams) ClearOutput(bool)                                        {}
func (s *streams) Input(context.Context, string, bool) (string, error) {
	return "", errors.New("the corpus gives no stdin")
}
