//go:build unix

package compiled

import (
	"os/exec"
	"syscall"
)

// setProcessGroup puts go build and the compilers it starts in their own
// process group, so cancelling a build ends all of them.
func setProcessGroup(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	cmd.Cancel = func() error { return syscall.Kill(-cmd.Process.Pid, syscall.SIGKILL) }
}
