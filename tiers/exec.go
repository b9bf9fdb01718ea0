package tiers

import (
	"context"
	"errors"
	"os"
	"os/exec"
	"reflect"
	"sync"
	"time"

	"github.com/traefik/yaegi/interp"

	"github.com/gilgo/gilgo/session/hook"
)

// commandWaitDelay is how long a command interrupted with SIGINT has to
// exit before os/exec kills it and closes its pipes.
const commandWaitDelay = 2 * time.Second

// commands binds os/exec's commands to the session's interrupts, so that
// an interrupt ends the processes cells started as it ends an IPython
// kernel's subprocesses (jupyter_client sends SIGINT to the kernel's
// process group; gilgo's worker has a group of its own, which the
// kernel's SIGINT does not reach): exec.Command and exec.CommandContext
// return a Cmd whose context also ends at the session's next interrupt,
// and whose Cancel then sends SIGINT (os/exec kills the process if it has
// not exited commandWaitDelay later). A Cmd whose own context ends is
// killed, as os/exec does. Safe for concurrent use.
type commands struct {
	interrupted func() <-chan struct{} // hook.Host.Interrupted

	mu    sync.Mutex
	wake  <-chan struct{} // the channel ctx follows
	epoch context.Context // ends when wake closes (hook.InterruptContext)
}

// current is a context that ends at the session's next interrupt.
func (c *commands) current() context.Context {
	wake := c.interrupted()
	c.mu.Lock()
	defer c.mu.Unlock()
	if wake != c.wake || c.epoch == nil {
		// Never cancelled: its watcher ends with the interrupt.
		c.epoch, _ = hook.InterruptContext(wake)
		c.wake = wake
	}
	return c.epoch
}

// command is exec.CommandContext with ctx also ended by an interrupt.
func (c *commands) command(ctx context.Context, name string, args ...string) *exec.Cmd {
	epoch := c.current()
	both, cancel := context.WithCancel(ctx)
	stop := context.AfterFunc(epoch, cancel)
	context.AfterFunc(both, func() { stop() })
	cmd := exec.CommandContext(both, name, args...)
	cmd.Cancel = func() error {
		if epoch.Err() != nil && ctx.Err() == nil {
			return cmd.Process.Signal(os.Interrupt)
		}
		return cmd.Process.Kill()
	}
	cmd.WaitDelay = commandWaitDelay
	return cmd
}

// exports overrides os/exec's constructors in the session's symbols.
func (c *commands) exports() interp.Exports {
	return interp.Exports{"os/exec/exec": {
		"Command": reflect.ValueOf(func(name string, args ...string) *exec.Cmd {
			return c.command(context.Background(), name, args...)
		}),
		"CommandContext": reflect.ValueOf(func(ctx context.Context, name string, args ...string) *exec.Cmd {
			if ctx == nil {
				panic(errors.New("nil Context"))
			}
			return c.command(ctx, name, args...)
		}),
	}}
}
