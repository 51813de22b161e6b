package request_test

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	ics "github.com/arran4/golang-ical"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/text/language"

	"github.com/sostegno/sostegno/guideline"
	"github.com/sostegno/sostegno/internal/lifecycle"
	"github.com/sostegno/sostegno/notify/smtpnotify/smtptest"
	"github.com/sostegno/sostegno/outbox"
	"github.com/sostegno/sostegno/register"
	"github.com/sostegno/sostegno/register/memregister"
	"github.com/sostegno/sostegno/register/pgregister/pgtest"
	"github.com/sostegno/sostegno/register/sqliteregister"
	"github.com/sostegno/sostegno/request"
)

// The actors of the tests.
var (
	officialActor = register.Actor{Role: guideline.RoleResponsibleOfficial, ID: "PO-5-017"}
	commandActor  = register.Actor{Role: guideline.RolePoliceCommand, ID: "PL-GAB-2"}
)

// clock is a fake clock shared by the register, the desk and the
// dispatcher.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// fixture is a register with a desk on it.
type fixture struct {
	log   *register.Log
	desk  *request.Desk
	clock *clock
	g     guideline.Guideline
}

func newFixture(t testing.TB, backend register.Register, g guideline.Guideline) *fixture {
	t.Helper()
	key := bytes.Repeat([]byte{7}, register.KeySize)
	k, err := register.NewKeyring("k1", key)
	require.NoError(t, err)
	c := &clock{t: sentAt}
	l, err := register.Open(context.Background(), backend, &register.Options{Sealer: k, Now: c.Now})
	require.NoError(t, err)
	t.Cleanup(func() { _ = l.Close() })
	ps, err := register.NewPseudonymizer(bytes.Repeat([]byte{9}, register.MinPseudonymKeySize))
	require.NoError(t, err)
	d, err := request.New(l, g, &request.Options{Now: c.Now, Pseudonymizer: ps})
	require.NoError(t, err)
	return &fixture{log: l, desk: d, clock: c, g: g}
}

func memFixture(t testing.TB) *fixture { return newFixture(t, memregister.New(), milano(t)) }

func (f *fixture) head(t testing.TB) register.Head {
	t.Helper()
	h, err := f.log.Backend().Head(context.Background())
	require.NoError(t, err)
	return h
}

// refused asserts that err is a refused transition and that nothing was
// written.
func (f *fixture) refused(t *testing.T, before register.Head, err error) {
	t.Helper()
	var te *request.TransitionError
	require.ErrorAs(t, err, &te)
	assert.ErrorIs(t, err, lifecycle.ErrNotAllowed)
	assert.Equal(t, before, f.head(t), "a refused action wrote to the register")
	assertNoSecret(t, "refusal", err.Error()+te.Message(language.Italian)+te.Message(language.English))
}

// requestFor returns the test request with another ID.
func requestFor(id request.ID) request.Preventive {
	p := valid()
	p.ID = id
	return p
}

func TestEndToEndSQLite(t *testing.T) {
	t.Parallel()
	backend, err := sqliteregister.Open(context.Background(), filepath.Join(t.TempDir(), "registro.db"), nil)
	require.NoError(t, err)
	endToEnd(t, backend)
}

func TestEndToEndPostgres(t *testing.T) {
	t.Parallel()
	backend, _ := pgtest.Open(t)
	endToEnd(t, backend)
}

