package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
)

// Exit statuses.
const (
	exitOK    = 0
	exitFail  = 1
	exitUsage = 2
)

// env is what a subcommand may touch besides the file system.
type env struct {
	ctx    context.Context
	stdout io.Writer
	stderr io.Writer
}

// command is one subcommand. setup registers its flags on fs and returns
// the function that runs it with the remaining arguments.
type command struct {
	name     string
	synopsis string // arguments after the name, for usage lines
	summary  string // one line
	details  string // optional paragraph shown by help
	setup    func(fs *flag.FlagSet) func(e env, args []string) int
}

func commands() []command {
	return []command{
		kernelCommand(),
		workerCommand(),
		installCommand(),
		uninstallCommand(),
		versionCommand(),
		runCommand(),
	}
}

func findCommand(name string) (command, bool) {
	for _, c := range commands() {
		if c.name == name {
			return c, true
		}
	}
	return command{}, false
}

// run dispatches args to a subcommand and returns the exit status.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	e := env{ctx: ctx, stdout: stdout, stderr: stderr}
	if len(args) == 0 {
		usage(stderr)
		return exitUsage
	}
	switch args[0] {
	case "help":
		return runHelp(e, args[1:])
	case "-h", "-help", "--help":
		usage(stdout)
		return exitOK
	}
	c, ok := findCommand(args[0])
	if !ok {
		fmt.Fprintf(stderr, "gilgo: unknown command %q\nRun 'gilgo help' for usage.\n", args[0])
		return exitUsage
	}
	fs := newFlagSet(c, stderr)
	runner := c.setup(fs)
	// The flag package prints the usage itself on -h and on errors; keep
	// it quiet so that -h goes to stdout and errors to stderr.
	usageFn := fs.Usage
	fs.Usage = func() {}
	err := fs.Parse(args[1:])
	fs.Usage = usageFn
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			fs.SetOutput(stdout)
			fs.Usage()
			return exitOK
		}
		// The flag package has printed the error to stderr.
		fs.Usage()
		return exitUsage
	}
	return runner(e, fs.Args())
}

func newFlagSet(c command, w io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("gilgo "+c.name, flag.ContinueOnError)
	fs.SetOutput(w)
	fs.Usage = func() {
		out := fs.Output()
		fmt.Fprintf(out, "usage: gilgo %s %s\n\n%s\n", c.name, c.synopsis, c.summary)
		if c.details != "" {
			fmt.Fprintf(out, "\n%s\n", c.details)
		}
		hasFlags := false
		fs.VisitAll(func(*flag.Flag) { hasFlags = true })
		if hasFlags {
			fmt.Fprintf(out, "\nFlags:\n")
			fs.PrintDefaults()
		}
	}
	return fs
}

// usageError prints msg and the command's usage to stderr and returns
// exitUsage.
func usageError(e env, fs *flag.FlagSet, format string, args ...any) int {
	fmt.Fprintf(e.stderr, "%s: %s\n", fs.Name(), fmt.Sprintf(format, args...))
	fs.SetOutput(e.stderr)
	fs.Usage()
	return exitUsage
}

func usage(w io.Writer) {
	var b strings.Builder
	b.WriteString("gilgo is a Jupyter kernel for Go, with a global interpreter lock.\n\n")
	b.WriteString("usage: gilgo COMMAND [flags]\n\nCommands:\n")
	for _, c := range commands() {
		fmt.Fprintf(&b, "  %-10s %s\n", c.name, c.summary)
	}
	b.WriteString("  help       show help for a command\n")
	b.WriteString("\nRun 'gilgo help COMMAND' or 'gilgo COMMAND -h' for a command's flags.\n")
	io.WriteString(w, b.String())
}

func runHelp(e env, args []string) int {
	switch len(args) {
	case 0:
		usage(e.stdout)
		return exitOK
	case 1:
		if args[0] == "help" {
			usage(e.stdout)
			return exitOK
		}
		c, ok := findCommand(args[0])
		if !ok {
			fmt.Fprintf(e.stderr, "gilgo help: unknown command %q\nRun 'gilgo help' for usage.\n", args[0])
			return exitUsage
		}
		fs := newFlagSet(c, e.stdout)
		c.setup(fs)
		fs.Usage()
		return exitOK
	}
	fmt.Fprintln(e.stderr, "usage: gilgo help [COMMAND]")
	return exitUsage
}

// noArgs rejects positional arguments for commands that take none.
func noArgs(e env, fs *flag.FlagSet, args []string) bool {
	if len(args) > 0 {
		usageError(e, fs, "unexpected argument %q", args[0])
		return false
	}
	return true
}
