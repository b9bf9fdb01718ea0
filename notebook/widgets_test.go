package notebook

import (
	"context"
	"testing"
)

// TestRunSavesWidgetState: the widget models the cells leave open are
// saved in metadata.widgets with their last state; a closed one is not;
// a run without widgets removes an earlier run's.
func TestRunSavesWidgetState(t *testing.T) {
	nb := &Notebook{Metadata: map[string]any{}, Cells: []*Cell{
		{Type: CodeCell, Source: "widget w1 5\nwidget w2 1"},
		{Type: CodeCell, Source: "set w1 7\nclose w2"},
	}}
	if err := Run(context.Background(), nb, newFake(), RunOptions{}); err != nil {
		t.Fatal(err)
	}
	ws, _ := nb.Metadata["widgets"].(map[string]any)[WidgetStateMIME].(map[string]any)
	state, _ := ws["state"].(map[string]any)
	w1, _ := state["w1"].(map[string]any)
	if len(state) != 1 || w1 == nil || w1["model_name"] != "IntSliderModel" || w1["state"].(map[string]any)["value"] != "7" || ws["version_major"] != 2 {
		t.Fatalf("metadata.widgets: %v", nb.Metadata["widgets"])
	}
	nb.Cells = []*Cell{{Type: CodeCell, Source: "print x"}}
	if err := Run(context.Background(), nb, newFake(), RunOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, ok := nb.Metadata["widgets"]; ok {
		t.Errorf("a run without widgets kept %v", nb.Metadata["widgets"])
	}
}
