package coroutine

import (
	"errors"
	"iter"
)

// All returns the generator's values as an iterator for range-over-func;
// iteration ends at StopIteration. Other errors end it too (use Iter to see
// them).
//
//	for v := range g.All() {
//		fmt.Println(v)
//	}
func (g *Generator) All() iter.Seq[any] {
	return func(yield func(any) bool) {
		for {
			v, err := g.Next()
			if err != nil || !yield(v) {
				return
			}
		}
	}
}

// Iterator walks a generator without range-over-func (which the
// interpreter cannot compile): Next advances, Value is the current value,
// Err the error that ended the walk, if not StopIteration.
//
//	it := g.Iter()
//	for it.Next() {
//		fmt.Println(it.Value())
//	}
//	if err := it.Err(); err != nil { /* the body failed */ }
type Iterator struct {
	g   *Generator
	v   any
	err error
	end bool
}

// Iter returns an Iterator over g.
//
//	it := g.Iter()
func (g *Generator) Iter() *Iterator {
	return &Iterator{g: g}
}

// Next advances to the next value and reports whether there is one.
//
//	for it.Next() { _ = it.Value() }
func (it *Iterator) Next() bool {
	if it.end {
		return false
	}
	v, err := it.g.Next()
	if err != nil {
		it.end, it.v = true, nil
		if !errors.Is(err, StopIteration) {
			it.err = err
		}
		return false
	}
	it.v = v
	return true
}

// Value returns the value Next moved to.
//
//	v := it.Value()
func (it *Iterator) Value() any { return it.v }

// Err returns the error that ended the iteration, or nil after a
// StopIteration.
//
//	if err := it.Err(); err != nil { return err }
func (it *Iterator) Err() error { return it.err }

// Collect drains the generator into a slice, like Python's list(g). It
// stops at StopIteration (returning nil error) or at another error.
//
//	vals, err := g.Collect() // [0 1 2], nil
func (g *Generator) Collect() ([]any, error) {
	var out []any
	it := g.Iter()
	for it.Next() {
		out = append(out, it.Value())
	}
	return out, it.Err()
}
