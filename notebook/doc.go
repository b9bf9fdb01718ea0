// Package notebook reads, validates, executes and writes Jupyter notebooks
// (nbformat 4), for `gilgo run` and the bundled notebooks' generator.
//
// Read accepts nbformat 4 in any minor version and checks the structure the
// schema requires; its errors say what is wrong and where ("not a
// notebook: ... at line L, column C", "unsupported nbformat 3, want 4").
// Metadata and unknown fields are kept as read. Write (and Marshal)
// produce what Jupyter writes, nbformat 4.5, and give cells without an id
// a deterministic one, so regenerated notebooks diff cleanly.
//
// Run executes the code cells in order through any engine.Interpreter, as
// nbclient does: it numbers the non-empty ones 1, 2, 3... (so
// cell[3]:LINE:COL in an error is In [3]) and turns what the interpreter
// shows into outputs. Stdin is not available (ErrNoStdin). Run stops at
// the first failing cell with a *CellError, unless the cell is tagged
// "raises-exception"; with RunOptions.Timeout a slower cell is interrupted
// and Run fails. Run does not shut the interpreter down.
// docs/notebook.md has the output rules.
//
// A Notebook is a plain value, not safe for concurrent use; Run must be its
// only user while it runs. Read and Write keep no state and may be called
// concurrently on different notebooks. The engine.Output that Run hands the
// interpreter is safe for concurrent use, as engine.Output requires.
package notebook