// endToEnd runs a request from submission to completion, and another to
// its cancellation, through the outbox's Dispatcher and smtpnotify to a
// real SMTP server, and checks what the recipients receive.
func endToEnd(t *testing.T, backend register.Register) {
	ctx := context.Background()
	f := newFixture(t, backend, milano(t))
	server, notifier := startMailServer(t)
	var dispatchErrs []string
	disp := outbox.NewDispatcher(f.log, notifier, &outbox.Options{
		Now: f.clock.Now, OnError: func(err error) { dispatchErrs = append(dispatchErrs, err.Error()) },
	})
	drain := func(want int) []parsedMail {
		t.Helper()
		st, err := disp.Drain(ctx)
		require.NoError(t, err)
		require.Equal(t, want, st.Delivered, "delivered")
		got := server.Take()
		require.Len(t, got, want)
		// Sent concurrently: the Police Command first, then the Area
		// Director.
		slices.SortFunc(got, func(a, b smtptest.Message) int { return strings.Compare(a.To[0], b.To[0]) })
		var out []parsedMail
		for _, m := range got {
			require.Len(t, m.To, 1, "one copy per recipient")
			out = append(out, parseMail(t, m.Data))
		}
		assert.Equal(t, guideline.MilanoCommandEmail, got[0].To[0])
		assert.Equal(t, areaAddress, got[1].To[0])
		return out
	}
	p := valid()
	id := p.ID

	// Only the responsible official submits.
	before := f.head(t)
	_, err := f.desk.Submit(ctx, p, commandActor)
	f.refused(t, before, err)

	r, err := f.desk.Submit(ctx, p, officialActor)
	require.NoError(t, err)
	assert.Equal(t, request.Submitted, r.State)
	assert.Equal(t, []string{
		"request/2026-000123/submission/1/police_command", "request/2026-000123/submission/1/area_director",
	}, r.Messages)
	assert.NotEmpty(t, r.Entry.Pseudonym)
	for _, m := range drain(2) {
		checkRequestMail(t, m, p, 1, "")
	}

	// Submitting twice is refused and writes nothing.
	before = f.head(t)
	_, err = f.desk.Submit(ctx, p, officialActor)
	f.refused(t, before, err)

	f.clock.Set(sentAt.Add(3 * time.Hour))
	r, err = f.desk.RequestInfo(ctx, id, commandActor, "")
	require.NoError(t, err)
	assert.Equal(t, request.InfoRequested, r.State)

	// Nothing but a re-submission or a cancellation from here.
	before = f.head(t)
	for _, err := range []error{
		second(f.desk.Accept(ctx, id, commandActor, "")),
		second(f.desk.Complete(ctx, id, officialActor, request.Completion{Outcome: request.OutcomeNoEvent})),
		second(f.desk.Resubmit(ctx, p, commandActor)),
	} {
		f.refused(t, before, err)
	}

	f.clock.Set(sentAt.Add(26 * time.Hour))
	p.Facts += " Si allega la relazione dell'assistente sociale sul colloquio precedente."
	r, err = f.desk.Resubmit(ctx, p, officialActor)
	require.NoError(t, err)
	assert.Equal(t, request.Submitted, r.State)
	assert.Equal(t, 2, r.Submissions)
	assert.False(t, r.Notice.Short)
	assert.Equal(t, guideline.WorkingDays(8), r.Notice.LeadTime, "the notice counts from the first submission")
	for _, m := range drain(2) {
		checkRequestMail(t, m, p, 2, "")
	}

	// The official records the Command's decision received by phone.
	before = f.head(t)
	_, err = f.desk.Accept(ctx, id, officialActor, "")
	require.ErrorIs(t, err, request.ErrVia)
	assert.Equal(t, before, f.head(t))
	r, err = f.desk.Accept(ctx, id, officialActor, request.ViaPhone)
	require.NoError(t, err)
	assert.Equal(t, request.Accepted, r.State)
	assert.JSONEq(t, `{"decided_by":"police_command","received_via":"phone"}`, string(r.Entry.Data))
	assert.Equal(t, officialActor, r.Entry.Actor)

	f.clock.Set(time.Date(2026, 3, 12, 13, 0, 0, 0, rome))
	r, err = f.desk.Complete(ctx, id, officialActor, request.Completion{Outcome: request.OutcomePresenceProvided})
	require.NoError(t, err)
	assert.Equal(t, request.Completed, r.State)
	st, err := f.desk.State(ctx, id)
	require.NoError(t, err)
	assert.Equal(t, normalize(request.Status{ID: id, State: request.Completed, Version: 5, Submissions: 2,
		Appointment: p.Appointment.Start, Territory: "municipio-5", Updated: f.clock.Now()}), normalize(st))

	// The timeline follows the guideline, here and after a trip through
	// its JSON, as another system would hand it over.
	tl, err := f.log.Timeline(ctx, id.Stream())
	require.NoError(t, err)
	assert.Empty(t, request.Check(f.g, tl))
	findings, err := f.desk.Check(ctx, id)
	require.NoError(t, err)
	assert.Empty(t, findings)
	js, err := json.Marshal(tl)
	require.NoError(t, err)
	assertNoSecret(t, "timeline", string(js))
	loaded, err := register.LoadTimeline(bytes.NewReader(js))
	require.NoError(t, err)
	assert.Empty(t, request.Check(f.g, loaded))

	// Another request, cancelled: both recipients get METHOD:CANCEL.
	f.clock.Set(sentAt.Add(time.Hour))
	other := requestFor("request/2026-000124")
	_, err = f.desk.Submit(ctx, other, officialActor)
	require.NoError(t, err)
	drain(2)
	r, err = f.desk.Cancel(ctx, other.ID, officialActor)
	require.NoError(t, err)
	assert.Equal(t, request.Cancelled, r.State)
	assert.Equal(t, []string{
		"request/2026-000124/cancellation/2/police_command", "request/2026-000124/cancellation/2/area_director",
	}, r.Messages)
	for _, m := range drain(2) {
		checkRequestMail(t, m, other, 2, "CANCEL")
	}
	before = f.head(t)
	_, err = f.desk.Cancel(ctx, other.ID, officialActor)
	f.refused(t, before, err)

	// Reading the personal data back is in the access log.
	got, err := f.desk.Open(ctx, register.Access{Actor: officialActor, Purpose: "verifica della richiesta"}, id)
	require.NoError(t, err)
	assert.Equal(t, p.ServiceUser.PersonalData.CodiceFiscale, got.ServiceUser.PersonalData.CodiceFiscale)
	assert.Equal(t, p.Facts, got.Facts)
	var purposes []string
	for e, err := range f.log.Stream(ctx, register.AccessStream) {
		require.NoError(t, err)
		var d struct {
			Purpose string `json:"purpose"`
			Stream  string `json:"entry_stream"`
		}
		require.NoError(t, json.Unmarshal(e.Data, &d))
		if strings.HasPrefix(d.Stream, "request/") {
			purposes = append(purposes, d.Purpose+" "+d.Stream)
		}
	}
	assert.Equal(t, []string{
		request.PurposeCancellation + " request/2026-000124", "verifica della richiesta request/2026-000123",
	}, purposes)

	assert.Empty(t, dispatchErrs)
	assertNoSecret(t, "receipt", fmt.Sprintf("%v %+v %#v", r, r, st))
	require.NoError(t, f.log.Verify(ctx))
}

