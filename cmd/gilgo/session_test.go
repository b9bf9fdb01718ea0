package main

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"testing"
)

// TestSessionInspectCellPackages: inspect_request on the cell packages'
// names shows their doc comments (pylib.Docs through Options.Docs).
func TestSessionInspectCellPackages(t *testing.T) {
	sess, err := newSession(slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	defer sess.Shutdown(context.Background(), false)
	ctx := context.Background()
	for _, tc := range []struct{ code, want string }{
		{"import \"coroutine\"\ncoroutine.New", "func coroutine.New(body func(co *Co) any) *Generator\n\nNew returns a generator that runs body"},
		{"import \"coroutine\"\ncoroutine.Generator", "Generator is a Python-style generator"},
		{"import \"refcount\"\nrefcount.Name", "func refcount.Name(name string) Option"},
	} {
		in, err := sess.Inspect(ctx, tc.code, len(tc.code), 0)
		if err != nil {
			t.Fatalf("inspect %q: %v", tc.code, err)
		}
		if got := fmt.Sprint(in.Data["text/plain"]); !in.Found || !strings.Contains(got, tc.want) {
			t.Errorf("inspect %q: found %v\n got %q\nwant it to contain %q", tc.code, in.Found, got, tc.want)
		}
	}
}
