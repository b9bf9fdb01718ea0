package modules

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"runtime"
	"strings"
)

// Error is an import that failed, with its cause and the fix, in words a
// notebook user acts on.
type Error struct {
	Path   string // the import path
	Cause  string
	Fix    string
	Detail string // the go command's own words, when they add something
}

func (e *Error) Error() string {
	s := fmt.Sprintf("cannot import %q: %s", e.Path, e.Cause)
	if e.Fix != "" {
		s += "\nfix: " + e.Fix
	}
	if e.Detail != "" {
		s += "\n" + e.Detail
	}
	return s
}

// classify turns what a go command said about path into an Error naming
// the cause: a network that is down, an unknown module or package, a
// checksum mismatch, cgo without a C compiler, a newer Go.
func (l *Loader) classify(path, out string) error {
	out = strings.TrimSpace(out)
	detail := lastLines(out, 6)
	proxy := l.getenv("GOPROXY")
	if proxy == "" {
		proxy = "the default"
	}
	e := &Error{Path: path, Detail: detail}
	switch {
	case containsAny(out, "SECURITY ERROR", "checksum mismatch", "verifying module", "verifying go.mod"):
		e.Cause = "a downloaded module does not match its checksum in go.sum or the checksum database"
		e.Fix = "if you changed the module on purpose, remove its lines from " + l.goSum() + "; otherwise the proxy served a corrupt or altered module: check GOPROXY, GONOSUMDB and GOPRIVATE"
	case containsAny(out, "dial tcp", "no such host", "connection refused", "network is unreachable", "i/o timeout", "TLS handshake timeout", "server misbehaving"):
		e.Cause = "the module proxy cannot be reached (GOPROXY " + proxy + ")"
		e.Fix = "connect to the network, or point GOPROXY at a reachable proxy; modules already in the module cache import offline with GOFLAGS=-mod=mod GOPROXY=off"
	case containsAny(out, "cgo", "C compiler", "exec: \"gcc\"", "C source files not allowed"):
		e.Cause = "it needs cgo (C code), and building it failed"
		e.Fix = "install a C compiler (gcc) and keep CGO_ENABLED=1, or use a pure-Go package"
	case containsAny(out, "requires go >=", "requires newer Go", "toolchain not available"):
		e.Cause = "it needs a newer Go than this kernel's"
		e.Fix = "pick an older version with %go get " + path + "@VERSION, or rebuild gilgo with a newer Go"
	case containsAny(out, "no matching versions", "unknown revision", "invalid version", "404 Not Found", "410 Gone", "not found", "unrecognized import path", "does not contain package", "no required module provides", "cannot find module", "malformed module path", "is not in std", "no Go files"):
		e.Cause = "no module provides this package (looked up through GOPROXY " + proxy + ")"
		e.Fix = "check the import path and the version; %go mod shows the requirements in effect"
	case strings.Contains(out, "missing go.sum entry"):
		e.Cause = "go.sum has no checksum for a module it needs"
		e.Fix = "run %go get " + path + " (or go mod tidy in " + l.modDir + ")"
	default:
		e.Cause = "the go command failed"
		e.Fix = "read its words below; %go mod shows the requirements in effect"
	}
	return e
}

// wrapErr makes an Error of a failed go list (a go.mod that does not
// parse, a go.work refused...).
func (l *Loader) wrapErr(path string, err error) error {
	var ge *goError
	if errors.As(err, &ge) {
		return l.classify(path, ge.out)
	}
	if errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded) {
		return err
	}
	if errors.Is(err, fs.ErrNotExist) || errors.Is(err, exec.ErrNotFound) {
		return &Error{Path: path, Cause: "no Go toolchain found (" + l.gobin() + ")",
			Fix: "install Go " + runtime.Version() + " (the kernel's), put go on PATH and restart the kernel"}
	}
	return &Error{Path: path, Cause: err.Error(), Fix: "is the Go toolchain (" + l.gobin() + ") installed and on PATH?"}
}

func (l *Loader) goSum() string { return strings.TrimSuffix(l.ModFile(), ".mod") + ".sum" }

// getenv reads a variable of the go commands' environment.
func (l *Loader) getenv(k string) string {
	env := l.opts.Env
	if env == nil {
		return os.Getenv(k)
	}
	for i := len(env) - 1; i >= 0; i-- {
		if v, ok := strings.CutPrefix(env[i], k+"="); ok {
			return v
		}
	}
	return ""
}

func containsAny(s string, subs ...string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}

// lastLines returns at most n last lines of s.
func lastLines(s string, n int) string {
	lines := strings.Split(s, "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
