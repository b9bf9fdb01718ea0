package kernel

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gilgo/gilgo/engine"
)

// handler serves one request that came in on sock.
type handler func(sock Socket, m *message)

// blocking reports whether a request type needs the interpreter, which a
// running cell holds; control answers those on their own goroutine.
func blocking(msgType string) bool {
	switch msgType {
	case "complete_request", "inspect_request", "is_complete_request":
		return true
	}
	return false
}

// shellHandler returns the handler for a shell request type, nil if unknown.
func (k *Kernel) shellHandler(msgType string) handler {
	switch msgType {
	case "execute_request":
		return k.handleExecute
	case "kernel_info_request":
		return k.handleKernelInfo
	case "complete_request":
		return k.handleComplete
	case "inspect_request":
		return k.handleInspect
	case "is_complete_request":
		return k.handleIsComplete
	case "history_request":
		return k.handleHistory
	case "comm_info_request":
		return k.handleCommInfo
	case "comm_open", "comm_msg", "comm_close":
		return k.handleComm
	case "connect_request":
		return k.handleConnect
	case "shutdown_request":
		return k.handleShutdown
	case "interrupt_request":
		return k.handleInterrupt
	}
	return nil
}

// controlHandler returns the handler for a control request type: a
// superset of shell's, without execute_request, with debug_request.
func (k *Kernel) controlHandler(msgType string) handler {
	switch msgType {
	case "execute_request":
		return nil
	case "debug_request":
		return k.handleDebug
	}
	return k.shellHandler(msgType)
}

func (k *Kernel) handleKernelInfo(sock Socket, m *message) {
	k.reply(sock, m, "kernel_info_reply", map[string]any{
		"status":                 "ok",
		"protocol_version":       protocolVersion,
		"implementation":         "gilgo",
		"implementation_version": k.opts.ImplementationVersion,
		"language_info": map[string]any{
			"name":            "go",
			"version":         k.opts.LanguageVersion,
			"mimetype":        "text/x-go",
			"file_extension":  ".go",
			"pygments_lexer":  "go",
			"codemirror_mode": "go",
		},
		"banner":   k.opts.Banner,
		"debugger": k.debugger() != nil,
		"help_links": []map[string]string{
			{"text": "Go documentation", "url": "https://go.dev/doc/"},
			{"text": "Go standard library", "url": "https://pkg.go.dev/std"},
			{"text": "yaegi", "url": "https://github.com/traefik/yaegi"},
		},
	}, nil)
}

type executeContent struct {
	Code            string            `json:"code"`
	Silent          bool              `json:"silent"`
	StoreHistory    *bool             `json:"store_history"`
	UserExpressions map[string]string `json:"user_expressions"`
	AllowStdin      *bool             `json:"allow_stdin"`
	StopOnError     *bool             `json:"stop_on_error"`
}

func (k *Kernel) handleExecute(sock Socket, m *message) {
	started := time.Now().UTC().Format(dateLayout)
	var c executeContent
	if err := decodeContent(m, &c); err != nil {
		k.log.Warn("bad execute_request", "err", err)
		k.replyError(sock, m, "execute_reply", "BadRequest", err.Error())
		return
	}
	store := !c.Silent
	if c.StoreHistory != nil {
		store = *c.StoreHistory && !c.Silent
	}
	if strings.TrimSpace(c.Code) == "" {
		store = false // like IPython: an empty cell takes no number
	}
	allowStdin := c.AllowStdin == nil || *c.AllowStdin
	stopOnError := c.StopOnError == nil || *c.StopOnError
	if store {
		k.count++
		k.hist.add(k.count, c.Code)
	}
	n := k.count
	if !c.Silent {
		k.pub.publish(m.RawHeader, "execute_input", map[string]any{"code": c.Code, "execution_count": n})
	}
	out := &cellOutput{k: k, req: m.lean(), count: n, silent: c.Silent, allowStdin: allowStdin}
	interpBegan := time.Now()
	res := k.execute(engine.ExecuteRequest{
		Code:            c.Code,
		ExecutionCount:  n,
		Silent:          c.Silent,
		StoreHistory:    store,
		AllowStdin:      allowStdin,
		UserExpressions: c.UserExpressions,
	}, out)

	interpEnded := time.Now()
	md := map[string]any{"started": started, "dependencies_met": true, "engine": k.session, "status": "ok"}
	for key, v := range res.Metadata {
		if _, ours := md[key]; !ours {
			md[key] = v
		}
	}
	content := map[string]any{"status": "ok", "execution_count": n, "user_expressions": map[string]any{}, "payload": []any{}}
	if res.UserExpressions != nil {
		content["user_expressions"] = res.UserExpressions
	}
	if res.Payload != nil {
		content["payload"] = res.Payload
	}
	if e := res.Error; e != nil {
		tb := e.Traceback
		if tb == nil {
			tb = []string{}
		}
		if !c.Silent {
			k.pub.publish(m.RawHeader, "error", map[string]any{"ename": e.Name, "evalue": e.Value, "traceback": tb})
		}
		content["status"], content["ename"], content["evalue"], content["traceback"] = "error", e.Name, e.Value, tb
		md["status"] = "error"
		if !c.Silent && stopOnError {
			k.abortFrom = time.Now()
		}
	}
	k.reply(sock, m, "execute_reply", content, md)
	if k.log.Enabled(context.Background(), slog.LevelDebug) {
		k.log.Debug("execute timing", "msg_id", m.Header.MsgID, "count", n,
			"handler", time.Since(m.received), "interpreter", interpEnded.Sub(interpBegan), "queued", interpBegan.Sub(m.received))
	}
}

