// Package experiment is the cell package "experiment": the plumbing of the
// bundled notebooks' experiments, compiled into gilgo so that a notebook
// opens with its idea instead of two hundred lines of timing and SVG code.
//
// It times work by the wall clock and by CPU time (Timed, Together, Best,
// Interleave), sizes work to a target CPU time (Calibrate, NewStepper),
// records and draws when goroutines made progress (Stepper.Lanes, Timeline),
// compares one task with two under the GIL and without it beside a compiled
// control pair that never takes the lock (ComparePair), and describes the
// cores this process may use (Machine: affinity, GOMAXPROCS, the cgroup's
// cpu.max, the load average), so that an experiment says why a machine with
// one free core cannot show parallelism instead of printing an impossible
// ratio.
//
// The work itself stays in the notebook: a func the cell declares, passed
// in, runs interpreted under the GIL with its check points; a compiled loop
// would have none and would never let the lock switch. The goroutines
// Together and Lanes start are the cell's own (hook.Host.Spawn), and their
// waits release the lock.
//
// Every function that returns a time runs its work on the wall clock: under
// `gilgo run --seed N` the lock switches by counting check points, which
// measures the schedule rather than the machine, so these functions switch
// the lock to its switch interval for the measurement and restore the
// seeded schedule after (WallClock does the same for any func). Go, which
// measures nothing, leaves the schedule as it is.
//
// Process CPU time comes from getrusage(2) and includes every goroutine of
// the worker process; Calibrate and the control pair use the calling
// thread's CPU time on Linux (the process's elsewhere).
//
// The functions are safe for concurrent use; Run, Timeline, Pair and
// MachineInfo are plain values.
package experiment
