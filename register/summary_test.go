package register_test

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/language"

	"github.com/sostegno/sostegno/register"
)

func TestSummary(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c := newClock(epoch, 0)
	l := openLog(t, newMem(), &register.Options{Now: c.Now})
	at := func(t0 time.Time, stream string, v uint64, territory, kind, data string) {
		t.Helper()
		c.Set(t0)
		e := event(kind, data)
		e.Territory = territory
		mustAppend(t, l, stream, v, e)
	}
	day := 24 * time.Hour
	appt := func(t0 time.Time) string { return fmt.Sprintf(`{"appointment_at":%q}`, t0.Format(time.RFC3339)) }
	march, april := epoch, epoch.AddDate(0, 1, 0)

	// Before the period: ignored.
	at(march.AddDate(0, -2, 0), "request/0", 0, "m1", register.KindRequestSubmitted, appt(march))
	// Three requests in March in m1 (lead 2, 4 and 6 days), one re-submitted.
	at(march, "request/1", 0, "m1", register.KindRequestSubmitted, appt(march.Add(2*day)))
	at(march.Add(time.Hour), "request/1", 1, "m1", register.KindRequestAccepted, "")
	at(march.Add(3*day), "request/1", 2, "m1", register.KindRequestCompleted, `{"outcome":"presence_provided"}`)
	at(march.Add(day), "request/2", 0, "m1", register.KindRequestSubmitted, appt(march.Add(5*day)))
	at(march.Add(day+time.Hour), "request/2", 1, "m1", "request.info_requested", "")
	at(march.Add(2*day), "request/2", 2, "m1", register.KindRequestSubmitted, appt(march.Add(5*day)))
	at(march.Add(2*day+time.Hour), "request/2", 3, "m1", register.KindRequestDeclined, "")
	at(march.Add(3*day), "request/3", 0, "m1", register.KindRequestSubmitted, appt(march.Add(9*day)))
	at(march.Add(4*day), "request/3", 1, "m1", register.KindRequestCancelled, "")
	// One in April in m2, completed without outcome.
	at(april, "request/4", 0, "m2", register.KindRequestSubmitted, appt(april.Add(day)))
	at(april.Add(2*day), "request/4", 1, "m2", register.KindRequestCompleted, "")

	// Incidents: two threats in m1, one physical aggression in m2.
	inc := func(stream, territory, kind string, steps ...time.Duration) {
		t0 := march.Add(10 * day)
		at(t0, stream, 0, territory, register.KindIncidentReported, fmt.Sprintf(`{"incident_kind":%q}`, kind))
		kinds := []string{register.KindIncidentColleaguesAlerted, register.KindIncidentOperationsCentreCalled, register.KindIncidentDispatched}
		for i, d := range steps {
			at(t0.Add(d), stream, uint64(i+1), territory, kinds[i], "")
		}
	}
	inc("incident/1", "m1", "threat", time.Minute, 3*time.Minute, 20*time.Minute)
	inc("incident/2", "m1", "threat", 2*time.Minute, 5*time.Minute)
	inc("incident/3", "m2", "physical_aggression", 30*time.Second, 4*time.Minute, 10*time.Minute)
	// After the period: ignored.
	at(april.AddDate(0, 2, 0), "request/9", 0, "m1", register.KindRequestSubmitted, appt(april.AddDate(0, 2, 1)))

	s, err := l.Summary(ctx, march, april.AddDate(0, 1, 0))
	if err != nil {
		t.Fatal(err)
	}
	if len(s.Requests) != 2 {
		t.Fatalf("request rows = %+v", s.Requests)
	}
	m1 := s.Requests[0]
	rome, _ := time.LoadLocation("Europe/Rome")
	if m1.Territory != "m1" || !m1.Month.Equal(time.Date(2026, 3, 1, 0, 0, 0, 0, rome)) ||
		m1.Submitted != 3 || m1.Accepted != 1 || m1.Declined != 1 || m1.Completed != 1 || m1.Cancelled != 1 {
		t.Errorf("m1 row = %+v", m1)
	}
	if m1.LeadTime != (register.Durations{Count: 3, Median: 4 * day, P90: 6 * day}) {
		t.Errorf("m1 lead time = %+v", m1.LeadTime)
	}
	m2 := s.Requests[1]
	if m2.Territory != "m2" || m2.Month.Month() != time.April || m2.Submitted != 1 || m2.Completed != 1 {
		t.Errorf("m2 row = %+v", m2)
	}
	if s.LeadTime.Count != 4 || s.LeadTime.Median != 3*day {
		t.Errorf("total lead time = %+v", s.LeadTime)
	}
	wantOutcomes := []register.OutcomeRow{{Outcome: "", Count: 1}, {Outcome: "presence_provided", Count: 1}}
	if fmt.Sprint(s.Outcomes) != fmt.Sprint(wantOutcomes) {
		t.Errorf("outcomes = %+v", s.Outcomes)
	}
	wantIncidents := []register.IncidentRow{{Territory: "m1", Kind: "threat", Count: 2}, {Territory: "m2", Kind: "physical_aggression", Count: 1}}
	if fmt.Sprint(s.Incidents) != fmt.Sprint(wantIncidents) {
		t.Errorf("incidents = %+v", s.Incidents)
	}
	steps := map[string]register.Durations{}
	for _, r := range s.Steps {
		steps[r.Step] = r.Durations
	}
	for kind, want := range map[string]register.Durations{
		register.KindIncidentColleaguesAlerted:      {Count: 3, Median: time.Minute, P90: 2 * time.Minute},
		register.KindIncidentOperationsCentreCalled: {Count: 3, Median: 4 * time.Minute, P90: 5 * time.Minute},
		register.KindIncidentDispatched:             {Count: 2, Median: 15 * time.Minute, P90: 20 * time.Minute},
		register.KindIncidentClosed:                 {},
	} {
		if steps[kind] != want {
			t.Errorf("%s = %+v, want %+v", kind, steps[kind], want)
		}
	}
	if s.Steps[0].Step != register.KindIncidentColleaguesAlerted {
		t.Errorf("steps not in the guideline's order: %v", s.Steps[0].Step)
	}

	var buf bytes.Buffer
	if err := s.WriteCSV(&buf); err != nil {
		t.Fatal(err)
	}
	rows := readCSV(t, buf.Bytes())
	if rows[0][0] != "Sezione" || rows[1][3] != "dal 02/03/2026 al 02/05/2026 (escluso)" {
		t.Errorf("first rows = %q", rows[:2])
	}
	found := false
	for _, r := range rows {
		if r[0] == "Richieste" && r[1] == "m1" && r[2] == "03/2026" && r[3] == "anticipo della richiesta" {
			found = r[4] == "3" && r[5] == "5760,0" && r[6] == "8640,0"
		}
	}
	if !found {
		t.Errorf("lead time row missing or wrong in:\n%s", buf.String())
	}
}