func second[T any](_ T, err error) error { return err }

// normalize puts a status's times in UTC so that statuses compare.
func normalize(s request.Status) request.Status {
	s.Appointment, s.Updated = s.Appointment.UTC(), s.Updated.UTC()
	return s
}

// checkRequestMail checks a received e-mail of request p: its subject
// (no name), its Italian text with accents, and its invitation (start in
// Europe/Rome, SEQUENCE, METHOD, no name).
func checkRequestMail(t *testing.T, m parsedMail, p request.Preventive, seq int, method string) {
	t.Helper()
	assertNoSecret(t, "subject", m.Subject)
	assertNoSecret(t, "invitation", string(m.Calendar))
	ref := " – Municipio 5 – colloquio programmato del 12/03/2026 (rif. " + p.ID.Reference() + ")"
	if method == "CANCEL" {
		assert.Equal(t, "Annullamento della richiesta di presenza cautelativa"+ref, m.Subject)
		assert.Contains(t, m.Text, "è annullata")
		assert.NotContains(t, m.Text, knownFamily)
	} else {
		method = "REQUEST"
		want := "Richiesta di presenza cautelativa" + ref
		if seq > 1 {
			want += " – invio n. " + strconv.Itoa(seq)
		}
		assert.Equal(t, want, m.Subject)
		for _, s := range []string{"giovedì 12 marzo 2026, ore 10:30", "Cognome: " + knownFamily,
			"Codice fiscale: " + knownCode, "DATI ANAGRAFICI DELL'UTENTE"} {
			assert.Contains(t, m.Text, s)
		}
		assert.Contains(t, m.Text, "La richiesta è inviata con un preavviso", "accents must arrive intact")
	}
	assert.Equal(t, method, m.Method)
	cal, err := ics.ParseCalendar(bytes.NewReader(m.Calendar))
	require.NoError(t, err, "the invitation does not parse")
	evs := cal.Events()
	require.Len(t, evs, 1)
	start, err := evs[0].GetStartAt()
	require.NoError(t, err)
	assert.True(t, start.Equal(p.Appointment.Start), "start %v", start)
	assert.Equal(t, "Europe/Rome", start.Location().String())
	assert.Equal(t, strconv.Itoa(seq), prop(&evs[0].ComponentBase, ics.ComponentPropertySequence))
	assert.Contains(t, string(m.Calendar), "METHOD:"+method+"\r\n")
}

