package experiment

import (
	"fmt"
	"os"
	"path"
	"runtime"
	"strconv"
	"strings"
)

// MachineInfo is what limits the cores this process may use.
type MachineInfo struct {
	Online     int     // CPUs the machine has online (0: unknown)
	NumCPU     int     // CPUs this process may run on: its affinity mask (taskset), runtime.NumCPU
	GOMAXPROCS int     // threads Go runs Go code on at once
	CgroupCPU  float64 // the cgroup's CPU limit in CPUs (cpu.max quota over period), 0 if none
	Load       float64 // the machine's 1-minute load average (-1: unknown)
}

// Machine reads the machine's state now: runtime.NumCPU and GOMAXPROCS,
// /sys/devices/system/cpu/online, the cpu.max of this process's cgroup
// (v2) and of its parents, and /proc/loadavg.
func Machine() MachineInfo {
	return MachineInfo{
		Online:     onlineCPUs(readFile("/sys/devices/system/cpu/online")),
		NumCPU:     runtime.NumCPU(),
		GOMAXPROCS: runtime.GOMAXPROCS(0),
		CgroupCPU:  cgroupCPU(readFile, readFile("/proc/self/cgroup")),
		Load:       loadAverage(readFile("/proc/loadavg")),
	}
}

// Cores returns how many cores this process may keep busy at once: the
// least of NumCPU, GOMAXPROCS and the cgroup's limit.
//
//	if experiment.Machine().Cores() < 2 { fmt.Println("no parallelism here") }
func (m MachineInfo) Cores() float64 {
	c := float64(max(1, min(m.NumCPU, m.GOMAXPROCS)))
	if m.CgroupCPU > 0 {
		c = min(c, m.CgroupCPU)
	}
	return c
}

// Limit names what keeps Cores below the machine's online CPUs, or
// returns "" when nothing does.
//
//	experiment.Machine().Limit() // "the affinity mask, as taskset sets it" under taskset -c 0
func (m MachineInfo) Limit() string {
	c := m.Cores()
	switch {
	case m.CgroupCPU > 0 && m.CgroupCPU == c && (m.Online == 0 || c < float64(m.Online)):
		return "the cgroup's cpu.max"
	case float64(m.NumCPU) == c && m.Online > 0 && m.NumCPU < m.Online:
		return "the affinity mask, as taskset sets it"
	case float64(m.GOMAXPROCS) == c && m.GOMAXPROCS < m.NumCPU:
		return "GOMAXPROCS"
	case c < 2:
		return "the machine's single CPU"
	}
	return ""
}

// String describes the machine in one sentence, e.g. "this machine: 4 CPUs
// online; this process may use 2 cores (affinity 2 CPUs, GOMAXPROCS 2, no
// cgroup CPU limit); load average 0.35", saying what keeps it below two
// cores when something does.
func (m MachineInfo) String() string {
	var b strings.Builder
	b.WriteString("this machine: ")
	if m.Online > 0 {
		fmt.Fprintf(&b, "%s online; ", cpus(m.Online))
	}
	fmt.Fprintf(&b, "this process may use %s (affinity %s, GOMAXPROCS %d, ", cores(m.Cores()), cpus(m.NumCPU), m.GOMAXPROCS)
	if m.CgroupCPU > 0 {
		fmt.Fprintf(&b, "cgroup limit %s CPUs)", trim(m.CgroupCPU))
	} else {
		b.WriteString("no cgroup CPU limit)")
	}
	if m.Load >= 0 {
		fmt.Fprintf(&b, "; load average %.2f", m.Load)
	}
	if m.Cores() < 2 {
		fmt.Fprintf(&b, "; limited by %s, so no two goroutines can run at the same instant here, GIL or not", m.Limit())
	}
	return b.String()
}

// cores formats a core count: "1 core", "2 cores", "1.5 cores".
func cores(c float64) string {
	if c == 1 {
		return "1 core"
	}
	return trim(c) + " cores"
}

// cpus formats a CPU count: "1 CPU", "4 CPUs".
func cpus(n int) string {
	if n == 1 {
		return "1 CPU"
	}
	return strconv.Itoa(n) + " CPUs"
}

func trim(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }

func readFile(name string) string {
	b, err := os.ReadFile(name)
	if err != nil {
		return ""
	}
	return string(b)
}

// onlineCPUs counts a CPU list such as "0-3,6" (0 if malformed).
func onlineCPUs(list string) int {
	n := 0
	for _, r := range strings.Split(strings.TrimSpace(list), ",") {
		lo, hi, isRange := strings.Cut(r, "-")
		a, err := strconv.Atoi(lo)
		if err != nil {
			return 0
		}
		b := a
		if isRange {
			if b, err = strconv.Atoi(hi); err != nil || b < a {
				return 0
			}
		}
		n += b - a + 1
	}
	return n
}

// cgroupCPU returns the tightest cpu.max limit, in CPUs, of the cgroup
// (v2) that procSelfCgroup names and of its parents, read with read; 0 if
// none is set.
func cgroupCPU(read func(string) string, procSelfCgroup string) float64 {
	var dir string
	for _, line := range strings.Split(procSelfCgroup, "\n") {
		if p, ok := strings.CutPrefix(line, "0::"); ok {
			dir = path.Clean("/" + strings.TrimSpace(p))
		}
	}
	if dir == "" {
		return 0
	}
	limit := 0.0
	for {
		f := strings.Fields(read(path.Join("/sys/fs/cgroup", dir, "cpu.max")))
		if len(f) == 2 && f[0] != "max" {
			q, err1 := strconv.ParseFloat(f[0], 64)
			p, err2 := strconv.ParseFloat(f[1], 64)
			if err1 == nil && err2 == nil && q > 0 && p > 0 && (limit == 0 || q/p < limit) {
				limit = q / p
			}
		}
		if dir == "/" {
			return limit
		}
		dir = path.Dir(dir)
	}
}

// loadAverage returns the first field of /proc/loadavg, or -1.
func loadAverage(s string) float64 {
	f := strings.Fields(s)
	if len(f) == 0 {
		return -1
	}
	v, err := strconv.ParseFloat(f[0], 64)
	if err != nil {
		return -1
	}
	return v
}
