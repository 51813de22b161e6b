package request

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"golang.org/x/text/language"

	"github.com/sostegno/sostegno/guideline"
	"github.com/sostegno/sostegno/internal/lifecycle"
	"github.com/sostegno/sostegno/register"
)

// Names of the Data fields of a request's entries, besides
// [register.DataAppointment] and [register.DataOutcome]. They are the
// contract of a request's timeline: [Check] reads them, whether the
// timeline comes from this package or from another system. None holds
// personal data.
const (
	// DataAppointmentEnd, in a submission: when the appointment is
	// expected to end, RFC 3339.
	DataAppointmentEnd = "appointment_end"
	// DataAppointmentKind, in a submission: "scheduled_interview" or
	// "reception".
	DataAppointmentKind = "appointment_kind"
	// DataSubmission, in a submission: the number of the sending, from 1.
	DataSubmission = "submission"
	// DataPersonalData, in a submission: true when the entry's sealed
	// Personal holds the request with the service user's personal data
	// and the facts, as the guideline asks. A timeline has no Personal,
	// so this flag is how it says so; a submission without it is reported
	// by [Check] as missing_personal_data.
	DataPersonalData = "personal_data"
	// DataLeadTime, in a submission: the notice in working days, counted
	// from the first submission for the same appointment.
	DataLeadTime = "lead_time_working_days"
	// DataMinLeadTime, in a submission: the policy's minimum then.
	DataMinLeadTime = "min_lead_time_working_days"
	// DataShortNotice, in a submission: true when the notice was below the
	// minimum.
	DataShortNotice = "short_notice"
	// DataUrgencyReasonGiven, in a submission: true when the request gave
	// an urgency reason (the reason itself is sealed).
	DataUrgencyReasonGiven = "urgency_reason_given"
	// DataDecidedBy, in a decision (info requested, accepted, declined):
	// the role that decided, always the Police Command. The entry's actor
	// is who recorded it: the Command itself, or the official who
	// received the decision.
	DataDecidedBy = "decided_by"
	// DataReceivedVia, in a decision recorded by the official: how the
	// decision reached them, "email" or "phone".
	DataReceivedVia = "received_via"
	// DataIncidentStream, in a completion with outcome "incident": the
	// stream of the incident.
	DataIncidentStream = "incident_stream"
	// DataSequence, in a cancellation: the SEQUENCE of the calendar's
	// cancellation, one more than the last submission's.
	DataSequence = "sequence"
)

// PurposeCancellation is the purpose written in the access log when
// [Desk.Cancel] opens the request to render its cancellation.
const PurposeCancellation = "annullamento della richiesta"

// Options are the optional settings of [New]; nil means the defaults.
type Options struct {
	// Now returns the current time, against which requests are validated
	// and notice is counted; time.Now if nil. Give it the register's
	// clock.
	Now func() time.Time
	// Pseudonymizer, if set, adds to each submission the pseudonym of the
	// service user's codice fiscale, so that monitoring can count
	// requests about one person without knowing who.
	Pseudonymizer *register.Pseudonymizer
	// Language is the language of the e-mails: Italian (the default, for
	// the zero tag) or English.
	Language language.Tag
	// Catalog holds the e-mails' texts; [Catalog] if nil (see
	// [RenderOptions]).
	Catalog *guideline.Catalog
}

// Desk runs preventive requests on a register: each method is one action
// of the lifecycle (see [Diagram]), checked against the request's state
// and the actor's role, and recorded as one append of the transition's
// entry and the notifications it causes, which an outbox.Dispatcher then
// delivers. A refused action writes nothing. A Desk is safe for concurrent
// use; two actions racing on one request give one a version conflict
// (register.ErrVersionConflict) and write nothing for it.
type Desk struct {
	log    *register.Log
	g      guideline.Guideline
	now    func() time.Time
	pseud  *register.Pseudonymizer
	render *RenderOptions
}

// ErrConfig is wrapped by the errors of [New].
var ErrConfig = errors.New("request: invalid desk configuration")

