package modules

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sort"
	"strings"

	"github.com/gilgo/gilgo/engine"
)

// Command implements hook.Modules: the line magic %go.
//
//	%go get MODULE[@VERSION] ...   add or change requirements of the go.mod in effect
//	%go mod                        print the go.mod in effect
//	%go list -m all                the go command's own list, in the module in effect
//	%go version                    the toolchain's version
//	%go loaded                     the packages this kernel loaded, with their module versions
//
// A package already loaded keeps its version until the kernel restarts;
// %go get says so.
func (l *Loader) Command(ctx context.Context, args string, out engine.Output) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	f := strings.Fields(args)
	if len(f) == 0 {
		return errors.New("%go needs a command: get, mod, list, version or loaded (see %help)")
	}
	if err := l.ensureModule(); err != nil {
		return err
	}
	switch f[0] {
	case "loaded":
		v := l.versionsLocked()
		var b strings.Builder
		for _, p := range sortedKeys(v) {
			fmt.Fprintf(&b, "%s %s\n", p, v[p])
		}
		out.Stream("stdout", b.String())
		return nil
	case "mod":
		if len(f) > 1 {
			return fmt.Errorf("%%go mod takes no arguments (it prints %s)", l.ModFile())
		}
		data, err := os.ReadFile(l.ModFile())
		if err != nil {
			return fmt.Errorf("%%go mod: %w", err)
		}
		text := "// " + l.ModFile() + "\n" + string(data)
		if !strings.HasSuffix(text, "\n") {
			text += "\n"
		}
		out.Stream("stdout", text)
		return nil
	case "get", "list", "version":
		pr := engine.StartProgress(out, "go "+strings.Join(f, " "))
		res, err := l.run(ctx, l.modDir, []string{"GOWORK=off"}, f...)
		pr.Finish("go " + strings.Join(f, " "))
		if len(res) > 0 {
			out.Stream("stdout", string(res))
		}
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			if f[0] == "get" {
				return l.classify(strings.Join(f[1:], " "), string(res))
			}
			return err
		}
		if f[0] == "get" {
			if note := l.staleNote(ctx); note != "" {
				out.Stream("stdout", note)
			}
		}
		return nil
	default:
		return fmt.Errorf("%%go %s: unknown command (%%go supports get, mod, list, version and loaded)", f[0])
	}
}

// staleNote names the loaded packages whose module version the go.mod in
// effect no longer selects.
func (l *Loader) staleNote(ctx context.Context) string {
	all := map[string]string{}
	for p, v := range l.loadedAt {
		all[p] = v
	}
	for p, v := range l.source {
		all[p] = v
	}
	if len(all) == 0 {
		return ""
	}
	pkgs, _, err := l.list(ctx, false, sortedKeys(all)...)
	if err != nil {
		return ""
	}
	var stale []string
	for p, v := range all {
		if lp := pkgs[p]; lp != nil && lp.Module.version() != v {
			stale = append(stale, fmt.Sprintf("%s (loaded from %s, now %s)", p, v, lp.Module.version()))
		}
	}
	if len(stale) == 0 {
		return ""
	}
	sort.Strings(stale)
	return "restart the kernel to use the new versions of: " + strings.Join(stale, ", ") + "\n"
}
