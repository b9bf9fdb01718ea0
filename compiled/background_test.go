package compiled

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"

	"github.com/gilgo/gilgo/internal/needs"
)

// TestBackgroundBuild: the go build of a Background Compile runs at nice
// 19 when the process has one core (GOMAXPROCS 1), at the test's own
// priority with two, as does a Compile someone waits on. The go command is
// a script that writes its nice value into a file, then runs the real go;
// where 19 is expected it first waits (up to 5 s) for the lowering, which
// follows the start.
func TestBackgroundBuild(t *testing.T) {
	if testing.Short() {
		t.Skip("builds Go plugins")
	}
	if runtime.GOOS != "linux" {
		t.Skip("nice values: linux only")
	}
	needs.CompiledTier(t, Check())
	gobin, err := exec.LookPath("go")
	if err != nil {
		t.Skip("no go command")
	}
	nice := func(t *testing.T, background bool, procs int) string {
		defer runtime.GOMAXPROCS(runtime.GOMAXPROCS(procs))
		dir := t.TempDir()
		out := filepath.Join(dir, "nice")
		wait := ""
		if background && procs == 1 {
			wait = `i=0; while [ "$(nice_now)" != 19 ] && [ $i -lt 50 ]; do sleep 0.1; i=$((i+1)); done; `
		}
		script := "#!/bin/sh\n" +
			"nice_now() { cut -d' ' -f19 /proc/$$/stat; }\n" +
			"if [ \"$1\" = build ]; then " + wait + "nice_now > " + out + "; fi\n" +
			"exec " + gobin + " \"$@\"\n"
		if err := os.WriteFile(filepath.Join(dir, "go"), []byte(script), 0o755); err != nil {
			t.Fatal(err)
		}
		c, err := New(Options{GoBin: filepath.Join(dir, "go")})
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		ctx := context.Background()
		if background {
			ctx = Background(ctx)
		}
		if _, err := c.Compile(ctx, "func seven() int { return 7 }", 1, nil); err != nil {
			t.Fatal(err)
		}
		b, err := os.ReadFile(out)
		if err != nil {
			t.Fatal(err)
		}
		return strings.TrimSpace(string(b))
	}
	own, err := os.ReadFile("/proc/self/stat")
	if err != nil {
		t.Fatal(err)
	}
	s := string(own)
	ownNice := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])[16]
	if ownNice == "19" {
		t.Skip("the test already runs at the lowest priority")
	}
	for _, tt := range []struct {
		background bool
		procs      int
		want       string
	}{
		{true, 1, "19"},
		{true, 2, ownNice},
		{false, 1, ownNice},
	} {
		if got := nice(t, tt.background, tt.procs); got != tt.want {
			t.Errorf("background %v, GOMAXPROCS %d: nice %s, want %s", tt.background, tt.procs, got, tt.want)
		}
	}
}
