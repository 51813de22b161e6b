package request_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/language"

	"github.com/sostegno/sostegno/guideline"
	"github.com/sostegno/sostegno/register"
	"github.com/sostegno/sostegno/request"
)

// loadTimeline reads a hand-written timeline of testdata/timelines, as
// another system would export it.
func loadTimeline(t *testing.T, name string) register.Timeline {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", "timelines", name+".json"))
	require.NoError(t, err)
	defer f.Close()
	tl, err := register.LoadTimeline(f)
	require.NoError(t, err)
	return tl
}

// findingsOf returns the codes and entries of findings.
func findingsOf(fs []guideline.Finding) []string {
	out := make([]string, 0, len(fs))
	for _, f := range fs {
		out = append(out, f.String())
	}
	return out
}

func TestCheckTimelines(t *testing.T) {
	t.Parallel()
	g := milano(t)
	preventive := func(paragraph int) guideline.Clause {
		return guideline.Clause{Phase: guideline.PhasePreventive, Paragraph: paragraph}
	}
	for _, tc := range []struct {
		file   string
		at     time.Time // zero: Check, judged at the last entry
		want   []string
		clause guideline.Clause
		it, en string
	}{
		{file: "clean"},
		{file: "clean_resubmitted"},
		{file: "short_notice", want: []string{"short_notice [warning] entry 0"}, clause: preventive(3),
			it: "La richiesta è stata inviata con un preavviso di 2 giorni lavorativi, inferiore al minimo di 3 giorni lavorativi; il motivo dell'urgenza è indicato.",
			en: "The request was sent with a notice of 2 working days, shorter than the minimum of 3 working days; a reason for urgency is given."},
		{file: "short_notice_without_reason", want: []string{"short_notice_without_reason [error] entry 0"}, clause: preventive(3),
			it: "La richiesta è stata inviata con un preavviso di 2 giorni lavorativi, inferiore al minimo di 3 giorni lavorativi, senza indicare il motivo dell'urgenza.",
			en: "The request was sent with a notice of 2 working days, shorter than the minimum of 3 working days, without a reason for urgency."},
		{file: "wrong_role", want: []string{"wrong_role [error] entry 5"}, clause: preventive(3),
			it: "L'azione «Accoglimento» è stata registrata dal ruolo «Funzionario P.O. responsabile del Servizio Sociale Professionale competente per territorio», al quale le linee guida non la affidano.",
			en: "The action “Acceptance” was recorded by the role “Official (P.O.) responsible for the Professional Social Service of the territory”, to which the guideline does not give it."},
		{file: "missing_recipient", want: []string{"missing_recipient [error] entry 0"}, clause: preventive(2),
			it: "Il destinatario «Direttore di Area Territorialità della Direzione Politiche Sociali» non risulta raggiunto: l'invio è stato abbandonato dopo un errore.",
			en: "The recipient “Director of the Territoriality Area, Social Policies Directorate” was not reached: sending was given up after a failure."},
		{file: "missing_personal_data", want: []string{"missing_personal_data [error] entry 0"}, clause: preventive(3),
			it: "L'invio n. 1 della richiesta non contiene i dati anagrafici dell'utente e la sommaria descrizione dei fatti.",
			en: "Submission no. 1 of the request does not hold the service user's personal data and the summary of the facts."},
		{file: "open_after_appointment", at: time.Date(2026, 3, 13, 9, 0, 0, 0, rome),
			want: []string{"open_after_appointment [warning]"}, clause: preventive(3),
			it: "L'appuntamento si è concluso ma la richiesta è ancora nello stato «Accolta»: ne va registrato l'esito o l'annullamento.",
			en: "The appointment is over but the request is still in the state “Accepted”: its outcome or its cancellation should be recorded."},
		{file: "out_of_order", want: []string{"out_of_order [error] entry 5"}, clause: preventive(3),
			it: "La voce «Registrazione dell'esito» non rispetta l'ordine della procedura: non è prevista quando la richiesta è nello stato «Inviata».",
			en: "The entry “Recording of the outcome” does not follow the order of the procedure: it is not expected when the request is in the state “Submitted”."},
	} {
		t.Run(tc.file, func(t *testing.T) {
			t.Parallel()
			tl := loadTimeline(t, tc.file)
			var got []guideline.Finding
			if tc.at.IsZero() {
				got = request.Check(g, tl)
			} else {
				got = request.CheckAt(g, tl, tc.at)
			}
			if tc.want == nil {
				assert.Empty(t, got)
				return
			}
			require.Equal(t, tc.want, findingsOf(got))
			f := got[0]
			assert.Equal(t, tc.clause, f.Clause)
			assert.Equal(t, tc.it, f.Message(language.Italian))
			assert.Equal(t, tc.en, f.Message(language.English))
			if f.Entry == guideline.NoEntry {
				assert.Equal(t, register.KindRequestCompleted, f.Kind, "the entry expected")
			} else {
				assert.Equal(t, tl.Entries[f.Entry].Kind, f.Kind)
			}
			assert.Contains(t, request.FindingCodes(), f.Code)
		})
	}
}