// handleTooLarge answers a request whose content was over maxContentSize
// (decode dropped it) with an InputTooLarge error reply; an execute_request
// also gets its error on IOPub, where frontends show it, and aborts the
// queue as a failed cell does. A message without a reply (comm_msg) is
// dropped.
func (k *Kernel) handleTooLarge(sock Socket, m *message) {
	value := fmt.Sprintf("the %s is %s (%d bytes); at most %s (%d bytes) are accepted",
		m.Header.MsgType, mib(m.tooLarge), m.tooLarge, mib(maxContentSize), maxContentSize)
	base, ok := strings.CutSuffix(m.Header.MsgType, "_request")
	if !ok {
		k.log.Warn("dropped a message too large", "msg_type", m.Header.MsgType, "size", m.tooLarge)
		return
	}
	tb := []string{engine.ErrInputTooLarge + ": " + value, "It did not run; the session and its variables are kept."}
	content := map[string]any{"status": "error", "ename": engine.ErrInputTooLarge, "evalue": value, "traceback": tb}
	var md map[string]any
	if m.Header.MsgType == "execute_request" {
		content["execution_count"] = k.count
		content["user_expressions"] = map[string]any{}
		content["payload"] = []any{}
		md = map[string]any{"dependencies_met": true, "engine": k.session, "status": "error"}
		k.pub.publish(m.RawHeader, "error", map[string]any{"ename": engine.ErrInputTooLarge, "evalue": value, "traceback": tb})
		k.abortFrom = time.Now()
	}
	k.reply(sock, m, base+"_reply", content, md)
}

// mib writes n bytes in MiB with one decimal.
func mib(n int) string { return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20)) }

// execute calls the interpreter, turning a panic into an error result.
func (k *Kernel) execute(req engine.ExecuteRequest, out engine.Output) (res engine.ExecuteResult) {
	k.interpMu.Lock()
	defer k.interpMu.Unlock()
	defer func() {
		if r := recover(); r != nil {
			k.log.Error("interpreter panicked", "panic", r)
			res = engine.ExecuteResult{Error: engine.Recovered(r)}
		}
	}()
	return k.interp.Execute(k.execCtx, req, out)
}

// withInterp runs f holding the interpreter, recovering a panic into err.
func (k *Kernel) withInterp(f func(ctx context.Context) error) (err error) {
	k.interpMu.Lock()
	defer k.interpMu.Unlock()
	defer func() {
		if r := recover(); r != nil {
			err = engine.Recovered(r)
		}
	}()
	return f(k.execCtx)
}

// errorName is the Name of the *engine.Error in err's chain (the
// interpreter's InputTooLarge), else def.
func errorName(err error, def string) string {
	if e, ok := errors.AsType[*engine.Error](err); ok && e.Name != "" {
		return e.Name
	}
	return def
}

// replyError sends a reply with status error.
func (k *Kernel) replyError(sock Socket, m *message, msgType, ename, evalue string) {
	k.reply(sock, m, msgType, map[string]any{"status": "error", "ename": ename, "evalue": evalue, "traceback": []string{}}, nil)
}

