#!/usr/bin/python3
"""gilgo vs ipykernel, side by side, in one run.

    /usr/bin/python3 bench/compare.py [--gilgo bin/gilgo] [--rounds 5]
        [--go-bench go-bench.txt] [--out bench/RESULTS.md]

Both kernels are started through jupyter_client's KernelManager and driven by
a BlockingKernelClient, in interleaved rounds (the kernel that goes first
rotates), after one untimed start of each to warm the file cache. Every
round starts a fresh kernel and measures, in this order: cold start, RSS
after start, the first cell, 50 trivial cells, 20 warm completions, cells up
to 200 in all and RSS again, fib(27), a 100,000-line print, and an interrupt
followed by a cell that must still see a variable from before. CPython's
fib(27) (`/usr/bin/python3 -c`) runs once per round as a third column.

The gilgo binary is copied into a temporary prefix first, so a rebuild of
bin/gilgo during the run does not change the kernel under measurement. No
kernel is left running: every kernel is shut down in a finally block and what
is left of its process tree is killed.

--null-kernel takes the bench/nullkernel binary (gilgo's protocol layer on an
interpreter that runs nothing); it joins the rounds for the minimal-client
round trip only, and its row is the floor under gilgo's.

--baseline takes another gilgo binary (an older build): it runs gilgo's cells
in the same rounds, and a second table gives this build's medians over its.
Build it in a checkout that stays where it is: a gilgo binary finds the
sources its compiled tier builds against through the path recorded at build
time, and without them it never auto-compiles (which makes a long cell look
faster, since no build competes with it).

--go-bench takes a file of `go test -bench` output; its lines with custom
metrics (the ratios the Go benchmarks report against a baseline measured in
the same run) become a second table.

Exit status: 0 when the report was written (targets missed are reported, not
failed), 1 on an error.
"""

import argparse
import datetime
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import time
import traceback

# The kernel-client kit is tests/kernelkit.py, shared with the tests; bench/
# and tests/ are directories of scripts, not packages, so tests/ goes on the
# path (this script is run as `python3 bench/compare.py`).
sys.path.insert(0, os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "tests"))
import kernelkit  # noqa: E402

CELLS = {
    "gilgo": {
        "first": "x := 1",
        "setup": 'import "fmt"\nimport "time"',
        "keep": "keep := 42",
        "trivial": "x := 1",
        "filler": "x = x + 1\nfmt.Println(x)",
        "complete": "fmt.Pri",
        "complete_want": "Println",
        "fib_def": "func fib(n int) int {\n\tif n < 2 {\n\t\treturn n\n\t}\n\treturn fib(n-1) + fib(n-2)\n}",
        "fib_call": "t0 := time.Now()\nr := fib(27)\nfmt.Println(r, time.Since(t0).Seconds())",
        "print": "for i := 0; i < 100000; i++ {\n\tfmt.Println(i)\n}",
        "spin": "for {\n}",
        "after": "fmt.Println(keep)",
    },
    "python3": {
        "first": "x = 1",
        "setup": "import time",
        "keep": "keep = 42",
        "trivial": "x = 1",
        "filler": "x = x + 1\nprint(x)",
        "complete": "pri",
        "complete_want": "print",
        "fib_def": "def fib(n):\n    if n < 2:\n        return n\n    return fib(n-1) + fib(n-2)",
        "fib_call": "t0 = time.perf_counter()\nr = fib(27)\nprint(r, time.perf_counter() - t0)",
        "print": "for i in range(100000):\n    print(i)",
        "spin": "while True:\n    pass",
        "after": "print(keep)",
    },
}

# A kernel that runs nothing (bench/nullkernel: gilgo's package kernel on a
# no-op interpreter, no worker), timed with the minimal client only: the
# floor under gilgo's minimal-client round trip.
NULL = "gilgo-null"

# Another gilgo build (--baseline), run with gilgo's cells in the same
# rounds: its own table of this build's medians over the baseline's.
BASE = "gilgo-base"

CPYTHON_FIB = (
    "import time\n"
    "def fib(n):\n    if n < 2:\n        return n\n    return fib(n-1) + fib(n-2)\n"
    "t0 = time.perf_counter()\nr = fib(27)\nprint(r, time.perf_counter() - t0)\n"
)

