package streambatch

import (
	"strings"
	"sync"
	"testing"
	"time"
)

// heldLocker is a mutex that knows whether it is held, so that tests can
// check that emit runs under it.
type heldLocker struct {
	sync.Mutex
	held bool
}

func (l *heldLocker) Lock()   { l.Mutex.Lock(); l.held = true }
func (l *heldLocker) Unlock() { l.held = false; l.Mutex.Unlock() }

// op is one step of a script run against a Batcher.
type op struct {
	do        string // write, flush, fire, stop, pause
	key, val  string
	text      string
	wantDelay time.Duration // after the step, when not 0
}

func write(key, text string) op { return op{do: "write", key: key, val: "v", text: text} }

var (
	flush = op{do: "flush"}
	stop  = op{do: "stop"}
	// fire runs the timer's function as if the timer had fired.
	fire = op{do: "fire"}
	// pause moves the last tick far enough back for the delay to fall back.
	pause = op{do: "pause"}
)

// armedWith writes and checks the delay the timer was armed with.
func armedWith(key, text string, d time.Duration) op {
	o := write(key, text)
	o.wantDelay = d
	return o
}

func TestBatcher(t *testing.T) {
	const h = time.Hour // no real timer fires during these tests
	tests := []struct {
		name      string
		cfg       Config
		ops       []op
		want      []string // emitted, as key/val=text
		wantArmed bool
	}{
		{"coalesces per key in order of first write", Config{Delay: h},
			[]op{write("a", "1"), write("b", "2"), write("a", "3"), flush},
			[]string{"a/v=13", "b/v=2"}, true},
		{"empty text is ignored", Config{Delay: h},
			[]op{write("a", ""), flush},
			nil, false},
		{"flush with nothing buffered emits nothing", Config{Delay: h},
			[]op{flush, write("a", "x"), flush, flush},
			[]string{"a/v=x"}, true},
		{"the first write's value rides with the key until a flush", Config{Delay: h},
			[]op{write("a", "x"), {do: "write", key: "a", val: "w", text: "y"}, flush,
				{do: "write", key: "a", val: "w", text: "z"}, flush},
			[]string{"a/v=xy", "a/w=z"}, true},
		{"KeyLimit: one key reaching it flushes every key", Config{Delay: h, KeyLimit: 4},
			[]op{write("a", "12"), write("b", "xyz"), write("a", "34"), write("b", "!")},
			[]string{"a/v=1234", "b/v=xyz"}, true},
		{"KeyLimit: a single write past it joins its key's text", Config{Delay: h, KeyLimit: 3},
			[]op{write("b", "x"), write("a", "y"), write("a", "long")},
			[]string{"b/v=x", "a/v=ylong"}, true},
		{"Limit counts all keys together and restarts after a flush", Config{Delay: h, Limit: 4},
			[]op{write("a", "12"), write("b", "3"), write("a", "4"), write("b", "567")},
			[]string{"a/v=124", "b/v=3"}, true},
		{"no limit: nothing is flushed but by Flush or the timer", Config{Delay: h},
			[]op{write("a", strings.Repeat("x", 1<<16)), flush},
			[]string{"a/v=" + strings.Repeat("x", 1<<16)}, true},
		{"the timer flushes and disarms", Config{Delay: h},
			[]op{write("a", "1"), write("b", "2"), fire},
			[]string{"a/v=1", "b/v=2"}, false},
		{"a flush leaves the timer armed", Config{Delay: h, MaxDelay: 4 * h},
			[]op{armedWith("a", "1", h), flush, armedWith("a", "2", h), fire, armedWith("a", "3", 2*h)},
			[]string{"a/v=1", "a/v=2"}, true},
		{"StopOnFlush: a flush stops the timer", Config{Delay: h, StopOnFlush: true},
			[]op{write("a", "1"), flush},
			[]string{"a/v=1"}, false},
		{"StopOnFlush: so does a limit", Config{Delay: h, Limit: 2, StopOnFlush: true},
			[]op{write("a", "1"), write("a", "2")},
			[]string{"a/v=12"}, false},
		{"a limit flush without StopOnFlush keeps the timer", Config{Delay: h, Limit: 2},
			[]op{write("a", "1"), write("a", "2")},
			[]string{"a/v=12"}, true},
		{"Stop disarms without flushing; the next write arms again", Config{Delay: h},
			[]op{write("a", "1"), stop, write("b", "2"), flush},
			[]string{"a/v=1", "b/v=2"}, true},
		{"Stop with nothing armed", Config{Delay: h},
			[]op{stop},
			nil, false},
		{"adaptive: the delay doubles while output keeps coming, up to MaxDelay",
			Config{Delay: h, MaxDelay: 3 * h},
			[]op{armedWith("a", "1", h), fire, armedWith("a", "2", 2*h), fire,
				armedWith("a", "3", 3*h), fire, armedWith("a", "4", 3*h)},
			[]string{"a/v=1", "a/v=2", "a/v=3"}, true},
		{"adaptive: a pause brings it back to Delay", Config{Delay: h, MaxDelay: 4 * h},
			[]op{armedWith("a", "1", h), fire, armedWith("a", "2", 2*h), fire, pause,
				armedWith("a", "3", h)},
			[]string{"a/v=1", "a/v=2"}, true},
		{"fixed: MaxDelay at or below Delay keeps Delay", Config{Delay: h, MaxDelay: h / 2},
			[]op{armedWith("a", "1", h), fire, armedWith("a", "2", h)},
			[]string{"a/v=1"}, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			mu := &heldLocker{}
			var got []string
			b := New(mu, tt.cfg, func(key, val string, text string) {
				if !mu.held {
					t.Errorf("emit(%s, %q) without the lock", key, text)
				}
				got = append(got, key+"/"+val+"="+text)
			})
			t.Cleanup(func() { mu.Lock(); b.Stop(); mu.Unlock() })
			for i, o := range tt.ops {
				switch o.do {
				case "fire":
					b.tick() // takes the lock itself
				case "pause":
					mu.Lock()
					b.ticked = b.ticked.Add(-10 * b.Config.MaxDelay)
					mu.Unlock()
				default:
					mu.Lock()
					switch o.do {
					case "write":
						b.Write(o.key, o.val, o.text)
					case "flush":
						b.Flush()
					case "stop":
						b.Stop()
					}
					mu.Unlock()
				}
				if o.wantDelay != 0 && b.delay != o.wantDelay {
					t.Errorf("step %d (%s %s): delay %v, want %v", i, o.do, o.text, b.delay, o.wantDelay)
				}
			}
			if strings.Join(got, "|") != strings.Join(tt.want, "|") {
				t.Errorf("emitted %q, want %q", got, tt.want)
			}
			if b.armed != tt.wantArmed {
				t.Errorf("armed = %v, want %v", b.armed, tt.wantArmed)
			}
			if b.armed && b.timer == nil {
				t.Error("armed without a timer")
			}
		})
	}
}