// A refused address does not block the other recipient, and the request's
// timeline then shows the missing recipient.
func TestRefusedAddressDoesNotBlockTheOther(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := newFixture(t, memregister.New(), milano(t))
	server, notifier := startMailServer(t, areaAddress)
	disp := outbox.NewDispatcher(f.log, notifier, &outbox.Options{Now: f.clock.Now})
	_, err := f.desk.Submit(ctx, valid(), officialActor)
	require.NoError(t, err)
	st, err := disp.Drain(ctx)
	require.NoError(t, err)
	assert.Equal(t, 1, st.Delivered)
	assert.Equal(t, 1, st.DeadLettered)
	got := server.Take()
	require.Len(t, got, 1)
	assert.Equal(t, []string{guideline.MilanoCommandEmail}, got[0].To)

	findings, err := f.desk.Check(ctx, valid().ID)
	require.NoError(t, err)
	require.Len(t, findings, 1)
	assert.Equal(t, request.FindingMissingRecipient, findings[0].Code)
	assert.Equal(t, "Il destinatario «Direttore di Area Territorialità della Direzione Politiche Sociali» non risulta raggiunto: "+
		"l'invio è stato abbandonato dopo un errore.", findings[0].Message(language.Italian))
}

// A guideline without an address for a recipient is refused at
// submission: nothing written, nothing queued.
func TestSubmitWithoutRecipientAddress(t *testing.T) {
	t.Parallel()
	f := newFixture(t, memregister.New(), guideline.Milano2021())
	_, err := f.desk.Submit(context.Background(), valid(), officialActor)
	var re *request.RecipientError
	require.ErrorAs(t, err, &re)
	assert.Equal(t, guideline.RoleAreaDirector, re.Role)
	assert.Equal(t, register.Head{}, f.head(t))
}

// An invalid request is refused with every problem, and nothing written.
func TestSubmitInvalid(t *testing.T) {
	t.Parallel()
	f := memFixture(t)
	p := valid()
	p.ServiceUser.PersonalData.CodiceFiscale = "RSSMRA80A01H501A"
	p.Appointment.Start = sentAt.Add(24 * time.Hour)
	_, err := f.desk.Submit(context.Background(), p, officialActor)
	var ve *guideline.ValidationError
	require.ErrorAs(t, err, &ve)
	var paths []string
	for _, fe := range ve.Fields {
		paths = append(paths, fe.Path)
	}
	assert.Equal(t, []string{"service_user.personal_data.codice_fiscale", "urgency_reason"}, paths)
	assert.Equal(t, register.Head{}, f.head(t))
	assertNoSecret(t, "error", err.Error())
}