TRIVIAL_N = 50
TRIVIAL_MINIMAL_N = 100
COMPLETE_N = 20
CELLS_BEFORE_RSS = 200
PRINT_LINES = 100000
SPIN_BEFORE_INTERRUPT = 0.3


class MeasureError(Exception):
    pass


def one_round(name, samples, errors, rnd):
    """Measure one fresh kernel; append to samples[metric].

    A step that fails is recorded in errors and the round goes on with the
    next step, unless the kernel died.
    """
    c = CELLS["gilgo" if name == BASE else name]
    k = kernelkit.Kernel(name)
    st = {"cells": 0}

    def step(label, fn):
        try:
            fn()
            return True
        except Exception as e:  # noqa: BLE001 - reported, the run goes on
            errors.append(f"round {rnd}, {name}, {label}: {type(e).__name__}: {e}")
            print(errors[-1], file=sys.stderr)
            if not k.km.is_alive():
                raise MeasureError(f"{name}: kernel died in {label}") from e
            k.drain(0.2)
            return False

    def cell_ok(code, timeout=60):
        r = k.must_run(code, timeout=timeout)
        st["cells"] += 1
        return r.outputs, r.t_idle

    def start():
        t_info, t_idle = k.start()
        samples["start_info"].append(t_info)
        samples["start_idle"].append(t_idle)
        time.sleep(0.2)  # let a lazily started worker show up in the tree
        rss, nproc = k.rss()
        samples["rss_start"].append(rss)
        samples["pss_start"].append(k.pss())
        samples["nproc"].append(nproc)

    def first():
        samples["first_cell"].append(cell_ok(c["first"])[1])
        for code in (c["setup"], c["keep"]):
            cell_ok(code)

    def trivial():
        for _ in range(TRIVIAL_N):
            samples["trivial"].append(cell_ok(c["trivial"])[1])

    def trivial_minimal():
        mc = k.minimal_client()
        try:
            mc.ready(c["trivial"])
            for _ in range(TRIVIAL_MINIMAL_N):
                samples["trivial_min"].append(mc.execute(c["trivial"]))
                st["cells"] += 1
        finally:
            mc.close()

    def complete():
        k.complete(c["complete"])  # the warm-up; the next ones are warm
        for _ in range(COMPLETE_N):
            content, t = k.complete(c["complete"])
            samples["complete"].append(t)
            found = c["complete_want"] in content.get("matches", [])
            samples["complete_found"].append(found)

    def to_200():
        while st["cells"] < CELLS_BEFORE_RSS:
            cell_ok(c["filler"])
        k.drain(0.05)
        samples["rss_200"].append(k.rss()[0])
        samples["pss_200"].append(k.pss())

    def fib():
        cell_ok(c["fib_def"])
        outs, t = cell_ok(c["fib_call"], timeout=300)
        fields = kernelkit.stdout_text(outs).split()
        if len(fields) != 2 or fields[0] != "196418":
            raise MeasureError(f"fib(27) printed {kernelkit.stdout_text(outs)!r}")
        samples["fib_inside"].append(float(fields[1]))
        samples["fib_rt"].append(t)

    def printing():
        outs, t = cell_ok(c["print"], timeout=300)
        text = kernelkit.stdout_text(outs)
        lines = text.count("\n")
        streams = sum(1 for m in outs if m["msg_type"] == "stream")
        if lines != PRINT_LINES or not text.endswith(f"{PRINT_LINES - 1}\n"):
            raise MeasureError(f"print cell gave {lines} lines")
        samples["print"].append(t)
        samples["print_msgs"].append(streams)

    def interrupt():
        sent = {}

        def send(_mid):
            time.sleep(SPIN_BEFORE_INTERRUPT)
            sent["t"] = time.perf_counter()
            k.km.interrupt_kernel()

        t0 = time.perf_counter()
        r = k.execute(c["spin"], timeout=60, on_input=send)
        reply, t_reply = r.reply["content"], r.t_reply
        if "t" not in sent or reply["status"] != "error":
            raise MeasureError(f"interrupted cell replied {reply.get('status')}")
        samples["interrupt"].append(t0 + t_reply - sent["t"])
        samples["interrupt_ename"].append(reply.get("ename"))
        ok = False
        try:
            outs = k.must_run(c["after"], timeout=60).outputs
            ok = kernelkit.stdout_text(outs).strip() == "42"
        finally:
            samples["usable_after"].append(ok)

    try:
        if not step("start", start):
            return
        for label, fn in (("first cell", first), ("trivial cells", trivial),
                          ("trivial cells, minimal client", trivial_minimal), ("completion", complete),
                          ("200 cells", to_200), ("fib(27)", fib), ("print", printing),
                          ("interrupt", interrupt)):
            step(label, fn)
    finally:
        k.close()