// New returns the desk of the requests recorded in log under the
// guideline g. The log must have a Sealer, since submissions carry
// personal data.
func New(log *register.Log, g guideline.Guideline, opts *Options) (*Desk, error) {
	if log == nil {
		return nil, fmt.Errorf("%w: no register.Log", ErrConfig)
	}
	if g.Version() == "" {
		return nil, fmt.Errorf("%w: the guideline is the zero value", ErrConfig)
	}
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	return &Desk{
		log: log, g: g, now: o.Now, pseud: o.Pseudonymizer,
		render: &RenderOptions{Catalog: o.Catalog, Language: o.Language},
	}, nil
}

// Receipt is what an action recorded.
type Receipt struct {
	// ID is the request's ID.
	ID ID
	// Action is the action taken.
	Action Action
	// State is where the request stands after it.
	State State
	// Version is the version of the request's stream after it.
	Version uint64
	// Entry is the entry recorded; its Personal is sealed and prints
	// redacted.
	Entry register.Entry
	// Submissions is the number of sendings of the request so far.
	Submissions int
	// Notice is the notice given, for a submission.
	Notice Notice
	// Messages are the idempotency keys of the messages queued, one per
	// recipient role.
	Messages []string
}

// Status is where a request stands, read from the register.
type Status struct {
	// ID is the request's ID.
	ID ID
	// State is its state; [Draft] for a request not in the register.
	State State
	// Version is the version of its stream, the number of its entries.
	Version uint64
	// Submissions is the number of its sendings.
	Submissions int
	// Appointment is the start of the appointment of the last sending.
	Appointment time.Time
	// Territory is the territory of its last entry.
	Territory string
	// Updated is the time of its last entry.
	Updated time.Time
}

// history is what the desk reads of a request's stream.
type history struct {
	snap        lifecycle.Snapshot[State]
	submissions int
	last        register.Entry // the last submission
	noticeFrom  time.Time      // the first submission for the current appointment
	appointment time.Time
	territory   string
	updated     time.Time
}

// load reads and folds the request's stream.
func (d *Desk) load(ctx context.Context, id ID) (history, error) {
	if !id.Valid() {
		return history{}, fmt.Errorf("%w: want the form request/YYYY-NNNNNN", ErrID)
	}
	var entries []register.Entry
	for e, err := range d.log.Stream(ctx, id.Stream()) {
		if err != nil {
			return history{}, err
		}
		entries = append(entries, e)
	}
	snap, err := table().Fold(entries)
	if err != nil {
		return history{}, err
	}
	h := history{snap: snap}
	for _, e := range entries {
		h.updated, h.territory = e.Time, e.Territory
		if e.Kind != register.KindRequestSubmitted {
			continue
		}
		var at time.Time
		_, _ = register.TimelineEntry{Data: e.Data}.Field(register.DataAppointment, &at) // the Log checked its form
		h.submissions++
		h.last = e
		if h.submissions == 1 || !at.Equal(h.appointment) {
			h.noticeFrom = e.Time
		}
		h.appointment = at
	}
	return h, nil
}

// State returns where the request stands, read from the register. A
// request with no entries is a [Draft].
func (d *Desk) State(ctx context.Context, id ID) (Status, error) {
	h, err := d.load(ctx, id)
	if err != nil {
		return Status{}, err
	}
	return Status{
		ID: id, State: h.snap.State, Version: h.snap.Version, Submissions: h.submissions,
		Appointment: h.appointment, Territory: h.territory, Updated: h.updated,
	}, nil
}

// submissionData is the Data of a submission entry. Its JSON keys are
// [register.DataAppointment] and the Data constants of a submission, as a
// test checks.
type submissionData struct {
	AppointmentAt   string          `json:"appointment_at"`
	AppointmentEnd  string          `json:"appointment_end"`
	AppointmentKind AppointmentKind `json:"appointment_kind"`
	Submission      int             `json:"submission"`
	PersonalData    bool            `json:"personal_data"`
	Notice
}

