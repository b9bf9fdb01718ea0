// Package modtest serves Go modules to tests without the network: a
// module proxy on localhost (go-internal's goproxytest) over the txtar
// archives of a testdata directory, and the environment that points the
// go command at it, with checksum-database lookups off and a module cache
// of the test's own.
package modtest

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/rogpeppe/go-internal/goproxytest"
)

// Start starts a proxy serving the archives in dir (path_version.txtar)
// and returns the environment of go commands that use it: this
// process's, with GOPROXY, GOSUMDB=off, GOMODCACHE (a temporary
// directory, writable so that it can be removed) and GOFLAGS replaced.
// stop ends the proxy and removes the module cache. A test binary
// starts one for all its tests (in TestMain): a package compiled from
// two module caches has two file paths, which plugin.Open takes for two
// versions.
func Start(dir string) (env []string, stop func(), err error) {
	srv, err := goproxytest.NewServer(dir, "")
	if err != nil {
		return nil, nil, fmt.Errorf("module proxy: %w", err)
	}
	cache, err := os.MkdirTemp("", "gilgo-modtest-")
	if err != nil {
		srv.Close()
		return nil, nil, fmt.Errorf("module cache: %w", err)
	}
	env = With(map[string]string{
		"GOPROXY":    srv.URL,
		"GOSUMDB":    "off",
		"GONOSUMDB":  "",
		"GOMODCACHE": filepath.Join(cache, "mod"),
		"GOFLAGS":    "-modcacherw",
	})
	return env, func() { srv.Close(); os.RemoveAll(cache) }, nil
}

// With returns this process's environment with the variables in set
// replaced.
func With(set map[string]string) []string { return Replace(os.Environ(), set) }

// Replace returns env with the variables in set replaced.
func Replace(env []string, set map[string]string) []string {
	var out []string
	for _, kv := range env {
		k, _, _ := strings.Cut(kv, "=")
		if _, ok := set[k]; !ok {
			out = append(out, kv)
		}
	}
	for k, v := range set {
		out = append(out, k+"="+v)
	}
	return out
}
