package worker

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/gilgo/gilgo/engine"
)

// Message kinds on the wire. Requests go from the kernel to the child,
// events from the child to the kernel.
const (
	// Kernel → child.
	kindExecute    = "execute"     // ID, Cell, Exec, CommOut
	kindComplete   = "complete"    // ID, Code, Cursor
	kindInspect    = "inspect"     // ID, Code, Cursor, Detail
	kindIsComplete = "is_complete" // ID, Code
	kindInterrupt  = "interrupt"   // no fields
	kindInputReply = "input_reply" // ID (of the input event), Text, Err
	kindShutdown   = "shutdown"    // ID, Restart
	kindComm       = "comm"        // ID, Cell, Comm, CommOut: a comm message from the frontend
	kindCommInfo   = "comm_info"   // ID, Name (the target, or "")

	// Child → kernel.
	kindReady       = "ready"        // PID
	kindStream      = "stream"       // Cell, Name, Text
	kindResult      = "result"       // Cell, Data, Metadata
	kindDisplay     = "display"      // Cell, Data, Metadata, DisplayID, Update
	kindClearOutput = "clear_output" // Cell, Wait
	kindInput       = "input"        // ID, Cell, Text (prompt), Password
	kindInputCancel = "input_cancel" // ID: the child stopped waiting for the answer
	kindDone        = "done"         // ID, Cell, Result
	kindReply       = "reply"        // ID, Completion | Inspection | Completeness | Comms, Err
	kindCommOut     = "comm_out"     // Cell, Comm: a comm message to the frontend
)

// maxFrame bounds one frame's body. A longer length prefix means the stream
// is corrupt (or hostile) and the connection is dropped; a longer message is
// not sent (see frameSizeError).
const maxFrame = 64 << 20

// frameMagic starts every frame, before its length. Bytes written to a
// message pipe by something else than writeFrame (compiled code calling
// syscall.Write on fd 4) shift the stream: the next header then lacks the
// magic and the reader knows at once that the pipe is out of sync, instead
// of taking stray bytes for a length and waiting for a body that never
// comes. 0xff never occurs in UTF-8 text.
var frameMagic = [4]byte{0xff, 'g', 'w', 1}

// headerSize is the magic and the 4-byte big-endian length of the body.
const headerSize = len(frameMagic) + 4

// msg is the one envelope used in both directions; Kind says which fields
// are set.
type msg struct {
	Kind string `json:"k"`
	ID   uint64 `json:"id,omitempty"`
	Cell uint64 `json:"cell,omitempty"`

	Exec   *engine.ExecuteRequest `json:"exec,omitempty"`
	Code   string                 `json:"code,omitempty"`
	Cursor int                    `json:"cursor,omitempty"`
	Detail int                    `json:"detail,omitempty"`

	Name      string            `json:"name,omitempty"`
	Text      string            `json:"text,omitempty"`
	Password  bool              `json:"password,omitempty"`
	Data      engine.MIMEBundle `json:"data,omitempty"`
	Metadata  map[string]any    `json:"metadata,omitempty"`
	DisplayID string            `json:"display_id,omitempty"`
	Update    bool              `json:"update,omitempty"`
	Wait      bool              `json:"wait,omitempty"`

	Result       *engine.ExecuteResult `json:"result,omitempty"`
	Completion   *engine.Completion    `json:"completion,omitempty"`
	Inspection   *engine.Inspection    `json:"inspection,omitempty"`
	Completeness *engine.Completeness  `json:"completeness,omitempty"`
	Comm         *engine.Comm          `json:"comm,omitempty"`
	// CommOut says the Output of an execute or comm request can carry
	// comm messages (the kernel's can; gilgo run's cannot).
	CommOut bool              `json:"comm_out,omitempty"`
	Comms   map[string]string `json:"comms,omitempty"`
	Err     string            `json:"err,omitempty"`

	// Debug is a DAP request, response or event (debug.go).
	Debug json.RawMessage `json:"debug,omitempty"`

	// Took is how long the child's interpreter ran a cell (done), in ns.
	Took int64 `json:"took,omitempty"`

	PID     int  `json:"pid,omitempty"`
	Restart bool `json:"restart,omitempty"`
}

