package main

import (
	"flag"
	"fmt"
	"io"
	"log/slog"
	"strings"
)

// levelFlag is a flag.Value for --log-level.
type levelFlag struct{ level slog.Level }

func (l *levelFlag) String() string { return strings.ToLower(l.level.String()) }

func (l *levelFlag) Set(s string) error {
	switch strings.ToLower(s) {
	case "debug":
		l.level = slog.LevelDebug
	case "info":
		l.level = slog.LevelInfo
	case "warn", "warning":
		l.level = slog.LevelWarn
	case "error":
		l.level = slog.LevelError
	default:
		return fmt.Errorf("got %q, want debug, info, warn or error", s)
	}
	return nil
}

// addLevelFlag registers --log-level (default warn) on fs.
func addLevelFlag(fs *flag.FlagSet) *levelFlag {
	l := &levelFlag{level: slog.LevelWarn}
	fs.Var(l, "log-level", "log `level`: debug, info, warn or error")
	return l
}

func newLogger(w io.Writer, l *levelFlag, component string) *slog.Logger {
	h := slog.NewTextHandler(w, &slog.HandlerOptions{Level: l.level})
	return slog.New(h).With("component", component)
}
