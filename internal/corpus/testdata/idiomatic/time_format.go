// time: durations, formatting a fixed date, arithmetic.
package main

import (
	"fmt"
	"time"
)

func main() {
	d := 90 * time.Minute
	fmt.Println(d, d.Hours(), time.Duration(1500)*time.Millisecond)
	t := time.Date(2024, time.February, 28, 23, 30, 0, 0, time.UTC)
	fmt.Println(t.Format(time.RFC3339))
	t2 := t.Add(time.Hour)
	fmt.Println(t2.Format("2006-01-02 15:04"), t2.Weekday(), t2.YearDay())
	fmt.Println(t2.Sub(t), t.Before(t2))
	p, err := time.Parse("2006-01-02", "2025-12-31")
	fmt.Println(p.Month(), err)
	fmt.Println(t.Truncate(24 * time.Hour).Format(time.Kitchen))
}
