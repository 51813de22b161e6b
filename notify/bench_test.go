package notify_test

import (
	"context"
	"testing"

	"github.com/sostegno/sostegno/internal/benchtest"
	"github.com/sostegno/sostegno/notify"
)

// BenchmarkFanOut measures the cost of FanOut over 5 no-op notifiers
// against calling them one after the other.
func BenchmarkFanOut(b *testing.B) {
	ctx := context.Background()
	noop := notify.NotifierFunc(func(context.Context, notify.Message) error { return nil })
	ns := []notify.Notifier{noop, noop, noop, noop, noop}
	fan := notify.FanOut(ns...)
	m := notify.Message{Key: "k"}
	benchtest.VsBaseline(b,
		func() {
			for _, n := range ns {
				_ = n.Notify(ctx, m)
			}
		},
		func() { _ = fan.Notify(ctx, m) })
}
