// Package install writes and removes the gilgo Jupyter kernelspec: a
// directory NAME (default "gilgo") under a Jupyter data directory's
// kernels/ folder, holding kernel.json and the logos (logo-32x32.png,
// logo-64x64.png, logo-svg.svg, embedded in the binary).
//
// Where the kernelspec goes is chosen like ipykernel's `install` command:
//
//   - ScopeUser (the default): the user's Jupyter data directory,
//     $JUPYTER_DATA_DIR, else $XDG_DATA_HOME/jupyter, else
//     ~/.local/share/jupyter.
//   - ScopeSysPrefix: sys.prefix/share/jupyter of the Python that runs
//     Jupyter (asked from /usr/bin/python3; /usr/local when there is none).
//   - ScopePrefix: PREFIX/share/jupyter.
//
// The package only touches the file system; it does not run Jupyter. It has
// no package-level mutable state: every function is safe for concurrent use,
// though two concurrent installs into the same directory race as any two
// writers of the same files do.
package install
