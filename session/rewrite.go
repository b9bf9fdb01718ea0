package session

import (
	"fmt"
	"go/ast"
	"reflect"

	"github.com/gilgo/gilgo/session/cellast"
)

// rewriteFile applies the pass pipeline to f (see cellast.Rewrite): the
// built-in passes, then the session's (Session.passes).
func rewriteFile(c *cell, f *ast.File) error { return cellast.Rewrite(c, f, c.s.passes()) }

// Peek implements cellast.Env.
func (c *cell) Peek(src string) (reflect.Value, error) { return c.peek(src) }

// NewName implements cellast.Env.
func (c *cell) NewName(prefix string) string {
	c.s.st.unit++
	return fmt.Sprintf("__%s%d", prefix, c.s.st.unit)
}

// UnknownRange implements cellast.RangeRecorder: retryRanges tries r as a
// range over an integer if the cell's compile fails with "nil type".
func (c *cell) UnknownRange(r *ast.RangeStmt) { c.unknownRanges = append(c.unknownRanges, r) }
