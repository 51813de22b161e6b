package outbox_test

import (
	"context"
	"fmt"

	"github.com/sostegno/sostegno/guideline"
	"github.com/sostegno/sostegno/notify"
	"github.com/sostegno/sostegno/notify/notifytest"
	"github.com/sostegno/sostegno/outbox"
	"github.com/sostegno/sostegno/register"
	"github.com/sostegno/sostegno/register/memregister"
)

// A change of state and the notification it causes are appended together;
// a dispatcher then delivers the notification and records it.
func ExampleEvents() {
	ctx := context.Background()
	key := make([]byte, register.KeySize) // in production, from a key management service
	keyring, _ := register.NewKeyring("2026-1", key)
	log, _ := register.Open(ctx, memregister.New(), &register.Options{Sealer: keyring})
	defer log.Close()

	official := register.Actor{Role: guideline.RoleResponsibleOfficial, ID: "po-3"}
	submitted := register.Event{
		Stream: "request/2026-000042", Kind: register.KindRequestSubmitted,
		Territory: "municipio-5", Actor: official, Guideline: "milano-2021-03-02",
		Data: []byte(`{"appointment_at":"2026-11-10T10:00:00+01:00"}`),
	}
	email := notify.Message{
		Key: "request/2026-000042/submitted/police_command", Kind: register.KindRequestSubmitted,
		To:      []notify.Recipient{{Role: guideline.RolePoliceCommand, Email: "PL.gabinettocomando@comune.milano.it"}},
		Subject: "Richiesta di presenza cautelativa", Text: "…", Personal: true,
	}
	queued, err := outbox.Events(outbox.Cause{Stream: submitted.Stream, Territory: submitted.Territory, Actor: official}, email)
	if err != nil {
		fmt.Println(err)
		return
	}
	expected := map[string]uint64{submitted.Stream: 0}
	outbox.Expect(expected, queued)
	if _, err := log.AppendBatch(ctx, expected, append([]register.Event{submitted}, queued...)...); err != nil {
		fmt.Println(err)
		return
	}

	sent := &notifytest.Recorder{}
	st, err := outbox.NewDispatcher(log, sent, nil).Drain(ctx)
	fmt.Println(st.Delivered, err, sent.Keys())

	tl, _ := log.Timeline(ctx, submitted.Stream)
	for _, e := range tl.Entries {
		fmt.Println(e.Kind, e.Actor.Role)
	}
	// Output:
	// 1 <nil> [request/2026-000042/submitted/police_command]
	// request.submitted responsible_official
	// message.queued responsible_official
	// message.delivered system
}
