// encoding/json with struct tags, round trips and maps.
package main

import (
	"encoding/json"
	"fmt"
	"strings"
)

type Item struct {
	Name  string   `json:"name"`
	Price float64  `json:"price,omitempty"`
	Tags  []string `json:"tags"`
	note  string
}

func main() {
	it := Item{Name: "pen", Tags: []string{"office"}, note: "x"}
	b, err := json.Marshal(it)
	fmt.Println(string(b), err)
	var back Item
	err = json.Unmarshal([]byte(`{"name":"cup","price":2.5,"tags":null}`), &back)
	fmt.Printf("%+v %v\n", back, err)
	var m map[string]any
	_ = json.NewDecoder(strings.NewReader(`{"a":1,"b":[true,null]}`)).Decode(&m)
	fmt.Println(m["a"], m["b"])
	out, _ := json.MarshalIndent(map[string]int{"z": 1, "a": 2}, "", " ")
	fmt.Println(string(out))
}
