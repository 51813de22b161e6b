package outbox_test

import (
	"context"
	"fmt"
	"path/filepath"
	"testing"
	"time"

	"github.com/sostegno/sostegno/notify"
	"github.com/sostegno/sostegno/outbox"
	"github.com/sostegno/sostegno/register"
	"github.com/sostegno/sostegno/register/pgregister/pgtest"
	"github.com/sostegno/sostegno/register/sqliteregister"
)

// The drain benchmarks queue 10,000 messages (not timed), drain them to a
// notifier that answers at once, and, alternately, make 10,000 single
// durable appends on the same register as the baseline; they report the
// ratio appends/drain (target >= 3: claims and delivery marks batched, not
// two commits per message).
//
//	go test -run='^$' -bench=Drain -benchtime=1x ./outbox/
//
// BenchmarkDrainPostgres needs SOSTEGNO_POSTGRES_URL.

func BenchmarkDrainSQLite(b *testing.B) {
	backend, err := sqliteregister.Open(b.Context(), filepath.Join(b.TempDir(), "registro.db"), nil)
	if err != nil {
		b.Fatal(err)
	}
	benchDrain(b, backend)
}

func BenchmarkDrainPostgres(b *testing.B) {
	backend, _ := pgtest.Open(b)
	benchDrain(b, backend)
}

func benchDrain(b *testing.B, backend register.Register) {
	ctx := context.Background()
	l, err := register.Open(ctx, backend, &register.Options{Sealer: keyring(b)})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { _ = l.Close() })
	instant := notify.NotifierFunc(func(context.Context, notify.Message) error { return nil })
	d := outbox.NewDispatcher(l, instant, nil)
	var drainTime, appendTime time.Duration
	n := 0
	for b.Loop() {
		queueBacklogPrefix(b, l, fmt.Sprintf("b%d", n), twoProcessMessages)
		t0 := time.Now()
		st, err := d.Drain(ctx)
		if err != nil {
			b.Fatal(err)
		}
		t1 := time.Now()
		if st.Delivered != twoProcessMessages {
			b.Fatalf("delivered %d", st.Delivered)
		}
		for i := range twoProcessMessages {
			if _, err := l.Append(ctx, fmt.Sprintf("plain/%d/%d", n, i), 0, register.Event{
				Kind: register.KindMessageDelivered, Actor: outbox.Actor,
				Data: []byte(`{"cause_stream":"request/0","key":"backlog-00000","message_kind":"request.submitted","priority":"normal","recipients":[{"role":"police_command","channels":["email"]}],"attempt":1}`),
			}); err != nil {
				b.Fatal(err)
			}
		}
		t2 := time.Now()
		drainTime += t1.Sub(t0)
		appendTime += t2.Sub(t1)
		n++
	}
	perDrain := drainTime.Seconds() / float64(n)
	perAppends := appendTime.Seconds() / float64(n)
	b.ReportMetric(perDrain, "drain-s")
	b.ReportMetric(perAppends, "appends-s")
	b.ReportMetric(perAppends/perDrain, "appends/drain")
	b.ReportMetric(float64(twoProcessMessages)/perDrain, "messages/s")
}
