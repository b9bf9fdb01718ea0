package engine

import (
	"errors"
	"reflect"
	"testing"
)

func TestRecovered(t *testing.T) {
	tests := []struct {
		r    any
		want Error
	}{
		{"boom", Error{Name: "InterpreterError", Value: "boom", Traceback: []string{"InterpreterError: boom"}}},
		{errors.New("nil map"), Error{Name: "InterpreterError", Value: "nil map", Traceback: []string{"InterpreterError: nil map"}}},
		{42, Error{Name: "InterpreterError", Value: "42", Traceback: []string{"InterpreterError: 42"}}},
	}
	for _, tt := range tests {
		if got := Recovered(tt.r); !reflect.DeepEqual(*got, tt.want) {
			t.Errorf("Recovered(%v) = %+v, want %+v", tt.r, *got, tt.want)
		}
	}
}

func TestErrorString(t *testing.T) {
	tests := []struct {
		e    Error
		want string
	}{
		{Error{Name: ErrCompile, Value: "cell[1]:1:1: undefined: x"}, "CompileError: cell[1]:1:1: undefined: x"},
		{Error{Name: ErrInterrupted}, "Interrupted"},
	}
	for _, tt := range tests {
		if got := tt.e.Error(); got != tt.want {
			t.Errorf("%+v.Error() = %q, want %q", tt.e, got, tt.want)
		}
	}
}
