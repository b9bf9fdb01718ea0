#!/usr/bin/python3
"""Measure the GIL experiments of spec/gil.md in CPython.

Prints a markdown table with the same row keys as the Go harness
(go test -run '^$' -bench Experiments -benchtime 1x ./gil), so that
`make bench` can show both side by side. Measurements, not assertions.
Run with the Debian interpreter: /usr/bin/python3 gil/testdata/cpython_gil.py
Pass --tsv for key<TAB>value lines instead of the table.
"""

import statistics
import sys
import threading
import time

ROWS = []


def add(key, what, value):
    ROWS.append((key, what, value))


def ms(seconds):
    return "%.1f" % (seconds * 1000)


def step(x):
    # One "step" of CPU work: a few bytecodes between check points.
    return (x * 1103515245 + 12345) & 0xFFFFFFFF


def calibrate(duration):
    n = 10000
    while True:
        t0 = time.perf_counter()
        cpu_work(n)
        el = time.perf_counter() - t0
        if el > 0.02:
            return int(n * duration / el)
        n *= 2


def cpu_work(n):
    x = 1
    for _ in range(n):
        x = step(x)
    return x


def run_threads(*bodies):
    threads = [threading.Thread(target=b) for b in bodies]
    t0 = time.perf_counter()
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return time.perf_counter() - t0


def main():
    n100 = calibrate(0.1)

    # 1. Two threads of 100 ms CPU work each (no free-threaded build here).
    el = run_threads(lambda: cpu_work(n100), lambda: cpu_work(n100))
    add("cpu2x100_gil_ms", "2 × 100 ms CPU, wall, with GIL", ms(el))

    # 2. Switches in 300 ms of 2-way contention, and slice lengths: each
    # thread logs when it notices it runs after the other one ran.
    stop = threading.Event()
    log = []  # (time, thread name) at every change of running thread

    def spin(name):
        x = 1
        while not stop.is_set():
            for _ in range(50):
                x = step(x)
            if not log or log[-1][1] != name:
                log.append((time.perf_counter(), name))

    def stopper():
        time.sleep(0.3)
        stop.set()

    st = threading.Thread(target=stopper)
    st.start()
    run_threads(lambda: spin("a"), lambda: spin("b"))
    st.join()
    slices = [b[0] - a[0] for a, b in zip(log, log[1:])]
    add("switches_300ms", "switches in 300 ms of 2-way CPU contention", str(len(log) - 1))
    add("median_slice_ms", "median slice a holder keeps the lock (5 ms interval)",
        ms(statistics.median(slices)) if slices else "-")

    # 3. Ten threads sleeping 100 ms.
    el = run_threads(*[lambda: time.sleep(0.1) for _ in range(10)])
    add("sleep10x100_ms", "10 × sleep 100 ms, wall, with GIL", ms(el))

    # 4. Convoy: wake-up overshoot past a 10 ms sleep next to a spinner.
    for iv in (0.005, 0.001):
        old = sys.getswitchinterval()
        sys.setswitchinterval(iv)
        stop = threading.Event()
        over = []

        def spinner():
            x = 1
            while not stop.is_set():
                x = step(x)

        def probe():
            for _ in range(15):
                t0 = time.perf_counter()
                time.sleep(0.01)
                over.append(time.perf_counter() - t0 - 0.01)
            stop.set()

        run_threads(spinner, probe)
        sys.setswitchinterval(old)
        add("overshoot_%dms_ms" % round(iv * 1000),
            "wake-up overshoot past a 10 ms sleep next to a spinner, interval %gms (median)" % (iv * 1000),
            ms(statistics.median(over)))

    # 5. counter += 1 × 1e6 in each of 2 threads.
    n = 1_000_000
    g = {"counter": 0}

    def inc():
        for _ in range(n):
            g["counter"] += 1

    run_threads(inc, inc)
    add("counter_gil", "counter++ × 1e6 in 2 threads, with GIL (want 2000000)", str(g["counter"]))

    # 6. v = counter; work(); counter = v + 1.
    g["counter"] = 0

    def work():
        pass

    def rmw():
        for _ in range(n):
            v = g["counter"]
            work()
            g["counter"] = v + 1

    run_threads(rmw, rmw)
    add("rmw_gil", "v := counter; work(); counter = v+1, × 1e6 in 2 threads, with GIL", str(g["counter"]))

    # 7. IO latency next to a CPU-bound thread (1 ms waits).
    stop = threading.Event()
    lat = []

    def spinner2():
        x = 1
        while not stop.is_set():
            x = step(x)

    def io():
        for _ in range(30):
            t0 = time.perf_counter()
            time.sleep(0.001)
            lat.append(time.perf_counter() - t0 - 0.001)
        stop.set()

    run_threads(spinner2, io)
    add("io_latency_median_ms", "IO thread next to a CPU-bound one: extra latency per 1 ms wait, median",
        ms(statistics.median(lat)))
    add("io_latency_max_ms", "the same, max", ms(max(lat)))

    # Switch interval validation, as the Go side must match it.
    try:
        sys.setswitchinterval(0)
        err = "no error"
    except ValueError as e:
        err = str(e)
    add("setswitchinterval_0", "sys.setswitchinterval(0) error", err)

    if "--tsv" in sys.argv[1:]:
        for key, _, value in ROWS:
            print("%s\t%s" % (key, value))
        return
    print("| key | experiment | CPython %d.%d |" % sys.version_info[:2])
    print("|---|---|---|")
    for key, what, value in ROWS:
        print("| %s | %s | %s |" % (key, what, value))


if __name__ == "__main__":
    main()
