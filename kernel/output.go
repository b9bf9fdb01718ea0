package kernel

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/gilgo/gilgo/engine"
)

// cellOutput is the engine.Output of one execute_request: everything it
// publishes has that request as parent, also after the reply (output of the
// goroutines the cell started). Safe for concurrent use.
type cellOutput struct {
	k *Kernel
	// req is the request without its content (message.lean): an
	// interpreter keeps Outputs long after the cell (worker.Client keeps
	// the last 1000), and the content is the cell's code.
	req        *message
	count      int
	silent     bool
	allowStdin bool
}

var (
	_ engine.Output     = (*cellOutput)(nil)
	_ engine.CommOutput = (*cellOutput)(nil)
)

// Comm publishes a comm message on IOPub (also when the request was
// silent: a widget's model must reach the frontend).
func (o *cellOutput) Comm(c engine.Comm) {
	content := map[string]any{"comm_id": c.ID, "data": meta(c.Data)}
	if c.Type == engine.CommOpen {
		content["target_name"] = c.Target
	}
	o.k.pub.publishMsg(o.req.RawHeader, c.Type, content, meta(c.Metadata), c.Buffers)
}

func (o *cellOutput) Stream(name, text string) {
	if o.silent {
		return
	}
	if name != "stderr" {
		name = "stdout"
	}
	o.k.pub.stream(o.req.RawHeader, o.req.Header.MsgID, name, text)
}

func (o *cellOutput) Result(data engine.MIMEBundle, metadata map[string]any) {
	if o.silent {
		return
	}
	o.k.pub.publish(o.req.RawHeader, "execute_result", map[string]any{
		"execution_count": o.count,
		"data":            bundle(data),
		"metadata":        meta(metadata),
	})
}

func (o *cellOutput) Display(data engine.MIMEBundle, metadata map[string]any, displayID string, update bool) {
	if o.silent {
		return
	}
	content := map[string]any{"data": bundle(data), "metadata": meta(metadata), "transient": map[string]any{}}
	msgType := "display_data"
	if displayID != "" {
		content["transient"] = map[string]any{"display_id": displayID}
		if update {
			msgType = "update_display_data"
		}
	}
	o.k.pub.publish(o.req.RawHeader, msgType, content)
}

func (o *cellOutput) ClearOutput(wait bool) {
	if o.silent {
		return
	}
	o.k.pub.publish(o.req.RawHeader, "clear_output", map[string]any{"wait": wait})
}

// errStdinNotAllowed is returned by Input when the request did not allow stdin.
var errStdinNotAllowed = errors.New("input: stdin is not allowed for this request (the frontend does not support input)")

func (o *cellOutput) Input(ctx context.Context, prompt string, password bool) (string, error) {
	if !o.allowStdin {
		return "", errStdinNotAllowed
	}
	return o.k.stdin.ask(ctx, o.req, prompt, password)
}

func bundle(b engine.MIMEBundle) engine.MIMEBundle {
	if b == nil {
		return engine.MIMEBundle{}
	}
	return b
}

func meta(m map[string]any) map[string]any {
	if m == nil {
		return map[string]any{}
	}
	return m
}

// stdinBroker sends input_request on stdin and routes input_reply back to
// the one waiting Input call. Safe for concurrent use.
type stdinBroker struct {
	k       *Kernel
	ask1    chanMutex
	replies chan *message
}

// chanMutex is a mutex whose Lock can be abandoned.
type chanMutex chan struct{}

func (s *stdinBroker) read() {
	s.k.recvLoop("stdin", s.k.socks.Stdin, func(m *message) {
		if m.Header.MsgType != "input_reply" {
			s.k.log.Warn("unexpected message on stdin", "msg_type", m.Header.MsgType)
			return
		}
		select {
		case s.replies <- m:
		default:
			s.k.log.Warn("dropped input_reply nobody waits for")
		}
	})
}

func (s *stdinBroker) ask(ctx context.Context, req *message, prompt string, password bool) (string, error) {
	k := s.k
	intr := k.interrupted()
	// One input at a time: the frontend shows one prompt.
	select {
	case s.ask1 <- struct{}{}:
	case <-ctx.Done():
		return "", fmt.Errorf("input: %w", ctx.Err())
	case <-intr:
		return "", errors.New("input: interrupted")
	case <-k.done:
		return "", errors.New("input: kernel shutting down")
	}
	defer func() { <-s.ask1 }()
	for drained := false; !drained; { // stale replies from an abandoned prompt
		select {
		case <-s.replies:
		default:
			drained = true
		}
	}
	k.pub.flush()
	hdr := newHeader("input_request", k.session, time.Now())
	frames, err := encode(&outMsg{
		Identities: req.Identities,
		Header:     hdr,
		Parent:     req.RawHeader,
		Content:    map[string]any{"prompt": prompt, "password": password},
	}, k.sign)
	if err != nil {
		return "", fmt.Errorf("input: %w", err)
	}
	if err := k.socks.Stdin.Send(frames); err != nil {
		return "", fmt.Errorf("input: send input_request: %w", err)
	}
	for {
		select {
		case m := <-s.replies:
			var parent struct {
				MsgID string `json:"msg_id"`
			}
			if json.Unmarshal(m.ParentHeader, &parent) == nil && parent.MsgID != "" && parent.MsgID != hdr.MsgID {
				k.log.Warn("dropped input_reply to another request", "parent", parent.MsgID)
				continue
			}
			var c struct {
				Value string `json:"value"`
			}
			if err := decodeContent(m, &c); err != nil {
				return "", fmt.Errorf("input: %w", err)
			}
			return c.Value, nil
		case <-ctx.Done():
			return "", fmt.Errorf("input: %w", ctx.Err())
		case <-intr:
			return "", errors.New("input: interrupted")
		case <-k.done:
			return "", errors.New("input: kernel shutting down")
		}
	}
}

// lean returns what outputs of m need for as long as they live: its
// routing identities and header, copied, without its content, metadata,
// parent header or buffers.
func (m *message) lean() *message {
	ids := make([][]byte, len(m.Identities))
	for i, id := range m.Identities {
		ids[i] = bytes.Clone(id)
	}
	return &message{Identities: ids, Header: m.Header, RawHeader: bytes.Clone(m.RawHeader), received: m.received}
}
