package hook

import (
	"context"
	"errors"
	"sync"
)

// ErrInterrupted is the cause of a wait on behalf of a cell that the
// session's Interrupt ended (a refcount.Transfer, a pool's call); cells
// see it as refcount.ErrInterrupted and multiprocessing.ErrInterrupted.
var ErrInterrupted = errors.New("interrupted")

// InterruptContext returns a context that ends, with cause ErrInterrupted,
// when intr closes (Host.Interrupted), or when cancel is called; always
// call cancel (more than once is fine), which ends the goroutine that
// watches intr. A nil intr never ends it.
func InterruptContext(intr <-chan struct{}) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithCancelCause(context.Background())
	if intr == nil {
		return ctx, func() { cancel(nil) }
	}
	stop := make(chan struct{})
	go func() {
		select {
		case <-intr:
			cancel(ErrInterrupted)
		case <-stop:
		}
	}()
	var once sync.Once
	return ctx, func() { once.Do(func() { close(stop) }); cancel(nil) }
}
