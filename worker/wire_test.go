package worker

import (
	"bytes"
	"context"
	"encoding/binary"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"

	"github.com/gilgo/gilgo/engine"
)

func frameBytes(t testing.TB, ms ...*msg) []byte {
	var b bytes.Buffer
	for _, m := range ms {
		if err := writeFrame(&b, m); err != nil {
			t.Fatal(err)
		}
	}
	return b.Bytes()
}

func TestFrameRoundTrip(t *testing.T) {
	in := []*msg{
		{Kind: kindExecute, ID: 7, Cell: 3, Exec: &engine.ExecuteRequest{Code: "x := 1", ExecutionCount: 2, AllowStdin: true, UserExpressions: map[string]string{"a": "x"}}},
		{Kind: kindStream, Cell: 3, Name: "stdout", Text: "héllo\n"},
		{Kind: kindDone, ID: 7, Result: &engine.ExecuteResult{Error: &engine.Error{Name: "E", Value: "v", Traceback: []string{"t"}}}},
	}
	r := bytes.NewReader(frameBytes(t, in...))
	for _, want := range in {
		got, err := readFrame(r)
		if err != nil {
			t.Fatal(err)
		}
		if !reflect.DeepEqual(got, want) {
			t.Errorf("got %+v, want %+v", got, want)
		}
	}
	if _, err := readFrame(r); err != io.EOF {
		t.Errorf("at end: got %v, want io.EOF", err)
	}
}

// header returns a frame header announcing n bytes.
func header(n uint32) []byte {
	h := append([]byte(nil), frameMagic[:]...)
	return binary.BigEndian.AppendUint32(h, n)
}

func TestReadFrameErrors(t *testing.T) {
	good := frameBytes(t, &msg{Kind: kindStream, Cell: 1, Name: "stdout", Text: "x"})
	tests := []struct {
		name string
		in   []byte
		bad  bool // a skippable badFrameError
		want error
	}{
		{name: "short header", in: header(2)[:5], want: io.ErrUnexpectedEOF},
		{name: "short body", in: append(header(9), '{'), want: io.ErrUnexpectedEOF},
		{name: "too large", in: header(maxFrame + 1), want: errFrameTooLarge},
		{name: "no magic", in: []byte{0, 0, 0, 2, '{', '}', 0, 0}, want: errOutOfSync},
		// Two stray bytes before a frame: a length of 0x0102ff67 without
		// the magic would have waited for 17 MB that never come.
		{name: "stray bytes", in: append([]byte{1, 2}, good...), want: errOutOfSync},
		{name: "not json", in: append(header(2), 'h', 'i'), bad: true},
		{name: "no kind", in: append(header(2), '{', '}'), bad: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := readFrame(bytes.NewReader(tt.in))
			var bad *badFrameError
			if errors.As(err, &bad) != tt.bad || (tt.want != nil && !errors.Is(err, tt.want)) {
				t.Errorf("got %v, want bad=%v or %v", err, tt.bad, tt.want)
			}
		})
	}
}

// TestEncodeFrameSize: HTML characters are not escaped (a cell of '<'
// used to grow sixfold and cross maxFrame), and a message over maxFrame is
// a frameSizeError that says how large it is.
func TestEncodeFrameSize(t *testing.T) {
	tests := []struct {
		name    string
		code    string
		maxBody int // 0: too large
	}{
		{name: "angle brackets", code: strings.Repeat("<>&", 1000), maxBody: 3000 + 200},
		{name: "just fits", code: strings.Repeat("x", maxFrame-200), maxBody: maxFrame},
		{name: "too large", code: strings.Repeat("<", maxFrame)},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			buf, err := encodeFrame(&msg{Kind: kindExecute, ID: 1, Exec: &engine.ExecuteRequest{Code: tt.code}})
			if tt.maxBody == 0 {
				var fe *frameSizeError
				if !errors.As(err, &fe) || !errors.Is(err, errFrameTooLarge) || fe.size <= maxFrame {
					t.Fatalf("got %v, want a frameSizeError over %d", err, maxFrame)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if n := len(buf) - headerSize; n > tt.maxBody {
				t.Errorf("body: got %d bytes, want at most %d", n, tt.maxBody)
			}
			m, err := readFrame(bytes.NewReader(buf))
			if err != nil || m.Exec.Code != tt.code {
				t.Errorf("read back: %v", err)
			}
		})
	}
}

