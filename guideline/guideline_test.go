package guideline_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/language"

	"github.com/sostegno/sostegno/guideline"
)

func TestMilano2021MatchesTheDocument(t *testing.T) {
	t.Parallel()
	g := guideline.Milano2021()

	assert.Equal(t, "milano-2021-03-02", g.Version())
	assert.Equal(t, "2021-03-02", g.Issued().Format(time.DateOnly))
	assert.Equal(t, "Europe/Rome", g.Location().String())

	cmd, ok := g.Contact(guideline.RolePoliceCommand)
	require.True(t, ok, "the Command is a contact")
	assert.Equal(t, "PL.gabinettocomando@comune.milano.it", cmd.Email)

	oc, ok := g.Contact(guideline.RoleOperationsCentre)
	require.True(t, ok, "the Operations Centre is a contact")
	assert.Equal(t, guideline.Phone("+390277270282"), oc.Phone, "stored in E.164")
	assert.Equal(t, "02 77270282", oc.Phone.Display(), "shown as a person dials it")
	assert.Equal(t, "0277270282", oc.Phone.Dial())
	assert.Equal(t, "tel:+390277270282", oc.Phone.URI())

	emergency := g.Steps(guideline.PhaseEmergency)
	require.Len(t, emergency, 4)
	wantIDs := []guideline.StepID{
		guideline.StepAlertColleagues, guideline.StepCallOperationsCentre,
		guideline.StepDispatch, guideline.StepPatrolReport,
	}
	wantActors := []guideline.Role{
		guideline.RoleOperator, guideline.RoleOperator,
		guideline.RoleOperationsCentre, guideline.RolePatrol,
	}
	for i, s := range emergency {
		assert.Equal(t, wantIDs[i], s.ID, "emergency step %d", i+1)
		assert.Equal(t, i+1, s.Number)
		assert.Equal(t, wantActors[i], s.Actor, "actor of step %d", i+1)
		assert.Equal(t, guideline.Clause{Phase: guideline.PhaseEmergency, Paragraph: 1, Item: i + 1}, s.Clause)
	}
	call, _ := g.Step(guideline.StepCallOperationsCentre)
	assert.Equal(t, []guideline.Role{guideline.RoleOperationsCentre}, call.Counterparts)
	dispatch, _ := g.Step(guideline.StepDispatch)
	assert.ElementsMatch(t, []guideline.Role{guideline.RolePatrol, guideline.RolePoliceForces}, dispatch.Counterparts)

	send, ok := g.Step(guideline.StepSendRequest)
	require.True(t, ok)
	assert.Equal(t, guideline.RoleResponsibleOfficial, send.Actor)
	assert.Equal(t, []guideline.Role{guideline.RolePoliceCommand, guideline.RoleAreaDirector}, send.Counterparts,
		"the preventive request goes to the Command and to the Area Director")
	assert.Equal(t, guideline.PhasePreventive, send.Phase)

	terr := g.Territories()
	require.Len(t, terr, 9, "Milan has nine Municipi")
	for i, tr := range terr {
		assert.Equal(t, "Municipio "+string(rune('1'+i)), tr.Name)
	}
	assert.Equal(t, guideline.WorkingDays(3), g.Policy().MinLeadTime)
}

func TestAccessorsReturnCopies(t *testing.T) {
	t.Parallel()
	g := guideline.Milano2021()
	steps := g.Steps("")
	steps[0].Actor = guideline.RolePatrol
	steps[1].Counterparts[0] = guideline.RolePatrol
	terr := g.Territories()
	terr[0].Name = "altro"
	spec := g.Spec()
	spec.Contacts[0].Email = "altro@example.org"

	assert.Equal(t, guideline.RoleOperator, g.Steps("")[0].Actor)
	assert.Equal(t, guideline.RolePoliceCommand, g.Steps("")[1].Counterparts[0])
	assert.Equal(t, "Municipio 1", g.Territories()[0].Name)
	c, _ := g.Contact(guideline.RolePoliceCommand)
	assert.Equal(t, guideline.MilanoCommandEmail, c.Email)
}

func TestDutiesOfEachRole(t *testing.T) {
	t.Parallel()
	g := guideline.Milano2021()
	var got []guideline.StepID
	for _, s := range g.Duties(guideline.RoleResponsibleOfficial) {
		got = append(got, s.ID)
	}
	assert.Equal(t, []guideline.StepID{guideline.StepSendRequest, guideline.StepRecordRequest}, got)
	assert.Empty(t, g.Duties(guideline.RoleAreaDirector), "the Area Director receives, it does not act")
}

