package main

import (
	"bytes"
	"flag"
	"fmt"
	"image/png"
	"os"
	"path/filepath"

	"github.com/gilgo/gilgo/install/internal/logo"
)

func main() {
	if err := run(os.Args[1:]); err != nil {
		fmt.Fprintln(os.Stderr, "genlogo:", err)
		os.Exit(1)
	}
}

func run(args []string) error {
	fs := flag.NewFlagSet("genlogo", flag.ContinueOnError)
	out := fs.String("out", ".", "directory to write the logo files into")
	if err := fs.Parse(args); err != nil {
		return err
	}
	for _, size := range []int{32, 64} {
		var buf bytes.Buffer
		if err := png.Encode(&buf, logo.Render(size)); err != nil {
			return fmt.Errorf("encode %dx%d png: %w", size, size, err)
		}
		name := filepath.Join(*out, fmt.Sprintf("logo-%dx%d.png", size, size))
		if err := os.WriteFile(name, buf.Bytes(), 0o644); err != nil {
			return fmt.Errorf("write logo: %w", err)
		}
	}
	if err := os.WriteFile(filepath.Join(*out, "logo-svg.svg"), logo.SVG(), 0o644); err != nil {
		return fmt.Errorf("write logo: %w", err)
	}
	return nil
}