func TestNextDelay(t *testing.T) {
	const ms = time.Millisecond
	adaptive := Config{Delay: 50 * ms, MaxDelay: 200 * ms}
	fixed := Config{Delay: 5 * ms}
	tests := []struct {
		name           string
		cfg            Config
		cur, sinceTick time.Duration
		want           time.Duration
	}{
		{"first arming", adaptive, 0, 0, 50 * ms},
		{"soon after a tick: doubles", adaptive, 50 * ms, 100 * ms, 100 * ms},
		{"up to MaxDelay", adaptive, 100 * ms, 10 * ms, 200 * ms},
		{"not past MaxDelay", adaptive, 150 * ms, 10 * ms, 200 * ms},
		{"stays at MaxDelay", adaptive, 200 * ms, 10 * ms, 200 * ms},
		{"after a pause of more than twice the delay: Delay", adaptive, 200 * ms, 401 * ms, 50 * ms},
		{"fixed: first arming", fixed, 0, 0, 5 * ms},
		{"fixed: soon after a tick", fixed, 5 * ms, ms, 5 * ms},
		{"fixed: after a pause", fixed, 5 * ms, time.Second, 5 * ms},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := nextDelay(tt.cfg, tt.cur, tt.sinceTick); got != tt.want {
				t.Errorf("nextDelay(%+v, %v, %v) = %v, want %v", tt.cfg, tt.cur, tt.sinceTick, got, tt.want)
			}
		})
	}
}

// TestTimerFlushes: text nobody flushes is emitted by the real timer, under
// the lock. A 1 ms timer gets a minute, so only a timer that never fires
// fails it, not a slow machine.
func TestTimerFlushes(t *testing.T) {
	next := func(emitted <-chan string) string {
		t.Helper()
		select {
		case s := <-emitted:
			return s
		case <-time.After(time.Minute):
			t.Fatal("the timer did not fire in a minute")
			return ""
		}
	}
	for _, stopOnFlush := range []bool{false, true} {
		mu := &heldLocker{}
		emitted := make(chan string, 2)
		b := New(mu, Config{Delay: time.Millisecond, StopOnFlush: stopOnFlush}, func(key, _ string, text string) {
			if !mu.held {
				t.Error("the timer emitted without the lock")
			}
			emitted <- key + "=" + text
		})
		mu.Lock()
		b.Write("out", "", "late")
		mu.Unlock()
		if got := next(emitted); got != "out=late" {
			t.Errorf("StopOnFlush %v: timer emitted %q, want out=late", stopOnFlush, got)
		}
		// The timer is reused once it has fired.
		mu.Lock()
		b.Write("out", "", "again")
		mu.Unlock()
		if got := next(emitted); got != "out=again" {
			t.Errorf("StopOnFlush %v: second timer emitted %q, want out=again", stopOnFlush, got)
		}
	}
}
