package stdlib

import (
	"embed"
	"fmt"

	"github.com/traefik/yaegi/interp"
)

//go:embed gensrc/*.go.txt
var gensrc embed.FS

// Generic lists the packages that are interpreted from source, in the
// order Load compiles them (a package after the ones it imports).
var Generic = []string{"cmp", "iter", "slices", "maps", "unique"}

// Source returns the Go source that Load compiles for the generic package
// pkg (one of Generic).
func Source(pkg string) (string, error) {
	b, err := gensrc.ReadFile("gensrc/" + pkg + ".go.txt")
	if err != nil {
		return "", fmt.Errorf("generic source %s: %w", pkg, err)
	}
	return string(b), nil
}

// Load makes the Go 1.26 standard library importable in i: it calls
// i.Use(Symbols), which also compiles yaegi's own Go 1.22 generic sources,
// and then compiles the Go 1.26 versions of the packages in Generic over
// them (a later declaration of a function replaces the earlier one). Call
// it once per interpreter, before any cell runs; a second call fails.
// Load does not panic: a panic inside yaegi is returned as an error.
func Load(i *interp.Interpreter) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("load stdlib: yaegi panic: %v", r)
		}
	}()
	if err := i.Use(Symbols); err != nil {
		return fmt.Errorf("load stdlib: use symbols: %w", err)
	}
	for _, pkg := range Generic {
		src, err := Source(pkg)
		if err != nil {
			return fmt.Errorf("load stdlib: %w", err)
		}
		if _, err := i.Compile(src); err != nil {
			return fmt.Errorf("load stdlib: compile %s: %w", pkg, err)
		}
	}
	return nil
}
