package install

import (
	"bytes"
	"context"
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"time"
)

//go:generate go run ./internal/genlogo -out logo

//go:embed logo/logo-32x32.png logo/logo-64x64.png logo/logo-svg.svg
var logos embed.FS

// Default names of the kernelspec.
const (
	DefaultName        = "gilgo"
	DefaultDisplayName = "Go (gilgo)"
)

// Scope says which Jupyter data directory a kernelspec belongs to.
type Scope int

const (
	// ScopeUser is the user's Jupyter data directory.
	ScopeUser Scope = iota
	// ScopeSysPrefix is sys.prefix/share/jupyter of the Python running Jupyter.
	ScopeSysPrefix
	// ScopePrefix is Options.Prefix/share/jupyter.
	ScopePrefix
)

func (s Scope) String() string {
	switch s {
	case ScopeUser:
		return "user"
	case ScopeSysPrefix:
		return "sys-prefix"
	case ScopePrefix:
		return "prefix"
	}
	return fmt.Sprintf("Scope(%d)", int(s))
}

// Options says where a kernelspec goes and what it runs.
type Options struct {
	Scope Scope
	// Prefix is the installation prefix for ScopePrefix; relative paths are
	// made absolute.
	Prefix string
	// Name is the kernelspec's directory name (default DefaultName). It may
	// hold only letters, digits, '.', '_' and '-', as Jupyter requires.
	Name string
	// DisplayName is shown in the Jupyter launcher (default DefaultDisplayName).
	DisplayName string
	// Executable is the absolute path of the gilgo binary written into
	// argv; Install fails when it is empty or relative.
	Executable string
	// KernelArgs are extra arguments after `kernel -f {connection_file}`,
	// e.g. "--log-level", "debug".
	KernelArgs []string

	// Getenv reads the environment (default os.Getenv); tests replace it.
	Getenv func(string) string
	// HomeDir is the user's home directory (default os.UserHomeDir).
	HomeDir string
	// SysPrefix overrides sys.prefix for ScopeSysPrefix (default: ask
	// /usr/bin/python3, see PythonSysPrefix).
	SysPrefix string
}

// Spec is the content of kernel.json.
type Spec struct {
	Argv          []string          `json:"argv"`
	DisplayName   string            `json:"display_name"`
	Language      string            `json:"language"`
	InterruptMode string            `json:"interrupt_mode"`
	Env           map[string]string `json:"env,omitempty"`
	Metadata      map[string]any    `json:"metadata,omitempty"`
}

var validName = regexp.MustCompile(`^[A-Za-z0-9._-]+$`)

func (o Options) name() (string, error) {
	name := o.Name
	if name == "" {
		name = DefaultName
	}
	if !validName.MatchString(name) || name == "." || name == ".." {
		return "", fmt.Errorf("invalid kernel name %q: use only letters, digits, '.', '_' and '-'", name)
	}
	return name, nil
}

func (o Options) getenv(key string) string {
	if o.Getenv != nil {
		return o.Getenv(key)
	}
	return os.Getenv(key)
}

// DataDir returns the Jupyter data directory (the one holding kernels/) for
// the options' scope.
func DataDir(o Options) (string, error) {
	switch o.Scope {
	case ScopeUser:
		if d := o.getenv("JUPYTER_DATA_DIR"); d != "" {
			return filepath.Abs(d)
		}
		if d := o.getenv("XDG_DATA_HOME"); d != "" {
			return filepath.Join(d, "jupyter"), nil
		}
		home := o.HomeDir
		if home == "" {
			h, err := os.UserHomeDir()
			if err != nil {
				return "", fmt.Errorf("user data dir: %w", err)
			}
			home = h
		}
		return filepath.Join(home, ".local", "share", "jupyter"), nil
	case ScopeSysPrefix:
		prefix := o.SysPrefix
		if prefix == "" {
			p, err := PythonSysPrefix(context.Background(), "/usr/bin/python3")
			if err != nil {
				return "", fmt.Errorf("sys-prefix data dir: %w", err)
			}
			prefix = p
		}
		return filepath.Join(prefix, "share", "jupyter"), nil
	case ScopePrefix:
		if o.Prefix == "" {
			return "", errors.New("prefix data dir: empty prefix")
		}
		p, err := filepath.Abs(o.Prefix)
		if err != nil {
			return "", fmt.Errorf("prefix data dir: %w", err)
		}
		return filepath.Join(p, "share", "jupyter"), nil
	}
	return "", fmt.Errorf("data dir: unknown scope %v", o.Scope)
}

