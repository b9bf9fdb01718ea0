func Map[T, U any](s []T, f func(T) U) []U {
	out := make([]U, 0, len(s))
	for _, v := range s {
		out = append(out, f(v))
	}
	return out
}

type Stack[T any] struct{ items []T }

func double(s []int) []int { return Map(s, func(v int) int { return 2 * v }) }
