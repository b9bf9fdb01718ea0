package main

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/gilgo/gilgo/engine"
)

// Verdict is how gilgo did on one program.
type Verdict string

const (
	Pass  Verdict = "pass"  // same output, same success
	Wrong Verdict = "wrong" // gilgo ran it without an error but showed something else
	Error Verdict = "error" // gilgo reported an error where go run succeeded (or the reverse)
	Skip  Verdict = "skip"  // not comparable: go run failed to build, timed out or varies
)

// Result is one program's verdict with its cause.
type Result struct {
	Program Program
	Verdict Verdict
	Cause   string // a normalised reason, for counting
	Detail  string // the first lines of what differed
}

// judge compares gilgo's outcome with go run's.
func judge(p Program, want, got Outcome) Result {
	r := Result{Program: p}
	switch {
	case want.Build != "":
		r.Verdict, r.Cause = Skip, "go build fails"
		return r
	case want.Timeout:
		r.Verdict, r.Cause = Skip, "go run times out"
		return r
	case want.Nondeterministic:
		r.Verdict, r.Cause = Skip, "go run's output varies"
		return r
	}
	if want.Exit != 0 {
		// The program fails on purpose (a panic, os.Exit): gilgo must
		// fail too, after the same standard output.
		switch {
		case got.Error == nil:
			r.Verdict, r.Cause = Wrong, "no error where go run fails"
		case got.Stdout != want.Stdout && got.Error.Name == engine.ErrCompile:
			// gilgo refused to run it: no answer, not a wrong one.
			r.Verdict, r.Cause = Error, errorCause(got)
			r.Detail = got.Error.Name + ": " + got.Error.Value
		case got.Stdout != want.Stdout:
			r.Verdict, r.Cause = Wrong, "stdout differs"
			r.Detail = firstDiff(want.Stdout, got.Stdout)
		default:
			r.Verdict = Pass
		}
		return r
	}
	if got.Error != nil {
		r.Verdict, r.Cause = Error, errorCause(got)
		r.Detail = got.Error.Name + ": " + got.Error.Value
		return r
	}
	switch {
	case got.Stdout != want.Stdout:
		r.Verdict, r.Cause = Wrong, "stdout differs"
		r.Detail = firstDiff(want.Stdout, got.Stdout)
	case got.Stderr != want.Stderr:
		r.Verdict, r.Cause = Wrong, "stderr differs"
		r.Detail = firstDiff(want.Stderr, got.Stderr)
	default:
		r.Verdict = Pass
	}
	return r
}

var (
	cellPos = regexp.MustCompile(`cell\[\d+\]:\d+(:\d+)?:?\s*`)
	quoted  = regexp.MustCompile(`"[^"]*"|'[^']*'|` + "`[^`]*`")
	number  = regexp.MustCompile(`\b0x[0-9a-f]+\b|\b\d+\b`)
)

// errorCause normalises a gilgo error into a class: the error name and its
// message with positions, quoted text and numbers taken out, cut short.
func errorCause(o Outcome) string {
	if o.Timeout {
		return "timeout"
	}
	e := o.Error
	msg := e.Value
	if i := strings.IndexByte(msg, '\n'); i >= 0 {
		msg = msg[:i]
	}
	msg = cellPos.ReplaceAllString(msg, "")
	msg = quoted.ReplaceAllString(msg, "…")
	msg = number.ReplaceAllString(msg, "N")
	if len(msg) > 60 {
		msg = msg[:60] + "…"
	}
	return e.Name + ": " + msg
}

// firstDiff shows the first line where want and got differ.
func firstDiff(want, got string) string {
	wl, gl := strings.Split(want, "\n"), strings.Split(got, "\n")
	for i := 0; i < len(wl) || i < len(gl); i++ {
		var w, g string
		if i < len(wl) {
			w = wl[i]
		}
		if i < len(gl) {
			g = gl[i]
		}
		if w != g {
			return "line " + strconv.Itoa(i+1) + ": want " + clip(w) + ", got " + clip(g)
		}
	}
	return ""
}

func clip(s string) string {
	if len(s) > 80 {
		s = s[:80] + "…"
	}
	return "\"" + s + "\""
}
