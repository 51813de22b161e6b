package register_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"log/slog"
	"strings"
	"testing"
	"time"

	"github.com/sostegno/sostegno/guideline"
	"github.com/sostegno/sostegno/register"
)

var official = register.Actor{Role: guideline.RoleResponsibleOfficial, ID: "po-3"}

func TestUnsealLogsAccess(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	l, _ := filled(t, nil)
	e := collect(t, l.Stream(ctx, "request/1"))[0]

	for _, bad := range []register.Access{
		{Actor: official},
		{Actor: official, Purpose: "   "},
		{Actor: register.Actor{ID: "x"}, Purpose: "p"},
		{Actor: register.Actor{Role: guideline.RoleOperator}, Purpose: "p"},
		{Actor: official, Purpose: strings.Repeat("x", 501)},
	} {
		if _, err := l.Unseal(ctx, bad, e); !errors.Is(err, register.ErrInvalidAccess) {
			t.Errorf("Unseal(%v, %d-byte purpose): %v, want ErrInvalidAccess", bad.Actor, len(bad.Purpose), err)
		}
	}
	if n := len(collect(t, l.Stream(ctx, register.AccessStream))); n != 0 {
		t.Fatalf("refused accesses were logged: %d", n)
	}
	noPersonal := collect(t, l.Stream(ctx, "incident/1"))[0]
	if _, err := l.Unseal(ctx, register.Access{Actor: official, Purpose: "p"}, noPersonal); !errors.Is(err, register.ErrNoPersonalData) {
		t.Errorf("entry without personal data: %v", err)
	}

	pt, err := l.Unseal(ctx, register.Access{Actor: official, Purpose: "  valutazione della richiesta "}, e)
	if err != nil {
		t.Fatal(err)
	}
	if string(pt) != knownName+" "+knownCF {
		t.Error("Unseal did not return the plaintext")
	}
	// The data is bound to its entry: claimed for another entry, it does
	// not open.
	moved := e
	moved.Version = 2
	if _, err := l.Unseal(ctx, register.Access{Actor: official, Purpose: "p"}, moved); !errors.Is(err, register.ErrEntryMismatch) {
		t.Errorf("data moved to another entry: %v, want ErrEntryMismatch", err)
	}

	// The refused Unseal logged nothing.
	acc := collect(t, l.Stream(ctx, register.AccessStream))
	if len(acc) != 1 {
		t.Fatalf("access log has %d entries, want 1", len(acc))
	}
	var d map[string]any
	if err := json.Unmarshal(acc[0].Data, &d); err != nil {
		t.Fatal(err)
	}
	if acc[0].Kind != register.KindAccess || acc[0].Actor != official ||
		d[register.DataPurpose] != "valutazione della richiesta" ||
		d[register.DataEntrySeq] != float64(e.Seq) || d[register.DataEntryStream] != "request/1" {
		t.Errorf("access entry = %v, data %v", acc[0], d)
	}
	if err := l.Verify(ctx); err != nil {
		t.Errorf("Verify: %v", err)
	}
}

func TestUnsealFailsIfAccessCannotBeLogged(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	l, _ := filled(t, nil)
	e := collect(t, l.Stream(ctx, "request/1"))[0]
	if err := l.Close(); err != nil {
		t.Fatal(err)
	}
	pt, err := l.Unseal(ctx, register.Access{Actor: official, Purpose: "p"}, e)
	if err == nil || pt != nil {
		t.Errorf("Unseal without access log = %q, %v; want an error and nothing", pt, err)
	}
}

func readCSV(t *testing.T, b []byte) [][]string {
	t.Helper()
	if !bytes.HasPrefix(b, []byte("\ufeff")) {
		t.Fatal("no UTF-8 byte order mark")
	}
	r := csv.NewReader(bytes.NewReader(b[3:]))
	r.Comma = ';'
	r.FieldsPerRecord = -1
	rows, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return rows
}

