package compiled

import (
	"context"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/gilgo/gilgo/compiled/rt"
	"github.com/gilgo/gilgo/gil"
	"github.com/gilgo/gilgo/internal/cpython"
)

// BenchmarkFib27 times fib(27) compiled (called directly and through the
// interpreted wrapper), interpreted by yaegi and, if /usr/bin/python3
// exists, in CPython, all in one run, and reports the ratios against the
// compiled direct call. Check points are on: a lock is current and held.
func BenchmarkFib27(b *testing.B) {
	c := newCompiler(b)
	r := compile(b, c, fibSrc, 1)
	i := newInterp(b, r)
	if _, err := i.Eval(fibInterpreted); err != nil {
		b.Fatal(err)
	}
	ns := map[string]float64{}
	run := func(name string, f func()) {
		b.Run(name, func(b *testing.B) {
			for b.Loop() {
				f()
			}
			ns[name] = float64(b.Elapsed().Nanoseconds()) / float64(b.N)
		})
	}
	fib := sym(b, r, "X__fib").(func(int) int)
	c.noCheckpoints = true
	rNo := compile(b, c, fibSrc, 2)
	fibNo := sym(b, rNo, "X__fib").(func(int) int)
	restore := lockForBench()
	defer restore()
	run("compiled", func() { fib(27) })
	run("compiled-no-checkpoints", func() { fibNo(27) })
	run("compiled-via-yaegi", func() {
		if _, err := i.Eval("fib(27)"); err != nil {
			b.Fatal(err)
		}
	})
	run("interpreted", func() {
		if _, err := i.Eval("ifib(27)"); err != nil {
			b.Fatal(err)
		}
	})
	if d, err := cpython.Fib27(); err == nil {
		ns["cpython"] = float64(d.Nanoseconds())
	} else {
		b.Logf("cpython: %v", err)
	}
	b.Run("ratios", func(b *testing.B) {
		for b.Loop() {
		}
		base := ns["compiled"]
		if base == 0 {
			b.Skip("no compiled baseline")
		}
		for _, k := range []string{"compiled-no-checkpoints", "compiled-via-yaegi", "interpreted", "cpython"} {
			if v, ok := ns[k]; ok {
				b.ReportMetric(v/base, k+"/compiled")
			}
		}
	})
}

// lockForBench makes a held lock current, as in a session cell.
func lockForBench() (restore func()) {
	l := gil.New(gil.Options{})
	restoreLock := rt.SetLock(l)
	th := l.NewThread("bench")
	th.Bind()
	th.Acquire()
	return func() {
		th.Close()
		restoreLock()
	}
}

// BenchmarkBuild compiles a new small cell per iteration (warm cache
// after the first) and reports the build time and the RSS growth per
// loaded plugin. Run with -benchtime=5x: each iteration is a go build.
func BenchmarkBuild(b *testing.B) {
	c := newCompiler(b)
	first := compile(b, c, "func warm() int { return 1 }\n", 0)
	b.ReportMetric(first.BuildTime.Seconds(), "s-first-build")
	rss0 := rssBytes()
	var total time.Duration
	n := 0
	for b.Loop() {
		n++
		src := fmt.Sprintf("import \"strings\"\n\nfunc up%d(s string) string { return strings.ToUpper(s) }\n", n)
		r, err := c.Compile(context.Background(), src, n, nil)
		if err != nil {
			b.Fatal(err)
		}
		total += r.BuildTime
		b.ReportMetric(float64(r.PluginSize)/1e6, "MB-plugin")
	}
	b.ReportMetric(total.Seconds()/float64(n), "s-build/cell")
	if rss0 > 0 {
		b.ReportMetric(float64(rssBytes()-rss0)/1e6/float64(n), "MB-RSS/plugin")
	}
}

// rssBytes returns VmRSS from /proc/self/status, or 0.
func rssBytes() int64 {
	data, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, l := range strings.Split(string(data), "\n") {
		if f := strings.Fields(l); len(f) >= 2 && f[0] == "VmRSS:" {
			kb, _ := strconv.ParseInt(f[1], 10, 64)
			return kb * 1024
		}
	}
	return 0
}

// BenchmarkBuildLinkFlags builds new small cells alternately with the
// chosen link flags (linkFlags: -s -w, gold if available) and with Go's
// default ones, and reports the ratio of their median build times
// (x-default-ldflags) next to both. Run with -benchtime=10x.
func BenchmarkBuildLinkFlags(b *testing.B) {
	chosen := newCompiler(b)
	plain := newCompiler(b)
	plain.linkOnce.Do(func() {}) // ldflags stays "": Go's defaults
	compile(b, chosen, "func warm() int { return 1 }\n", 0)
	compile(b, plain, "func warm() int { return 1 }\n", 0)
	var tc, tp []time.Duration
	n := 0
	for b.Loop() {
		n++
		for i, c := range []*Compiler{chosen, plain} {
			src := fmt.Sprintf("import \"strings\"\n\nfunc up%d(s string) string { return strings.ToUpper(s) }\n", n)
			r, err := c.Compile(context.Background(), src, n, nil)
			if err != nil {
				b.Fatal(err)
			}
			if i == 0 {
				tc = append(tc, r.BuildTime)
			} else {
				tp = append(tp, r.BuildTime)
			}
		}
	}
	mc, mp := medianDuration(tc), medianDuration(tp)
	b.ReportMetric(mc.Seconds(), "s-build/cell")
	b.ReportMetric(mp.Seconds(), "s-default-ldflags/cell")
	b.ReportMetric(mc.Seconds()/mp.Seconds(), "x-default-ldflags")
}

func medianDuration(ds []time.Duration) time.Duration {
	s := append([]time.Duration(nil), ds...)
	slices.Sort(s)
	return s[len(s)/2]
}
