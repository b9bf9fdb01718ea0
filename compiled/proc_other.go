//go:build !unix

package compiled

import "os/exec"

func setProcessGroup(*exec.Cmd) {}