func TestExportCSV(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	l, _ := filled(t, nil)
	var buf bytes.Buffer
	if err := l.ExportCSV(ctx, &buf, register.Filter{Stream: "request/1"}, nil); err != nil {
		t.Fatal(err)
	}
	assertNoLeak(t, buf.String())
	rows := readCSV(t, buf.Bytes())
	if len(rows) != 3 {
		t.Fatalf("%d rows, want header + 2", len(rows))
	}
	if rows[0][0] != "Sequenza" || rows[0][1] != "Data" || rows[0][len(rows[0])-1] != "Dati personali sigillati" {
		t.Errorf("header = %q", rows[0])
	}
	// 09:00 UTC on 2 March is 10:00 in Rome.
	if rows[1][0] != "1" || rows[1][1] != "02/03/2026" || rows[1][2] != "10:00:00" || rows[1][12] != "sì" {
		t.Errorf("row = %q", rows[1])
	}
	if rows[2][12] != "" {
		t.Errorf("entry without personal data: %q", rows[2][12])
	}
	if !bytes.Contains(buf.Bytes(), []byte("\r\n")) {
		t.Error("lines do not end with CRLF")
	}
	if n := len(collect(t, l.Stream(ctx, register.AccessStream))); n != 0 {
		t.Errorf("an export without personal data logged %d accesses", n)
	}

	buf.Reset()
	opener := &register.Access{Actor: official, Purpose: "richiesta dell'autorità giudiziaria"}
	if err := l.ExportCSV(ctx, &buf, register.Filter{Stream: "request/1"}, opener); err != nil {
		t.Fatal(err)
	}
	rows = readCSV(t, buf.Bytes())
	if rows[0][12] != "Dati personali" || rows[1][12] != knownName+" "+knownCF {
		t.Error("export with an opener lacks the personal data column")
	}
	acc := collect(t, l.Stream(ctx, register.AccessStream))
	if len(acc) != 1 || !bytes.Contains(acc[0].Data, []byte(`"export":{"stream":"request/1"}`)) {
		t.Errorf("access log after export: %v", acc)
	}
	if err := l.ExportCSV(ctx, &buf, register.Filter{}, &register.Access{Actor: official}); !errors.Is(err, register.ErrInvalidAccess) {
		t.Errorf("opener without purpose: %v", err)
	}
}

func TestExportCSVNeutralisesFormulas(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	// The Log refuses such a kind; another tool may have written it.
	mem := newMem()
	l := openLog(t, mem, nil)
	appendForeign(t, mem, epoch, foreign("-1+1", "=HYPERLINK(\"x\")", ""))
	var buf bytes.Buffer
	if err := l.ExportCSV(ctx, &buf, register.Filter{}, nil); err != nil {
		t.Fatal(err)
	}
	rows := readCSV(t, buf.Bytes())
	if rows[1][3] != "'-1+1" || rows[1][5] != "'=HYPERLINK(\"x\")" {
		t.Errorf("row = %q", rows[1])
	}
}

// TestNoPersonalDataLeaks appends a known name and codice fiscale and
// checks that they appear nowhere: not in the stored records, not in the
// errors, not in slog output of entries, not in exports without an opener.
func TestNoPersonalDataLeaks(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	mem := newMem()
	var logs bytes.Buffer
	logger := slog.New(slog.NewTextHandler(&logs, nil))
	pz, err := register.NewPseudonymizer(randomKey(t))
	if err != nil {
		t.Fatal(err)
	}
	pseudo, err := pz.CodiceFiscale(knownCF)
	if err != nil {
		t.Fatal(err)
	}
	l := openLog(t, mem, nil)
	ev := event(register.KindRequestSubmitted, `{"appointment_at":"2026-03-10T10:00:00Z"}`)
	ev.Personal = []byte(`{"name":"` + knownName + `","codice_fiscale":"` + knownCF + `"}`)
	ev.Pseudonym = pseudo
	es, err := l.Append(ctx, "request/1", 0, ev)
	if err != nil {
		t.Fatal(err)
	}
	logger.Info("appended", "entry", es[0], "event", ev)
	_, err = l.Append(ctx, "request/1", 0, ev) // conflict
	logger.Error("conflict", "err", err, "event", ev)
	assertNoLeak(t, err.Error())
	noSealer, _ := register.Open(ctx, newMem(), nil)
	_, err = noSealer.Append(ctx, "request/1", 0, ev)
	assertNoLeak(t, err.Error())
	_, err = l.Unseal(ctx, register.Access{Actor: official}, es[0])
	assertNoLeak(t, err.Error())
	assertNoLeak(t, logs.String())

	for rec, err := range mem.Scan(ctx, register.Filter{}) {
		if err != nil {
			t.Fatal(err)
		}
		for _, field := range [][]byte{rec.Body, rec.Hash, []byte(rec.Stream), []byte(rec.Kind), []byte(rec.Territory)} {
			assertNoLeak(t, string(field))
			if bytes.Contains(bytes.ToLower(field), []byte("bellavista")) {
				t.Error("name found in a stored record")
			}
		}
	}
	var buf bytes.Buffer
	if err := l.ExportCSV(ctx, &buf, register.Filter{}, nil); err != nil {
		t.Fatal(err)
	}
	assertNoLeak(t, buf.String())
	s, err := l.Summary(ctx, time.Time{}, epoch.AddDate(1, 0, 0))
	if err != nil {
		t.Fatal(err)
	}
	buf.Reset()
	if err := s.WriteCSV(&buf); err != nil {
		t.Fatal(err)
	}
	assertNoLeak(t, buf.String())
}
