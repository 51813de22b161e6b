package sqliteregister_test

import (
	"context"
	"fmt"
	"log"
	"os"
	"path/filepath"

	"github.com/sostegno/sostegno/guideline"
	"github.com/sostegno/sostegno/register"
	"github.com/sostegno/sostegno/register/sqliteregister"
)

// A register in a SQLite file: open the backend with a path, wrap it in a
// register.Log, append, and verify.
func ExampleOpen() {
	dir, err := os.MkdirTemp("", "esempio-")
	if err != nil {
		log.Fatal(err)
	}
	defer os.RemoveAll(dir)

	ctx := context.Background()
	backend, err := sqliteregister.Open(ctx, filepath.Join(dir, "registro.db"), nil)
	if err != nil {
		log.Fatal(err)
	}
	l, err := register.Open(ctx, backend, nil)
	if err != nil {
		log.Fatal(err)
	}
	defer l.Close() // closes the backend too

	operator := register.Actor{Role: guideline.RoleOperator, ID: "op-1"}
	entries, err := l.Append(ctx, "richiesta-2026-0001", 0,
		register.Event{Kind: register.KindRequestSubmitted, Territory: "municipio-1", Actor: operator},
		register.Event{Kind: register.KindRequestAccepted, Territory: "municipio-1", Actor: operator},
	)
	if err != nil {
		log.Fatal(err)
	}
	for _, e := range entries {
		fmt.Println(e.Seq, e.Stream, e.Version, e.Kind)
	}
	fmt.Println("verifica:", l.Verify(ctx))
	// Output:
	// 1 richiesta-2026-0001 1 request.submitted
	// 2 richiesta-2026-0001 2 request.accepted
	// verifica: <nil>
}
