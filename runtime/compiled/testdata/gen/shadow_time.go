import "time"

type clock struct{}

func (clock) Sleep(d time.Duration) {}

func nap() {
	time := clock{}
	time.Sleep(1)
}