func FuzzReadFrame(f *testing.F) {
	f.Add(frameBytes(f, &msg{Kind: kindStream, Cell: 1, Name: "stdout", Text: "x"}))
	f.Add(append(header(2), '{', '}'))
	f.Add([]byte{0xff, 0xff, 0xff, 0xff})
	f.Add(append(header(2), '{', 1, 2, '}'))
	f.Fuzz(func(t *testing.T, in []byte) {
		r := bytes.NewReader(in)
		for range 100 {
			m, err := readFrame(r)
			var bad *badFrameError
			if errors.As(err, &bad) {
				continue
			}
			if err != nil {
				return
			}
			// Whatever decodes re-encodes.
			if _, err := readFrame(bytes.NewReader(frameBytes(t, m))); err != nil {
				t.Fatalf("re-read %+v: %v", m, err)
			}
		}
	})
}

// echoInterp answers everything at once, for Serve tests.
type echoInterp struct{}

func (echoInterp) Execute(ctx context.Context, req engine.ExecuteRequest, out engine.Output) engine.ExecuteResult {
	out.Stream("stdout", req.Code)
	if req.Code == "panic" {
		panic("bad interpreter")
	}
	return engine.ExecuteResult{}
}
func (echoInterp) Complete(ctx context.Context, code string, cursor int) (engine.Completion, error) {
	return engine.Completion{Matches: []string{code}}, nil
}
func (echoInterp) Inspect(ctx context.Context, code string, cursor, detail int) (engine.Inspection, error) {
	return engine.Inspection{}, nil
}
func (echoInterp) IsComplete(ctx context.Context, code string) (engine.Completeness, error) {
	return engine.Completeness{Status: "complete"}, nil
}
func (echoInterp) Interrupt()                                       {}
func (echoInterp) Shutdown(ctx context.Context, restart bool) error { return nil }

// serveOnce runs Serve over in-memory pipes on the given request bytes and
// returns the events written until Serve returned.
func serveOnce(t testing.TB, requests []byte) ([]*msg, error) {
	evR, evW := io.Pipe()
	var events []*msg
	read := make(chan struct{})
	go func() {
		defer close(read)
		for {
			m, err := readFrame(evR)
			if err != nil {
				return
			}
			events = append(events, m)
		}
	}()
	err := Serve(context.Background(), echoInterp{}, bytes.NewReader(requests), evW)
	evW.Close()
	<-read
	return events, err
}

func TestServeRecoversPanicAndShutsDown(t *testing.T) {
	events, err := serveOnce(t, frameBytes(t,
		&msg{Kind: kindExecute, ID: 1, Cell: 1, Exec: &engine.ExecuteRequest{Code: "panic"}},
	))
	if err != nil {
		t.Fatal(err)
	}
	// Serve returned at EOF, possibly before the execute goroutine answered;
	// the first event is always ready.
	if len(events) == 0 || events[0].Kind != kindReady || events[0].PID == 0 {
		t.Fatalf("events: got %+v, want ready first", events)
	}
	for _, e := range events[1:] {
		if e.Kind == kindDone && (e.Result.Error == nil || e.Result.Error.Name != engine.ErrInterpreter) {
			t.Errorf("done: got %+v, want %s", e.Result.Error, engine.ErrInterpreter)
		}
	}
	events, err = serveOnce(t, frameBytes(t, &msg{Kind: kindShutdown, ID: 9}, &msg{Kind: kindExecute, ID: 10}))
	if err != nil {
		t.Fatal(err)
	}
	if last := events[len(events)-1]; last.Kind != kindReply || last.ID != 9 {
		t.Errorf("after shutdown: got %+v, want the shutdown reply last", last)
	}
}

// FuzzServe feeds arbitrary request bytes to Serve: it must return, never
// panic.
func FuzzServe(f *testing.F) {
	f.Add(frameBytes(f, &msg{Kind: kindComplete, ID: 1, Code: "fm"}, &msg{Kind: kindInterrupt}))
	f.Add(frameBytes(f, &msg{Kind: kindInputReply, ID: 5, Text: "x"}, &msg{Kind: "bogus"}))
	f.Add(append(header(3), 'x', 'y', 'z', 0, 0))
	f.Fuzz(func(t *testing.T, in []byte) {
		serveOnce(t, in)
	})
}