func (k *Kernel) handleComplete(sock Socket, m *message) {
	var c struct {
		Code      string `json:"code"`
		CursorPos *int   `json:"cursor_pos"`
	}
	if err := decodeContent(m, &c); err != nil {
		k.replyError(sock, m, "complete_reply", "BadRequest", err.Error())
		return
	}
	pos := utf8.RuneCountInString(c.Code)
	if c.CursorPos != nil {
		pos = *c.CursorPos
	}
	var comp engine.Completion
	err := k.withInterp(func(ctx context.Context) error {
		var err error
		comp, err = k.interp.Complete(ctx, c.Code, runeToByte(c.Code, pos))
		return err
	})
	if err != nil {
		k.reply(sock, m, "complete_reply", map[string]any{
			"status": "error", "ename": errorName(err, "CompletionError"), "evalue": err.Error(), "traceback": []string{},
			"matches": []string{}, "cursor_start": pos, "cursor_end": pos, "metadata": map[string]any{},
		}, nil)
		return
	}
	matches := comp.Matches
	if matches == nil {
		matches = []string{}
	}
	types := make([]engine.CompletionType, len(comp.Types))
	for i, t := range comp.Types {
		t.Start, t.End = byteToRune(c.Code, t.Start), byteToRune(c.Code, t.End)
		types[i] = t
	}
	k.reply(sock, m, "complete_reply", map[string]any{
		"status":       "ok",
		"matches":      matches,
		"cursor_start": byteToRune(c.Code, comp.CursorStart),
		"cursor_end":   byteToRune(c.Code, comp.CursorEnd),
		"metadata":     map[string]any{"_jupyter_types_experimental": types},
	}, nil)
}

func (k *Kernel) handleInspect(sock Socket, m *message) {
	var c struct {
		Code        string `json:"code"`
		CursorPos   int    `json:"cursor_pos"`
		DetailLevel int    `json:"detail_level"`
	}
	if err := decodeContent(m, &c); err != nil {
		k.replyError(sock, m, "inspect_reply", "BadRequest", err.Error())
		return
	}
	var in engine.Inspection
	err := k.withInterp(func(ctx context.Context) error {
		var err error
		in, err = k.interp.Inspect(ctx, c.Code, runeToByte(c.Code, c.CursorPos), c.DetailLevel)
		return err
	})
	if err != nil {
		k.replyError(sock, m, "inspect_reply", errorName(err, "InspectError"), err.Error())
		return
	}
	k.reply(sock, m, "inspect_reply", map[string]any{
		"status": "ok", "found": in.Found, "data": bundle(in.Data), "metadata": meta(in.Metadata),
	}, nil)
}

func (k *Kernel) handleIsComplete(sock Socket, m *message) {
	var c struct {
		Code string `json:"code"`
	}
	if err := decodeContent(m, &c); err != nil {
		k.replyError(sock, m, "is_complete_reply", "BadRequest", err.Error())
		return
	}
	var res engine.Completeness
	err := k.withInterp(func(ctx context.Context) error {
		var err error
		res, err = k.interp.IsComplete(ctx, c.Code)
		return err
	})
	if err != nil {
		k.log.Warn("is_complete", "err", err)
		res = engine.Completeness{Status: "unknown"}
	}
	content := map[string]any{"status": res.Status}
	if res.Status == "" {
		content["status"] = "unknown"
	}
	if res.Status == "incomplete" {
		content["indent"] = res.Indent
	}
	k.reply(sock, m, "is_complete_reply", content, nil)
}

func (k *Kernel) handleHistory(sock Socket, m *message) {
	var q historyQuery
	if err := decodeContent(m, &q); err != nil {
		k.replyError(sock, m, "history_reply", "BadRequest", err.Error())
		return
	}
	entries := k.hist.query(q)
	hist := make([]any, len(entries))
	for i, e := range entries {
		if q.Output {
			hist[i] = []any{e.Session, e.Line, []any{e.Input, nil}}
		} else {
			hist[i] = []any{e.Session, e.Line, e.Input}
		}
	}
	k.reply(sock, m, "history_reply", map[string]any{"status": "ok", "history": hist}, nil)
}

