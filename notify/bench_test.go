package notify_test

import (
	"context"
	"testing"
	"time"

	"github.com/sostegno/sostegno/notify"
)

// vsBaseline runs baseline and f b.N times each, in this order, times f as
// the benchmark, and reports f's time as a multiple of baseline's
// ("x-baseline") and baseline's ns/op ("baseline-ns/op").
func vsBaseline(b *testing.B, baseline, f func()) {
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

// BenchmarkFanOut measures the cost of FanOut over 5 no-op notifiers
// against calling them one after the other.
func BenchmarkFanOut(b *testing.B) {
	ctx := context.Background()
	noop := notify.NotifierFunc(func(context.Context, notify.Message) error { return nil })
	ns := []notify.Notifier{noop, noop, noop, noop, noop}
	fan := notify.FanOut(ns...)
	m := notify.Message{Key: "k"}
	vsBaseline(b,
		func() {
			for _, n := range ns {
				_ = n.Notify(ctx, m)
			}
		},
		func() { _ = fan.Notify(ctx, m) })
}
