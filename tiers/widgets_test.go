package tiers

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gilgo/gilgo/engine"
	"github.com/gilgo/gilgo/internal/goldencells"
)

// commRecorder is a goldencells.Recorder that also keeps comm messages.
type commRecorder struct {
	goldencells.Recorder
	mu    sync.Mutex
	comms []engine.Comm
}

func (r *commRecorder) Comm(c engine.Comm) {
	r.mu.Lock()
	r.comms = append(r.comms, c)
	r.mu.Unlock()
}

func (r *commRecorder) opened(model string) string {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, c := range r.comms {
		if c.Type == engine.CommOpen && c.Data["state"].(map[string]any)["_model_name"] == model {
			return c.ID
		}
	}
	return ""
}

// TestWidgetsInCells: a slider made in a cell opens its comm through the
// cell and shows as a widget view; a change from the frontend runs its
// interpreted observer under the GIL, printing to the comm message's
// output; the value read in a later cell is the frontend's; a panic in an
// observer is reported there and the session goes on.
func TestWidgetsInCells(t *testing.T) {
	sess, err := New(Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer sess.Shutdown(context.Background(), false)
	ctx := context.Background()
	rec := &commRecorder{}
	res := sess.Execute(ctx, engine.ExecuteRequest{Code: `import ("fmt"; "widgets")
s := widgets.IntSlider(5, 0, 10)
s.Observe("value", func(old, new any) {
	fmt.Println("moved", old, "->", new)
	if new.(int) == 9 { var m map[string]int; m["boom"] = 1 }
})
s`, ExecutionCount: 1}, rec)
	if res.Error != nil {
		t.Fatalf("%s: %s", res.Error.Name, res.Error.Value)
	}
	id := rec.opened("IntSliderModel")
	if id == "" || !strings.Contains(rec.String(), "application/vnd.jupyter.widget-view+json") {
		t.Fatalf("no slider comm or view:\n%s", rec.String())
	}
	move := func(v float64) string {
		out := &commRecorder{}
		if err := sess.HandleComm(ctx, engine.Comm{Type: engine.CommMsg, ID: id,
			Data: map[string]any{"method": "update", "state": map[string]any{"value": v}, "buffer_paths": []any{}}}, out); err != nil {
			t.Fatal(err)
		}
		return out.String()
	}
	if got := move(7); !strings.Contains(got, "moved 5 -> 7") {
		t.Errorf("observer output: %q", got)
	}
	if got := move(9); !strings.Contains(got, "assignment to entry in nil map") {
		t.Errorf("a panicking observer: %q", got)
	}
	rec2 := &commRecorder{}
	res = sess.Execute(ctx, engine.ExecuteRequest{Code: "s.Value()", ExecutionCount: 2}, rec2)
	if res.Error != nil || !strings.Contains(rec2.String(), "9") {
		t.Errorf("the value in a later cell: %v\n%s", res.Error, rec2.String())
	}
	info, _ := sess.CommInfo(ctx, "jupyter.widget")
	if info[id] != "jupyter.widget" {
		t.Errorf("CommInfo %v lacks the slider %s", info, id)
	}
}

// BenchmarkWidgetChange: a slider change from the frontend through the
// session to an interpreted observer that updates a display in place
// (update_display_data), against running the same observer body as a
// cell; reports the median change in µs and the ratio change/cell.
func BenchmarkWidgetChange(b *testing.B) {
	sess, err := New(Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer sess.Shutdown(context.Background(), false)
	ctx := context.Background()
	rec := &commRecorder{}
	res := sess.Execute(ctx, engine.ExecuteRequest{Code: `import ("display"; "fmt"; "widgets")
s := widgets.IntSlider(0, 0, 1000000)
h := display.Show("start")
s.Observe("value", func(old, new any) { h.Update(fmt.Sprint("value ", new)) })`, ExecutionCount: 1}, rec)
	if res.Error != nil {
		b.Fatal(res.Error.Value)
	}
	id := rec.opened("IntSliderModel")
	var change, cell []time.Duration
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		out := &commRecorder{}
		t0 := time.Now()
		if err := sess.HandleComm(ctx, engine.Comm{Type: engine.CommMsg, ID: id,
			Data: map[string]any{"method": "update", "state": map[string]any{"value": float64(i + 1)}}}, out); err != nil {
			b.Fatal(err)
		}
		change = append(change, time.Since(t0))
		t0 = time.Now()
		sess.Execute(ctx, engine.ExecuteRequest{Code: `h.Update(fmt.Sprint("value ", 1))`, ExecutionCount: i + 2}, &commRecorder{})
		cell = append(cell, time.Since(t0))
	}
	b.StopTimer()
	b.ReportMetric(float64(median(change).Microseconds()), "change-µs")
	b.ReportMetric(float64(median(change))/float64(median(cell)), "change/cell")
}
