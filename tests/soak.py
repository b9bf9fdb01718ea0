#!/usr/bin/python3
"""Soak test of the gilgo kernel through jupyter_client (`make soak`).

    /usr/bin/python3 tests/soak.py [--cells 10000] [--sample-every 1000]
        [--warmup 1000] [--gilgo bin/gilgo] [--seed 1]

Runs N cells through one real kernel, one request at a time, mixing prints to
stdout and stderr, values, compile errors, panics, runtime errors, goroutines
that print after the cell's reply, and interrupts of endless loops (an
interrupt_request on the control channel). Every --sample-every cells it
waits for the late prints, asks the worker for runtime.NumGoroutine() in a
cell and reads the RSS of the kernel's process tree (VmRSS of the kernel and
its descendants).

It FAILS (exit 1) when:
- after --warmup cells, RSS grows by more than --rss-bound KiB per 1,000 cells
  (least-squares slope over the samples);
- the goroutine count at the end exceeds the first sample after warm-up by
  more than --goroutine-slack;
- a message is lost or doubled: every request (execute on shell, interrupt
  on control) must get exactly one reply and exactly one busy and one idle
  status on IOPub with it as parent, busy first; every cell must give the
  status and output its kind expects (late prints included, under the parent
  of the cell that started the goroutine);
- the worker process is replaced (a crash) or the kernel dies.

The gilgo binary is copied into a temporary prefix and installed there, and
the kernel is shut down (and what is left of its tree killed) on every exit.
"""

import argparse
import os
import random
import sys
import time
from queue import Empty

import kernelkit

SETUP = 'import (\n\t"fmt"\n\t"os"\n\t"runtime"\n\t"time"\n)'
SETUP2 = "var v int"
GOROUTINES = "fmt.Println(runtime.NumGoroutine())"

# kind -> (weight, code template); {i} is the cell number.
KINDS = {
    "print": (30, 'fmt.Println("soak", {i})'),
    "assign": (15, "v = {i}"),
    "value": (10, "{i} * 2"),
    "stderr": (8, 'fmt.Fprintln(os.Stderr, "err", {i})'),
    "compile_error": (8, "undefinedName{i}"),
    "panic": (8, 'panic("soak {i}")'),
    "runtime_error": (6, "var s{i} []int\n_ = s{i}[{i}]"),
    "late": (10, 'go func() {{\n\ttime.Sleep(5 * time.Millisecond)\n\tfmt.Println("late", {i})\n}}()'),
    "interrupt": (1, "for {{\n}}"),
    # Diagnostic only (weight 0, pick it with --kinds): the same source every time.
    "same": (0, "v = 1"),
    # Weight 0 too: a new variable every cell (--kinds define: does a session age?).
    "define": (0, "v{i} := {i}"),
}

REPLY_TIMEOUT = 60
LATE_TIMEOUT = 10


