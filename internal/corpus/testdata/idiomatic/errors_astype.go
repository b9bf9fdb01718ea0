// errors.AsType (Go 1.26) beside errors.As.
package main

import (
	"errors"
	"fmt"
	"io/fs"
)

type TempErr struct{ Code int }

func (e TempErr) Error() string { return fmt.Sprint("temporary ", e.Code) }

func main() {
	err := fmt.Errorf("wrapped: %w", TempErr{503})
	if te, ok := errors.AsType[TempErr](err); ok {
		fmt.Println("code", te.Code)
	}
	_, ok := errors.AsType[*fs.PathError](err)
	fmt.Println(ok)
}
