package session

import (
	"reflect"
	"strings"
	"testing"
)

// TestEntries checks the declaration index: a later declaration takes its
// keys from earlier entries, an entry with none left is dropped, methods
// are counted by name, and current blanks the vars declared again.
func TestEntries(t *testing.T) {
	type decl struct {
		keys  []string
		src   string
		isVar bool
	}
	tests := []struct {
		name        string
		decls       []decl
		wantLive    []string // srcs of the live entries, by current
		wantMethods map[string]bool
	}{
		{
			name:     "new names",
			decls:    []decl{{[]string{"var a"}, "var a = 1", true}, {[]string{"func f"}, "func f() {}", false}},
			wantLive: []string{"var a = 1", "func f() {}"},
		},
		{
			name:     "a var declared again is blanked in its first declaration",
			decls:    []decl{{[]string{"var r", "var err"}, "var r, err = 1, 2", true}, {[]string{"var err"}, "var err = 3", true}},
			wantLive: []string{"var r, _   = 1, 2", "var err = 3"},
		},
		{
			name:     "an entry with nothing left is dropped",
			decls:    []decl{{[]string{"func f"}, "func f() {}", false}, {[]string{"func f"}, "func f() int { return 1 }", false}},
			wantLive: []string{"func f() int { return 1 }"},
		},
		{
			name: "methods by name",
			decls: []decl{
				{[]string{"type T"}, "type T int", false},
				{[]string{"method T.String"}, "func (T) String() string { return \"\" }", false},
				{[]string{"method T.Error"}, "func (T) Error() string { return \"\" }", false},
				{[]string{"method T.Error"}, "func (T) Error() string { return \"x\" }", false},
			},
			wantLive:    []string{"type T int", "func (T) String() string { return \"\" }", "func (T) Error() string { return \"x\" }"},
			wantMethods: map[string]bool{"String": true, "Error": true, "Len": false},
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var es entries
			for _, d := range tt.decls {
				es.add(&entry{keys: d.keys, src: d.src, isVar: d.isVar})
			}
			var got []string
			for _, e := range es.live() {
				got = append(got, e.current())
			}
			if !reflect.DeepEqual(got, tt.wantLive) {
				t.Errorf("live: got %q, want %q", got, tt.wantLive)
			}
			for m, want := range tt.wantMethods {
				if es.hasMethod(m) != want {
					t.Errorf("hasMethod(%s): got %v, want %v", m, !want, want)
				}
			}
		})
	}
}

// TestEntriesCompact redefines one func many times: the list must not
// keep the dead entries.
func TestEntriesCompact(t *testing.T) {
	var es entries
	for i := range 1000 {
		es.add(&entry{keys: []string{"func f"}, src: "func f() int { return " + strings.Repeat("1", i%3+1) + " }"})
	}
	if n := len(es.list); n > 200 {
		t.Errorf("list: got %d entries for one live declaration, want at most 200", n)
	}
	if n := len(es.live()); n != 1 {
		t.Errorf("live: got %d entries, want 1", n)
	}
}

// TestEntriesAddedTwice: recording the same entry again (a declaration
// unit that falls back to running by value records its entries a second
// time) keeps one copy; two copies made a pool's child compile "r
// redeclared in this block".
func TestEntriesAddedTwice(t *testing.T) {
	var es entries
	e := &entry{keys: []string{"var r"}, src: "var r, _ = f()", isVar: true}
	es.add(&entry{keys: []string{"func f"}, src: "func f() (int, int) { return 1, 2 }"})
	es.add(e)
	es.add(e)
	if n := len(es.live()); n != 2 {
		t.Fatalf("live entries: %d, want 2", n)
	}
}
