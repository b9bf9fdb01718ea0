package compiled

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"runtime/debug"
	"strings"
)

// modulePath is the module the worker and the plugins share.
const modulePath = "github.com/gilgo/gilgo"

// SrcEnv names the environment variable that points at the gilgo checkout
// the worker was built from, when the binary does not record it (built
// with -trimpath).
const SrcEnv = "GILGO_SRC"

// hostBuild is what a plugin build must copy from the running binary.
type hostBuild struct {
	goVersion string   // runtime.Version()
	flags     []string // go build flags: -trimpath, -race, -gcflags=..., -tags=...
	env       []string // GOOS=..., GOARCH=..., GOAMD64=...
	cgo       bool
	trimpath  bool
}

// readHost reads the build settings recorded in the running binary.
func readHost() (hostBuild, error) {
	h := hostBuild{goVersion: runtime.Version()}
	bi, ok := debug.ReadBuildInfo()
	if !ok {
		return h, errors.New("this worker has no build information (not built with go build)")
	}
	for _, s := range bi.Settings {
		switch s.Key {
		case "-trimpath", "-race", "-msan", "-asan":
			if s.Value == "true" {
				h.flags = append(h.flags, s.Key)
				if s.Key == "-trimpath" {
					h.trimpath = true
				}
			}
		case "-gcflags", "-asmflags", "-tags":
			if s.Value != "" {
				h.flags = append(h.flags, s.Key+"="+s.Value)
			}
		case "CGO_ENABLED":
			h.cgo = s.Value == "1"
		case "GOOS", "GOARCH", "GOAMD64", "GOARM", "GOARM64", "GO386", "GOPPC64", "GORISCV64", "GOEXPERIMENT":
			h.env = append(h.env, s.Key+"="+s.Value)
		}
	}
	return h, nil
}

// findModuleRoot returns the checkout the worker was built from: opt if
// set, else $GILGO_SRC, else the directory this file was compiled from
// (recorded in the binary unless it was built with -trimpath).
func findModuleRoot(opt string) (string, error) {
	root := opt
	if root == "" {
		root = os.Getenv(SrcEnv)
	}
	if root == "" {
		_, file, _, ok := runtime.Caller(0)
		if !ok || !filepath.IsAbs(file) {
			return "", fmt.Errorf("the gilgo source checkout is unknown (worker built with -trimpath?): set %s", SrcEnv)
		}
		root = filepath.Dir(filepath.Dir(file)) // compiled/host.go
	}
	data, err := os.ReadFile(filepath.Join(root, "go.mod"))
	if err != nil {
		return "", fmt.Errorf("the gilgo source checkout %s is gone: %w", root, err)
	}
	if !bytes.Contains(data, []byte("module "+modulePath+"\n")) {
		return "", fmt.Errorf("%s is not the gilgo checkout (go.mod does not declare %s)", root, modulePath)
	}
	return root, nil
}

// checkToolchain verifies that gobin is the toolchain the worker was built
// with and that cgo can link.
func checkToolchain(gobin string, h hostBuild) error {
	if gobin == "" {
		p, err := exec.LookPath("go")
		if err != nil {
			return errors.New("no Go toolchain found (go is not on PATH)")
		}
		gobin = p
	}
	out, err := exec.Command(gobin, "env", "GOVERSION", "CC").Output()
	if err != nil {
		return fmt.Errorf("no Go toolchain found (%s: %v)", gobin, err)
	}
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	if len(lines) < 2 {
		return fmt.Errorf("no Go toolchain found (%s env: unexpected output %q)", gobin, out)
	}
	if v := strings.TrimSpace(lines[0]); v != h.goVersion {
		return fmt.Errorf("the Go toolchain is %s but this worker was built with %s", v, h.goVersion)
	}
	cc := strings.Fields(lines[1])
	if len(cc) == 0 {
		return errors.New("cgo is not available (no C compiler configured)")
	}
	if _, err := exec.LookPath(cc[0]); err != nil {
		return fmt.Errorf("cgo is not available (C compiler %s not found)", cc[0])
	}
	return nil
}