class Soak:
    def __init__(self, k):
        self.k = k
        self.kc = k.kc
        self.iopub = {}  # parent msg_id -> [msg]
        self.replies = {}  # parent msg_id -> [reply msg]
        self.unknown_parent = 0
        self.requests = []  # (msg_id, kind, i, channel)
        self.late_pending = {}  # msg_id -> expected text
        self.round_trips = {}  # cell number -> seconds from execute_request to reply and idle

    # ---------------------------------------------------------------- pump

    def pump_once(self, timeout):
        got = False
        try:
            m = self.kc.get_iopub_msg(timeout=timeout)
            got = True
            pid = m["parent_header"].get("msg_id")
            if pid is None:
                self.unknown_parent += 1
            else:
                self.iopub.setdefault(pid, []).append(m)
                if pid in self.late_pending and m["msg_type"] == "stream":
                    if self.late_pending[pid] in self.text(pid, "stdout"):
                        del self.late_pending[pid]
        except Empty:
            pass
        for get in (self.kc.get_shell_msg, self.kc.get_control_msg):
            while True:
                try:
                    r = get(timeout=0)
                except Empty:
                    break
                got = True
                self.replies.setdefault(r["parent_header"].get("msg_id"), []).append(r)
        return got

    def done(self, mid):
        return mid in self.replies and any(
            m["msg_type"] == "status" and m["content"]["execution_state"] == "idle"
            for m in self.iopub.get(mid, []))

    def wait(self, cond, timeout, what):
        deadline = time.monotonic() + timeout
        while not cond():
            if time.monotonic() > deadline:
                raise TimeoutError(what)
            if not self.k.km.is_alive():
                raise RuntimeError(f"kernel died while waiting for {what}")
            self.pump_once(0.002)

    def text(self, mid, name):
        return kernelkit.stream_text(self.iopub.get(mid, []), name)

    # ------------------------------------------------------------- requests

    def run(self, kind, i, code):
        t0 = time.perf_counter()
        mid = self.kc.execute(code)
        self.requests.append((mid, kind, i, "shell"))
        if kind == "interrupt":
            self.wait(lambda: any(m["msg_type"] == "execute_input" for m in self.iopub.get(mid, [])),
                      REPLY_TIMEOUT, f"execute_input of cell {i}")
            time.sleep(0.02)
            imid = self.k.control_request("interrupt_request")
            self.requests.append((imid, "interrupt_request", i, "control"))
            self.wait(lambda: self.done(imid), REPLY_TIMEOUT, f"interrupt_reply for cell {i}")
        elif kind == "late":
            self.late_pending[mid] = f"late {i}\n"
        self.wait(lambda: self.done(mid), REPLY_TIMEOUT, f"reply and idle of cell {i} ({kind})")
        if kind not in ("setup", "goroutines", "interrupt"):
            self.round_trips[i] = time.perf_counter() - t0
        return mid

    def wait_lates(self):
        self.wait(lambda: not self.late_pending, LATE_TIMEOUT,
                  f"late prints of {len(self.late_pending)} cells")

    def sample(self, cells):
        self.wait_lates()
        mid = self.run("goroutines", cells, GOROUTINES)
        out = self.text(mid, "stdout").strip()
        if not out.isdigit():
            raise RuntimeError(f"NumGoroutine cell printed {out!r}: {self.replies[mid][0]['content']}")
        rss, nproc = self.k.rss()
        pids = sorted(kernelkit.tree(self.k.pid))
        return {"cells": cells, "rss": rss, "goroutines": int(out), "pids": pids,
                "per_pid": [kernelkit.rss_kib(p) for p in pids]}

    # ----------------------------------------------------------- accounting

    def check(self):
        """Problems found in the message log, as strings."""
        problems = []
        for mid, kind, i, channel in self.requests:
            where = f"cell {i} ({kind}, {channel})"
            reps = self.replies.get(mid, [])
            if len(reps) != 1:
                problems.append(f"{where}: {len(reps)} replies")
                continue
            msgs = self.iopub.get(mid, [])
            states = [m["content"]["execution_state"] for m in msgs if m["msg_type"] == "status"]
            if states != ["busy", "idle"]:
                problems.append(f"{where}: status sequence {states}")
            elif msgs[0]["msg_type"] != "status":
                problems.append(f"{where}: {msgs[0]['msg_type']} before busy")
            content = reps[0]["content"]
            if channel == "control":
                if reps[0]["msg_type"] != "interrupt_reply" or content.get("status") != "ok":
                    problems.append(f"{where}: {reps[0]['msg_type']} {content.get('status')}")
                continue
            problems.extend(f"{where}: {p}" for p in self.check_cell(kind, i, mid, content))
        return problems

    def check_cell(self, kind, i, mid, content):
        status = content.get("status")
        want_error = kind in ("compile_error", "panic", "runtime_error", "interrupt")
        if status != ("error" if want_error else "ok"):
            yield f"status {status} ({content.get('ename')}: {content.get('evalue')})"
            return
        if content.get("ename") == "InterpreterCrashed":
            yield "interpreter crashed"
        errors = [m for m in self.iopub.get(mid, []) if m["msg_type"] == "error"]
        if want_error and len(errors) != 1:
            yield f"{len(errors)} error messages on IOPub"
        out, err = self.text(mid, "stdout"), self.text(mid, "stderr")
        if kind == "print" and out != f"soak {i}\n":
            yield f"stdout {out!r}"
        if kind == "stderr" and f"err {i}\n" not in err:
            yield f"stderr {err!r}"
        if kind == "late" and out != f"late {i}\n":
            yield f"late stdout {out!r}"
        if kind == "value":
            res = [m["content"]["data"].get("text/plain") for m in self.iopub.get(mid, [])
                   if m["msg_type"] == "execute_result"]
            if res != [str(i * 2)]:
                yield f"execute_result {res}"
        if kind == "panic" and f"soak {i}" not in content.get("evalue", ""):
            yield f"panic evalue {content.get('evalue')!r}"
        if kind == "interrupt" and content.get("ename") != "Interrupted":
            yield f"interrupt ename {content.get('ename')!r}"