def null_round(samples, errors, rnd):
    """Minimal-client round trips of the null kernel; append to samples."""
    k = kernelkit.Kernel(NULL)
    try:
        k.start()
        mc = k.minimal_client()
        try:
            mc.ready(CELLS["gilgo"]["trivial"])
            for _ in range(TRIVIAL_MINIMAL_N):
                samples["trivial_min"].append(mc.execute(CELLS["gilgo"]["trivial"]))
        finally:
            mc.close()
    except Exception as e:  # noqa: BLE001 - reported, the run goes on
        errors.append(f"round {rnd}, {NULL}: {type(e).__name__}: {e}")
        print(errors[-1], file=sys.stderr)
    finally:
        k.close()


def install_null_kernel(env, path):
    """Copy the null kernel into env's prefix and give it a kernelspec."""
    exe = os.path.join(env.dir, "gilgo-null")
    shutil.copy2(path, exe)
    spec = os.path.join(env.dir, "share", "jupyter", "kernels", NULL)
    os.makedirs(spec, exist_ok=True)
    with open(os.path.join(spec, "kernel.json"), "w") as f:
        json.dump({"argv": [exe, "-f", "{connection_file}"], "display_name": "gilgo's protocol, no interpreter",
                   "language": "go"}, f)


def install_baseline(env, path):
    """Copy the baseline gilgo into env's prefix as the kernelspec BASE."""
    exe = os.path.join(env.dir, BASE)
    shutil.copy2(path, exe)
    subprocess.run([exe, "install", "--prefix", env.dir, "--name", BASE, "--log-level", "error"],
                   check=True, stdout=subprocess.DEVNULL)


# The rows of the baseline table: (label, metric, format, pooled).
BASELINE_ROWS = (
    ("cold start → kernel_info_reply", "start_info", "s", False),
    ("first cell round trip", "first_cell", "s", False),
    (f"trivial cell round trip (×{TRIVIAL_N}/round)", "trivial", "s", True),
    (f"… with a minimal client (×{TRIVIAL_MINIMAL_N}/round)", "trivial_min", "s", True),
    (f"warm completion (×{COMPLETE_N}/round)", "complete", "s", True),
    ("fib(27), time inside the cell", "fib_inside", "s", False),
    (f"{PRINT_LINES:,}-line print, request → idle", "print", "s", False),
    ("RSS of the process tree after start", "rss_start", "kib", False),
    (f"RSS of the process tree after {CELLS_BEFORE_RSS} cells", "rss_200", "kib", False),
    ("PSS of the process tree after start", "pss_start", "kib", False),
    (f"PSS of the process tree after {CELLS_BEFORE_RSS} cells", "pss_200", "kib", False),
    ("interrupt → error reply", "interrupt", "s", False),
)


def baseline_rows(new, base):
    """(label, this build, baseline, this/baseline) for BASELINE_ROWS."""
    rows = []
    for label, key, unit, pooled in BASELINE_ROWS:
        fmt = fmt_s if unit == "s" else fmt_kib
        r = ratio(new[key], base[key])
        rows.append((label, cell(new[key], fmt, pooled), cell(base[key], fmt, pooled),
                     f"{r:.3f}" if r == r else "n/a"))
    return rows


def cpython_fib():
    r = subprocess.run(["/usr/bin/python3", "-c", CPYTHON_FIB], capture_output=True, text=True, check=True)
    fields = r.stdout.split()
    if fields[0] != "196418":
        raise MeasureError(f"cpython fib printed {r.stdout!r}")
    return float(fields[1])


# --------------------------------------------------------------------------
# Report


