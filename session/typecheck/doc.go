// Package typecheck type-checks a cell with go/types against the
// declarations of the cells before it, as gc would check the program they
// make together: the session reports its errors before yaegi compiles
// anything, and its facts (types.Info) let passes repair what yaegi gets
// wrong. The standard library comes from the Go installation's sources;
// cell packages and compiled cells' packages from the symbol tables the
// session gives yaegi (their reflect types, converted).
//
// Unused imports are not errors in a notebook; errors located in earlier
// cells' declarations are not reported (they were reported with their
// cell). A cell the checker cannot resolve an import of is skipped
// (IsSkip), not failed.
//
// The earlier declarations come as a Decls, which the session sets and
// deletes by id as cells run; the Checker keeps them checked (its base) and
// checks again only the declarations that changed since its last check,
// against the objects they name, so a cell's check costs what the cell and
// its changes declare, not the session's length. A change to a type or a
// method, to the imports or to the prelude checks the base whole again.
// A cell that is only a trailing expression list is checked as an
// expression (types.CheckExpr) in a scope of the objects it names, the
// base's types and the imports, not as a package of files; one that has
// an error there is checked as a file, which reports its errors as gc
// does. A
// cell's package gets the base objects the cell names and every type. One
// Decls serves one Checker; it is not safe for concurrent use with Check.
//
// A Checker is safe for concurrent use; checks run one at a time.
package typecheck