// Short notice with a reason is accepted and recorded in the entry's
// Data, which the Summary and Check read.
func TestShortNoticeRecorded(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := memFixture(t)
	p := valid()
	p.Appointment.Start = time.Date(2026, 3, 4, 10, 0, 0, 0, rome) // Wednesday: 2 working days
	p.UrgencyReason = "Il provvedimento va comunicato entro mercoledì."
	r, err := f.desk.Submit(ctx, p, officialActor)
	require.NoError(t, err)
	assert.True(t, r.Notice.Short)
	assert.JSONEq(t, `{"appointment_at":"2026-03-04T10:00:00+01:00","appointment_end":"2026-03-04T11:30:00+01:00",
		"appointment_kind":"scheduled_interview","submission":1,"personal_data":true,
		"lead_time_working_days":2,"min_lead_time_working_days":3,"short_notice":true,"urgency_reason_given":true}`,
		string(r.Entry.Data))
	assertNoSecret(t, "data", string(r.Entry.Data))
	// No dispatcher ran: the two messages are not delivered yet.
	findings, err := f.desk.Check(ctx, p.ID)
	require.NoError(t, err)
	require.Len(t, findings, 3)
	assert.Equal(t, []string{request.FindingShortNotice, request.FindingMissingRecipient, request.FindingMissingRecipient},
		[]string{findings[0].Code, findings[1].Code, findings[2].Code})
	assert.Equal(t, "Il destinatario «Comando di Polizia Locale» non risulta raggiunto: il messaggio non risulta ancora consegnato.",
		findings[1].Message(language.Italian))
	assert.Equal(t, "The request was sent with a notice of 2 working days, shorter than the minimum of 3 working days; "+
		"a reason for urgency is given. (Preventive phase, paragraph 3)", findings[0].Text(language.English))
}

// Completing with an incident records the incident's stream; a completion
// that does not fit is refused before anything is read or written.
func TestCompleteWithIncident(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := memFixture(t)
	id := valid().ID
	reach(t, f, id, request.Declined)
	before := f.head(t)
	for _, c := range []request.Completion{
		{Outcome: "sconosciuto"},
		{Outcome: request.OutcomeIncident},
		{Outcome: request.OutcomeIncident, Incident: "request/2026-000001"},
		{Outcome: request.OutcomeNoEvent, Incident: "incident/2026-000045"},
		// Shaped like an incident's stream, but no incident package ID:
		// year 0, number 0, padded beyond six digits.
		{Outcome: request.OutcomeIncident, Incident: "incident/0000-000045"},
		{Outcome: request.OutcomeIncident, Incident: "incident/2026-000000"},
		{Outcome: request.OutcomeIncident, Incident: "incident/2026-0000045"},
	} {
		_, err := f.desk.Complete(ctx, id, officialActor, c)
		require.ErrorIs(t, err, request.ErrCompletion, "%+v", c)
	}
	assert.Equal(t, before, f.head(t))
	r, err := f.desk.Complete(ctx, id, officialActor, request.Completion{Outcome: request.OutcomeIncident, Incident: "incident/2026-000045"})
	require.NoError(t, err)
	assert.JSONEq(t, `{"outcome":"incident","incident_stream":"incident/2026-000045"}`, string(r.Entry.Data))
}

// reach takes a new request to state s with the actors allowed.
func reach(t *testing.T, f *fixture, id request.ID, s request.State) {
	t.Helper()
	ctx := context.Background()
	steps := map[request.State][]request.Action{
		request.Draft:         nil,
		request.Submitted:     {request.ActionSubmit},
		request.InfoRequested: {request.ActionSubmit, request.ActionRequestInfo},
		request.Accepted:      {request.ActionSubmit, request.ActionAccept},
		request.Declined:      {request.ActionSubmit, request.ActionDecline},
		request.Completed:     {request.ActionSubmit, request.ActionAccept, request.ActionComplete},
		request.Cancelled:     {request.ActionSubmit, request.ActionCancel},
	}[s]
	for _, a := range steps {
		actor := officialActor
		if a == request.ActionRequestInfo || a == request.ActionAccept || a == request.ActionDecline {
			actor = commandActor
		}
		require.NoError(t, do(ctx, f.desk, id, a, actor), "reaching %s: %s", s, a)
	}
	st, err := f.desk.State(ctx, id)
	require.NoError(t, err)
	require.Equal(t, s, st.State)
}

