package session

import (
	"context"
	"fmt"
	"go/ast"
	"go/printer"
	"go/types"
	"log/slog"
	"reflect"
	"strconv"
	"strings"

	"github.com/gilgo/gilgo/session/cellast"
)

// rewriteFile applies the pass pipeline to f (see cellast.Rewrite): the
// built-in passes, then the session's (Session.passes).
func rewriteFile(c *cell, f *ast.File) error {
	if err := cellast.Rewrite(c, f, c.s.passes()); err != nil {
		return err
	}
	if c.s.log.Enabled(context.Background(), slog.LevelDebug) {
		var b strings.Builder
		if err := printer.Fprint(&b, c.s.it.FileSet(), f); err == nil {
			c.s.log.Debug("rewritten", "cell", c.n, "source", b.String())
		}
	}
	return nil
}

// Peek implements cellast.Env.
func (c *cell) Peek(src string) (reflect.Value, error) { return c.peek(src) }

// NewName implements cellast.Env.
func (c *cell) NewName(prefix string) string {
	c.s.st.unit++
	return fmt.Sprintf("__%s%d", prefix, c.s.st.unit)
}

// TypeInfo implements cellast.TypedEnv: the type check's facts about the
// cell's files, nil if it was not checked.
func (c *cell) TypeInfo() *types.Info { return c.types }

// ImportName implements cellast.TypedEnv from the session's imports and
// the cell's own.
func (c *cell) ImportName(path string) string {
	q := strconv.Quote(path)
	for _, imp := range append(c.imports, c.s.st.importSr...) {
		name, p, named := strings.Cut(imp, " ")
		if !named {
			if imp == q {
				return path[strings.LastIndex(path, "/")+1:]
			}
			continue
		}
		if p == q {
			return name
		}
	}
	return ""
}

// UnknownRange implements cellast.RangeRecorder: retryRanges tries r as a
// range over an integer if the cell's compile fails with "nil type".
func (c *cell) UnknownRange(r *ast.RangeStmt) { c.unknownRanges = append(c.unknownRanges, r) }
