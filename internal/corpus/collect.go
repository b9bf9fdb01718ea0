package main

import (
	"bufio"
	"bytes"
	"fmt"
	"go/build"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
)

// Program is one file of a corpus.
type Program struct {
	Corpus string // "goroot" or "idiomatic"
	Name   string // path relative to the corpus root, e.g. "fixedbugs/issue1234.go"
	Path   string
	Source string
}

// Skipped is a program left out of a corpus, with the reason.
type Skipped struct {
	Program
	Reason string
}

// collectGOROOT returns the `// run` programs of goroot/test that the
// corpus can run: a single file whose action line is exactly "// run"
// (no arguments, flags or other files), built for this platform, that
// imports no network, process or cgo package and opens no files.
func collectGOROOT(goroot string) ([]Program, []Skipped, error) {
	root := filepath.Join(goroot, "test")
	var progs []Program
	var skipped []Skipped
	err := filepath.WalkDir(root, func(path string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if path != root && (strings.HasSuffix(d.Name(), ".dir") || d.Name() == "testdata") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") {
			return nil
		}
		src, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if action(src) != "run" {
			return nil
		}
		rel, _ := filepath.Rel(root, path)
		p := Program{Corpus: "goroot", Name: filepath.ToSlash(rel), Path: path, Source: string(src)}
		if why := unrunnable(path, src); why != "" {
			skipped = append(skipped, Skipped{p, why})
			return nil
		}
		progs = append(progs, p)
		return nil
	})
	if err != nil {
		return nil, nil, fmt.Errorf("collect %s: %w", root, err)
	}
	return progs, skipped, nil
}

// action returns the test action of a GOROOT test file: the first line
// comment that is not a build constraint, without "// " ("run",
// "run arg1", "compile", ...).
func action(src []byte) string {
	sc := bufio.NewScanner(bytes.NewReader(src))
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "":
			continue
		case strings.HasPrefix(line, "//go:build"), strings.HasPrefix(line, "// +build"):
			continue
		case strings.HasPrefix(line, "//"):
			return strings.TrimSpace(strings.TrimPrefix(line, "//"))
		}
		return ""
	}
	return ""
}

// unsafeImports are packages whose programs need a network, other
// processes, cgo or files the corpus does not provide.
var unsafeImports = map[string]string{
	"C": "cgo", "os/exec": "runs processes", "net": "network", "net/http": "network",
	"plugin": "plugins", "syscall": "system calls", "os/signal": "signals", "flag": "arguments",
}

// fileFuncs are os functions that read or write files.
var fileFuncs = []string{"os.Open", "os.Create", "os.ReadFile", "os.WriteFile", "os.Remove", "os.Mkdir", "os.Args", "os.Stat", "os.Chdir"}

// unrunnable returns why a program cannot be in the corpus, or "".
func unrunnable(path string, src []byte) string {
	ctx := build.Default
	ctx.CgoEnabled = true
	if ok, err := ctx.MatchFile(filepath.Dir(path), filepath.Base(path)); err != nil || !ok {
		return "not built for " + ctx.GOOS + "/" + ctx.GOARCH
	}
	f, err := parser.ParseFile(token.NewFileSet(), path, src, parser.ImportsOnly)
	if err != nil {
		return "does not parse"
	}
	if f.Name.Name != "main" {
		return "not package main"
	}
	for _, imp := range f.Imports {
		p, _ := strconv.Unquote(imp.Path.Value)
		if why, ok := unsafeImports[p]; ok {
			return "imports " + p + " (" + why + ")"
		}
	}
	for _, fn := range fileFuncs {
		if bytes.Contains(src, []byte(fn)) {
			return "uses " + fn
		}
	}
	return ""
}

// collectDir returns the .go files of dir as the corpus named name.
func collectDir(name, dir string) ([]Program, error) {
	files, err := filepath.Glob(filepath.Join(dir, "*.go"))
	if err != nil {
		return nil, fmt.Errorf("collect %s: %w", dir, err)
	}
	sort.Strings(files)
	var progs []Program
	for _, f := range files {
		src, err := os.ReadFile(f)
		if err != nil {
			return nil, fmt.Errorf("collect %s: %w", dir, err)
		}
		progs = append(progs, Program{Corpus: name, Name: filepath.Base(f), Path: f, Source: string(src)})
	}
	return progs, nil
}
