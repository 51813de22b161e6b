package smtptest_test

import (
	"context"
	"fmt"
	"testing"

	"github.com/sostegno/sostegno/guideline"
	"github.com/sostegno/sostegno/notify"
	"github.com/sostegno/sostegno/notify/smtpnotify/smtptest"
)

// testDelivery is the body of a test: it sends a message through
// smtpnotify to a server of its own, and looks at what arrived.
func testDelivery(t testing.TB) {
	srv := smtptest.NewServer(t) // STARTTLS with a certificate of its own
	n := srv.Notifier(t, "sostegno@comune.example.it", nil)
	err := n.Notify(context.Background(), notify.Message{
		Key:     "request-7/submitted",
		To:      []notify.Recipient{{Role: guideline.RolePoliceCommand, Email: "comando@example.org"}},
		Subject: "Richiesta di presenza cautelativa",
		Text:    "Si richiede la presenza cautelativa.",
	})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range srv.Messages() {
		h, parts := smtptest.ParseMessage(t, m.Data)
		fmt.Println(m.To, m.TLS, h.Get("X-Idempotency-Key"), parts[0].MediaType)
	}
}

func ExampleNewServer() {
	// A test function calls testDelivery(t). An Example has no t of its
	// own: testing.Benchmark lends it one, used on the first run only.
	testing.Benchmark(func(b *testing.B) {
		if b.N == 1 {
			testDelivery(b)
		}
	})
	// Output: [comando@example.org] true request-7/submitted text/plain
}
