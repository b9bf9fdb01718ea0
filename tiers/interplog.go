package tiers

import (
	"io"
	"log/slog"
	"reflect"
	"runtime"
	"strings"
)

// interpreterLog is the standard logger's output in a worker process.
// yaegi writes lines about itself there (log.Panic("nil type") before a
// compile panic the session recovers, and answers as an error): those go
// to the worker's log. Everything else the standard logger writes comes
// from the cells' compiled code and goes to cell, the process's stderr,
// which is the running cell's.
type interpreterLog struct {
	log  *slog.Logger
	cell io.Writer
}

func (w interpreterLog) Write(p []byte) (int, error) {
	if fromInterpreter() {
		w.log.Warn("interpreter", "msg", strings.TrimSpace(string(p)))
		return len(p), nil
	}
	return w.cell.Write(p)
}

// thisPackage prefixes the functions of this package in stack frames.
var thisPackage = reflect.TypeOf(interpreterLog{}).PkgPath() + "."

// fromInterpreter reports whether the standard logger was called by
// yaegi: the first caller outside package log (and this package) is a
// function of yaegi's.
func fromInterpreter() bool {
	var pcs [32]uintptr
	n := runtime.Callers(2, pcs[:])
	frames := runtime.CallersFrames(pcs[:n])
	for {
		f, more := frames.Next()
		if !strings.HasPrefix(f.Function, "log.") && !strings.HasPrefix(f.Function, thisPackage) {
			return strings.HasPrefix(f.Function, "github.com/traefik/yaegi/")
		}
		if !more {
			return false
		}
	}
}
