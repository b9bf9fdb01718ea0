package modules

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strings"

	"github.com/gilgo/gilgo/internal/gocmd"
)

// listed is a package as go list -json describes it (the fields used).
type listed struct {
	ImportPath string
	Name       string
	Dir        string
	GoFiles    []string
	CgoFiles   []string
	Imports    []string
	Export     string
	Standard   bool
	Module     *listedModule
	Error      *struct{ Err string }
	DepsErrors []*struct{ Err string }
}

// listedModule is a package's module.
type listedModule struct {
	Path      string
	Version   string
	Dir       string
	GoVersion string
	Replace   *listedModule
}

// built is the module that is built: the replacement, if any.
func (m *listedModule) built() *listedModule {
	if m.Replace != nil {
		return m.Replace
	}
	return m
}

// version is the module's path@version as it is pinned, or path and its
// directory for a module replaced by a local one.
func (m *listedModule) version() string {
	if m == nil {
		return ""
	}
	r := m.built()
	if r.Version == "" {
		return m.Path + " => " + r.Dir
	}
	if r != m {
		return m.Path + "@" + m.Version + " => " + r.Path + "@" + r.Version
	}
	return m.Path + "@" + m.Version
}

// run runs the go command in dir with env added to the loader's base
// environment, returning its combined output.
func (l *Loader) run(ctx context.Context, dir string, env []string, args ...string) ([]byte, error) {
	cmd := exec.CommandContext(ctx, l.gobin(), args...)
	cmd.Dir = dir
	cmd.Env = append(l.baseEnv(), env...)
	gocmd.Group(cmd)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	l.log.Debug("go command", "dir", dir, "args", args)
	err := cmd.Run()
	if err != nil && ctx.Err() != nil {
		return out.Bytes(), ctx.Err()
	}
	if err != nil {
		return out.Bytes(), fmt.Errorf("go %s: %w", args[0], err)
	}
	return out.Bytes(), nil
}

// list runs go list -e -deps -json in the build workspace. Callers hold
// mu, after ensureWork.
func (l *Loader) list(ctx context.Context, export bool, paths ...string) (map[string]*listed, []string, error) {
	args := []string{"list", "-e", "-deps", "-json=ImportPath,Name,Dir,GoFiles,CgoFiles,Imports,Export,Standard,Module,Error,DepsErrors"}
	if export {
		args = append(args, "-export")
	}
	args = append(args, "--")
	args = append(args, paths...)
	cmd := exec.CommandContext(ctx, l.gobin(), args...)
	cmd.Dir = l.work
	cmd.Env = append(l.baseEnv(), l.workEnv()...)
	gocmd.Group(cmd)
	var stdout, stderr bytes.Buffer
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	l.log.Debug("go command", "dir", l.work, "args", args)
	if err := cmd.Run(); err != nil {
		if ctx.Err() != nil {
			return nil, nil, ctx.Err()
		}
		var ee *exec.ExitError
		if !errors.As(err, &ee) {
			return nil, nil, fmt.Errorf("go list: %w", err) // no go command
		}
		return nil, nil, &goError{op: "go list", out: strings.TrimSpace(stderr.String()), err: err}
	}
	pkgs := map[string]*listed{}
	var order []string
	dec := json.NewDecoder(&stdout)
	for {
		p := new(listed)
		if err := dec.Decode(p); errors.Is(err, io.EOF) {
			break
		} else if err != nil {
			return nil, nil, fmt.Errorf("decode go list output: %w", err)
		}
		pkgs[p.ImportPath] = p
		order = append(order, p.ImportPath)
	}
	return pkgs, order, nil
}

// goError is a go command that failed, with what it printed.
type goError struct {
	op  string
	out string
	err error
}

func (e *goError) Error() string {
	if e.out == "" {
		return fmt.Sprintf("%s: %v", e.op, e.err)
	}
	return fmt.Sprintf("%s: %s", e.op, e.out)
}

func (e *goError) Unwrap() error { return e.err }
