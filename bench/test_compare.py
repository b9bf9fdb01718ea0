#!/usr/bin/python3
"""Unit tests of the pure parts of bench/compare.py and of tests/kernelkit.py,
the kit it drives kernels with (no kernel).

    /usr/bin/python3 -m unittest discover -s bench -p 'test_*.py'
"""

import os
import sys
import unittest

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import compare  # noqa: E402

kernelkit = compare.kernelkit  # tests/kernelkit.py, imported by compare from tests/

GO_BENCH = """goos: linux
goarch: amd64
pkg: github.com/gilgo/gilgo/gil
cpu: AMD EPYC
BenchmarkAcquireRelease-2   	12345678	        20.5 ns/op	        10.2 mutex-ns/op	         2.01 x-mutex
BenchmarkPlain-2            	1000000000	         0.3 ns/op
PASS
ok  	github.com/gilgo/gilgo/gil	3.2s
pkg: github.com/gilgo/gilgo/refcount
BenchmarkPairs-2   	1000	0 ns/op	1.5 plain-ns/pair	3.0 atomic-ns/pair	2.0 atomic/plain	0 B/op	0 allocs/op
pkg: github.com/gilgo/gilgo/worker
BenchmarkPipe-2   	500	 3000 ns/op	 100 direct-ns/op	 30 ratio
BenchmarkBroken-2 	--- FAIL
"""


class GoTargets(unittest.TestCase):
    def test_verdicts_and_missing(self):
        text = """pkg: github.com/gilgo/gilgo/session
BenchmarkTrivialCell-2   	2000	  100 ns/op	 3.5 ratio	 10 session-ns/op
BenchmarkAging-2   	1	  100 ns/op	 1.1 ratio
pkg: github.com/gilgo/gilgo/tiers
BenchmarkAutoCompileFib-2   	1	  100 ns/op	 0.1 third/cpython	 3 native
"""
        rows = {r[0]: r for r in compare.go_target_rows(compare.parse_go_bench(text))}
        self.assertEqual(rows["session.BenchmarkTrivialCell"][2:], ("3.5", "same cell again: session / bare yaegi Eval ≤ 2", "**missed**"))
        self.assertEqual(rows["session.BenchmarkAging"][4], "met")
        self.assertEqual(rows["tiers.BenchmarkAutoCompileFib"][2], "0.1")
        self.assertEqual(rows["tiers.BenchmarkAutoCompileFib"][4], "met")
        self.assertEqual(rows["tiers.BenchmarkAutoCompileTrivial"][2], "not run")
        self.assertEqual(rows["session.BenchmarkTrivialCellNew"][2], "not run")  # not TrivialCell's line


class Rows(unittest.TestCase):
    def samples(self, **kw):
        metrics = ("start_info", "start_idle", "rss_start", "pss_start", "nproc", "first_cell", "trivial",
                   "trivial_min", "complete", "rss_200", "pss_200", "fib_inside", "fib_rt", "print",
                   "print_msgs", "interrupt")
        s = {m: [] for m in metrics}
        s.update(kw)
        return s

    def test_floor_row(self):
        s = {"gilgo": self.samples(trivial_min=[0.0003, 0.0004, 0.0005]),
             "python3": self.samples(trivial_min=[0.002, 0.002, 0.002])}
        rows = {r[0]: r for r in compare.build_rows(s, [], [0.0001, 0.0002, 0.0003])}
        minimal = rows["… with a minimal client (×100/round)"]
        self.assertEqual((minimal[3], minimal[6]), ("0.200", "**missed**"))
        floor = rows["… the floor: a kernel that runs nothing, minimal client"]
        self.assertEqual(floor[1].split(" [")[0], "0.20 ms")
        self.assertEqual(floor[3], "0.100")
        self.assertEqual(floor[6], "")  # reported, no target of its own

    def test_no_floor_without_null_kernel(self):
        s = {"gilgo": self.samples(), "python3": self.samples()}
        labels = [r[0] for r in compare.build_rows(s, [])]
        self.assertFalse(any("floor" in x for x in labels))
        self.assertIn("… with a minimal client (×100/round)", labels)


