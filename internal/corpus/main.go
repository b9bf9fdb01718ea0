package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"runtime"
	"strings"
	"sync"
	"time"
)

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

func run(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("corpus", flag.ContinueOnError)
	fs.SetOutput(stderr)
	gilgo := fs.String("gilgo", "bin/gilgo", "the gilgo binary whose worker runs the cells")
	gobin := fs.String("go", "go", "the go command")
	set := fs.String("set", "all", "corpora to run: goroot, idiomatic or all")
	dir := fs.String("idiomatic", "internal/corpus/testdata/idiomatic", "the idiomatic corpus")
	filter := fs.String("run", "", "run only programs whose corpus/name matches this regexp")
	jobs := fs.Int("j", max(1, runtime.NumCPU()), "programs run at once")
	timeout := fs.Duration("timeout", 20*time.Second, "time limit of one run")
	cache := fs.String("cache", defaultCache(), "directory of cached go run outcomes (empty: none)")
	out := fs.String("o", "", "also write the report (markdown) to this file")
	list := fs.Bool("list", false, "list every program that does not pass, with its cause")
	frags := fs.Bool("fragments", false, "run each program as notebook cells write it: func main's body as top-level statements (the interpreted tier)")
	if err := fs.Parse(args); err != nil {
		return 2
	}
	var re *regexp.Regexp
	if *filter != "" {
		var err error
		if re, err = regexp.Compile(*filter); err != nil {
			fmt.Fprintf(stderr, "corpus: -run: %v\n", err)
			return 2
		}
	}
	progs, skipped, err := collect(*gobin, *set, *dir)
	if err != nil {
		fmt.Fprintf(stderr, "corpus: %v\n", err)
		return 1
	}
	if re != nil {
		var keep []Program
		for _, p := range progs {
			if re.MatchString(p.Corpus + "/" + p.Name) {
				keep = append(keep, p)
			}
		}
		progs = keep
	}
	r, err := newRunner(*gobin, *gilgo, *cache, *timeout)
	if err != nil {
		fmt.Fprintf(stderr, "corpus: %v\n", err)
		return 1
	}
	r.fragments = *frags
	defer r.close()
	started := time.Now()
	results, err := runAll(context.Background(), r, progs, *jobs, stderr)
	if err != nil {
		fmt.Fprintf(stderr, "corpus: %v\n", err)
		return 1
	}
	rep := report(results, skipped, r.goVer, time.Since(started), *list)
	fmt.Fprint(stdout, rep)
	if *out != "" {
		if err := os.WriteFile(*out, []byte(rep), 0o644); err != nil {
			fmt.Fprintf(stderr, "corpus: %v\n", err)
			return 1
		}
	}
	return 0
}

func defaultCache() string {
	d, err := os.UserCacheDir()
	if err != nil {
		return ""
	}
	return filepath.Join(d, "gilgo-corpus")
}

// collect gathers the corpora named by set.
func collect(gobin, set, dir string) ([]Program, []Skipped, error) {
	var progs []Program
	var skipped []Skipped
	if set == "all" || set == "goroot" {
		out, err := exec.Command(gobin, "env", "GOROOT").Output()
		if err != nil {
			return nil, nil, fmt.Errorf("go env GOROOT: %w", err)
		}
		p, s, err := collectGOROOT(strings.TrimSpace(string(out)))
		if err != nil {
			return nil, nil, err
		}
		progs, skipped = append(progs, p...), append(skipped, s...)
	}
	if set == "all" || set == "idiomatic" {
		p, err := collectDir("idiomatic", dir)
		if err != nil {
			return nil, nil, err
		}
		progs = append(progs, p...)
	}
	if len(progs) == 0 {
		return nil, nil, fmt.Errorf("no programs in corpus %q", set)
	}
	return progs, skipped, nil
}

// runAll runs every program with go and with gilgo, jobs at a time, and
// shows progress on progress.
func runAll(ctx context.Context, r *runner, progs []Program, jobs int, progress io.Writer) ([]Result, error) {
	results := make([]Result, len(progs))
	errs := make([]error, len(progs))
	var next int
	var mu sync.Mutex
	var wg sync.WaitGroup
	done := 0
	for range jobs {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				mu.Lock()
				i := next
				next++
				mu.Unlock()
				if i >= len(progs) {
					return
				}
				p := progs[i]
				want, err := r.expected(ctx, p)
				if err != nil {
					errs[i] = fmt.Errorf("%s: go: %w", p.Name, err)
					continue
				}
				var got Outcome
				src, ok := p.Source, true
				if r.fragments {
					src, ok = fragments(p.Source)
				}
				switch {
				case !ok:
					results[i] = Result{Program: p, Verdict: Skip, Cause: "main's body cannot be a cell's statements"}
				case want.Build == "" && !want.Timeout && !want.Nondeterministic:
					if got, err = r.gilgoRun(ctx, src); err != nil {
						errs[i] = fmt.Errorf("%s: gilgo: %w", p.Name, err)
						continue
					}
					fallthrough
				default:
					results[i] = judge(p, want, got)
				}
				mu.Lock()
				done++
				fmt.Fprintf(progress, "\r%d/%d", done, len(progs))
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	fmt.Fprintln(progress)
	for _, err := range errs {
		if err != nil {
			return nil, err
		}
	}
	return results, nil
}