// errFrameTooLarge is returned by readFrame for a length prefix above
// maxFrame, and matches (errors.Is) the frameSizeError of a message too
// large to send.
var errFrameTooLarge = errors.New("frame too large")

// errOutOfSync is returned by readFrame for a header without frameMagic.
var errOutOfSync = errors.New("message pipe out of sync")

// frameSizeError is a message whose encoding exceeds maxFrame: it is not
// sent, and the pipe stays usable.
type frameSizeError struct {
	kind string
	size int // bytes of the encoded body
}

func (e *frameSizeError) Error() string {
	return fmt.Sprintf("encode %s frame: got %d bytes, want at most %d", e.kind, e.size, maxFrame)
}

func (e *frameSizeError) Is(target error) bool { return target == errFrameTooLarge }

// encodeFrame returns m as a frame: frameMagic, a 4-byte big-endian length
// and the JSON encoding of m. HTML characters are not escaped ('<' would
// take 6 bytes and 80 times as long to encode). A body over maxFrame is a
// *frameSizeError.
func encodeFrame(m *msg) ([]byte, error) {
	var b bytes.Buffer
	b.Write(make([]byte, headerSize))
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(m); err != nil {
		return nil, fmt.Errorf("encode %s frame: %w", m.Kind, err)
	}
	buf := bytes.TrimSuffix(b.Bytes(), []byte("\n"))
	n := len(buf) - headerSize
	if n > maxFrame {
		return nil, &frameSizeError{kind: m.Kind, size: n}
	}
	copy(buf, frameMagic[:])
	binary.BigEndian.PutUint32(buf[len(frameMagic):], uint32(n))
	return buf, nil
}

// writeFrame writes m as one frame (encodeFrame) in one Write, so that a
// pipe write of a small frame is atomic. It is not safe for concurrent use
// on the same w.
func writeFrame(w io.Writer, m *msg) error {
	buf, err := encodeFrame(m)
	if err != nil {
		return err
	}
	if _, err := w.Write(buf); err != nil {
		return fmt.Errorf("write %s frame: %w", m.Kind, err)
	}
	return nil
}

// frameBufSize is the buffer both ends read frames through (requests in
// the child, events in the kernel): a frame's header and a small body
// arrive in one read.
const frameBufSize = 64 << 10

// readFrame reads one frame. It returns io.EOF only at a clean frame
// boundary; a frame cut short is io.ErrUnexpectedEOF. A header without
// frameMagic is errOutOfSync, a length over maxFrame errFrameTooLarge:
// either way the stream cannot be read on. A frame whose body is not valid
// JSON is reported as a *badFrameError: the framing is intact, so the
// caller may skip it and read on.
func readFrame(r io.Reader) (*msg, error) {
	var hdr [headerSize]byte
	if _, err := io.ReadFull(r, hdr[:]); err != nil {
		return nil, err
	}
	if [4]byte(hdr[:4]) != frameMagic {
		return nil, fmt.Errorf("read frame: header % x, want magic % x first: %w", hdr, frameMagic, errOutOfSync)
	}
	n := binary.BigEndian.Uint32(hdr[4:])
	if n > maxFrame {
		return nil, fmt.Errorf("read frame: length %d, want at most %d: %w", n, maxFrame, errFrameTooLarge)
	}
	body := make([]byte, n)
	if _, err := io.ReadFull(r, body); err != nil {
		if errors.Is(err, io.EOF) {
			err = io.ErrUnexpectedEOF
		}
		return nil, fmt.Errorf("read frame body: %w", err)
	}
	m := new(msg)
	if err := json.Unmarshal(body, m); err != nil {
		return nil, &badFrameError{err: err}
	}
	if m.Kind == "" {
		return nil, &badFrameError{err: errors.New("missing kind")}
	}
	return m, nil
}

// badFrameError is a well-framed message that could not be decoded.
type badFrameError struct{ err error }

func (e *badFrameError) Error() string { return "decode frame: " + e.err.Error() }
func (e *badFrameError) Unwrap() error { return e.err }
