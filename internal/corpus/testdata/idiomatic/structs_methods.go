// Value and pointer receivers, method values and expressions.
package main

import "fmt"

type Account struct {
	Owner   string
	balance int
}

func (a *Account) Deposit(n int) { a.balance += n }
func (a Account) Balance() int   { return a.balance }

type Stack []int

func (s *Stack) Push(v int) { *s = append(*s, v) }
func (s *Stack) Pop() int {
	old := *s
	v := old[len(old)-1]
	*s = old[:len(old)-1]
	return v
}

func main() {
	acc := Account{Owner: "ann"}
	acc.Deposit(10)
	dep := acc.Deposit
	dep(5)
	fmt.Println(acc.Balance())
	bal := Account.Balance
	fmt.Println(bal(acc))
	var s Stack
	for i := range 4 {
		s.Push(i * 10)
	}
	fmt.Println(s.Pop(), s.Pop(), len(s))
	accounts := []*Account{{Owner: "a"}, {Owner: "b"}}
	for _, a := range accounts {
		a.Deposit(1)
	}
	fmt.Println(accounts[0].Balance()+accounts[1].Balance(), *accounts[1])
}
