package stdlib

import (
	"crypto/hkdf"
	"crypto/pbkdf2"
	"hash"
	"reflect"

	"github.com/traefik/yaegi/interp"
	"github.com/traefik/yaegi/stdlib/unsafe"
)

// Symbols holds the compiled standard library for interp.Interpreter.Use,
// keyed "importpath/pkgname" like yaegi's own stdlib.Symbols. It is filled by
// the init functions of this package and must be treated as read-only.
//
// Because it contains "fmt/fmt", Use(Symbols) also makes yaegi redirect
// fmt.Print*, log and os.Std* to the interpreter's Options.Stdout/Stderr
// (yaegi's fixStdlib) and compile yaegi's Go 1.22 generic sources. Call Load
// instead to get the Go 1.26 generic packages as well.
var Symbols = interp.Exports{}

// MapTypes lists, for compiled functions that take an interface{} argument,
// the interfaces they test that argument for (fmt.Stringer for fmt.Print,
// json.Marshaler for json.Marshal, ...), so that interpreted values get a
// wrapper implementing them. It is exported to yaegi as Symbols["."].
var MapTypes = map[reflect.Value][]reflect.Type{}

func init() {
	Symbols["."] = map[string]reflect.Value{
		"MapTypes": reflect.ValueOf(MapTypes),
	}

	// crypto/hkdf and crypto/pbkdf2 have only generic functions, which
	// cannot be extracted. Instantiated with hash.Hash they accept
	// sha256.New and friends as written in ordinary code.
	Symbols["crypto/hkdf/hkdf"] = map[string]reflect.Value{
		"Expand":  reflect.ValueOf(hkdf.Expand[hash.Hash]),
		"Extract": reflect.ValueOf(hkdf.Extract[hash.Hash]),
		"Key":     reflect.ValueOf(hkdf.Key[hash.Hash]),
	}
	Symbols["crypto/pbkdf2/pbkdf2"] = map[string]reflect.Value{
		"Key": reflect.ValueOf(pbkdf2.Key[hash.Hash]),
	}

	// unsafe: yaegi's own table (Add, Sizeof, Alignof, Offsetof and the
	// conversions of unsafe.Pointer), which yaegi's stdlib leaves out.
	for k, v := range unsafe.Symbols {
		Symbols[k] = v
	}
}
