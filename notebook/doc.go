// Package notebook reads, validates, executes and writes Jupyter notebooks
// (nbformat 4), for `gilgo run` and the bundled notebooks' generator.
//
// # Reading and writing
//
// Read accepts nbformat 4 in any minor version and checks the structure the
// schema requires (cells, cell types, sources, outputs). Errors name what is
// wrong and where: a file that is not JSON gives
// "not a notebook: invalid character 'x' looking for beginning of value at
// line L, column C"; another major version gives "unsupported nbformat 3,
// want 4". Multi-line strings may be strings or lists of lines, as nbformat
// allows. Metadata (of the notebook, its cells and outputs) and unknown
// fields of it are kept as they were read, numbers included.
//
// Write produces what Jupyter itself writes: nbformat 4.5, one-space
// indentation, keys sorted, non-ASCII text unescaped, sources and text
// outputs split into lists of lines, and a trailing newline. Cells without
// an id get a deterministic one (derived from their position and source),
// so regenerated notebooks diff cleanly.
//
// # Running
//
// Run executes the code cells in order through an engine.Interpreter, like
// nbclient: it clears old outputs, numbers the code cells 1, 2, 3... (so
// "cell 3" in an error is In [3], and the interpreter's positions read
// cell[3]:LINE:COL), and turns what the interpreter shows into nbformat
// outputs: consecutive stream writes of the same name are merged,
// execute_result carries the execution count, update_display_data replaces
// every earlier output with that display id, clear_output(wait) clears at
// once or when the next output arrives, and errors become "error" outputs.
// Stdin is not available. Run stops at the first failing cell and returns a
// *CellError, unless the cell carries the "raises-exception" tag (nbclient's
// convention). With RunOptions.Timeout a cell that runs longer is
// interrupted and Run fails with "cell N timed out after D". Run sets the
// notebook's kernelspec and language_info metadata to gilgo's.
//
// Output that goroutines of a cell produce after the cell returned is kept
// with that cell until Run returns; later output is dropped. Raw bytes that
// compiled code writes to the worker's stdout travel on their own pipe and
// may miss the last cell.
//
// # Concurrency
//
// A Notebook is a plain value: it is not safe for concurrent use, and Run
// must be its only user while it runs. Read and Write keep no state and may
// be called concurrently on different notebooks. The engine.Output that Run
// hands the interpreter is safe for concurrent use, as engine.Output
// requires.
package notebook