def round_trip_aging(trips, cells):
    """The mean round trip of cells 100-300 and of the last 200 cells, or
    None when the run is too short to tell."""
    if cells < 500:
        return None
    early = [trips[i] for i in range(100, 300) if i in trips]
    late = [trips[i] for i in range(cells - 199, cells + 1) if i in trips]
    if len(early) < 50 or len(late) < 50:
        return None
    return sum(early) / len(early), sum(late) / len(late)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--cells", type=int, default=10000)
    ap.add_argument("--sample-every", type=int, default=1000)
    ap.add_argument("--warmup", type=int, default=1000,
                    help="cells before the RSS and goroutine baselines (capped at cells/4)")
    ap.add_argument("--rss-bound", type=float, default=2048, help="KiB per 1,000 cells after warm-up")
    ap.add_argument("--goroutine-slack", type=int, default=2)
    ap.add_argument("--aging-bound", type=float, default=0,
                    help="fail when the last 200 cells' mean round trip exceeds cells 100-300's by this "
                         "factor (0: report only)")
    ap.add_argument("--gilgo", default=os.path.join(kernelkit.REPO, "bin", "gilgo"))
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--kinds", default=",".join(k for k in KINDS if KINDS[k][0]),
                    help="comma-separated cell kinds to mix (to find which one leaks)")
    args = ap.parse_args()
    warmup = min(args.warmup, args.cells // 4)
    rng = random.Random(args.seed)
    kinds = [k for k in args.kinds.split(",") if k]
    for k in kinds:
        if k not in KINDS:
            ap.error(f"unknown kind {k!r}; want some of {','.join(KINDS)}")
    weights = [KINDS[k][0] or 1 for k in kinds]

    failures, samples, counts = [], [], {}
    s = None
    t0 = time.monotonic()
    with kernelkit.Env(args.gilgo):
        k = kernelkit.Kernel("gilgo")
        try:
            k.start()
            s = Soak(k)
            for code in (SETUP, SETUP2):
                s.run("setup", 0, code)
            samples.append(s.sample(0))
            sample_at = sorted({c for c in range(args.sample_every, args.cells + 1, args.sample_every)}
                               | {warmup, args.cells})
            for i in range(1, args.cells + 1):
                kind = rng.choices(kinds, weights)[0]
                if kind == "interrupt":
                    s.wait_lates()  # an interrupt stops every goroutine cells started
                counts[kind] = counts.get(kind, 0) + 1
                s.run(kind, i, KINDS[kind][1].format(i=i))
                if i in sample_at:
                    samples.append(s.sample(i))
                    last = samples[-1]
                    print(f"{i:6d} cells  {time.monotonic() - t0:6.1f} s  rss {last['rss'] / 1024:7.1f} MiB  "
                          f"goroutines {last['goroutines']:3d}  per process (kernel, worker) "
                          f"{[round(r / 1024, 1) for r in last['per_pid']]} MiB", flush=True)
            s.wait_lates()
            s.pump_once(0.2)
            failures.extend(s.check())
            if s.unknown_parent:
                print(f"note: {s.unknown_parent} IOPub messages without a parent", file=sys.stderr)
        except Exception as e:  # noqa: BLE001 - the soak reports and fails
            failures.append(f"aborted: {type(e).__name__}: {e}")
        finally:
            k.close()

    if len({tuple(x["pids"]) for x in samples}) > 1:
        failures.append(f"the kernel's process tree changed (worker restarted?): "
                        f"{[x['pids'] for x in samples]}")
    after = [x for x in samples if x["cells"] >= warmup]
    rss_slope = kernelkit.slope([x["cells"] for x in after], [x["rss"] for x in after]) * 1000
    gor_slope = kernelkit.slope([x["cells"] for x in after], [x["goroutines"] for x in after]) * 1000
    print()
    print(f"cells {args.cells} in {time.monotonic() - t0:.1f} s; kinds {dict(sorted(counts.items()))}")
    print(f"samples after warm-up ({warmup} cells): {len(after)}")
    print(f"RSS slope {rss_slope:.1f} KiB per 1,000 cells (bound {args.rss_bound:.0f})")
    print(f"goroutine slope {gor_slope:.2f} per 1,000 cells")
    aging = round_trip_aging(s.round_trips, args.cells) if s is not None else None
    if aging:
        early, late = aging
        print(f"round trip: cells 100-300 {early * 1000:.2f} ms, last 200 {late * 1000:.2f} ms, "
              f"ratio {late / early:.2f}" + (f" (bound {args.aging_bound:.2f})" if args.aging_bound else ""))
        if args.aging_bound and late / early > args.aging_bound:
            failures.append(f"round trips grew {late / early:.2f}x (bound {args.aging_bound:.2f})")
    if len(after) >= 2:
        if rss_slope > args.rss_bound:
            failures.append(f"RSS grows {rss_slope:.0f} KiB per 1,000 cells (bound {args.rss_bound:.0f})")
        g0, g1 = after[0]["goroutines"], after[-1]["goroutines"]
        if g1 > g0 + args.goroutine_slack:
            failures.append(f"goroutines grew from {g0} to {g1} (slack {args.goroutine_slack})")
    else:
        failures.append("fewer than 2 samples after warm-up: raise --cells or lower --sample-every")
    for f in failures[:50]:
        print("FAIL:", f)
    if len(failures) > 50:
        print(f"FAIL: ... and {len(failures) - 50} more")
    print("soak: FAILED" if failures else "soak: ok")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
