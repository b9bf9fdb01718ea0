// Package inspect is the cell package "inspect": GetGeneratorState and
// GetCoroutineState of package github.com/gilgo/gilgo/coroutine, named as
// in Python's inspect module. Package is safe for concurrent use.
package inspect
