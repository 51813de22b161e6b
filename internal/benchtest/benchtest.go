// Package benchtest holds what the module's benchmarks share. It is
// test-only support: only _test.go files import it.
package benchtest

import (
	"testing"
	"time"
)

// VsBaseline runs baseline and f b.N times each, in this order, times f as
// the benchmark, and reports f's time as a multiple of baseline's
// ("x-baseline") and baseline's ns/op ("baseline-ns/op"), so that the
// figure to read is a ratio measured in one run.
func VsBaseline(b *testing.B, baseline, f func()) {
	b.Helper()
	b.ReportAllocs()
	start := time.Now()
	for range b.N {
		baseline()
	}
	base := time.Since(start)
	b.ResetTimer()
	for range b.N {
		f()
	}
	b.StopTimer()
	b.ReportMetric(float64(base.Nanoseconds())/float64(b.N), "baseline-ns/op")
	if base > 0 {
		b.ReportMetric(float64(b.Elapsed())/float64(base), "x-baseline")
	}
}