class BaselineRows(unittest.TestCase):
    def test_ratio_of_this_build_over_the_baseline(self):
        keys = {key for _, key, _, _ in compare.BASELINE_ROWS}
        new = {k: [] for k in keys}
        base = {k: [] for k in keys}
        new.update(trivial_min=[0.0003, 0.0003], rss_start=[30 * 1024.0])
        base.update(trivial_min=[0.0006, 0.0006], rss_start=[20 * 1024.0])
        rows = {r[0]: r for r in compare.baseline_rows(new, base)}
        self.assertEqual(rows["… with a minimal client (×100/round)"][1:],
                         ("0.30 ms [0.30 ms–0.30 ms]", "0.60 ms [0.60 ms–0.60 ms]", "0.500"))
        self.assertEqual(rows["RSS of the process tree after start"][3], "1.500")
        self.assertEqual(rows["interrupt → error reply"][1:], ("n/a", "n/a", "n/a"))
        self.assertEqual(len(rows), len(compare.BASELINE_ROWS))


class ParseGoBench(unittest.TestCase):
    def test_lines_with_custom_metrics(self):
        got = compare.parse_go_bench(GO_BENCH)
        self.assertEqual(got, [
            ("github.com/gilgo/gilgo/gil", "BenchmarkAcquireRelease-2", [(10.2, "mutex-ns/op"), (2.01, "x-mutex")]),
            ("github.com/gilgo/gilgo/refcount", "BenchmarkPairs-2",
             [(1.5, "plain-ns/pair"), (3.0, "atomic-ns/pair"), (2.0, "atomic/plain")]),
            ("github.com/gilgo/gilgo/worker", "BenchmarkPipe-2", [(100.0, "direct-ns/op"), (30.0, "ratio")]),
        ])

    def test_is_ratio(self):
        cases = {
            "x-mutex": True, "lockcp-x-atomicload": True, "ratio": True, "atomic/plain": True,
            "send/chan": True, "cold/warm": True, "x-baseline": True, "cpu-ratio": True, "mean-ratio": True,
            "session/yaegi": True,
            "mutex-ns/op": False, "plain-ns/pair": False, "start-ms": False, "child-rss-KiB": False,
            "stream-msgs": False, "send-ns/roundtrip": False, "early-µs/cell": False, "session-B/cell": False,
        }
        for unit, want in cases.items():
            with self.subTest(unit=unit):
                self.assertEqual(compare.is_ratio(unit), want)


class History(unittest.TestCase):
    def test_kept_from_its_heading(self):
        old = "# gilgo vs ipykernel\n\n## Results\n\n| a |\n\n## History\n\n### 2026-12-05: x\n\n- y\n"
        self.assertEqual(compare.kept_history(old), "## History\n\n### 2026-12-05: x\n\n- y\n")

    def test_none(self):
        self.assertEqual(compare.kept_history("# gilgo vs ipykernel\n\n## Results\n"), "")


class Stats(unittest.TestCase):
    def test_slope(self):
        self.assertAlmostEqual(kernelkit.slope([0, 1, 2, 3], [1, 3, 5, 7]), 2.0)
        self.assertAlmostEqual(kernelkit.slope([0, 1000, 2000], [100, 100, 100]), 0.0)
        self.assertEqual(kernelkit.slope([5], [1]), 0.0)
        self.assertEqual(kernelkit.slope([1, 1], [1, 2]), 0.0)

    def test_quartiles(self):
        self.assertEqual(kernelkit.quartiles([3, 1, 2]), (1, 3))
        self.assertEqual(kernelkit.quartiles([1, 2, 3, 4, 5]), (2, 4))

    def test_ratio(self):
        self.assertAlmostEqual(compare.ratio([1, 2, 3], [10, 20, 30]), 0.1)
        self.assertNotEqual(compare.ratio([], [1]), compare.ratio([], [1]))  # nan


class ProcTree(unittest.TestCase):
    def test_own_tree(self):
        pids = kernelkit.tree(os.getpid())
        self.assertIn(os.getpid(), pids)
        rss, n = kernelkit.tree_rss_kib(os.getpid())
        self.assertGreater(rss, 0)
        self.assertGreaterEqual(n, 1)
        self.assertEqual(kernelkit.rss_kib(-1), 0)
        self.assertIsNotNone(kernelkit.starttime(os.getpid()))


if __name__ == "__main__":
    unittest.main()
