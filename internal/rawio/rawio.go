// Package rawio does the kernel process's short I/O on its hot path
// (sockets, pipes, the history and replay files) with raw system calls
// inside syscall.RawConn callbacks.
//
// A Go system call (syscall.Syscall) enters and leaves the scheduler's
// syscall state, and the first one after the process was idle wakes the
// runtime's monitor thread (sysmon) from its deep sleep; sysmon then polls
// every 20 µs until the process is idle again. The kernel goes idle twice
// per cell (waiting for the request, waiting for the worker), so every
// cell paid two thread wake-ups and a few more sleeps of sysmon: a fifth
// of the kernel's CPU for a trivial cell. A raw system call does not
// touch the scheduler: it must not block, which holds for non-blocking
// sockets and pipes (EAGAIN hands over to the poller, as the net and os
// packages do) and for short writes to regular files.
//
// Every function falls back to the ordinary call when its argument does
// not expose a RawConn.
package rawio

import (
	"io"
	"os"
	"syscall"
	"unsafe"
)

// conn returns the RawConn of x, if it has one.
func conn(x any) (syscall.RawConn, bool) {
	sc, ok := x.(syscall.Conn)
	if !ok {
		return nil, false
	}
	rc, err := sc.SyscallConn()
	if err != nil {
		return nil, false
	}
	return rc, true
}

// Conn is a RawConn whose Read and Write use raw system calls; the zero
// value is not usable (New).
type Conn struct {
	rc   syscall.RawConn
	file bool // of an *os.File
}

// New returns a Conn for x (a *net.TCPConn, *net.UnixConn or a
// non-blocking *os.File), or nil when x has no RawConn.
func New(x any) *Conn {
	rc, ok := conn(x)
	if !ok {
		return nil
	}
	_, file := x.(*os.File)
	return &Conn{rc: rc, file: file}
}

// errFileClosing is the text of the error an *os.File's RawConn returns
// once the file is closed (internal/poll's ErrFileClosing, which the
// file's own methods report as os.ErrClosed).
const errFileClosing = "use of closed file"

// fix reports a closed file's error as the file's own methods do.
func (c *Conn) fix(err error) error {
	if c.file && err != nil && err.Error() == errFileClosing {
		return os.ErrClosed
	}
	return err
}

// Read reads into p as io.Reader does (0, io.EOF at the end), waiting in
// the poller while nothing is there.
func (c *Conn) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	var n int
	var errno syscall.Errno
	err := c.rc.Read(func(fd uintptr) bool {
		for {
			r, _, e := syscall.RawSyscall(syscall.SYS_READ, fd, uintptr(unsafe.Pointer(&p[0])), uintptr(len(p)))
			switch e {
			case syscall.EINTR:
				continue
			case syscall.EAGAIN:
				return false
			}
			n, errno = int(r), e
			return true
		}
	})
	if err != nil {
		return 0, c.fix(err)
	}
	if errno != 0 {
		return 0, os.NewSyscallError("read", errno)
	}
	if n == 0 {
		return 0, io.EOF
	}
	return n, nil
}

// Write writes all of p, waiting in the poller while the fd is full.
func (c *Conn) Write(p []byte) (int, error) {
	done := 0
	var errno syscall.Errno
	err := c.rc.Write(func(fd uintptr) bool {
		for done < len(p) {
			r, _, e := syscall.RawSyscall(syscall.SYS_WRITE, fd, uintptr(unsafe.Pointer(&p[done])), uintptr(len(p)-done))
			switch e {
			case 0:
				done += int(r)
			case syscall.EINTR:
			case syscall.EAGAIN:
				return false
			default:
				errno = e
				return true
			}
		}
		return true
	})
	if err == nil && errno != 0 {
		err = os.NewSyscallError("write", errno)
	}
	return done, c.fix(err)
}

// maxIovecs bounds the buffers of one writev (Linux's IOV_MAX is 1024).
const maxIovecs = 1024

// Writev writes all of bufs, in order, with as few writev calls as the fd
// takes, waiting in the poller while the fd is full. It consumes bufs as
// net.Buffers.WriteTo does.
func (c *Conn) Writev(bufs *[][]byte) (int64, error) {
	var total int64
	var errno syscall.Errno
	iov := make([]syscall.Iovec, 0, min(len(*bufs), maxIovecs))
	err := c.rc.Write(func(fd uintptr) bool {
		for {
			for len(*bufs) > 0 && len((*bufs)[0]) == 0 {
				*bufs = (*bufs)[1:]
			}
			if len(*bufs) == 0 {
				return true
			}
			iov = iov[:0]
			for _, b := range *bufs {
				if len(b) == 0 {
					continue
				}
				if len(iov) == maxIovecs {
					break
				}
				v := syscall.Iovec{Base: &b[0]}
				v.SetLen(len(b))
				iov = append(iov, v)
			}
			r, _, e := syscall.RawSyscall(syscall.SYS_WRITEV, fd, uintptr(unsafe.Pointer(&iov[0])), uintptr(len(iov)))
			switch e {
			case 0:
			case syscall.EINTR:
				continue
			case syscall.EAGAIN:
				return false
			default:
				errno = e
				return true
			}
			n := int64(r)
			total += n
			for n > 0 {
				k := min(n, int64(len((*bufs)[0])))
				(*bufs)[0] = (*bufs)[0][k:]
				n -= k
				if len((*bufs)[0]) == 0 {
					*bufs = (*bufs)[1:]
				}
			}
		}
	})
	if err == nil && errno != 0 {
		err = os.NewSyscallError("writev", errno)
	}
	return total, c.fix(err)
}

// WriteFile writes p to the regular file f (at its offset, or at its end
// when f was opened O_APPEND) with one raw write, which a regular file
// never leaves unfinished without an error; f.Write when f has no
// RawConn.
func WriteFile(f *os.File, p []byte) (int, error) {
	return fileOp(f, p, -1)
}

// WriteFileAt is WriteFile at offset off (pwrite).
func WriteFileAt(f *os.File, p []byte, off int64) (int, error) {
	return fileOp(f, p, off)
}

func fileOp(f *os.File, p []byte, off int64) (int, error) {
	rc, ok := conn(f)
	if !ok || len(p) == 0 {
		if off >= 0 {
			return f.WriteAt(p, off)
		}
		return f.Write(p)
	}
	done := 0
	var errno syscall.Errno
	err := rc.Control(func(fd uintptr) {
		for done < len(p) {
			var r uintptr
			var e syscall.Errno
			if off >= 0 {
				r, _, e = syscall.RawSyscall6(syscall.SYS_PWRITE64, fd, uintptr(unsafe.Pointer(&p[done])), uintptr(len(p)-done), uintptr(off+int64(done)), 0, 0)
			} else {
				r, _, e = syscall.RawSyscall(syscall.SYS_WRITE, fd, uintptr(unsafe.Pointer(&p[done])), uintptr(len(p)-done))
			}
			switch e {
			case 0:
				if r == 0 {
					errno = syscall.EIO
					return
				}
				done += int(r)
			case syscall.EINTR:
			default:
				errno = e
				return
			}
		}
	})
	if err == nil && errno != 0 {
		err = os.NewSyscallError("write", errno)
	}
	return done, err
}
