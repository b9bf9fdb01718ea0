package hook

import (
	"context"
	"errors"
	"testing"
	"time"
)

func TestInterruptContext(t *testing.T) {
	tests := []struct {
		name      string
		interrupt bool // close intr
		cancel    bool // call cancel
		nilIntr   bool
		wantCause error // nil: the context must stay open
	}{
		{name: "interrupt", interrupt: true, wantCause: ErrInterrupted},
		{name: "cancel", cancel: true, wantCause: context.Canceled},
		{name: "nil channel stays open", nilIntr: true},
		{name: "neither stays open"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			intr := make(chan struct{})
			var ch <-chan struct{} = intr
			if tt.nilIntr {
				ch = nil
			}
			ctx, cancel := InterruptContext(ch)
			defer cancel()
			if tt.interrupt {
				close(intr)
			}
			if tt.cancel {
				cancel()
			}
			if tt.wantCause == nil {
				select {
				case <-ctx.Done():
					t.Fatalf("context ended: %v", context.Cause(ctx))
				case <-time.After(20 * time.Millisecond):
				}
				return
			}
			select {
			case <-ctx.Done():
			case <-time.After(10 * time.Second):
				t.Fatal("context did not end")
			}
			if got := context.Cause(ctx); !errors.Is(got, tt.wantCause) {
				t.Errorf("cause = %v, want %v", got, tt.wantCause)
			}
		})
	}
}
