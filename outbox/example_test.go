package outbox_test

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"golang.org/x/text/language"

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

// A dashboard of dead letters lists every reason with its description, in
// the operator's language.
func ExampleReasons() {
	p := outbox.Catalog().Printer(language.Italian)
	for _, r := range outbox.Reasons() {
		fmt.Printf("%s: %s\n", r, r.Name(p))
	}
	// Output:
	// temporary_failure: il canale di invio non era disponibile; l'invio sarà ritentato
	// timeout: il canale di invio non ha risposto in tempo
	// permanent_failure: il destinatario o il canale ha rifiutato il messaggio in modo definitivo
	// attempts_exhausted: il numero massimo di tentativi di invio è stato raggiunto
	// deadline_passed: il termine entro cui il messaggio doveva essere consegnato è scaduto
	// content_unreadable: il contenuto del messaggio non è più leggibile
}

// An operator names each dispatcher (or reads the random name it was
// given, for its logs): the register's claims say which one holds a
// message.
func ExampleDispatcher_Holder() {
	ctx := context.Background()
	keyring, _ := register.NewKeyring("2026-1", make([]byte, register.KeySize))
	log, _ := register.Open(ctx, memregister.New(), &register.Options{Sealer: keyring})
	defer log.Close()

	d := outbox.NewDispatcher(log, &notifytest.Recorder{}, &outbox.Options{Holder: "worker-milano-1"})
	fmt.Println(d.Holder())

	email := notify.Message{
		Key: "request/2026-000042/submitted/police_command", Kind: register.KindRequestSubmitted,
		To: []notify.Recipient{{Role: guideline.RolePoliceCommand, Email: "PL.gabinettocomando@comune.milano.it"}},
	}
	official := register.Actor{Role: guideline.RoleResponsibleOfficial, ID: "po-3"}
	if _, err := outbox.Queue(ctx, log, outbox.Cause{Stream: "request/2026-000042", Actor: official}, email); err != nil {
		fmt.Println(err)
		return
	}
	if _, err := d.Drain(ctx); err != nil {
		fmt.Println(err)
		return
	}
	for e, err := range log.Stream(ctx, outbox.Stream(email.Key)) {
		if err == nil && e.Kind == register.KindMessageClaimed {
			var claim struct {
				Holder string `json:"holder"`
			}
			_ = json.Unmarshal(e.Data, &claim)
			fmt.Println("claimed by", claim.Holder)
		}
	}
	// Output:
	// worker-milano-1
	// claimed by worker-milano-1
}

// A reminder is queued now, in the same append as the change that causes
// it, to be sent the day before the appointment, and dropped if it cannot
// be sent before the appointment.
func ExampleEventsAt() {
	ctx := context.Background()
	now := time.Date(2026, 11, 3, 9, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	keyring, _ := register.NewKeyring("2026-1", make([]byte, register.KeySize))
	log, _ := register.Open(ctx, memregister.New(), &register.Options{Sealer: keyring, Now: clock})
	defer log.Close()

	appointment := time.Date(2026, 11, 10, 9, 0, 0, 0, time.UTC)
	reminder := notify.Message{
		Key: "request/2026-000042/reminder/area_director", Kind: "request.reminder",
		To:      []notify.Recipient{{Role: guideline.RoleAreaDirector, Email: "direttore.area@comune.milano.it"}},
		Subject: "Promemoria: presenza cautelativa domani", Text: "…",
	}
	official := register.Actor{Role: guideline.RoleResponsibleOfficial, ID: "po-3"}
	queued, err := outbox.EventsAt(outbox.Cause{Stream: "request/2026-000042", Actor: official},
		appointment.AddDate(0, 0, -1), appointment, reminder)
	if err != nil {
		fmt.Println(err)
		return
	}
	expected := map[string]uint64{}
	outbox.Expect(expected, queued)
	if _, err := log.AppendBatch(ctx, expected, queued...); err != nil {
		fmt.Println(err)
		return
	}

	sent := &notifytest.Recorder{}
	d := outbox.NewDispatcher(log, sent, &outbox.Options{Now: clock})
	st, _ := d.Drain(ctx)
	fmt.Println("today:", st.Delivered, "sent")
	now = appointment.AddDate(0, 0, -1)
	st, _ = d.Drain(ctx)
	fmt.Println("the day before:", st.Delivered, "sent", sent.Keys())
	// Output:
	// today: 0 sent
	// the day before: 1 sent [request/2026-000042/reminder/area_director]
}