// Submit sends the request p: the first submission, by the responsible
// official by. It validates p ([Preventive.Validate], at the desk's
// time), renders the e-mail to the Police Command and to the Area
// Director, one copy per role with the calendar invitation
// ([Preventive.Notifications]), and makes one append of the submission
// entry and of the two queued messages. The entry's Data holds the
// appointment ([register.DataAppointment]) and the notice given (lead
// time, short notice, whether an urgency reason was given), never the
// reason itself; its Personal holds p ([MarshalPersonal]), sealed by the
// register, and its Pseudonym the codice fiscale's when the desk has a
// Pseudonymizer.
//
// Nothing is written or queued when it fails: with a [*TransitionError]
// if by is not the responsible official or the request was already
// submitted, a [*guideline.ValidationError] if p is not valid, a
// [*RecipientError] if the guideline has no e-mail address for a
// recipient.
func (d *Desk) Submit(ctx context.Context, p Preventive, by register.Actor) (Receipt, error) {
	return d.send(ctx, p, by, ActionSubmit)
}

// Resubmit sends the request again, supplemented, after the Command asked
// for more information: like [Desk.Submit], with the next submission
// number, so that the invitation's SEQUENCE rises and calendars update
// the event. p must have the request's ID. The notice is still counted
// from the first submission if the appointment has not moved.
func (d *Desk) Resubmit(ctx context.Context, p Preventive, by register.Actor) (Receipt, error) {
	return d.send(ctx, p, by, ActionResubmit)
}

func (d *Desk) send(ctx context.Context, p Preventive, by register.Actor, action Action) (Receipt, error) {
	if !p.ID.Valid() {
		return Receipt{}, fmt.Errorf("%w: want the form request/YYYY-NNNNNN", ErrID)
	}
	now := d.now()
	// A first submission appends at version 0 without reading the
	// stream: if the request is already there, the append fails and the
	// stream is read to say why.
	h := history{snap: lifecycle.Snapshot[State]{State: Draft}}
	if action != ActionSubmit {
		var err error
		if h, err = d.load(ctx, p.ID); err != nil {
			return Receipt{}, err
		}
	}
	if _, err := table().Next(h.snap.State, action, by.Role); err != nil {
		return Receipt{}, err
	}
	noticeFrom := now
	if h.submissions > 0 && p.Appointment.Start.Equal(h.appointment) {
		noticeFrom = h.noticeFrom
	}
	if err := p.validate(d.g, now, noticeFrom); err != nil {
		return Receipt{}, err
	}
	number := h.submissions + 1
	msgs, err := p.Notifications(d.g, Submission{Number: number, SentAt: now, NoticeFrom: noticeFrom}, d.render)
	if err != nil {
		return Receipt{}, err
	}
	personal, err := MarshalPersonal(p)
	if err != nil {
		return Receipt{}, err
	}
	var pseudonym register.Pseudonym
	if d.pseud != nil {
		if pseudonym, err = d.pseud.CodiceFiscale(string(p.ServiceUser.PersonalData.CodiceFiscale)); err != nil {
			return Receipt{}, fmt.Errorf("request %s: pseudonym: %w", p.ID, err)
		}
	}
	loc := d.g.Location()
	notice := p.Notice(d.g, noticeFrom)
	data, err := json.Marshal(submissionData{
		AppointmentAt:   p.Appointment.Start.In(loc).Format(time.RFC3339),
		AppointmentEnd:  p.Appointment.End().In(loc).Format(time.RFC3339),
		AppointmentKind: p.Appointment.Kind,
		Submission:      number,
		PersonalData:    true,
		Notice:          notice,
	})
	if err != nil {
		return Receipt{}, fmt.Errorf("request %s: %w", p.ID, err)
	}
	r, err := d.apply(ctx, p.ID, h, lifecycle.Change[Action]{
		Action: action, Actor: by, Territory: p.Appointment.Venue.Territory,
		Data: data, Personal: personal, Pseudonym: pseudonym, Messages: msgs,
	})
	if err != nil {
		if action == ActionSubmit && errors.Is(err, register.ErrVersionConflict) {
			if again, lerr := d.load(ctx, p.ID); lerr == nil {
				if _, terr := table().Next(again.snap.State, action, by.Role); terr != nil {
					return Receipt{}, terr
				}
			}
		}
		return Receipt{}, err
	}
	r.Submissions, r.Notice = number, notice
	return r, nil
}