// do takes action a on request id as actor.
func do(ctx context.Context, d *request.Desk, id request.ID, a request.Action, actor register.Actor) error {
	var via request.Via
	if actor.Role != guideline.RolePoliceCommand {
		via = request.ViaEmail
	}
	var err error
	switch a {
	case request.ActionSubmit:
		_, err = d.Submit(ctx, requestFor(id), actor)
	case request.ActionResubmit:
		_, err = d.Resubmit(ctx, requestFor(id), actor)
	case request.ActionRequestInfo:
		_, err = d.RequestInfo(ctx, id, actor, via)
	case request.ActionAccept:
		_, err = d.Accept(ctx, id, actor, via)
	case request.ActionDecline:
		_, err = d.Decline(ctx, id, actor, via)
	case request.ActionComplete:
		_, err = d.Complete(ctx, id, actor, request.Completion{Outcome: request.OutcomeNoEvent})
	case request.ActionCancel:
		_, err = d.Cancel(ctx, id, actor)
	default:
		err = errors.New("unknown action")
	}
	return err
}

var allActions = []request.Action{
	request.ActionSubmit, request.ActionRequestInfo, request.ActionResubmit, request.ActionAccept,
	request.ActionDecline, request.ActionComplete, request.ActionCancel,
}

// allowed is the lifecycle as the tests read the issue: who may do what
// from where.
func allowed(s request.State, a request.Action, role guideline.Role) bool {
	official := role == guideline.RoleResponsibleOfficial
	decider := official || role == guideline.RolePoliceCommand
	switch a {
	case request.ActionSubmit:
		return s == request.Draft && official
	case request.ActionResubmit:
		return s == request.InfoRequested && official
	case request.ActionRequestInfo, request.ActionAccept, request.ActionDecline:
		return s == request.Submitted && decider
	case request.ActionComplete:
		return (s == request.Accepted || s == request.Declined) && official
	case request.ActionCancel:
		return s.Open() && official
	}
	return false
}

// Every action that the lifecycle does not allow, in every state and for
// every role, is refused with a TransitionError and writes nothing; every
// one it allows succeeds.
func TestEveryActionInEveryState(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	roles := append(guideline.Roles(), register.RoleSystem)
	for _, s := range request.States() {
		for _, a := range allActions {
			for _, role := range roles {
				t.Run(fmt.Sprintf("%s/%s/%s", s, a, role), func(t *testing.T) {
					t.Parallel()
					f := memFixture(t)
					id := valid().ID
					reach(t, f, id, s)
					before := f.head(t)
					err := do(ctx, f.desk, id, a, register.Actor{Role: role, ID: "X-1"})
					if allowed(s, a, role) {
						require.NoError(t, err)
						return
					}
					f.refused(t, before, err)
				})
			}
		}
	}
}

// The Summary counts the requests of the Desk without change: one per
// request however often it was sent, with its outcome and lead time.
func TestSummaryAfterRequests(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	f := memFixture(t)
	ids := []request.ID{"request/2026-000001", "request/2026-000002", "request/2026-000003", "request/2026-000004"}
	reach(t, f, ids[0], request.Completed)
	reach(t, f, ids[1], request.Cancelled)
	reach(t, f, ids[2], request.Declined)
	reach(t, f, ids[3], request.InfoRequested)
	require.NoError(t, do(ctx, f.desk, ids[3], request.ActionResubmit, officialActor))
	s, err := f.log.Summary(ctx, time.Date(2026, 1, 1, 0, 0, 0, 0, rome), time.Date(2027, 1, 1, 0, 0, 0, 0, rome))
	require.NoError(t, err)
	require.Len(t, s.Requests, 1)
	row := s.Requests[0]
	assert.Equal(t, "municipio-5", row.Territory)
	assert.Equal(t, time.Date(2026, 3, 1, 0, 0, 0, 0, rome), row.Month)
	assert.Equal(t, [5]int{4, 1, 1, 1, 1}, [5]int{row.Submitted, row.Accepted, row.Declined, row.Completed, row.Cancelled})
	assert.Equal(t, 4, row.LeadTime.Count)
	assert.Equal(t, valid().Appointment.Start.Sub(sentAt), row.LeadTime.Median)
	assert.Equal(t, []register.OutcomeRow{{Outcome: register.OutcomeNoEvent, Count: 1}}, s.Outcomes)
	assert.Empty(t, s.Unreadable)

	m := f.log.Monitor()
	ms, err := m.Summary(ctx, s.From, s.To)
	require.NoError(t, err)
	assert.Equal(t, s.Requests, ms.Requests)
}
