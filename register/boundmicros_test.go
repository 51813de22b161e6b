package register_test

import (
	"math"
	"testing"
	"time"

	"github.com/sostegno/sostegno/register"
)

func TestBoundMicros(t *testing.T) {
	t.Parallel()
	base := time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)
	cases := []struct {
		name string
		t    time.Time
		want int64
	}{
		{"whole microsecond", base, base.UnixMicro()},
		{"rounded up", base.Add(time.Nanosecond), base.UnixMicro() + 1},
		{"just below the next", base.Add(999 * time.Nanosecond), base.UnixMicro() + 1},
		{"before 1970, rounded up", time.Unix(-1, 1), -1_000_000 + 1},
		{"far future, clamped", time.Date(400000, 1, 1, 0, 0, 0, 0, time.UTC), math.MaxInt64},
		{"far past, clamped", time.Date(-400000, 1, 1, 0, 0, 0, 0, time.UTC), math.MinInt64},
	}
	for _, c := range cases {
		if got := register.BoundMicros(c.t); got != c.want {
			t.Errorf("%s: BoundMicros(%v) = %d, want %d", c.name, c.t, got, c.want)
		}
	}
}
