package widgets

import "sync"

// Interact shows controls above an Output widget and runs f in it now and
// whenever a control's value changes, its output replacing the last
// run's. f reads the controls' values itself. Changes that arrive while f
// runs coalesce into one more run, so dragging a slider does not queue a
// run per step.
func (m *Manager) Interact(f func(), controls ...*Widget) *Widget {
	out := m.Output()
	box := m.VBox(append(append([]*Widget{}, controls...), out)...)
	var (
		mu             sync.Mutex
		running, dirty bool
	)
	runs := func() {
		for {
			out.ClearOutput()
			out.Capture(f)
			mu.Lock()
			if !dirty {
				running = false
				mu.Unlock()
				return
			}
			dirty = false
			mu.Unlock()
		}
	}
	changed := func(_, _ any) {
		mu.Lock()
		if running {
			dirty = true
			mu.Unlock()
			return
		}
		running = true
		mu.Unlock()
		// Not on the comm handler's goroutine: the next change must be
		// read (and coalesced) while f runs.
		target := m.host.CommOutput()
		go m.host.RunCallback(outputOf(target), runs)
	}
	for _, c := range controls {
		c.Observe("value", changed)
	}
	mu.Lock()
	running = true
	mu.Unlock()
	runs()
	return box
}

// Link keeps a's state aName and b's bName equal: a change of either is
// set on the other.
func (m *Manager) Link(a *Widget, aName string, b *Widget, bName string) {
	a.Observe(aName, func(_, v any) {
		if !equal(b.Get(bName), v) {
			b.Set(bName, v)
		}
	})
	b.Observe(bName, func(_, v any) {
		if !equal(a.Get(aName), v) {
			a.Set(aName, v)
		}
	})
	b.Set(bName, a.Get(aName))
}
