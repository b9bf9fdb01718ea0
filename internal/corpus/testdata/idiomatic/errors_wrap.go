// Errors: wrapping, Is, As, Join, custom types.
package main

import (
	"errors"
	"fmt"
	"io/fs"
	"strconv"
)

var ErrEmpty = errors.New("empty input")

type ParseError struct {
	Line int
	Err  error
}

func (e *ParseError) Error() string { return fmt.Sprintf("line %d: %v", e.Line, e.Err) }
func (e *ParseError) Unwrap() error { return e.Err }

func parse(line int, s string) (int, error) {
	if s == "" {
		return 0, &ParseError{line, ErrEmpty}
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return 0, &ParseError{line, err}
	}
	return n, nil
}

func main() {
	_, err := parse(3, "")
	fmt.Println(err)
	fmt.Println(errors.Is(err, ErrEmpty))
	var pe *ParseError
	if errors.As(err, &pe) {
		fmt.Println("line", pe.Line)
	}
	_, err = parse(4, "x1")
	fmt.Println(err)
	var ne *strconv.NumError
	fmt.Println(errors.As(err, &ne), ne.Func)
	wrapped := fmt.Errorf("load config: %w", err)
	fmt.Println(wrapped)
	fmt.Println(errors.Unwrap(wrapped) == err)
	joined := errors.Join(ErrEmpty, fs.ErrNotExist)
	fmt.Println(errors.Is(joined, fs.ErrNotExist))
	fmt.Println(joined)
}
