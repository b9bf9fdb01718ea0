package gocmd

import (
	"fmt"
	"os/exec"
	"syscall"
)

// lowest is the nicest nice value.
const lowest = 19

func lower(cmd *exec.Cmd) error {
	if cmd.Process == nil {
		return fmt.Errorf("lower priority: %s not started", cmd.Path)
	}
	// The group's id is its leader's pid (Group's Setpgid).
	if err := syscall.Setpriority(syscall.PRIO_PGRP, cmd.Process.Pid, lowest); err != nil {
		return fmt.Errorf("lower priority of %s: %w", cmd.Path, err)
	}
	return nil
}
