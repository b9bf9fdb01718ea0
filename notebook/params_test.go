package notebook

import (
	"strings"
	"testing"
)

func TestInjectParameters(t *testing.T) {
	const params = "import \"time\"\nalpha := 0.5\nn := 10\nvar name = \"world\"\nvar verbose bool\nvar d time.Duration = time.Second\nvar xs = []int{1}"
	for _, tc := range []struct {
		name    string
		cells   []*Cell // nil: a markdown cell, the parameters cell, a code cell
		params  []string
		want    string // the injected cell's source
		at      int    // its index
		warn    string // in a warning
		wantErr string
	}{
		{name: "typed from the declarations", params: []string{"alpha=0.25", "n=1_000", "name=Go", "verbose=1", "d=90s", "xs=[]int{4, 5}"},
			want: "// Parameters injected by gilgo run\nalpha = 0.25\nn = 1_000\nname = \"Go\"\nverbose = true\nd = time.Duration(90000000000) // 90s\nxs = []int{4, 5}\n", at: 2},
		{name: "a quoted string stays", params: []string{`name="a\tb"`}, want: "name = \"a\\tb\"\n", at: 2},
		{name: "undeclared is declared", params: []string{"extra=3"}, want: "extra := 3\n", at: 2, warn: "extra is not declared"},
		{name: "not an int", params: []string{"n=ten"}, wantErr: `parameter n: "ten" is not an integer`},
		{name: "not a number", params: []string{"alpha=half"}, wantErr: `"half" is not a number`},
		{name: "not a bool", params: []string{"verbose=maybe"}, wantErr: "not a bool"},
		{name: "not an expression", params: []string{"xs=[]int{"}, wantErr: "not a Go expression"},
		{name: "no parameters cell: at the top", cells: []*Cell{{Type: CodeCell, Source: "x := 1"}}, params: []string{"x=2"}, want: "x := 2\n", at: 0, warn: "x is not declared"},
		{name: "an earlier injected cell is replaced", cells: []*Cell{
			{Type: CodeCell, Source: "n := 1", Metadata: map[string]any{"tags": []any{"parameters"}}},
			{Type: CodeCell, Source: "n = 5", Metadata: map[string]any{"tags": []any{"injected-parameters"}}},
			{Type: CodeCell, Source: "n"},
		}, params: []string{"n=7"}, want: "n = 7\n", at: 1},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cells := tc.cells
			if cells == nil {
				cells = []*Cell{
					{Type: MarkdownCell, Source: "# title"},
					{Type: CodeCell, Source: params, Metadata: map[string]any{"tags": []any{"parameters"}}},
					{Type: CodeCell, Source: "fmt.Println(alpha)"},
				}
			}
			n := len(cells)
			for _, c := range cells {
				if c.HasTag(TagInjectedParameters) {
					n--
				}
			}
			nb := &Notebook{Cells: cells}
			var ps []Param
			for _, s := range tc.params {
				p, err := ParseParam(s)
				if err != nil {
					t.Fatal(err)
				}
				ps = append(ps, p)
			}
			_, warnings, err := InjectParameters(nb, ps)
			if tc.wantErr != "" {
				if err == nil || !strings.Contains(err.Error(), tc.wantErr) {
					t.Fatalf("err %v, want %q", err, tc.wantErr)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if len(nb.Cells) != n+1 {
				t.Fatalf("%d cells, want %d", len(nb.Cells), n+1)
			}
			c := nb.Cells[tc.at]
			if !c.HasTag(TagInjectedParameters) || !strings.HasSuffix(c.Source, tc.want) {
				t.Errorf("cell %d: tags %v source\n%s\nwant it to end with\n%s", tc.at, c.Tags(), c.Source, tc.want)
			}
			if got := strings.Join(warnings, "\n"); tc.warn == "" && got != "" || !strings.Contains(got, tc.warn) {
				t.Errorf("warnings %q, want %q", got, tc.warn)
			}
		})
	}
	if _, err := ParseParam("no-equals"); err == nil {
		t.Error("ParseParam accepted a parameter without =")
	}
	if _, err := ParseParam("1x=2"); err == nil {
		t.Error("ParseParam accepted a name that is not an identifier")
	}
}

func TestSetRunMetadata(t *testing.T) {
	nb := &Notebook{}
	seed := int64(7)
	SetRunMetadata(nb, "v1", "1.26.8", &seed, map[string]string{"n": "3"}, map[string]string{"example.com/stats": "example.com/stats@v1.0.0"})
	data, err := Marshal(nb)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"gilgo": {`, `"go_version": "1.26.8"`, `"seed": 7`, `"n": "3"`, `"example.com/stats": "example.com/stats@v1.0.0"`, `"version": "v1"`} {
		if !strings.Contains(string(data), want) {
			t.Errorf("metadata lacks %s:\n%s", want, data)
		}
	}
}