func TestJSONRoundTrip(t *testing.T) {
	t.Parallel()
	g := guideline.Milano2021()
	b, err := json.Marshal(g)
	require.NoError(t, err)

	back, err := guideline.Load(bytes.NewReader(b))
	require.NoError(t, err)
	assert.Equal(t, g.Spec(), back.Spec())

	again, err := json.Marshal(back)
	require.NoError(t, err)
	assert.JSONEq(t, string(b), string(again))

	var viaUnmarshal guideline.Guideline
	require.NoError(t, json.Unmarshal(b, &viaUnmarshal))
	assert.Equal(t, g.Spec(), viaUnmarshal.Spec())
	assert.Contains(t, string(b), `"alert_colleagues_timeout":"1m0s"`, "durations are written as Go duration strings")
}

// badGuideline returns Milan's guideline as JSON with many fields broken.
func badGuideline(t *testing.T) []byte {
	t.Helper()
	var doc map[string]any
	b, err := json.Marshal(guideline.Milano2021())
	require.NoError(t, err)
	require.NoError(t, json.Unmarshal(b, &doc))
	doc["version"] = ""
	doc["issued"] = "2 marzo 2021"
	steps := doc["steps"].([]any)
	steps[0].(map[string]any)["actor"] = "vigile"
	steps[1].(map[string]any)["clause"].(map[string]any)["paragraph"] = 0
	doc["steps"] = steps[:7] // drops the patrol's report
	contacts := doc["contacts"].([]any)
	contacts[0].(map[string]any)["email"] = "non-un-indirizzo"
	contacts[2].(map[string]any)["phone"] = "02 77270282"
	pol := doc["policy"].(map[string]any)
	pol["min_lead_time_working_days"] = 0
	pol["alert_colleagues_timeout"] = "presto"
	pol["time_zone"] = "Europa/Milano"
	pol["local_holidays"] = []any{"13-40"}
	terr := doc["territories"].([]any)
	terr[1].(map[string]any)["id"] = "municipio-1"
	out, err := json.Marshal(doc)
	require.NoError(t, err)
	return out
}

func TestLoadReportsEveryInvalidFieldAtOnce(t *testing.T) {
	t.Parallel()
	_, err := guideline.Load(bytes.NewReader(badGuideline(t)))
	require.Error(t, err)
	require.ErrorIs(t, err, guideline.ErrInvalid)
	var ve *guideline.ValidationError
	require.ErrorAs(t, err, &ve)

	want := []struct{ path, rule string }{
		{"version", "required"},
		{"issued", "datetime"},
		{"steps[0].actor", "role"},
		{"steps[1].clause.paragraph", "gte"},
		{"steps", "missing"},
		{"contacts[0].email", "email"},
		{"contacts[2].phone", "phone"},
		{"policy.min_lead_time_working_days", "gte"},
		{"policy.alert_colleagues_timeout", "duration"},
		{"policy.time_zone", "timezone"},
		{"policy.local_holidays[0]", "monthday"},
		{"territories[1].id", "unique"},
	}
	for _, w := range want {
		assert.True(t, ve.Has(w.path, w.rule), "missing %s (%s) in %v", w.path, w.rule, ve.Fields)
	}
	assert.Len(t, ve.Fields, len(want), "no other field is reported: %v", ve.Fields)
	for _, f := range ve.Fields {
		assert.NotContains(t, f.Italian, "non rispetta la regola", "%s (%s) has no Italian message", f.Path, f.Rule)
		assert.NotEqual(t, f.Italian, f.English, "%s: Italian and English messages", f.Path)
		assert.Equal(t, f.English, f.Message(language.AmericanEnglish))
		assert.Equal(t, f.Italian, f.Message(language.German), "unknown languages fall back to Italian")
	}
	// The value of a field never appears in the error: it may be personal data.
	for _, v := range []string{"vigile", "non-un-indirizzo", "Europa/Milano", "presto"} {
		assert.NotContains(t, err.Error(), v)
	}
	assert.Contains(t, err.Error(), "contacts[0].email: ")
}