// apply makes the change on the request's stream read at h.
func (d *Desk) apply(ctx context.Context, id ID, h history, c lifecycle.Change[Action]) (Receipt, error) {
	c.Guideline = d.g.Version()
	if c.Territory == "" {
		c.Territory = h.territory
	}
	res, err := table().ApplyAt(ctx, d.log, id.Stream(), h.snap, c)
	if err != nil {
		return Receipt{}, err
	}
	keys := make([]string, len(c.Messages))
	for i, m := range c.Messages {
		keys[i] = m.Key
	}
	return Receipt{
		ID: id, Action: c.Action, State: res.State, Version: res.Version, Entry: res.Entry,
		Submissions: h.submissions, Messages: keys,
	}, nil
}

// Via is how a decision of the Police Command reached the official who
// records it. The zero Via means the Command records its decision
// itself.
type Via string

// The channels of a decision recorded by the official.
const (
	// ViaEmail: the Command's decision arrived by e-mail.
	ViaEmail Via = "email"
	// ViaPhone: the Command's decision was given by phone.
	ViaPhone Via = "phone"
)

// ErrVia is wrapped by the error of a decision whose [Via] does not fit
// the actor: the official records a decision received by e-mail or
// phone, the Command its own with the zero Via.
var ErrVia = errors.New("request: the channel of the decision does not fit the actor")

// decisionData is the Data of a decision; its JSON keys are
// [DataDecidedBy] and [DataReceivedVia], as a test checks.
type decisionData struct {
	DecidedBy guideline.Role `json:"decided_by"`
	Via       Via            `json:"received_via,omitempty"`
}

// RequestInfo records that the Police Command asks for more information
// before deciding: by is the Command, or the official recording the
// Command's request received via e-mail or phone. The official answers
// with [Desk.Resubmit].
func (d *Desk) RequestInfo(ctx context.Context, id ID, by register.Actor, via Via) (Receipt, error) {
	return d.decide(ctx, id, by, via, ActionRequestInfo)
}

// Accept records that the Police Command grants the precautionary
// presence: by is the Command, or the official recording the Command's
// decision received via e-mail or phone. The entry's Data says who
// decided ([DataDecidedBy], always the Command) and, when the official
// records it, how it arrived ([DataReceivedVia]); its actor is who
// recorded it.
func (d *Desk) Accept(ctx context.Context, id ID, by register.Actor, via Via) (Receipt, error) {
	return d.decide(ctx, id, by, via, ActionAccept)
}

// Decline records that the Police Command refuses the presence, as
// [Desk.Accept] records a grant.
func (d *Desk) Decline(ctx context.Context, id ID, by register.Actor, via Via) (Receipt, error) {
	return d.decide(ctx, id, by, via, ActionDecline)
}

func (d *Desk) decide(ctx context.Context, id ID, by register.Actor, via Via, action Action) (Receipt, error) {
	h, err := d.load(ctx, id)
	if err != nil {
		return Receipt{}, err
	}
	if _, err := table().Next(h.snap.State, action, by.Role); err != nil {
		return Receipt{}, err
	}
	switch {
	case by.Role == guideline.RolePoliceCommand && via != "":
		return Receipt{}, fmt.Errorf("%w: the Command records its own decision with no channel", ErrVia)
	case by.Role != guideline.RolePoliceCommand && via != ViaEmail && via != ViaPhone:
		return Receipt{}, fmt.Errorf("%w: the official records a decision received by e-mail or phone", ErrVia)
	}
	data, err := json.Marshal(decisionData{DecidedBy: guideline.RolePoliceCommand, Via: via})
	if err != nil {
		return Receipt{}, err
	}
	return d.apply(ctx, id, h, lifecycle.Change[Action]{Action: action, Actor: by, Data: data})
}

// Completion is what the official records when the appointment has
// taken place.
type Completion struct {
	// Outcome is what happened (required).
	Outcome Outcome
	// Incident is the stream of the incident, such as
	// "incident/2026-000045" ([register.ValidIncidentStream]): required
	// with [OutcomeIncident], empty otherwise.
	Incident string
}

// ErrCompletion is wrapped by the errors of [Desk.Complete] for a
// [Completion] that is not valid; the error names the field, never its
// value.
var ErrCompletion = errors.New("request: invalid completion")

