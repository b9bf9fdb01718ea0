// Command gilgo is a Jupyter kernel for Go. It interprets cells with yaegi in
// a supervised worker process and runs the goroutines a cell starts under a
// global interpreter lock.
//
// Usage:
//
//	gilgo kernel -f CONNECTION_FILE [--log-level LEVEL]   serve Jupyter (started by Jupyter from kernel.json)
//	gilgo worker [--log-level LEVEL]                      the interpreter process (started by gilgo kernel)
//	gilgo run NOTEBOOK... [--output DIR] [--timeout D] [--seed N]
//	gilgo install [--user | --sys-prefix | --prefix DIR] [--name NAME] [--display-name TEXT] [--log-level LEVEL]
//	gilgo uninstall [--user | --sys-prefix | --prefix DIR] [--name NAME]
//	gilgo version
//	gilgo help [COMMAND]
//
// Each subcommand lives in its own file (cmd_*.go) and parses its flags with
// its own flag.FlagSet; the package holds flags and wiring only (the worker's
// session is package tiers'). Exit status: 0 on success, 1 on failure, 2 on
// a usage error.
package main
