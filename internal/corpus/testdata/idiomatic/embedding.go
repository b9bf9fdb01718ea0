// Methods promoted from embedded types, and interfaces satisfied through them.
package main

import (
	"fmt"
	"strings"
)

type Animal struct {
	Name string
}

func (a Animal) Describe() string { return "animal " + a.Name }
func (a *Animal) Rename(n string) { a.Name = n }

type Dog struct {
	Animal
	Breed string
}

func (d Dog) Speak() string { return d.Name + " says woof" }

type Speaker interface{ Speak() string }

type Describer interface{ Describe() string }

type Logger struct {
	strings.Builder
	prefix string
}

func (l *Logger) Log(s string) { l.WriteString(l.prefix + s + "\n") }

func main() {
	d := Dog{Animal{"rex"}, "lab"}
	fmt.Println(d.Describe())
	d.Rename("max")
	fmt.Println(d.Name, d.Animal.Name)
	var s Speaker = d
	fmt.Println(s.Speak())
	var ds Describer = d
	fmt.Println(ds.Describe())
	var l Logger
	l.prefix = "> "
	l.Log("one")
	l.Log("two")
	fmt.Print(l.String())
	fmt.Println(l.Len())
}