func TestLoadRejectsMalformedDocuments(t *testing.T) {
	t.Parallel()
	good, err := json.Marshal(guideline.Milano2021())
	require.NoError(t, err)
	cases := map[string]struct {
		doc   string
		field string
	}{
		"unknown field":     {doc: strings.Replace(string(good), `"version"`, `"versione":"x","version"`, 1)},
		"not JSON":          {doc: "linee guida"},
		"trailing content":  {doc: string(good) + "{}"},
		"empty":             {doc: ""},
		"wrong type":        {doc: strings.Replace(string(good), `"min_lead_time_working_days":3`, `"min_lead_time_working_days":"tre"`, 1), field: "policy.min_lead_time_working_days"},
		"null steps":        {doc: strings.Replace(string(good), `"steps":[`, `"steps":null,"x":[`, 1)},
		"empty object":      {doc: "{}", field: "version"},
		"steps wrong shape": {doc: strings.Replace(string(good), `"steps":[`, `"steps":{"a":[`, 1)},
	}
	for name, c := range cases {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			_, err := guideline.Load(strings.NewReader(c.doc))
			require.Error(t, err)
			if c.field != "" {
				var ve *guideline.ValidationError
				require.ErrorAs(t, err, &ve)
				assert.True(t, ve.Has(c.field, ""), "%v", ve.Fields)
			}
		})
	}
}

func TestLoadReportsWrongTypeWithOtherFields(t *testing.T) {
	t.Parallel()
	good, err := json.Marshal(guideline.Milano2021())
	require.NoError(t, err)
	doc := strings.Replace(string(good), `"min_lead_time_working_days":3`, `"min_lead_time_working_days":"tre"`, 1)
	doc = strings.Replace(doc, `"time_zone":"Europe/Rome"`, `"time_zone":"Europa/Milano"`, 1)
	require.NotEqual(t, string(good), doc)
	_, err = guideline.Load(strings.NewReader(doc))
	var ve *guideline.ValidationError
	require.ErrorAs(t, err, &ve)
	assert.True(t, ve.Has("policy.min_lead_time_working_days", "type"), "%v", ve.Fields)
	assert.True(t, ve.Has("policy.time_zone", "timezone"), "%v", ve.Fields)
	assert.False(t, ve.Has("policy.min_lead_time_working_days", "gte"), "the skipped field is reported once: %v", ve.Fields)
	assert.NotContains(t, err.Error(), "Europa/Milano")
}

func TestAnotherMunicipalityWithoutCode(t *testing.T) {
	t.Parallel()
	spec := guideline.Milano2021().Spec()
	spec.Version = "torino-2024-01-15"
	spec.Municipality = "Torino"
	spec.Contacts[0].Email = "comando.pl@comune.torino.example"
	spec.Contacts[2].Phone = "+390110000000"
	spec.Policy.MinLeadTime = 5
	spec.Policy.LocalHolidays = []string{"06-24"}
	spec.Territories = []guideline.Territory{{ID: "circoscrizione-1", Name: "Circoscrizione 1"}}
	b, err := json.Marshal(spec)
	require.NoError(t, err)
	g, err := guideline.Load(bytes.NewReader(b))
	require.NoError(t, err)
	assert.Equal(t, "torino-2024-01-15", g.Version())
	oc, _ := g.Contact(guideline.RoleOperationsCentre)
	assert.Equal(t, "011 0000000", oc.Phone.Display())
	// 24 June 2024 is a Monday and Turin's patron saint's day.
	assert.False(t, g.IsWorkingDay(time.Date(2024, 6, 24, 10, 0, 0, 0, time.UTC)))
	assert.True(t, guideline.Milano2021().IsWorkingDay(time.Date(2024, 6, 24, 10, 0, 0, 0, time.UTC)))
}

func TestLeadTimeCountsWorkingDays(t *testing.T) {
	t.Parallel()
	g := guideline.Milano2021()
	rome := g.Location()
	at := func(y int, m time.Month, d, h int) time.Time { return time.Date(y, m, d, h, 0, 0, 0, rome) }
	cases := []struct {
		name              string
		sent, appointment time.Time
		want              guideline.WorkingDays
	}{
		{"Monday for Thursday", at(2026, 11, 23, 9), at(2026, 11, 26, 10), 3},
		{"same day", at(2026, 11, 23, 9), at(2026, 11, 23, 16), 0},
		{"after the appointment", at(2026, 11, 24, 9), at(2026, 11, 23, 16), 0},
		{"over a weekend", at(2026, 11, 27, 17), at(2026, 11, 30, 9), 1},
		// 7 December is Sant'Ambrogio in Milan, 8 December the Immaculate Conception.
		{"Sant'Ambrogio and Immacolata", at(2026, 12, 4, 9), at(2026, 12, 9, 9), 1},
		{"Christmas", at(2026, 12, 23, 9), at(2026, 12, 28, 9), 2},
		// 4 October is a national holiday again from 2026 (law 151/2025):
		// a Monday in 2027, a Friday in 2024 when it was a working day.
		{"San Francesco from 2026", at(2027, 10, 1, 9), at(2027, 10, 5, 9), 1},
		{"San Francesco before 2026", at(2024, 10, 3, 9), at(2024, 10, 4, 9), 1},
		{"late evening UTC is the next day in Rome", time.Date(2026, 11, 22, 23, 30, 0, 0, time.UTC), at(2026, 11, 26, 10), 3},
	}
	for _, c := range cases {
		assert.Equal(t, c.want, g.LeadTime(c.sent, c.appointment), c.name)
	}
	sent := at(2026, 1, 5, 9)
	capped := g.LeadTime(sent, sent.AddDate(0, 0, 366))
	assert.Greater(t, capped, guideline.WorkingDays(240))
	assert.Equal(t, capped, g.LeadTime(sent, sent.AddDate(4, 0, 0)), "years ahead stops counting after 366 days")
}