// The open request is not reported before its appointment is over, and
// Check judges at the timeline's last entry.
func TestCheckOpenJudgedAt(t *testing.T) {
	t.Parallel()
	g := milano(t)
	tl := loadTimeline(t, "open_after_appointment")
	assert.Empty(t, request.Check(g, tl))
	assert.Empty(t, request.CheckAt(g, tl, time.Date(2026, 3, 12, 11, 59, 0, 0, rome)))
	assert.Len(t, request.CheckAt(g, tl, time.Date(2026, 3, 12, 12, 1, 0, 0, rome)), 1)
	assert.Empty(t, request.CheckAt(g, loadTimeline(t, "clean"), time.Date(2027, 1, 1, 0, 0, 0, 0, rome)))
}

// Variations of the clean timeline that each break one rule.
func TestCheckVariations(t *testing.T) {
	t.Parallel()
	g := milano(t)
	for _, tc := range []struct {
		name   string
		change func(tl *register.Timeline)
		want   []string
	}{
		{"entry earlier than the one before", func(tl *register.Timeline) {
			tl.Entries[5].Time = tl.Entries[0].Time.Add(-time.Hour)
		}, []string{"out_of_order [error] entry 5"}},
		{"decision by an operator", func(tl *register.Timeline) {
			tl.Entries[5].Actor = register.Actor{Role: guideline.RoleOperator, ID: "AS-1"}
		}, []string{"wrong_role [error] entry 5"}},
		{"submission by the Command", func(tl *register.Timeline) {
			tl.Entries[0].Actor = register.Actor{Role: guideline.RolePoliceCommand, ID: "PL-1"}
		}, []string{"wrong_role [error] entry 0"}},
		{"completion by the system", func(tl *register.Timeline) {
			tl.Entries[6].Actor = register.SystemActor("batch")
		}, []string{"wrong_role [error] entry 6"}},
		{"no message to the Area Director", func(tl *register.Timeline) {
			tl.Entries = append(tl.Entries[:2], tl.Entries[3:]...)
			tl.Entries = append(tl.Entries[:3], tl.Entries[4:]...)
		}, []string{"missing_recipient [error] entry 0"}},
		{"message to the Command still failing", func(tl *register.Timeline) {
			tl.Entries[3].Kind = register.KindMessageFailed
		}, []string{"missing_recipient [error] entry 0"}},
		{"submission without the appointment, flagged short", func(tl *register.Timeline) {
			tl.Entries[0].Data = []byte(`{"personal_data":true,"short_notice":true,"lead_time_working_days":1,"min_lead_time_working_days":3}`)
		}, []string{"short_notice_without_reason [error] entry 0"}},
		{"data of the wrong type", func(tl *register.Timeline) {
			tl.Entries[0].Data = []byte(`{"personal_data":"sì","appointment_at":12}`)
		}, []string{"missing_personal_data [error] entry 0"}},
		{"no submission at all", func(tl *register.Timeline) {
			tl.Entries = tl.Entries[5:]
		}, []string{"out_of_order [error] entry 0"}},
		{"a kind the lifecycle does not have", func(tl *register.Timeline) {
			tl.Entries[5].Kind = "request.reopened"
		}, []string{"out_of_order [error] entry 5", "out_of_order [error] entry 6"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			tl := loadTimeline(t, "clean")
			tc.change(&tl)
			assert.Equal(t, tc.want, findingsOf(request.Check(g, tl)))
		})
	}
	assert.Empty(t, request.Check(g, register.Timeline{}))
}

// Every finding code has its text in both languages, and none repeats
// a Data value it was not given.
func TestFindingTexts(t *testing.T) {
	t.Parallel()
	c := request.Catalog()
	for _, code := range request.FindingCodes() {
		key := guideline.FindingKey(code)
		assert.True(t, c.Has(key), code)
		it := c.Printer(language.Italian).Sprintf(key)
		en := c.Printer(language.English).Sprintf(key)
		assert.NotEqual(t, it, en, code)
		assert.False(t, strings.HasPrefix(it, key), code)
	}
}

// Check never panics, whatever timeline another system hands over.
func FuzzCheck(f *testing.F) {
	names, err := filepath.Glob(filepath.Join("testdata", "timelines", "*.json"))
	if err != nil {
		f.Fatal(err)
	}
	for _, name := range names {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b, int64(0))
	}
	g := milano(f)
	f.Fuzz(func(t *testing.T, b []byte, at int64) {
		tl, err := register.LoadTimeline(bytes.NewReader(b))
		if err != nil {
			return
		}
		for _, fd := range request.CheckAt(g, tl, time.Unix(at, 0)) {
			_ = fd.Text(language.Italian) + fd.Text(language.English)
		}
		_ = request.Check(g, tl)
	})
}
