package main

import (
	"flag"
	"fmt"
	"runtime"
	"runtime/debug"
)

// version is set at link time: go build -ldflags "-X main.version=v1.2.3".
// When empty, the module version from the build information is used.
var version string

// buildVersions describes the binary: gilgo's, Go's and yaegi's versions.
type buildVersions struct {
	Gilgo, Go, Yaegi, Platform string
}

func versions() buildVersions {
	v := buildVersions{
		Gilgo:    version,
		Go:       runtime.Version(),
		Yaegi:    "unknown",
		Platform: runtime.GOOS + "/" + runtime.GOARCH,
	}
	if info, ok := debug.ReadBuildInfo(); ok {
		if v.Gilgo == "" {
			v.Gilgo = info.Main.Version
			for _, s := range info.Settings {
				if s.Key == "vcs.revision" && len(s.Value) >= 12 {
					v.Gilgo += " " + s.Value[:12]
				}
			}
		}
		for _, d := range info.Deps {
			if d.Path == "github.com/traefik/yaegi" {
				v.Yaegi = d.Version
				if d.Replace != nil {
					v.Yaegi = d.Replace.Version + " (replaced)"
				}
			}
		}
	}
	if v.Gilgo == "" {
		v.Gilgo = "(devel)"
	}
	return v
}

// banner is the kernel_info banner.
func (v buildVersions) banner() string {
	return fmt.Sprintf("gilgo %s: Go %s interpreted by yaegi %s, goroutines under a GIL\n"+
		"Try: import \"fmt\"; fmt.Println(\"hello, world\")", v.Gilgo, v.Go, v.Yaegi)
}

func versionCommand() command {
	return command{
		name:     "version",
		synopsis: "",
		summary:  "print the versions of gilgo, Go and yaegi",
		setup: func(fs *flag.FlagSet) func(env, []string) int {
			return func(e env, args []string) int {
				if !noArgs(e, fs, args) {
					return exitUsage
				}
				v := versions()
				fmt.Fprintf(e.stdout, "gilgo %s\ngo %s %s\nyaegi %s\n", v.Gilgo, v.Go, v.Platform, v.Yaegi)
				return exitOK
			}
		},
	}
}