func TestDurations(t *testing.T) {
	t.Parallel()
	// Through Summary: ten incidents with steps 1..10 minutes.
	c := newClock(epoch, 0)
	l := openLog(t, newMem(), &register.Options{Now: c.Now})
	for i := range 10 {
		stream := fmt.Sprintf("incident/%d", i)
		c.Set(epoch)
		mustAppend(t, l, stream, 0, event(register.KindIncidentReported, `{"incident_kind":"threat"}`))
		c.Set(epoch.Add(time.Duration(10-i) * time.Minute))
		mustAppend(t, l, stream, 1, event(register.KindIncidentColleaguesAlerted, ""))
		// A second alert of the same step is not counted again.
		mustAppend(t, l, stream, 2, event(register.KindIncidentColleaguesAlerted, ""))
	}
	s, err := l.Summary(context.Background(), epoch, epoch.Add(time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	want := register.Durations{Count: 10, Median: 5*time.Minute + 30*time.Second, P90: 9 * time.Minute}
	if s.Steps[0].Durations != want {
		t.Errorf("durations = %+v, want %+v", s.Steps[0].Durations, want)
	}
}

// The summary's CSV in English has the same rows as the Italian one, with
// the headers and labels of the catalog.
func TestSummaryCSVInEnglish(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	c := newClock(epoch, 0)
	l := openLog(t, newMem(), &register.Options{Location: time.UTC, Now: c.Now})
	mustAppend(t, l, "request/1", 0, event(register.KindRequestSubmitted, fmt.Sprintf(`{"appointment_at":%q}`, epoch.AddDate(0, 0, 3).Format(time.RFC3339))))
	mustAppend(t, l, "request/1", 1, event(register.KindRequestAccepted, ""))
	mustAppend(t, l, "request/1", 2, event(register.KindRequestCompleted, `{"outcome":"no_event"}`))
	mustAppend(t, l, "incident/1", 0, event(register.KindIncidentReported, `{"incident_kind":"threat"}`))
	c.Set(epoch.Add(2 * time.Minute))
	mustAppend(t, l, "incident/1", 1, event(register.KindIncidentColleaguesAlerted, ""))
	s, err := l.Summary(ctx, epoch, epoch.AddDate(0, 1, 0))
	if err != nil {
		t.Fatal(err)
	}
	var it, en bytes.Buffer
	if err := s.WriteCSV(&it); err != nil {
		t.Fatal(err)
	}
	if err := s.WriteCSVIn(&en, language.English); err != nil {
		t.Fatal(err)
	}
	from, to := epoch.Format("02/01/2006"), epoch.AddDate(0, 1, 0).Format("02/01/2006")
	month := epoch.Format("01/2006")
	for _, want := range []string{
		"\ufeffSection;Territory;Month;Item;Count;Median (minutes);90th percentile (minutes)\r\n",
		"Period;;;from " + from + " to " + to + " (excluded);;;\r\n",
		"Requests;municipio-3;" + month + ";requests submitted;1;;\r\n",
		"Requests;municipio-3;" + month + ";requests accepted;1;;\r\n",
		"Requests;municipio-3;" + month + ";request lead time;1;",
		"Requests;;;request lead time, total;1;",
		"Outcomes;;;no_event;1;;\r\n",
		"Events;municipio-3;;threat;1;;\r\n",
		"Times from the report;;;colleagues alerted;1;2,0;2,0\r\n",
		"Times from the report;;;call to the Operations Centre;0;;\r\n",
	} {
		if !strings.Contains(en.String(), want) {
			t.Errorf("the English CSV lacks %q:\n%s", want, en.String())
		}
	}
	for _, want := range []string{
		"Periodo;;;dal " + from + " al " + to + " (escluso);;;\r\n",
		"Richieste;municipio-3;" + month + ";richieste presentate;1;;\r\n",
		"Tempi dalla segnalazione;;;allerta dei colleghi;1;2,0;2,0\r\n",
	} {
		if !strings.Contains(it.String(), want) {
			t.Errorf("the Italian CSV lacks %q", want)
		}
	}
	if strings.Count(en.String(), "\r\n") != strings.Count(it.String(), "\r\n") {
		t.Error("the English CSV has other rows than the Italian one")
	}
}
