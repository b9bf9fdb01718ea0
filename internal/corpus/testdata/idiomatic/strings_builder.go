// strings, strconv, unicode and bytes in everyday use.
package main

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
	"unicode"
)

func main() {
	var sb strings.Builder
	for i := range 3 {
		fmt.Fprintf(&sb, "%d,", i)
	}
	s := strings.TrimSuffix(sb.String(), ",")
	fmt.Println(s, strings.Split(s, ","))
	fmt.Println(strings.Repeat("ab", 3), strings.Count("cheese", "e"), strings.Title("x"))
	fmt.Println(strings.Map(func(r rune) rune {
		if unicode.IsUpper(r) {
			return unicode.ToLower(r)
		}
		return unicode.ToUpper(r)
	}, "Hello World"))
	n, err := strconv.Atoi("42")
	fmt.Println(n+1, err)
	_, err = strconv.ParseFloat("x", 64)
	fmt.Println(err)
	fmt.Println(strconv.Quote("a\tb"), strconv.FormatInt(255, 2))
	var buf bytes.Buffer
	buf.WriteString("héllo")
	fmt.Println(buf.Len(), len([]rune(buf.String())))
	for i, r := range "aé" {
		fmt.Println(i, string(r), r)
	}
	fields := strings.FieldsFunc("a1b2c3", unicode.IsDigit)
	fmt.Println(fields, strings.EqualFold("Go", "GO"))
}
