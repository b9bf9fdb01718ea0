package main

import (
	"fmt"
	"sort"
	"strings"
	"time"
)

// report renders the results as markdown: a table per corpus (programs,
// passed, wrong output, errors, skipped, pass rate of the comparable
// ones), then the causes of failures by count, then, with list set, every
// program that did not pass.
func report(results []Result, skipped []Skipped, goVer string, took time.Duration, list bool) string {
	var b strings.Builder
	fmt.Fprintf(&b, "# gilgo corpus\n\n%s, %s, %d programs in %s.\n\n", time.Now().UTC().Format("2006-01-02"), goVer, len(results), took.Round(time.Second))
	b.WriteString("| corpus | programs | pass | wrong output | error | not comparable | pass rate |\n")
	b.WriteString("|---|---:|---:|---:|---:|---:|---:|\n")
	byCorpus := map[string][]Result{}
	var corpora []string
	for _, r := range results {
		if _, ok := byCorpus[r.Program.Corpus]; !ok {
			corpora = append(corpora, r.Program.Corpus)
		}
		byCorpus[r.Program.Corpus] = append(byCorpus[r.Program.Corpus], r)
	}
	for _, c := range corpora {
		n := map[Verdict]int{}
		for _, r := range byCorpus[c] {
			n[r.Verdict]++
		}
		comparable := n[Pass] + n[Wrong] + n[Error]
		rate := "–"
		if comparable > 0 {
			rate = fmt.Sprintf("%.1f %%", 100*float64(n[Pass])/float64(comparable))
		}
		fmt.Fprintf(&b, "| %s | %d | %d | %d | %d | %d | %s |\n", c, len(byCorpus[c]), n[Pass], n[Wrong], n[Error], n[Skip], rate)
	}
	if len(skipped) > 0 {
		fmt.Fprintf(&b, "\nLeft out of the goroot corpus: %d `// run` programs that need what the corpus does not give (%s).\n", len(skipped), topReasons(skipped))
	}
	for _, c := range corpora {
		causes := map[string]int{}
		for _, r := range byCorpus[c] {
			if r.Verdict == Wrong || r.Verdict == Error {
				causes[string(r.Verdict)+" | "+r.Cause]++
			}
		}
		if len(causes) == 0 {
			continue
		}
		fmt.Fprintf(&b, "\n## Causes: %s\n\n| verdict | cause | programs |\n|---|---|---:|\n", c)
		for _, k := range sortedByCount(causes) {
			v, cause, _ := strings.Cut(k, " | ")
			fmt.Fprintf(&b, "| %s | %s | %d |\n", v, strings.ReplaceAll(cause, "|", "\\|"), causes[k])
		}
	}
	if list {
		b.WriteString("\n## Programs that do not pass\n\n")
		for _, r := range results {
			if r.Verdict == Wrong || r.Verdict == Error {
				fmt.Fprintf(&b, "- %s/%s: %s — %s\n", r.Program.Corpus, r.Program.Name, r.Verdict, firstLine(r.Detail))
			}
		}
	}
	return b.String()
}

func topReasons(skipped []Skipped) string {
	n := map[string]int{}
	for _, s := range skipped {
		n[s.Reason]++
	}
	var parts []string
	for i, k := range sortedByCount(n) {
		if i == 4 {
			parts = append(parts, "…")
			break
		}
		parts = append(parts, fmt.Sprintf("%s: %d", k, n[k]))
	}
	return strings.Join(parts, "; ")
}

func sortedByCount(m map[string]int) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool {
		if m[keys[i]] != m[keys[j]] {
			return m[keys[i]] > m[keys[j]]
		}
		return keys[i] < keys[j]
	})
	return keys
}

func firstLine(s string) string {
	s, _, _ = strings.Cut(s, "\n")
	if len(s) > 160 {
		s = s[:160] + "…"
	}
	return s
}
