package gilrt

import (
	"io"
	"reflect"
	"syscall"
	"time"

	"github.com/traefik/yaegi/interp"
)

// The io helpers cells call most often to wait on a file, pipe or socket
// give the GIL up while they wait, as CPython's file and socket I/O do.
// Only when every reader and writer involved is an operating-system
// object (syscall.Conn: *os.File, net conns): an interpreted io.Reader's
// Read is interpreted code and must run under the lock. Other reads
// (f.Read called directly, bufio) are left to the monitor.

func (s *Scheduler) ioExports() interp.Exports {
	return interp.Exports{"io/io": {
		"ReadAll": reflect.ValueOf(func(r io.Reader) (b []byte, err error) {
			s.blockingIf(func() { b, err = io.ReadAll(r) }, r)
			return b, err
		}),
		"ReadFull": reflect.ValueOf(func(r io.Reader, buf []byte) (n int, err error) {
			s.blockingIf(func() { n, err = io.ReadFull(r, buf) }, r)
			return n, err
		}),
		"ReadAtLeast": reflect.ValueOf(func(r io.Reader, buf []byte, min int) (n int, err error) {
			s.blockingIf(func() { n, err = io.ReadAtLeast(r, buf, min) }, r)
			return n, err
		}),
		"Copy": reflect.ValueOf(func(dst io.Writer, src io.Reader) (n int64, err error) {
			s.blockingIf(func() { n, err = io.Copy(dst, src) }, dst, src)
			return n, err
		}),
		"CopyN": reflect.ValueOf(func(dst io.Writer, src io.Reader, k int64) (n int64, err error) {
			s.blockingIf(func() { n, err = io.CopyN(dst, src, k) }, dst, src)
			return n, err
		}),
	}}
}

// blockingIf runs f with the lock released if every v is an operating
// system object, else holding it.
func (s *Scheduler) blockingIf(f func(), vs ...any) {
	for _, v := range vs {
		if _, ok := v.(syscall.Conn); !ok {
			f()
			return
		}
	}
	s.Blocking(f)
}

// timeExports makes time.AfterFunc run its callback as a goroutine of the
// cell (under the lock, its panics reported), not on the timer's own
// goroutine without the lock.
func (s *Scheduler) timeExports() interp.Exports {
	return interp.Exports{"time/time": {
		"AfterFunc": reflect.ValueOf(func(d time.Duration, f func()) *time.Timer {
			return time.AfterFunc(d, func() {
				if s.host == nil {
					s.lock.Run("time.AfterFunc", f)
					return
				}
				s.host.Spawn(f)
			})
		}),
	}}
}