// SpecDir returns the kernelspec directory, DataDir/kernels/NAME.
func SpecDir(o Options) (string, error) {
	name, err := o.name()
	if err != nil {
		return "", err
	}
	data, err := DataDir(o)
	if err != nil {
		return "", err
	}
	return filepath.Join(data, "kernels", name), nil
}

// PythonSysPrefix asks python for its sys.prefix. When python does not
// exist it returns "/usr/local", where Jupyter installed by pip looks.
func PythonSysPrefix(ctx context.Context, python string) (string, error) {
	if _, err := os.Stat(python); errors.Is(err, fs.ErrNotExist) {
		return "/usr/local", nil
	}
	ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
	defer cancel()
	var stderr bytes.Buffer
	cmd := exec.CommandContext(ctx, python, "-c", "import sys; print(sys.prefix)")
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("ask %s for sys.prefix: %w: %s", python, err, strings.TrimSpace(stderr.String()))
	}
	prefix := strings.TrimSpace(string(out))
	if !filepath.IsAbs(prefix) {
		return "", fmt.Errorf("ask %s for sys.prefix: got %q, want an absolute path", python, prefix)
	}
	return prefix, nil
}

// NewSpec returns the kernel.json content for the options.
func NewSpec(o Options) (Spec, error) {
	if o.Executable == "" || !filepath.IsAbs(o.Executable) {
		return Spec{}, fmt.Errorf("kernelspec: executable %q is not an absolute path", o.Executable)
	}
	display := o.DisplayName
	if display == "" {
		display = DefaultDisplayName
	}
	argv := append([]string{o.Executable, "kernel", "-f", "{connection_file}"}, o.KernelArgs...)
	return Spec{
		Argv:          argv,
		DisplayName:   display,
		Language:      "go",
		InterruptMode: "message",
		Metadata:      map[string]any{"debugger": true},
	}, nil
}

// Marshal returns kernel.json's bytes: indented JSON and a final newline.
func (s Spec) Marshal() ([]byte, error) {
	b, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return nil, fmt.Errorf("encode kernel.json: %w", err)
	}
	return append(b, '\n'), nil
}

// Files returns the kernelspec's files, name to content: kernel.json and the
// logos.
func Files(o Options) (map[string][]byte, error) {
	spec, err := NewSpec(o)
	if err != nil {
		return nil, err
	}
	kj, err := spec.Marshal()
	if err != nil {
		return nil, err
	}
	files := map[string][]byte{"kernel.json": kj}
	entries, err := logos.ReadDir("logo")
	if err != nil {
		return nil, fmt.Errorf("read embedded logos: %w", err)
	}
	for _, e := range entries {
		b, err := logos.ReadFile("logo/" + e.Name())
		if err != nil {
			return nil, fmt.Errorf("read embedded logo: %w", err)
		}
		files[e.Name()] = b
	}
	return files, nil
}

// Install writes the kernelspec and returns its directory. An existing
// kernelspec of the same name in the same place is replaced.
func Install(o Options) (dir string, err error) {
	dir, err = SpecDir(o)
	if err != nil {
		return "", err
	}
	files, err := Files(o)
	if err != nil {
		return "", err
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("install kernelspec: %w", err)
	}
	for name, content := range files {
		if err := writeFile(filepath.Join(dir, name), content); err != nil {
			return "", fmt.Errorf("install kernelspec: %w", err)
		}
	}
	return dir, nil
}

// writeFile writes through a temporary file and a rename, so that Jupyter
// never reads half a kernel.json.
func writeFile(path string, content []byte) error {
	tmp, err := os.CreateTemp(filepath.Dir(path), "."+filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // no-op after the rename
	if _, err := tmp.Write(content); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Chmod(0o644); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	return os.Rename(tmp.Name(), path)
}

// ErrNotInstalled is returned (wrapped) by Uninstall when there is no
// kernelspec to remove.
var ErrNotInstalled = errors.New("kernelspec not installed")

// Uninstall removes the kernelspec directory and returns it. It refuses to
// remove a directory that does not hold a kernel.json.
func Uninstall(o Options) (dir string, err error) {
	dir, err = SpecDir(o)
	if err != nil {
		return "", err
	}
	if _, err := os.Stat(filepath.Join(dir, "kernel.json")); err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return dir, fmt.Errorf("uninstall %s: %w", dir, ErrNotInstalled)
		}
		return dir, fmt.Errorf("uninstall: %w", err)
	}
	if err := os.RemoveAll(dir); err != nil {
		return dir, fmt.Errorf("uninstall: %w", err)
	}
	return dir, nil
}

// Name returns the kernelspec name the options use (DefaultName when
// empty); it does not validate it.
func Name(o Options) string {
	if o.Name == "" {
		return DefaultName
	}
	return o.Name
}
