package main

import (
	"errors"
	"flag"
	"fmt"
	"os"
	"path/filepath"

	"github.com/gilgo/gilgo/install"
)

// specFlags are the flags shared by install and uninstall.
type specFlags struct {
	user, sysPrefix bool
	prefix, name    string
}

func addSpecFlags(fs *flag.FlagSet) *specFlags {
	f := &specFlags{}
	fs.BoolVar(&f.user, "user", false, "the user's Jupyter data directory, ~/.local/share/jupyter (the default)")
	fs.BoolVar(&f.sysPrefix, "sys-prefix", false, "sys.prefix/share/jupyter of /usr/bin/python3's Jupyter")
	fs.StringVar(&f.prefix, "prefix", "", "`DIR`/share/jupyter")
	fs.StringVar(&f.name, "name", install.DefaultName, "kernelspec `NAME`")
	return f
}

// options turns the flags into install.Options; it fails when more than
// one location was asked for.
func (f *specFlags) options() (install.Options, error) {
	n := 0
	for _, set := range []bool{f.user, f.sysPrefix, f.prefix != ""} {
		if set {
			n++
		}
	}
	if n > 1 {
		return install.Options{}, errors.New("use only one of --user, --sys-prefix and --prefix")
	}
	o := install.Options{Name: f.name, Scope: install.ScopeUser}
	switch {
	case f.sysPrefix:
		o.Scope = install.ScopeSysPrefix
	case f.prefix != "":
		o.Scope = install.ScopePrefix
		o.Prefix = f.prefix
	}
	return o, nil
}

const specDetails = `The kernelspec is a directory NAME holding kernel.json and the logos, in
the kernels/ folder of a Jupyter data directory:
  --user        $JUPYTER_DATA_DIR, else $XDG_DATA_HOME/jupyter, else ~/.local/share/jupyter
  --sys-prefix  sys.prefix/share/jupyter, sys.prefix asked from /usr/bin/python3
  --prefix DIR  DIR/share/jupyter (point JUPYTER_PATH at it to use it)`

func installCommand() command {
	return command{
		name:     "install",
		synopsis: "[--user | --sys-prefix | --prefix DIR] [--name NAME] [--display-name TEXT] [--log-level LEVEL]",
		summary:  "install the Jupyter kernelspec that runs this gilgo binary",
		details:  specDetails,
		setup: func(fs *flag.FlagSet) func(env, []string) int {
			sf := addSpecFlags(fs)
			display := fs.String("display-name", install.DefaultDisplayName, "name shown in Jupyter's launcher")
			level := fs.String("log-level", "", "--log-level `LEVEL` to pass to the kernel (default: the kernel's)")
			return func(e env, args []string) int {
				if !noArgs(e, fs, args) {
					return exitUsage
				}
				o, err := sf.options()
				if err != nil {
					return usageError(e, fs, "%v", err)
				}
				if *level != "" {
					var lf levelFlag
					if err := lf.Set(*level); err != nil {
						return usageError(e, fs, "invalid --log-level: %v", err)
					}
					o.KernelArgs = []string{"--log-level", lf.String()}
				}
				o.DisplayName = *display
				exe, err := executable()
				if err != nil {
					fmt.Fprintf(e.stderr, "gilgo install: %v\n", err)
					return exitFail
				}
				o.Executable = exe
				dir, err := install.Install(o)
				if err != nil {
					fmt.Fprintf(e.stderr, "gilgo install: %v\n", err)
					return exitFail
				}
				fmt.Fprintf(e.stdout, "Installed kernelspec %s in %s\n", install.Name(o), dir)
				return exitOK
			}
		},
	}
}

func uninstallCommand() command {
	return command{
		name:     "uninstall",
		synopsis: "[--user | --sys-prefix | --prefix DIR] [--name NAME]",
		summary:  "remove the Jupyter kernelspec",
		details:  specDetails,
		setup: func(fs *flag.FlagSet) func(env, []string) int {
			sf := addSpecFlags(fs)
			return func(e env, args []string) int {
				if !noArgs(e, fs, args) {
					return exitUsage
				}
				o, err := sf.options()
				if err != nil {
					return usageError(e, fs, "%v", err)
				}
				dir, err := install.Uninstall(o)
				if err != nil {
					fmt.Fprintf(e.stderr, "gilgo uninstall: %v\n", err)
					return exitFail
				}
				fmt.Fprintf(e.stdout, "Removed kernelspec %s from %s\n", install.Name(o), dir)
				return exitOK
			}
		},
	}
}

// executable is the absolute, symlink-free path of the running binary.
func executable() (string, error) {
	exe, err := os.Executable()
	if err != nil {
		return "", fmt.Errorf("find own executable: %w", err)
	}
	if resolved, err := filepath.EvalSymlinks(exe); err == nil {
		exe = resolved
	}
	return filepath.Abs(exe)
}
