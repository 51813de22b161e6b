package pgregister_test

import (
	"bytes"
	"crypto/rand"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5"
	"github.com/sostegno/sostegno/guideline"
	"github.com/sostegno/sostegno/register"
)

// Personal data appended through a Log with a sealer never reaches
// PostgreSQL in clear: no table of the register's schema holds the name or
// the codice fiscale, whether read as text or as raw bytes.
func TestNoPersonalDataInTables(t *testing.T) {
	t.Parallel()
	const (
		name = "Mario Rossi"
		cf   = "RSSMRA85T10A562S"
	)
	key := make([]byte, register.KeySize)
	_, _ = rand.Read(key)
	ring, err := register.NewKeyring("k2026", key)
	if err != nil {
		t.Fatal(err)
	}
	pkey := make([]byte, register.MinPseudonymKeySize)
	_, _ = rand.Read(pkey)
	pseudo, err := register.NewPseudonymizer(pkey)
	if err != nil {
		t.Fatal(err)
	}
	pseudonym, err := pseudo.CodiceFiscale(cf)
	if err != nil {
		t.Fatal(err)
	}
	pool := newPool(t, 2)
	schema := newSchema(t, pool)
	l := openLog(t, pool, schema, &register.Options{Sealer: ring})
	ctx := t.Context()
	ev := event(register.KindRequestSubmitted, 1)
	ev.Personal = []byte(`{"nome":"` + name + `","codice_fiscale":"` + cf + `"}`)
	ev.Pseudonym = pseudonym
	entries, err := l.Append(ctx, "request-1", 0, ev)
	if err != nil {
		t.Fatal(err)
	}
	// The data is there, sealed: opening it gives it back.
	plain, err := l.Unseal(ctx, register.Access{
		Actor:   register.Actor{Role: guideline.RoleResponsibleOfficial, ID: "po-1"},
		Purpose: "test di riservatezza",
	}, entries[0])
	if err != nil || !bytes.Contains(plain, []byte(cf)) {
		t.Fatalf("Unseal = %v; the sealed data was not stored", err)
	}

	rows, err := pool.Query(ctx, "SELECT table_name FROM information_schema.tables WHERE table_schema = $1", schema)
	if err != nil {
		t.Fatal(err)
	}
	tables, err := pgx.CollectRows(rows, pgx.RowTo[string])
	if err != nil || len(tables) < 2 {
		t.Fatalf("tables of the register: %v, %v", tables, err)
	}
	needles := []string{name, cf, strings.ToLower(name), strings.ToLower(cf)}
	for _, tbl := range tables {
		rows, err := pool.Query(ctx, "SELECT t::text FROM "+table(schema, tbl)+" t")
		if err != nil {
			t.Fatal(err)
		}
		var n int
		for rows.Next() {
			var text string
			if err := rows.Scan(&text); err != nil {
				t.Fatal(err)
			}
			n++
			for _, s := range needles {
				if strings.Contains(strings.ToLower(text), strings.ToLower(s)) {
					t.Errorf("table %s holds personal data in clear", tbl)
				}
			}
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			t.Errorf("table %s is empty: nothing was checked", tbl)
		}
	}
	// The bytea columns, byte for byte.
	rows, err = pool.Query(ctx, "SELECT body, hash FROM "+table(schema, "records"))
	if err != nil {
		t.Fatal(err)
	}
	var checked int
	for rows.Next() {
		var body, hash []byte
		if err := rows.Scan(&body, &hash); err != nil {
			t.Fatal(err)
		}
		checked++
		for _, s := range needles {
			if bytes.Contains(body, []byte(s)) || bytes.Contains(hash, []byte(s)) {
				t.Errorf("a record body holds personal data in clear")
			}
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if checked < 2 { // the entry and its access entry
		t.Fatalf("%d records checked, want at least 2", checked)
	}
}
