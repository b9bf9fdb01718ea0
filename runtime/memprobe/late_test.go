package memprobe

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gilgo/gilgo/engine"
)

// rec records streams.
type rec struct {
	discard
	mu sync.Mutex
	b  strings.Builder
}

func (r *rec) Stream(name, text string) {
	r.mu.Lock()
	r.b.WriteString(name + ": " + text)
	r.mu.Unlock()
}

func (r *rec) String() string {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.b.String()
}

// TestProbeLatePanic shows what a goroutine that panics after its cell
// has ended reports (its cell's generated func is released by then).
func TestProbeLatePanic(t *testing.T) {
	skipUnlessProbe(t)
	for _, gil := range []bool{false, true} {
		s := newSession(t, gil)
		r := &rec{}
		res := s.Execute(context.Background(), engine.ExecuteRequest{ExecutionCount: 2, Code: "import \"time\"\nfunc boom() {\n\tvar m map[string]int\n\tm[\"a\"] = 1\n}\ngo func() {\n\ttime.Sleep(100 * time.Millisecond)\n\tvar p *struct{ X int }\n\tp.X = 1\n}()\ngo func() {\n\ttime.Sleep(100 * time.Millisecond)\n\tboom()\n}()"}, r)
		if res.Error != nil {
			t.Fatal(res.Error)
		}
		s.Execute(context.Background(), engine.ExecuteRequest{ExecutionCount: 3, Code: "v = 2"}, discard{})
		time.Sleep(300 * time.Millisecond)
		t.Logf("gil=%v:\n%s", gil, r.String())
	}
}