func (k *Kernel) handleCommInfo(sock Socket, m *message) {
	var c struct {
		TargetName string `json:"target_name"`
	}
	if err := decodeContent(m, &c); err != nil {
		k.replyError(sock, m, "comm_info_reply", "BadRequest", err.Error())
		return
	}
	comms := map[string]any{}
	if cs, ok := k.interp.(engine.Comms); ok {
		var open map[string]string
		err := k.withInterp(func(ctx context.Context) error {
			var err error
			open, err = cs.CommInfo(ctx, c.TargetName)
			return err
		})
		if err != nil {
			k.replyError(sock, m, "comm_info_reply", "CommError", err.Error())
			return
		}
		for id, target := range open {
			comms[id] = map[string]any{"target_name": target}
		}
	}
	k.reply(sock, m, "comm_info_reply", map[string]any{"status": "ok", "comms": comms}, nil)
}

// handleComm delivers comm_open, comm_msg and comm_close to the
// interpreter, when it has comms; what the comm's handler shows has the
// message as parent. A comm_open to a target nobody has is answered with
// a comm_close, as ipykernel does; a comm_msg or comm_close nobody
// handles is dropped. None has a reply.
func (k *Kernel) handleComm(_ Socket, m *message) {
	var c struct {
		CommID     string         `json:"comm_id"`
		TargetName string         `json:"target_name"`
		Data       map[string]any `json:"data"`
	}
	if err := decodeContent(m, &c); err != nil || c.CommID == "" {
		k.log.Warn("bad "+m.Header.MsgType, "err", err, "comm_id", c.CommID)
		return
	}
	var md map[string]any
	if len(m.Metadata) > 0 {
		_ = json.Unmarshal(m.Metadata, &md)
	}
	comm := engine.Comm{Type: m.Header.MsgType, ID: c.CommID, Target: c.TargetName, Data: c.Data, Metadata: md, Buffers: m.Buffers}
	cs, ok := k.interp.(engine.Comms)
	var err error
	if ok {
		out := &cellOutput{k: k, req: m.lean(), count: k.count, allowStdin: false}
		err = k.withInterp(func(ctx context.Context) error { return cs.HandleComm(ctx, comm, out) })
	}
	switch {
	case m.Header.MsgType == engine.CommOpen && (!ok || errors.Is(err, engine.ErrNoCommTarget)):
		k.log.Info("no such comm target, closing", "target_name", c.TargetName)
		k.pub.publish(m.RawHeader, "comm_close", map[string]any{"comm_id": c.CommID, "data": map[string]any{}})
	case err != nil:
		k.log.Warn(m.Header.MsgType+" failed", "comm_id", c.CommID, "err", err)
	}
}

func (k *Kernel) handleConnect(sock Socket, m *message) {
	k.reply(sock, m, "connect_reply", map[string]any{
		"status": "ok", "shell_port": k.info.ShellPort, "iopub_port": k.info.IOPubPort,
		"stdin_port": k.info.StdinPort, "hb_port": k.info.HBPort, "control_port": k.info.ControlPort,
	}, nil)
}

func (k *Kernel) handleInterrupt(sock Socket, m *message) {
	k.Interrupt()
	k.reply(sock, m, "interrupt_reply", map[string]any{"status": "ok"}, nil)
}

func (k *Kernel) handleShutdown(sock Socket, m *message) {
	var c struct {
		Restart bool `json:"restart"`
	}
	if err := decodeContent(m, &c); err != nil {
		k.log.Warn("bad shutdown_request, shutting down anyway", "err", err)
	}
	k.shutdown.Store(true)
	k.execCancel()
	ctx, cancel := context.WithTimeout(context.Background(), interpShutdownTimeout)
	if err := k.interp.Shutdown(ctx, c.Restart); err != nil {
		k.log.Warn("interpreter shutdown", "err", err)
	}
	cancel()
	content := map[string]any{"status": "ok", "restart": c.Restart}
	k.reply(sock, m, "shutdown_reply", content, nil)
	// Like ipykernel, tell every client on IOPub too.
	k.pub.publish(m.RawHeader, "shutdown_reply", content)
	k.requestStop(c.Restart)
}

// runeToByte converts a cursor in Unicode code points to a byte offset in
// code, clamped to [0, len(code)].
func runeToByte(code string, pos int) int {
	if pos <= 0 {
		return 0
	}
	for i := range code {
		if pos == 0 {
			return i
		}
		pos--
	}
	return len(code)
}

// byteToRune converts a byte offset in code to Unicode code points, clamped.
func byteToRune(code string, off int) int {
	if off <= 0 {
		return 0
	}
	if off > len(code) {
		off = len(code)
	}
	return utf8.RuneCountInString(code[:off])
}
