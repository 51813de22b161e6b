package sqliteregister

import (
	"bytes"
	"crypto/rand"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/sostegno/sostegno/guideline"
	"github.com/sostegno/sostegno/internal/testkit"
	"github.com/sostegno/sostegno/register"
)

const (
	knownName = "Mario Rossi"
	knownCF   = "RSSMRA85T10A562S"
	// marker is stored in clear in Data, to show that the search of the
	// raw files finds what is there.
	marker = "marcatore-non-personale-7f3a"
)

// TestNoPersonalDataInFiles appends entries carrying a known name and
// codice fiscale as personal data, and searches the raw SQLite files for
// them, in any case, while the register is open and after it is closed.
func TestNoPersonalDataInFiles(t *testing.T) {
	t.Parallel()
	ctx := t.Context()
	path := newPath(t)
	key := make([]byte, register.KeySize)
	pkey := make([]byte, register.MinPseudonymKeySize)
	for _, k := range [][]byte{key, pkey} {
		if _, err := rand.Read(k); err != nil {
			t.Fatal(err)
		}
	}
	keyring, err := register.NewKeyring("chiave-2026", key)
	if err != nil {
		t.Fatal(err)
	}
	pseudonyms, err := register.NewPseudonymizer(pkey)
	if err != nil {
		t.Fatal(err)
	}
	backend := openRegister(t, path, nil)
	l, err := register.Open(ctx, backend, &register.Options{Sealer: keyring})
	if err != nil {
		t.Fatal(err)
	}
	personal, err := json.Marshal(map[string]string{
		"nome":           knownName,
		"codice_fiscale": knownCF,
		"indirizzo":      "Via Roma 1, Milano",
	})
	if err != nil {
		t.Fatal(err)
	}
	pseudonym, err := pseudonyms.CodiceFiscale(strings.ToLower(knownCF))
	if err != nil {
		t.Fatal(err)
	}
	actor := register.Actor{Role: guideline.RoleOperator, ID: "op-1"}
	var entries []register.Entry
	for i, stream := range []string{"richiesta-1", "richiesta-2", "evento-1"} {
		es, err := l.Append(ctx, stream, 0, register.Event{
			Kind:      register.KindRequestSubmitted,
			Territory: "municipio-1",
			Actor:     actor,
			Data:      []byte(`{"controllo":"` + marker + `"}`),
			Personal:  personal,
			Pseudonym: pseudonym,
		})
		if err != nil {
			t.Fatalf("Append %d: %v", i, err)
		}
		entries = append(entries, es...)
	}
	// The sealed data opens again, so it was really stored.
	got, err := l.Unseal(ctx, register.Access{Actor: actor, Purpose: "verifica del test"}, entries[0])
	if err != nil || !bytes.Equal(got, personal) {
		t.Fatalf("Unseal = %d byte, %v; attesi i dati personali", len(got), err)
	}

	assertNoPersonalData(t, path, true)
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	assertNoPersonalData(t, path, false)
}

// assertNoPersonalData searches the database file and its -wal and -shm
// files as bytes. open says whether the register is still open, when the
// write-ahead log must exist.
func assertNoPersonalData(t *testing.T, path string, open bool) {
	t.Helper()
	testkit.AssertAbsent(t, fmt.Sprintf("register files (open: %v)", open), testkit.SQLiteFiles(t, path, open), marker,
		knownName, knownCF, "Via Roma")
}
