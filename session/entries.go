package session

import (
	"go/ast"
	"go/parser"
	"go/token"
	"strings"

	"github.com/gilgo/gilgo/session/typecheck"
)

// The session's top-level declarations, kept as source for a replay and
// for the type check, with indexes so that a cell's bookkeeping costs what
// the cell declares, not what the session declared before it.

// entry is one top-level declaration kept as source for replay.
type entry struct {
	keys  []string // "type T", "method T.M", "func f", "var x", "const c"
	src   string   // with its /*line*/ directive
	isVar bool     // a var declaration (re-evaluated on replay)

	cur     string // current's result, for curKeys keys
	curKeys int    // len(keys) when cur was made; 0: not made
	id      int    // in entries.checked
}

// entries is the session's declarations in the order cells made them.
// Not safe for concurrent use.
type entries struct {
	list    []*entry          // in order; entries with no keys left are dropped lazily
	dead    int               // entries of list with no keys left
	byKey   map[string]*entry // the entry that declares a key now
	methods map[string]int    // how many declared methods have a name
	checked typecheck.Decls   // the live entries' current source, for the type check
	next    int               // the last id given
}

// live returns the entries that still declare something, in order.
func (es *entries) live() []*entry {
	if es.dead > 0 {
		kept := es.list[:0]
		for _, e := range es.list {
			if len(e.keys) > 0 {
				kept = append(kept, e)
			}
		}
		clear(es.list[len(kept):])
		es.list, es.dead = kept, 0
	}
	return es.list
}

// holds reports whether e was added and still declares all its keys.
func (es *entries) holds(e *entry) bool {
	if len(e.keys) == 0 {
		return false
	}
	for _, k := range e.keys {
		if es.byKey[k] != e {
			return false
		}
	}
	return true
}

// declares returns the entry that declares key ("func f") now, or nil.
func (es *entries) declares(key string) *entry { return es.byKey[key] }

// declaresName reports whether some entry declares name as a type, func,
// var or const.
func (es *entries) declaresName(name string) bool {
	for _, kind := range [...]string{"var ", "func ", "const ", "type "} {
		if es.byKey[kind+name] != nil {
			return true
		}
	}
	return false
}

// hasMethod reports whether a declared method is named m.
func (es *entries) hasMethod(m string) bool { return es.methods[m] > 0 }

// add appends e; the keys it declares are taken from the entries that
// declared them before (last definition wins). It returns the earlier
// entries that changed.
func (es *entries) add(e *entry) (changed []*entry) {
	if es.byKey == nil {
		es.byKey, es.methods = map[string]*entry{}, map[string]int{}
	}
	if es.holds(e) {
		// Recorded already (a declaration unit that fell back to running
		// by value records its entries again): once is enough.
		return nil
	}
	for _, k := range e.keys {
		if old := es.byKey[k]; old != nil && old != e {
			old.keys = without(old.keys, k)
			es.noteMethod(k, -1)
			if len(old.keys) == 0 {
				es.dead++
				es.checked.Delete(old.id)
			} else {
				es.checked.Set(old.id, old.current())
			}
			changed = append(changed, old)
		}
		es.byKey[k] = e
		es.noteMethod(k, 1)
	}
	es.next++
	e.id = es.next
	if e.curKeys == 0 {
		// New: every name it declares is live, the source is current.
		e.cur, e.curKeys = e.src, len(e.keys)
	}
	es.checked.Set(e.id, e.current())
	es.list = append(es.list, e)
	// Compact once half the list is dead, so that live stays amortised
	// O(1) a cell.
	if es.dead > 64 && es.dead > len(es.list)/2 {
		es.live()
	}
	return changed
}

func (es *entries) noteMethod(key string, d int) {
	if rest, ok := strings.CutPrefix(key, "method "); ok {
		_, m, _ := strings.Cut(rest, ".")
		if es.methods[m] += d; es.methods[m] <= 0 {
			delete(es.methods, m)
		}
	}
}

// without is keys without k (a new slice: entries share none).
func without(keys []string, k string) []string {
	out := make([]string, 0, len(keys))
	for _, x := range keys {
		if x != k {
			out = append(out, x)
		}
	}
	return out
}

// current is the entry's source with the vars a later cell declared
// again blanked (var r, err = f() becomes var r, _   = f() once a later
// cell declares err), so that the entries together compile. It is made
// again only when the entry lost keys.
func (e *entry) current() string {
	if !e.isVar {
		return e.src
	}
	if e.curKeys != len(e.keys) || e.curKeys == 0 {
		e.cur, e.curKeys = e.blanked(), len(e.keys)
	}
	return e.cur
}

// blanked is current, made.
func (e *entry) blanked() string {
	live := map[string]bool{}
	for _, k := range e.keys {
		live[k] = true
	}
	const prefix = "package main\n"
	f, err := parser.ParseFile(token.NewFileSet(), "", prefix+e.src, parser.SkipObjectResolution)
	if err != nil {
		return e.src
	}
	var src []byte // a copy of e.src once a name is blanked
	for _, d := range f.Decls {
		g, ok := d.(*ast.GenDecl)
		if !ok || g.Tok != token.VAR {
			continue
		}
		for _, sp := range g.Specs {
			for _, n := range sp.(*ast.ValueSpec).Names {
				if n.Name == "_" || live["var "+n.Name] {
					continue
				}
				if src == nil {
					src = []byte(e.src)
				}
				off := int(n.Pos()) - 1 - len(prefix) // file base 1
				copy(src[off:], "_"+strings.Repeat(" ", len(n.Name)-1))
			}
		}
	}
	if src == nil {
		return e.src
	}
	return string(src)
}
