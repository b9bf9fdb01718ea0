package install

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"image/png"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/gilgo/gilgo/install/internal/logo"
)

var update = flag.Bool("update", false, "rewrite golden files in testdata")

func env(kv ...string) func(string) string {
	m := map[string]string{}
	for i := 0; i+1 < len(kv); i += 2 {
		m[kv[i]] = kv[i+1]
	}
	return func(k string) string { return m[k] }
}

func TestSpecDir(t *testing.T) {
	tests := []struct {
		name    string
		opts    Options
		want    string
		wantErr string
	}{
		{"user default", Options{Getenv: env(), HomeDir: "/home/ann"},
			"/home/ann/.local/share/jupyter/kernels/gilgo", ""},
		{"user XDG_DATA_HOME", Options{Getenv: env("XDG_DATA_HOME", "/xdg"), HomeDir: "/home/ann"},
			"/xdg/jupyter/kernels/gilgo", ""},
		{"user JUPYTER_DATA_DIR wins", Options{Getenv: env("JUPYTER_DATA_DIR", "/jd", "XDG_DATA_HOME", "/xdg"), HomeDir: "/h"},
			"/jd/kernels/gilgo", ""},
		{"user name", Options{Name: "go-1.26", Getenv: env(), HomeDir: "/h"},
			"/h/.local/share/jupyter/kernels/go-1.26", ""},
		{"sys-prefix", Options{Scope: ScopeSysPrefix, SysPrefix: "/usr"},
			"/usr/share/jupyter/kernels/gilgo", ""},
		{"prefix", Options{Scope: ScopePrefix, Prefix: "/opt/x"},
			"/opt/x/share/jupyter/kernels/gilgo", ""},
		{"prefix cleaned", Options{Scope: ScopePrefix, Prefix: "/opt/x/../y/"},
			"/opt/y/share/jupyter/kernels/gilgo", ""},
		{"empty prefix", Options{Scope: ScopePrefix}, "", "empty prefix"},
		{"bad scope", Options{Scope: Scope(9)}, "", "unknown scope Scope(9)"},
		{"name with slash", Options{Scope: ScopePrefix, Prefix: "/p", Name: "a/b"}, "", "invalid kernel name"},
		{"name dot-dot", Options{Scope: ScopePrefix, Prefix: "/p", Name: ".."}, "", "invalid kernel name"},
		{"name with space", Options{Scope: ScopePrefix, Prefix: "/p", Name: "go lang"}, "", "invalid kernel name"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := SpecDir(tt.opts)
			if tt.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tt.wantErr) {
					t.Fatalf("SpecDir() error = %v, want it to contain %q", err, tt.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatalf("SpecDir() error = %v", err)
			}
			if got != tt.want {
				t.Errorf("SpecDir() = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestPythonSysPrefixMissingPython(t *testing.T) {
	got, err := PythonSysPrefix(t.Context(), filepath.Join(t.TempDir(), "no-python"))
	if err != nil || got != "/usr/local" {
		t.Errorf("PythonSysPrefix(missing) = %q, %v, want /usr/local, nil", got, err)
	}
}

func TestPythonSysPrefix(t *testing.T) {
	const python = "/usr/bin/python3"
	if _, err := os.Stat(python); err != nil {
		t.Skip("no " + python)
	}
	got, err := PythonSysPrefix(t.Context(), python)
	if err != nil {
		t.Fatal(err)
	}
	if !filepath.IsAbs(got) {
		t.Errorf("PythonSysPrefix() = %q, want an absolute path", got)
	}
}

func TestNewSpecRejectsRelativeExecutable(t *testing.T) {
	for _, exe := range []string{"", "gilgo", "bin/gilgo"} {
		if _, err := NewSpec(Options{Executable: exe}); err == nil {
			t.Errorf("NewSpec(Executable: %q) error = nil, want an error", exe)
		}
	}
}

// TestKernelJSONGolden compares kernel.json with testdata/kernel.json.golden;
// run `go test ./install -update` to rewrite it after a deliberate change.
func TestKernelJSONGolden(t *testing.T) {
	spec, err := NewSpec(Options{Executable: "/opt/gilgo/bin/gilgo", KernelArgs: []string{"--log-level", "debug"}})
	if err != nil {
		t.Fatal(err)
	}
	got, err := spec.Marshal()
	if err != nil {
		t.Fatal(err)
	}
	golden := filepath.Join("testdata", "kernel.json.golden")
	if *update {
		if err := os.WriteFile(golden, got, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	want, err := os.ReadFile(golden)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got, want) {
		t.Errorf("kernel.json differs from %s (rerun with -update if intended)\ngot:\n%s\nwant:\n%s", golden, got, want)
	}
}

func TestInstallUninstall(t *testing.T) {
	prefix := t.TempDir()
	opts := Options{Scope: ScopePrefix, Prefix: prefix, Executable: "/opt/gilgo/bin/gilgo"}
	dir, err := Install(opts)
	if err != nil {
		t.Fatalf("Install() error = %v", err)
	}
	if want := filepath.Join(prefix, "share", "jupyter", "kernels", "gilgo"); dir != want {
		t.Errorf("Install() dir = %q, want %q", dir, want)
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, e := range entries {
		names = append(names, e.Name())
	}
	wantNames := []string{"kernel.json", "logo-32x32.png", "logo-64x64.png", "logo-svg.svg"}
	if !slices.Equal(names, wantNames) {
		t.Errorf("installed files = %v, want %v", names, wantNames)
	}

	var spec Spec
	b, err := os.ReadFile(filepath.Join(dir, "kernel.json"))
	if err != nil {
		t.Fatal(err)
	}
	if err := json.Unmarshal(b, &spec); err != nil {
		t.Fatalf("decode kernel.json: %v", err)
	}
	wantArgv := []string{"/opt/gilgo/bin/gilgo", "kernel", "-f", "{connection_file}"}
	if !slices.Equal(spec.Argv, wantArgv) || spec.Language != "go" || spec.InterruptMode != "message" ||
		spec.DisplayName != DefaultDisplayName {
		t.Errorf("kernel.json = %+v, want argv %v, language go, interrupt_mode message", spec, wantArgv)
	}

	// Installing again replaces the spec.
	opts.DisplayName = "Go 2"
	if _, err := Install(opts); err != nil {
		t.Fatalf("second Install() error = %v", err)
	}
	b, _ = os.ReadFile(filepath.Join(dir, "kernel.json"))
	if !bytes.Contains(b, []byte(`"Go 2"`)) {
		t.Errorf("reinstalled kernel.json = %s, want display name Go 2", b)
	}

	if _, err := Uninstall(opts); err != nil {
		t.Fatalf("Uninstall() error = %v", err)
	}
	if _, err := os.Stat(dir); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("after Uninstall, stat %s: %v, want not exist", dir, err)
	}
	if _, err := Uninstall(opts); !errors.Is(err, ErrNotInstalled) {
		t.Errorf("second Uninstall() error = %v, want ErrNotInstalled", err)
	}
}

func TestUninstallRefusesForeignDir(t *testing.T) {
	prefix := t.TempDir()
	opts := Options{Scope: ScopePrefix, Prefix: prefix}
	dir, _ := SpecDir(opts)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	keep := filepath.Join(dir, "precious.txt")
	if err := os.WriteFile(keep, []byte("x"), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := Uninstall(opts); !errors.Is(err, ErrNotInstalled) {
		t.Errorf("Uninstall() error = %v, want ErrNotInstalled", err)
	}
	if _, err := os.Stat(keep); err != nil {
		t.Errorf("Uninstall removed a directory without kernel.json: %v", err)
	}
}

// TestEmbeddedLogosUpToDate fails when the committed logos differ from what
// internal/logo draws; run `go generate ./install` to refresh them.
func TestEmbeddedLogosUpToDate(t *testing.T) {
	for _, size := range []int{32, 64} {
		name := fmt.Sprintf("logo/logo-%dx%d.png", size, size)
		b, err := logos.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		img, err := png.Decode(bytes.NewReader(b))
		if err != nil {
			t.Fatalf("decode %s: %v", name, err)
		}
		want := logo.Render(size)
		if img.Bounds() != want.Bounds() {
			t.Fatalf("%s bounds = %v, want %v", name, img.Bounds(), want.Bounds())
		}
		for y := 0; y < size; y++ {
			for x := 0; x < size; x++ {
				if g, w := img.At(x, y), want.At(x, y); !sameColor(g, w) {
					t.Fatalf("%s pixel (%d,%d) = %v, want %v (run go generate ./install)", name, x, y, g, w)
				}
			}
		}
	}
	svg, err := logos.ReadFile("logo/logo-svg.svg")
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(svg, logo.SVG()) {
		t.Error("logo/logo-svg.svg is stale (run go generate ./install)")
	}
}

func sameColor(a, b interface{ RGBA() (r, g, b, a uint32) }) bool {
	r1, g1, b1, a1 := a.RGBA()
	r2, g2, b2, a2 := b.RGBA()
	return r1 == r2 && g1 == g2 && b1 == b2 && a1 == a2
}

// TestJupyterFindsKernelspec asks the real Jupyter, when installed, to list
// a kernelspec installed under a temporary prefix.
func TestJupyterFindsKernelspec(t *testing.T) {
	const python = "/usr/bin/python3"
	if err := exec.Command(python, "-c", "import jupyter_client").Run(); err != nil {
		t.Skip("no jupyter_client for " + python)
	}
	prefix := t.TempDir()
	if _, err := Install(Options{Scope: ScopePrefix, Prefix: prefix, Executable: "/opt/gilgo/bin/gilgo"}); err != nil {
		t.Fatal(err)
	}
	// `python3 -m jupyter_client.kernelspecapp` is `jupyter kernelspec`,
	// also where Debian's jupyter-client tools package is missing.
	cmd := exec.CommandContext(t.Context(), python, "-m", "jupyter_client.kernelspecapp", "list", "--json")
	cmd.Env = append(os.Environ(), "JUPYTER_PATH="+filepath.Join(prefix, "share", "jupyter"))
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("jupyter kernelspec list: %v", err)
	}
	var list struct {
		Kernelspecs map[string]struct {
			ResourceDir string `json:"resource_dir"`
			Spec        Spec   `json:"spec"`
		} `json:"kernelspecs"`
	}
	if err := json.Unmarshal(out, &list); err != nil {
		t.Fatalf("decode kernelspec list: %v\n%s", err, out)
	}
	ks, ok := list.Kernelspecs["gilgo"]
	if !ok {
		t.Fatalf("jupyter kernelspec list has no gilgo: %s", out)
	}
	if ks.Spec.Language != "go" || ks.Spec.Argv[0] != "/opt/gilgo/bin/gilgo" {
		t.Errorf("jupyter sees spec %+v, want language go and argv[0] /opt/gilgo/bin/gilgo", ks.Spec)
	}
}
