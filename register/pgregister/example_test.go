package pgregister_test

import (
	"context"
	"fmt"
	"log"
	"os"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/sostegno/sostegno/guideline"
	"github.com/sostegno/sostegno/register"
	"github.com/sostegno/sostegno/register/pgregister"
)

// Several instances of an application share one register: each opens it
// on its own pool and wraps it in a register.Log.
func Example() {
	ctx := context.Background()
	pool, err := pgxpool.New(ctx, os.Getenv("SOSTEGNO_POSTGRES_URL"))
	if err != nil {
		log.Fatal(err)
	}
	defer pool.Close()

	backend, err := pgregister.Open(ctx, pool, &pgregister.Options{Schema: "sostegno"})
	if err != nil {
		log.Fatal(err)
	}
	reg, err := register.Open(ctx, backend, nil)
	if err != nil {
		log.Fatal(err)
	}
	defer reg.Close()

	entries, err := reg.Append(ctx, "incident-2026-0042", 0, register.Event{
		Kind:      register.KindIncidentReported,
		Territory: "municipio-3",
		Actor:     register.Actor{Role: guideline.RoleOperator, ID: "op-17"},
		Data:      []byte(`{"incident_kind":"verbal_aggression"}`),
	})
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("entry", entries[0].Seq, "version", entries[0].Version)

	if err := reg.Verify(ctx); err != nil {
		log.Fatal(err)
	}
}

// Connect creates the pool from a connection string, and closes it on
// Close.
func ExampleConnect() {
	ctx := context.Background()
	backend, err := pgregister.Connect(ctx, os.Getenv("SOSTEGNO_POSTGRES_URL"), nil)
	if err != nil {
		log.Fatal(err)
	}
	defer backend.Close()

	head, err := backend.Head(ctx)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("records:", head.Seq)
}
