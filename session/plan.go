package session

import (
	"go/ast"
	"go/types"

	"github.com/traefik/yaegi/interp"

	"github.com/gilgo/gilgo/session/cellast"
)

// A cell of statements and a trailing expression (no declaration, import
// or package clause) that runs again with the same source, while the
// session's declarations, imports and packages are what they were,
// splits into the same units and type-checks alike. runGo keeps what it
// learned of such a cell, a plan, by source, and runs the same source
// again from it: without splitting it, deciding whether its last item is
// an expression, and type-checking it. The units are still parsed, and
// rewritten and compiled, anew.
//
// The check's facts are about the nodes of the first run's files, not
// those of a new parse. A plan is kept only when no pass reads the facts
// in the cell's statement files (cellast.ReadsTypes), so the passes
// rewrite them alike. The trailing expression's typed passes ran on the
// checked nodes before the plan was made (its text is the rewritten one);
// the file that runs it is made from a new parse of that text in both
// runs, with the facts of the check that covered none of its nodes.

// cellPlan is what a run of a cell learned: its units, and the type
// check's facts (which found no error).
type cellPlan struct {
	key                   planKey
	units                 []unit
	info                  *types.Info
	arityN                int
	printLike, arityKnown bool
	reading               bool
}

// planKey is what a plan depends on besides the source: the interpreter,
// the declarations (their version), the imports and packages cells see,
// and the way statements run (initStmts). The plans are the state's,
// which %reset and a redefinition make anew.
type planKey struct {
	it                  *interp.Interpreter
	decls               uint64
	imports, pkgs, used int
	initStmts           bool
}

// maxPlans bounds the plans a session keeps; past it they are dropped.
const maxPlans = 64

func (c *cell) planKey() planKey {
	s := c.s
	return planKey{it: s.it, decls: s.st.decls.checked.Version(), imports: len(s.st.importSr),
		pkgs: len(s.pkgs), used: len(s.used), initStmts: c.initStmts}
}

// keepPlan keeps the plan of a cell whose units passed the type check
// (files: the units' files, before any pass).
func (c *cell) keepPlan(src string, key planKey, units []unit, files []*ast.File) {
	if c.types == nil || c.generated {
		return // unchecked
	}
	for i, u := range units {
		if u.kind != cellast.Stmt {
			return
		}
		if f := files[i]; f != nil && cellast.ReadsTypes(c, f) {
			return
		}
	}
	st := c.s.st
	if st.plans == nil || len(st.plans) >= maxPlans {
		st.plans = map[string]*cellPlan{}
	}
	st.plans[src] = &cellPlan{key: key, units: units, info: c.types,
		arityN: c.arityN, printLike: c.printLike, arityKnown: c.arityKnown, reading: c.reading}
}

// runPlan runs a cell from its plan.
func (c *cell) runPlan(p *cellPlan) error {
	files := make([]*ast.File, len(p.units))
	for i, u := range p.units {
		if u.last {
			// Parsed once, as in the first run (isTrailing), for its
			// arity and the file that runs it; it parsed then.
			_ = c.parseTrailing(u.items[0])
			continue
		}
		f, err := c.parseUnit(u)
		if err != nil {
			return err
		}
		files[i] = f
	}
	c.types, c.arityN, c.printLike, c.arityKnown = p.info, p.arityN, p.printLike, p.arityKnown
	c.reading = p.reading
	return c.runUnits(p.units, files, false)
}
