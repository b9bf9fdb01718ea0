package session

import "testing"

// FuzzMagicParse checks that reading a cell's magics never panics and that
// a //gilgo:NAME directive, when found, runs the whole cell.
func FuzzMagicParse(f *testing.F) {
	for _, seed := range []string{
		"", "%timeit x", "%%time\nx := 1", "%%compile\nfunc f() {}", "%env A=1",
		"//gilgo:compile\nfunc f() {}", "//gilgo:compile", "x, y", "}}}{{{", "\xff\xfe",
	} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, src string) {
		_, _ = parseMagic(src)
		_ = isExprList(src)
		c := &cell{s: &Session{opts: Options{CellMagics: map[string]CellMagic{"compile": {}}}}, src: src}
		if m, ok := c.directiveMagic(); ok && (m.name != "compile" || m.body != src) {
			t.Fatalf("directiveMagic: %+v", m)
		}
	})
}