func TestDiagramsNameEveryStep(t *testing.T) {
	t.Parallel()
	g := guideline.Milano2021()
	for _, tag := range guideline.Languages() {
		p := guideline.BaseCatalog().Printer(tag)
		mermaid, dot := g.Mermaid(tag), g.DOT(tag)
		assert.True(t, strings.HasPrefix(mermaid, "flowchart TD\n"))
		assert.True(t, strings.HasPrefix(dot, "digraph procedure {"))
		for _, s := range g.Steps("") {
			assert.Contains(t, mermaid, s.Name(p), "mermaid (%s) names %s", tag, s.ID)
			assert.Contains(t, dot, s.Name(p), "dot (%s) names %s", tag, s.ID)
			assert.Contains(t, mermaid, s.Clause.Text(p), "mermaid cites the clause of %s", s.ID)
		}
		for _, ph := range guideline.Phases() {
			assert.Contains(t, mermaid, ph.Name(p))
		}
		assert.Equal(t, 6, strings.Count(mermaid, "-->"), "three edges per phase")
		assert.Equal(t, 6, strings.Count(dot, "->"))
		assert.Equal(t, strings.Count(dot, "{"), strings.Count(dot, "}"))
	}
}

func TestWriteProcedure(t *testing.T) {
	t.Parallel()
	g := guideline.Milano2021()
	var it, en bytes.Buffer
	require.NoError(t, g.WriteProcedure(&it, language.Italian))
	require.NoError(t, g.WriteProcedure(&en, language.English))
	for _, want := range []string{"FASE PREVENTIVA", "GESTIONE DELL'EMERGENZA", "02 77270282", guideline.MilanoCommandEmail,
		"3 giorni lavorativi", "Gestione dell'emergenza, capoverso 1, punto 2", "Emanate a Milano il 02/03/2021", "Municipio 9"} {
		assert.Contains(t, it.String(), want)
	}
	for _, want := range []string{"PREVENTIVE PHASE", "EMERGENCY MANAGEMENT", "3 working days", "2 March 2021"} {
		assert.Contains(t, en.String(), want)
	}
	var fr bytes.Buffer
	require.NoError(t, g.WriteProcedure(&fr, language.French))
	assert.Equal(t, it.String(), fr.String(), "unknown languages fall back to Italian")
	assert.NotContains(t, it.String(), "%!", "no formatting error")
	assert.NotContains(t, en.String(), "%!", "no formatting error")
}

func TestNewRejectsTheZeroSpec(t *testing.T) {
	t.Parallel()
	_, err := guideline.New(guideline.Spec{})
	var ve *guideline.ValidationError
	require.True(t, errors.As(err, &ve))
	assert.True(t, ve.Has("contacts", "missing"))
	assert.True(t, ve.Has("policy.time_zone", "required"))
	var zero guideline.Guideline
	assert.Empty(t, zero.Steps(""))
	assert.Equal(t, time.UTC, zero.Location())
}

func TestUnmarshalJSONIsAsStrictAsLoad(t *testing.T) {
	t.Parallel()
	good, err := json.Marshal(guideline.Milano2021())
	require.NoError(t, err)
	var g guideline.Guideline
	require.NoError(t, json.Unmarshal(good, &g))
	misspelt := strings.Replace(string(good), `"version"`, `"versione":"x","version"`, 1)
	assert.Error(t, json.Unmarshal([]byte(misspelt), &g), "a misspelt field is not silently ignored")
	_, loadErr := guideline.Load(bytes.NewReader(badGuideline(t)))
	unmarshalErr := json.Unmarshal(badGuideline(t), &g)
	assert.ErrorIs(t, unmarshalErr, guideline.ErrInvalid)
	assert.Equal(t, loadErr.Error(), unmarshalErr.Error())
}
