package compiled

import (
	"fmt"
	"regexp"
	"strings"
)

// BuildError is a cell that did not compile. Lines read
// cell[N]:LINE:COL: message, positions in the cell's own source.
type BuildError struct {
	Cell  int
	Lines []string
}

func (e *BuildError) Error() string {
	return "compile cell[" + fmt.Sprint(e.Cell) + "]: " + strings.Join(e.Lines, "; ")
}

// cellPos matches a position in a cell: cell[3]:12:5 (column optional).
var cellPos = regexp.MustCompile(`cell\[\d+\]:\d+(:\d+)?`)

// buildError turns go build's output into a *BuildError. Lines about the
// cell (thanks to the //line directives) are kept as they are; a line
// about the generated part means the wrapper did not fit the cell.
func buildError(cell int, out string, runErr error) error {
	var lines []string
	for _, l := range strings.Split(out, "\n") {
		l = strings.TrimSpace(l)
		if l == "" || strings.HasPrefix(l, "# ") {
			continue
		}
		if i := strings.Index(l, "cell["); i > 0 && cellPos.MatchString(l[i:]) {
			l = l[i:] // drop a "./" prefix
		}
		lines = append(lines, l)
	}
	if len(lines) == 0 {
		lines = []string{fmt.Sprintf("go build: %v", runErr)}
	}
	return &BuildError{Cell: cell, Lines: lines}
}

// openError explains a failed plugin.Open.
func openError(err error, root string) error {
	msg := err.Error()
	if strings.Contains(msg, "different version of package") {
		return fmt.Errorf("compiled: this worker was built from a different checkout than %s, or with other flags, or the checkout changed since (rebuild the worker): %w", root, err)
	}
	return fmt.Errorf("compiled: open plugin: %w", err)
}

// Frames returns the cell positions (cell[N]:LINE) in a goroutine stack
// trace, innermost first: where a panic in compiled code happened. The
// session can show them for an interp.Panic's Stack.
func Frames(stack []byte) []string {
	return cellPos.FindAllString(string(stack), -1)
}
