package checkin_test

import (
	"context"
	"crypto/rand"
	"fmt"
	"time"

	"golang.org/x/text/language"

	"github.com/sostegno/sostegno/checkin"
	"github.com/sostegno/sostegno/guideline"
	"github.com/sostegno/sostegno/incident"
	"github.com/sostegno/sostegno/register"
	"github.com/sostegno/sostegno/register/memregister"
)

// A home visit that ends without a check-out raises an emergency at the
// end of the grace period. Here the Raiser only prints what the incident
// lifecycle would receive.
func Example() {
	ctx := context.Background()
	now := time.Date(2026, 11, 3, 15, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	key := make([]byte, register.KeySize)
	_, _ = rand.Read(key)
	keys, _ := register.NewKeyring("k1", key)
	log, _ := register.Open(ctx, memregister.New(), &register.Options{Sealer: keys, Now: clock})
	defer log.Close()

	// Each operator sets two codes; only their hashes are kept.
	var store checkin.MemCodeStore
	codes, _ := checkin.NewCodes("482913", "482931", checkin.DefaultParams())
	_ = store.SetCodes(ctx, "op-17", codes)

	svc, _ := checkin.NewService(log, guideline.Milano2021(), &store, &checkin.Options{Now: clock})
	raiser := checkin.RaiserFunc(func(ctx context.Context, inc incident.Incident, by register.Actor, cause string) (incident.ID, error) {
		fmt.Println("emergency:", cause, "at", inc.Venue.Territory, "raised by", by)
		return inc.ID, nil
	})
	w := svc.Watcher(raiser, nil)

	sess, err := svc.Start(ctx, checkin.Start{
		Operator:    incident.Staff{ID: "op-17", Name: "Giulia Bianchi"},
		Venue:       guideline.Venue{Name: "Visita domiciliare", Address: "Via Padova 1, Milano", Territory: "municipio-2"},
		ExpectedEnd: now.Add(time.Hour),
		Request:     "request/2026-000123",
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Println("due at", sess.DueAt.Format("15:04"), "UTC")

	_, err = svc.CheckOut(ctx, sess.ID, "111111")
	if ce, ok := err.(*checkin.Error); ok {
		fmt.Println(ce.Message(language.Italian))
	}

	now = sess.DueAt // nobody checked out
	_ = w.Tick(ctx, now)
	s, _ := svc.Session(ctx, sess.ID)
	fmt.Println(s.Status)
	// Output:
	// due at 16:10 UTC
	// Codice non valido. Restano 4 tentativi.
	// emergency: checkout_missed at municipio-2 raised by system:checkin
	// missed
}

// The Watcher raises through the incident lifecycle's Desk, which
// satisfies Raiser: a missed check-out becomes an emergency that runs the
// normal steps (the alert to the colleagues on duty at the venue, the
// call script, the escalation timers), with its cause in the report.
func ExampleService_Watcher() {
	ctx := context.Background()
	now := time.Date(2026, 11, 3, 15, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	key := make([]byte, register.KeySize)
	_, _ = rand.Read(key)
	keys, _ := register.NewKeyring("k1", key)
	log, _ := register.Open(ctx, memregister.New(), &register.Options{Sealer: keys, Now: clock})
	defer log.Close()

	office := guideline.Venue{Name: "Sede di via Ciriè", Address: "via Ciriè 9, Milano", Territory: "municipio-5"}
	giulia := incident.Staff{ID: "op-17", Name: "Giulia Bianchi", Email: "giulia.bianchi@example.org"}
	luca := incident.Staff{ID: "op-20", Name: "Luca Verdi", Email: "luca.verdi@example.org"}
	var roster incident.MemRoster
	for _, s := range []incident.Staff{giulia, luca} {
		_ = roster.Add(incident.Shift{Staff: s, Venue: office, From: now.Add(-time.Hour), Until: now.Add(8 * time.Hour)})
	}
	desk := incident.New(log, guideline.Milano2021(), &roster, &incident.Options{Now: clock})

	var store checkin.MemCodeStore
	codes, _ := checkin.NewCodes("482913", "482931", checkin.DefaultParams())
	_ = store.SetCodes(ctx, giulia.ID, codes)
	svc, _ := checkin.NewService(log, guideline.Milano2021(), &store, &checkin.Options{Now: clock})
	w := svc.Watcher(desk, nil) // in production: go w.Run(ctx)

	sess, _ := svc.Start(ctx, checkin.Start{Operator: giulia, Venue: office, ExpectedEnd: now.Add(time.Hour)})
	now = sess.DueAt // nobody checked out
	_ = w.Tick(ctx, now)

	s, _ := svc.Session(ctx, sess.ID)
	st, _ := desk.State(ctx, s.Incident)
	fmt.Println(s.Status, st.State, st.AlarmCause, "alerted:", st.Alerted)
	// Output: missed reported checkout_missed alerted: [op-20]
}
