// Command corpus runs Go programs both with `go run` and as one gilgo
// cell each (the file's source, package clause kept, run by a gilgo worker
// as the kernel runs cells), and reports, per corpus and per cause, which
// programs gilgo runs with the same output.
//
// Corpora: "goroot", every `// run` program of $(go env GOROOT)/test that
// needs no arguments, files or network and that `go run` runs
// deterministically; "idiomatic", the programs under testdata/idiomatic,
// written the way people write Go. `make corpus` runs both and writes
// docs/corpus.md.
//
//	go run ./internal/corpus -gilgo bin/gilgo -set idiomatic
//
// Expected outputs are cached by source hash and Go version
// ($XDG_CACHE_HOME/gilgo-corpus). Nothing here is safe for concurrent use
// beyond what main does.
package main