// Validate reports whether c is valid: an outcome of [Outcomes], and the
// incident's stream exactly when the outcome is an incident.
func (c Completion) Validate() error {
	switch {
	case !c.Outcome.Valid():
		return fmt.Errorf("%w: Outcome is not one of request.Outcomes()", ErrCompletion)
	case c.Outcome == OutcomeIncident && !register.ValidIncidentStream(c.Incident):
		return fmt.Errorf("%w: Incident must be an incident's stream, such as incident/2026-000045", ErrCompletion)
	case c.Outcome != OutcomeIncident && c.Incident != "":
		return fmt.Errorf("%w: Incident is only for the outcome %q", ErrCompletion, OutcomeIncident)
	}
	return nil
}

// Complete records the outcome of the appointment of an accepted or
// declined request ([register.DataOutcome], and the incident's stream for
// [OutcomeIncident]): by is the responsible official, who keeps the
// register of the requests.
func (d *Desk) Complete(ctx context.Context, id ID, by register.Actor, c Completion) (Receipt, error) {
	if err := c.Validate(); err != nil {
		return Receipt{}, err
	}
	h, err := d.load(ctx, id)
	if err != nil {
		return Receipt{}, err
	}
	data, err := json.Marshal(completionData(c))
	if err != nil {
		return Receipt{}, err
	}
	return d.apply(ctx, id, h, lifecycle.Change[Action]{Action: ActionComplete, Actor: by, Data: data})
}

// completionData is the Data of a completion; its JSON keys are
// [register.DataOutcome] and [DataIncidentStream], as a test checks.
type completionData struct {
	Outcome  Outcome `json:"outcome"`
	Incident string  `json:"incident_stream,omitempty"`
}

// Cancel withdraws the request, in any open state: by is the responsible
// official. It sends the Police Command and the Area Director the
// cancellation, one copy per role, with the calendar's METHOD:CANCEL
// ([Preventive.Cancellations]), queued in the same append. To render it,
// it opens the request as last submitted, through the register's access
// log, as by with purpose [PurposeCancellation]; that happens only once
// the action is known to be allowed.
func (d *Desk) Cancel(ctx context.Context, id ID, by register.Actor) (Receipt, error) {
	h, err := d.load(ctx, id)
	if err != nil {
		return Receipt{}, err
	}
	if _, err := table().Next(h.snap.State, ActionCancel, by.Role); err != nil {
		return Receipt{}, err
	}
	p, err := d.open(ctx, register.Access{Actor: by, Purpose: PurposeCancellation}, h.last)
	if err != nil {
		return Receipt{}, err
	}
	number := h.submissions + 1
	msgs, err := p.Cancellations(d.g, Submission{Number: number, SentAt: d.now()}, d.render)
	if err != nil {
		return Receipt{}, err
	}
	data, err := json.Marshal(map[string]int{DataSequence: number})
	if err != nil {
		return Receipt{}, err
	}
	return d.apply(ctx, id, h, lifecycle.Change[Action]{Action: ActionCancel, Actor: by, Data: data, Messages: msgs})
}

// ErrNotSubmitted means the request has no submission in the register.
var ErrNotSubmitted = errors.New("request: the request was never submitted")

// Open returns the request as last submitted, personal data included,
// for a person with a reason to read it. It opens the sealed entry with
// register.Log.Unseal, so the reading is in the register's access log
// under a, before anything is returned.
func (d *Desk) Open(ctx context.Context, a register.Access, id ID) (Preventive, error) {
	h, err := d.load(ctx, id)
	if err != nil {
		return Preventive{}, err
	}
	if h.submissions == 0 {
		return Preventive{}, fmt.Errorf("%w: %s", ErrNotSubmitted, id)
	}
	return d.open(ctx, a, h.last)
}

func (d *Desk) open(ctx context.Context, a register.Access, e register.Entry) (Preventive, error) {
	b, err := d.log.Unseal(ctx, a, e)
	if err != nil {
		return Preventive{}, err
	}
	p, err := UnmarshalPersonal(b)
	if err != nil {
		return Preventive{}, fmt.Errorf("request %s: entry %d: %w", e.Stream, e.Seq, err)
	}
	return p, nil
}

// Check returns the findings of the request's timeline, read from the
// register, judged at the desk's time: see [CheckAt].
func (d *Desk) Check(ctx context.Context, id ID) ([]guideline.Finding, error) {
	t, err := d.log.Timeline(ctx, id.Stream())
	if err != nil {
		return nil, err
	}
	return CheckAt(d.g, t, d.now()), nil
}
