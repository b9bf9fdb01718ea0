package worker

// tree.go finds and kills the processes a worker's cells started, whatever
// they did to get away: stay in its process group, start a session of their
// own (Setsid), or double-fork so that init adopts them.

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"os"
	"slices"
	"strconv"
	"strings"
	"syscall"
)

// TreeEnv names the environment variable that marks a worker's processes:
// a colon-separated list of tokens, one per worker process up the chain (a
// multiprocessing worker inside a worker has two). The Client gives each
// child a fresh token; processes a cell starts inherit it unless the cell
// sets their environment itself.
const TreeEnv = "GILGO_WORKER_TREE"

// newToken returns a fresh worker token.
func newToken() string {
	var b [8]byte
	_, _ = rand.Read(b[:]) // never fails on Linux
	return hex.EncodeToString(b[:])
}

// withToken returns env (os.Environ() when nil) with token appended to
// TreeEnv's list.
func withToken(env []string, token string) []string {
	if env == nil {
		env = os.Environ()
	}
	out := make([]string, 0, len(env)+1)
	list := token
	for _, kv := range env {
		if v, ok := strings.CutPrefix(kv, TreeEnv+"="); ok {
			if v != "" {
				list = v + ":" + token
			}
			continue
		}
		out = append(out, kv)
	}
	return append(out, TreeEnv+"="+list)
}

// ownToken is this process's token, the last of TreeEnv's list, or "".
func ownToken() string {
	v := os.Getenv(TreeEnv)
	return v[strings.LastIndexByte(v, ':')+1:]
}

// proc is a line of /proc/PID/stat.
type proc struct {
	pid, ppid, pgid int
	zombie          bool
}

// readProcs lists the processes in /proc.
func readProcs() []proc {
	entries, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	procs := make([]proc, 0, len(entries))
	for _, e := range entries {
		pid, err := strconv.Atoi(e.Name())
		if err != nil {
			continue
		}
		stat, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue // gone, or not ours to read
		}
		// pid (comm) state ppid pgrp ...; comm may hold spaces and
		// parentheses, so cut at the last ')'.
		i := bytes.LastIndexByte(stat, ')')
		if i < 0 {
			continue
		}
		f := strings.Fields(string(stat[i+1:]))
		if len(f) < 3 {
			continue
		}
		ppid, _ := strconv.Atoi(f[1])
		pgid, _ := strconv.Atoi(f[2])
		procs = append(procs, proc{pid: pid, ppid: ppid, pgid: pgid, zombie: f[0] == "Z"})
	}
	return procs
}

// hasToken reports whether the environment pid started with holds token in
// its TreeEnv list.
func hasToken(pid int, token string) bool {
	env, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/environ")
	if err != nil {
		return false
	}
	for kv := range bytes.SplitSeq(env, []byte{0}) {
		if v, ok := bytes.CutPrefix(kv, []byte(TreeEnv+"=")); ok {
			return slices.Contains(strings.Split(string(v), ":"), token)
		}
	}
	return false
}

// sweepRounds bounds the passes of sweep: a process may fork between the
// pass that found its parent and the kill.
const sweepRounds = 8

// sweep sends SIGKILL to the processes of a worker: root and its
// descendants (root 0: none, for a worker already reaped, whose pid may be
// reused), the members of process group pgid (0: none), and those whose
// environment carries token ("": none). This process and its ancestors are
// spared. It repeats until a pass finds nothing new alive and returns how
// many processes it signalled.
func sweep(root, pgid int, token string) int {
	killed := map[int]bool{}
	for range sweepRounds {
		procs := readProcs()
		spared := ancestors(procs, os.Getpid())
		children := map[int][]int{}
		for _, p := range procs {
			children[p.ppid] = append(children[p.ppid], p.pid)
		}
		victims := map[int]bool{}
		if root > 0 {
			stack := []int{root}
			for len(stack) > 0 {
				pid := stack[len(stack)-1]
				stack = stack[:len(stack)-1]
				if !victims[pid] {
					victims[pid] = true
					stack = append(stack, children[pid]...)
				}
			}
		}
		for _, p := range procs {
			if victims[p.pid] || p.zombie || spared[p.pid] {
				continue
			}
			if (pgid > 0 && p.pgid == pgid) || (token != "" && hasToken(p.pid, token)) {
				victims[p.pid] = true
			}
		}
		fresh := 0
		for _, p := range procs {
			if !victims[p.pid] || p.zombie || spared[p.pid] || killed[p.pid] {
				continue
			}
			if syscall.Kill(p.pid, syscall.SIGKILL) == nil {
				killed[p.pid] = true
				fresh++
			}
		}
		if fresh == 0 {
			break
		}
	}
	return len(killed)
}

// ancestors returns pid and the processes above it.
func ancestors(procs []proc, pid int) map[int]bool {
	parent := make(map[int]int, len(procs))
	for _, p := range procs {
		parent[p.pid] = p.ppid
	}
	up := map[int]bool{}
	for pid > 0 && !up[pid] {
		up[pid] = true
		pid = parent[pid]
	}
	return up
}