def sh(*cmd):
    try:
        return subprocess.run(cmd, capture_output=True, text=True, timeout=30).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def machine():
    cpu = "unknown"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    mem = "unknown"
    with open("/proc/meminfo") as f:
        for line in f:
            if line.startswith("MemTotal:"):
                mem = f"{int(line.split()[1]) / 1024 / 1024:.1f} GiB"
    import ipykernel
    import jupyter_client

    go = os.environ.get("GO") or "go"
    goversion = sh(go, "version")
    if goversion in ("", "unknown"):
        goversion = sh("/usr/local/go/bin/go", "version")
    return [
        ("date", datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")),
        ("CPU", cpu),
        ("cores", f"{os.cpu_count()} (usable: {len(os.sched_getaffinity(0))})"),
        ("RAM", mem),
        ("load average at start", " ".join(f"{x:.2f}" for x in os.getloadavg())),
        ("kernel", f"{platform.system()} {platform.release()}"),
        ("Go", goversion),
        ("Python", f"{platform.python_version()} ({sys.executable})"),
        ("jupyter_client", jupyter_client.__version__),
        ("ipykernel", ipykernel.__version__),
    ]


def fmt_s(x):
    if x != x:
        return "n/a"
    if x < 0.001:
        return f"{x * 1000:.2f} ms"
    if x < 1:
        return f"{x * 1000:.1f} ms"
    return f"{x:.2f} s"


def fmt_kib(x):
    return f"{x / 1024:.1f} MiB"


def cell(xs, fmt, pooled):
    if not xs:
        return "n/a"
    lo, hi = kernelkit.quartiles(xs) if pooled else (min(xs), max(xs))
    return f"{fmt(kernelkit.median(xs))} [{fmt(lo)}–{fmt(hi)}]"


def ratio(a, b):
    ma, mb = kernelkit.median(a), kernelkit.median(b)
    if not a or not b or mb == 0:
        return float("nan")
    return ma / mb


def verdict(ok):
    return "met" if ok else "**missed**"


def build_rows(s, cpy, null=None):
    g, p = s["gilgo"], s["python3"]
    rows = []

    def add(label, key, fmt, pooled, target=None, check=None, cpy_col=""):
        r = ratio(g[key], p[key])
        v = ""
        if check is not None and r == r:
            v = verdict(check(r))
        rows.append((label, cell(g[key], fmt, pooled), cell(p[key], fmt, pooled),
                     f"{r:.3f}" if r == r else "n/a", cpy_col, target or "—", v))

    add("cold start → kernel_info_reply", "start_info", fmt_s, False, "≤ 0.1", lambda r: r <= 0.1)
    add("cold start → first idle on IOPub", "start_idle", fmt_s, False)
    add("first cell round trip", "first_cell", fmt_s, False)
    add(f"trivial cell round trip (×{TRIVIAL_N}/round)", "trivial", fmt_s, True, "≤ 0.2", lambda r: r <= 0.2)
    add(f"… with a minimal client (×{TRIVIAL_MINIMAL_N}/round)", "trivial_min", fmt_s, True,
        "≤ 1/15 (0.067)", lambda r: r <= 1 / 15)
    if null is not None:
        r = ratio(null, p["trivial_min"])
        rows.append(("… the floor: a kernel that runs nothing, minimal client", cell(null, fmt_s, True),
                     cell(p["trivial_min"], fmt_s, True), f"{r:.3f}" if r == r else "n/a", "",
                     "report (the ratio gilgo's row cannot go below)", ""))
    add(f"warm completion (×{COMPLETE_N}/round)", "complete", fmt_s, True, "≤ 0.2", lambda r: r <= 0.2)
    cpy_cell = cell(cpy, fmt_s, False)
    r_in = kernelkit.median(g["fib_inside"]) / kernelkit.median(cpy) if cpy and g["fib_inside"] else float("nan")
    add("fib(27), time inside the cell", "fib_inside", fmt_s, False,
        f"report (gilgo/CPython -c = {r_in:.1f})", None, cpy_cell)
    add("fib(27), cell round trip", "fib_rt", fmt_s, False)
    msgs_ok = bool(g["print_msgs"]) and max(g["print_msgs"]) <= 20
    add(f"{PRINT_LINES:,}-line print, request → idle", "print", fmt_s, False, "< 1",
        lambda r: r < 1)
    add("… stream messages for it", "print_msgs", lambda x: f"{x:.0f}", False, "gilgo ≤ 20", None)
    rows[-1] = rows[-1][:-1] + (verdict(msgs_ok) if g["print_msgs"] else "",)
    add("RSS of the process tree after start", "rss_start", fmt_kib, False, "≤ 0.5", lambda r: r <= 0.5)
    add(f"RSS of the process tree after {CELLS_BEFORE_RSS} cells", "rss_200", fmt_kib, False, "≤ 0.5",
        lambda r: r <= 0.5)
    add("PSS of the process tree after start", "pss_start", fmt_kib, False, "≤ 0.5", lambda r: r <= 0.5)
    add(f"PSS of the process tree after {CELLS_BEFORE_RSS} cells", "pss_200", fmt_kib, False)
    add("processes in the kernel tree", "nproc", lambda x: f"{x:.0f}", False)
    add("interrupt → error reply", "interrupt", fmt_s, False)
    return rows


def parse_go_bench(text):
    """Lines of `go test -bench` output with custom metrics.

    Returns [(pkg, benchmark, [(value, unit)...] custom metrics)], in order.
    Standard units (ns/op, B/op, allocs/op, MB/s) are dropped; a line left
    with no metric is skipped.
    """
    standard = {"ns/op", "B/op", "allocs/op", "MB/s"}
    out, pkg = [], ""
    for line in text.splitlines():
        line = line.strip()
        if line.startswith("pkg:"):
            pkg = line.split(":", 1)[1].strip()
            continue
        if not line.startswith("Benchmark"):
            continue
        fields = line.split()
        if len(fields) < 4 or not fields[1].isdigit():
            continue
        metrics = []
        rest = fields[2:]
        for i in range(0, len(rest) - 1, 2):
            try:
                v = float(rest[i])
            except ValueError:
                break
            if rest[i + 1] not in standard:
                metrics.append((v, rest[i + 1]))
        if metrics:
            out.append((pkg, fields[0], metrics))
    return out


# Targets on Go benchmarks' metrics, checked in the report: (package suffix,
# benchmark name without its -N suffix, metric unit, target text, check).
GO_TARGETS = [
    ("session", "BenchmarkTrivialCell", "ratio", "same cell again: session / bare yaegi Eval ≤ 2",
     lambda v: v <= 2),
    ("session", "BenchmarkTrivialCellNew", "ratio", "a new cell each time: session / bare yaegi Eval ≤ 2",
     lambda v: v <= 2),
    ("session", "BenchmarkAging", "ratio", "median cell: last 200 / cells 100-300 ≤ 1.2", lambda v: v <= 1.2),
    ("tiers", "BenchmarkAutoCompileFib", "third/cpython", "third fib(27) call / CPython's ≤ 1",
     lambda v: v <= 1),
    ("tiers", "BenchmarkAutoCompileTrivial", "ratio", "trivial cell, watcher on / off ≤ 1.05",
     lambda v: v <= 1.05),
]


def go_target_rows(go_lines):
    """[(benchmark, metric, value, target, verdict)] for the GO_TARGETS found
    in go_lines; a target whose benchmark did not run is reported as such."""
    rows = []
    for pkg_suffix, name, unit, target, check in GO_TARGETS:
        found = None
        for pkg, bench, metrics in go_lines:
            if pkg.endswith("/" + pkg_suffix) and re.fullmatch(re.escape(name) + r"(-\d+)?", bench):
                found = next((v for v, u in metrics if u == unit), None)
        if found is None:
            rows.append((f"{pkg_suffix}.{name}", unit, "not run", target, ""))
        else:
            rows.append((f"{pkg_suffix}.{name}", unit, f"{found:g}", target, verdict(check(found))))
    return rows


def is_ratio(unit):
    if unit.endswith("ratio") or unit.startswith("x-") or "-x-" in unit:
        return True
    if "/" in unit:
        return not re.search(r"(^|[-/])(ns|ms|us|µs|s|op|KiB|MiB|B|msgs)([-/]|$)", unit) and "ns" not in unit
    return False


def report(args, s, cpy, go_lines, errors, wall):
    out = ["# gilgo vs ipykernel: measured side by side", ""]
    out.append(f"Generated by `bench/compare.py` ({args.rounds} rounds, {wall:.0f} s). "
               "Do not edit by hand; rerun `make bench`. The History section at the end is kept "
               "by hand (dated before/after figures of changes) and survives a rerun.")
    out.append("")
    out.append("## Machine")
    out.append("")
    for k, v in machine():
        out.append(f"- {k}: {v}")
    out.append("")
    out.append("## Results")
    out.append("")
    out.append("Medians with the spread in brackets: min–max of one value per round, or the "
               "interquartile range where a round gives many samples (trivial cell, completion). "
               "The ratio is gilgo's median over ipykernel's; the target is on that ratio.")
    out.append("")
    out.append("| metric | gilgo | ipykernel | gilgo/ipykernel | CPython -c | target | verdict |")
    out.append("|---|---|---|---|---|---|---|")
    for row in build_rows(s, cpy, s[NULL]["trivial_min"] if NULL in s else None):
        out.append("| " + " | ".join(row) + " |")
    out.append("")
    for name, label in (("gilgo", "gilgo"), ("python3", "ipykernel")):
        ua = s[name]["usable_after"]
        en = sorted(set(str(e) for e in s[name]["interrupt_ename"]))
        cf = s[name]["complete_found"]
        out.append(f"- {label}: completion of `{CELLS[name]['complete']}` offered "
                   f"`{CELLS[name]['complete_want']}` in {sum(cf)}/{len(cf)} requests.")
        out.append(f"- {label}: usable after interrupt (next cell answered, variable from before intact) "
                   f"in {sum(ua)}/{len(ua)} rounds; ename {', '.join(en) or 'n/a'}.")
    if BASE in s:
        out.append("")
        out.append(f"## This build against the baseline ({args.baseline})")
        out.append("")
        out.append(f"The baseline build ran gilgo's cells as kernelspec `{BASE}` in the same rounds. "
                   "The ratio is this build's median over the baseline's.")
        out.append("")
        out.append("| metric | this build | baseline | this/baseline |")
        out.append("|---|---|---|---|")
        for row in baseline_rows(s["gilgo"], s[BASE]):
            out.append("| " + " | ".join(row) + " |")
    if errors:
        out.append("")
        out.append("Rounds that failed (their partial samples are kept):")
        out.append("")
        for e in errors:
            out.append(f"- {e}")
    out.append("")
    out.append("## How it was measured")
    out.append("")
    out.append(
        "One process (`/usr/bin/python3`, Debian's jupyter_client) starts each kernel with a "
        "KernelManager from its kernelspec (gilgo: the binary copied into a temporary prefix and "
        "installed there with `gilgo install --prefix`; ipykernel: the system `python3` spec) and "
        "drives it with a BlockingKernelClient over ZeroMQ on localhost. After one untimed start of "
        "each kernel (file cache warm), the kernels take turns, the first one rotating per round; "
        "every round starts a fresh kernel. *Cold start* runs from before the process is spawned to "
        "the kernel_info_reply, and to the first `status: idle` on IOPub (kernel_info is re-sent, "
        "as `wait_for_ready` does, when IOPub's subscription missed the first one). A *round trip* "
        "runs from sending execute_request to having both the execute_reply and this request's "
        "`idle`. The *minimal client* sends the same execute_request over raw ZeroMQ sockets "
        "(pyzmq, signed with the connection's key) and decodes nothing but the parent's msg_id "
        "and the idle status: jupyter_client's BlockingKernelClient parses every message, which "
        "adds the same fixed cost to both kernels' round trips. The *floor* row times, with the same "
        "minimal client and in the same rounds, bench/nullkernel: gilgo's protocol layer (package "
        "kernel, as `gilgo kernel` runs it) on an interpreter that runs nothing, with no worker "
        "process; no change behind the protocol layer can bring gilgo's ratio below it. "
        "RSS is the sum of VmRSS (/proc/PID/status) over the kernel process and its "
        "descendants (found through the ppid in /proc/*/stat), read after start and after "
        f"{CELLS_BEFORE_RSS} cells (trivial assignments and small prints); it counts a page "
        "mapped by two processes twice (gilgo's kernel and worker run one binary). PSS "
        "(/proc/PID/smaps_rollup) shares such pages between the processes mapping them, so the "
        "tree's sum counts them once. fib(27) is the naive "
        "recursive function, defined in one cell and called in the next; the time inside the cell "
        "comes from the cell's own clock. The print cell must deliver all "
        f"{PRINT_LINES:,} lines; the stream messages counted are those with that request as parent. "
        f"The interrupt is sent with `KernelManager.interrupt_kernel()` {SPIN_BEFORE_INTERRUPT} s "
        "after execute_input of an endless loop (a message on control for gilgo, SIGINT for "
        "ipykernel) and timed to the error reply. The machine is a shared, noisy 2-core box: "
        "compare the ratios, which come from the same run, rather than absolute times.")
    out.append("")
    out.append("## Go benchmarks (ratios against a baseline in the same run)")
    out.append("")
    if go_lines:
        out.append(f"From `go test -bench` output in `{args.go_bench}`; only lines that report custom "
                   "metrics are shown. Ratio metrics are in the first metrics column.")
        out.append("")
        out.append("Targets:")
        out.append("")
        out.append("| benchmark | metric | value | target | verdict |")
        out.append("|---|---|---|---|---|")
        for row in go_target_rows(go_lines):
            out.append("| " + " | ".join(row) + " |")
        out.append("")
        out.append("All lines:")
        out.append("")
        out.append("| package | benchmark | ratios | other custom metrics |")
        out.append("|---|---|---|---|")
        for pkg, bench, metrics in go_lines:
            short = pkg.replace("github.com/gilgo/gilgo/", "")
            rs = ", ".join(f"{v:g} {u}" for v, u in metrics if is_ratio(u)) or "—"
            os_ = ", ".join(f"{v:g} {u}" for v, u in metrics if not is_ratio(u)) or "—"
            out.append(f"| {short} | {bench} | {rs} | {os_} |")
    else:
        out.append("Not run here. `make bench` runs `go test -bench` over the packages and passes its "
                   "output to `bench/compare.py --go-bench FILE`, which puts the lines with custom "
                   "ratio metrics (gil, worker, coroutine, refcount, kernel, runtime) in this table.")
    out.append("")
    return "\n".join(out)


HISTORY = "## History"


def kept_history(old):
    """The hand-kept history section of an earlier RESULTS.md (from its
    HISTORY heading to the end), which a new report keeps; "" if none."""
    i = old.find("\n" + HISTORY + "\n")
    return old[i + 1:] if i >= 0 else ""


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--gilgo", default=os.path.join(kernelkit.REPO, "bin", "gilgo"), help="gilgo binary")
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--go-bench", help="file of `go test -bench` output to include")
    ap.add_argument("--null-kernel", help="bench/nullkernel binary: also time a kernel that runs nothing")
    ap.add_argument("--baseline", help="another gilgo binary to run in the same rounds (this build over it)")
    ap.add_argument("--out", default=os.path.join(kernelkit.REPO, "bench", "RESULTS.md"))
    args = ap.parse_args()

    go_lines = []
    if args.go_bench:
        with open(args.go_bench) as f:
            go_lines = parse_go_bench(f.read())

    metrics = ("start_info", "start_idle", "rss_start", "pss_start", "nproc", "first_cell", "trivial",
               "trivial_min", "complete", "rss_200", "pss_200", "fib_inside", "fib_rt", "print", "print_msgs", "interrupt",
               "interrupt_ename", "usable_after", "complete_found")
    s = {n: {m: [] for m in metrics} for n in CELLS}
    kernels = list(CELLS)
    if args.baseline:
        s[BASE] = {m: [] for m in metrics}
        kernels.append(BASE)
    if args.null_kernel:
        s[NULL] = {"trivial_min": []}
        kernels.append(NULL)
    cpy, errors = [], []
    t_begin = time.perf_counter()
    with kernelkit.Env(args.gilgo) as env:
        if args.null_kernel:
            install_null_kernel(env, args.null_kernel)
        if args.baseline:
            install_baseline(env, args.baseline)
        for name in kernels:  # warm the file cache; not measured
            k = kernelkit.Kernel(name)
            try:
                k.start()
            finally:
                k.close()
        for r in range(args.rounds):
            order = kernels[r % len(kernels):] + kernels[:r % len(kernels)]
            for name in order:
                t = time.perf_counter()
                try:
                    if name == NULL:
                        null_round(s[name], errors, r + 1)
                    else:
                        one_round(name, s[name], errors, r + 1)
                except Exception as e:  # noqa: BLE001 - reported, the run goes on
                    errors.append(f"round {r + 1}, {name}: {type(e).__name__}: {e}")
                    traceback.print_exc()
                print(f"round {r + 1}/{args.rounds} {name}: {time.perf_counter() - t:.1f} s", file=sys.stderr)
            cpy.append(cpython_fib())
    wall = time.perf_counter() - t_begin
    text = report(args, s, cpy, go_lines, errors, wall)
    if os.path.exists(args.out):
        with open(args.out) as f:
            history = kept_history(f.read())
        if history:
            text = text.rstrip("\n") + "\n\n" + history
    with open(args.out, "w") as f:
        f.write(text)
    print(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
