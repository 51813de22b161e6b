package incident

import (
	"context"
	"crypto/rand"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"golang.org/x/text/language"

	"github.com/sostegno/sostegno/guideline"
	"github.com/sostegno/sostegno/internal/lifecycle"
	"github.com/sostegno/sostegno/notify"
	"github.com/sostegno/sostegno/outbox"
	"github.com/sostegno/sostegno/register"
)

// Options configure a [Desk]. A nil *Options, and any zero field, means
// the default written next to the field.
type Options struct {
	// Notifier sends the alarm directly when the register cannot be
	// written (safety first: see [Desk.Report]). Without one, such a
	// report sends nothing, and its error says so. Pass the notifier the
	// outbox's dispatcher uses.
	Notifier notify.Notifier
	// Catalog holds the texts of the messages: guideline.Messages and
	// [Messages]; [Catalog] if nil.
	Catalog *guideline.Catalog
	// Language is the language of the messages; Italian.
	Language language.Tag
	// Service is the name of the service as the call script says it
	// ("Parla …, <Service>"); "Servizio Sociale Professionale".
	Service string
	// Now returns the current time; time.Now if nil. Pass the register's
	// clock.
	Now func() time.Time
	// DirectTimeout bounds the direct sending of an alarm the register
	// could not record; 30 seconds.
	DirectTimeout time.Duration
	// OnError receives the errors that do not stop an operation (a roster
	// that cannot be read: the alarm then escalates at once); dropped if
	// nil. It must not block.
	OnError func(error)
}

// DefaultService is the service named in the call script when
// [Options.Service] is empty.
const DefaultService = "Servizio Sociale Professionale"

// Desk runs the emergency phase over a register: it records reports and
// the steps that follow, queues their notifications in the outbox in the
// same append, and refuses what the guideline does not allow. Its state
// is the register: several Desks, in several processes, may share one
// register, and a restarted one carries on where the register says.
//
// A Desk is safe for concurrent use. Deliver its notifications with an
// outbox.Dispatcher over the same register, and escalate unconfirmed
// steps with an [Escalator].
type Desk struct {
	log    *register.Log
	g      guideline.Guideline
	roster Roster
	o      Options
	number guideline.Phone

	mu      sync.Mutex
	seen    uint64         // last sequence number scanned for IDs
	scanned bool           // whether the IDs were read once
	highest map[int]uint64 // year -> highest number seen or given
}

// New returns a Desk that records in log the incidents of guideline g,
// alerting the staff roster says are on duty. It reads nothing until it
// is used.
func New(log *register.Log, g guideline.Guideline, roster Roster, opts *Options) *Desk {
	var o Options
	if opts != nil {
		o = *opts
	}
	if o.Catalog == nil {
		o.Catalog = Catalog()
	}
	if o.Service == "" {
		o.Service = DefaultService
	}
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.DirectTimeout <= 0 {
		o.DirectTimeout = 30 * time.Second
	}
	d := &Desk{log: log, g: g, roster: roster, o: o, highest: map[int]uint64{}}
	if c, ok := g.Contact(guideline.RoleOperationsCentre); ok {
		d.number = c.Phone
	}
	return d
}

// Guideline returns the guideline the Desk applies.
func (d *Desk) Guideline() guideline.Guideline { return d.g }

func (d *Desk) onError(err error) {
	if d.o.OnError != nil && err != nil {
		d.o.OnError(err)
	}
}

// Errors of a Desk. What a person reads comes from [*RefusedError] and
// [*NotRecordedError], which render themselves.
var (
	// ErrNotRecorded is wrapped by the error of a report the register
	// could not record (see [NotRecordedError]).
	ErrNotRecorded = errors.New("incident: the report is not in the register")
	// ErrNotFound: no incident with this ID is in the register.
	ErrNotFound = errors.New("incident: no such incident")
	// ErrOwnAlarm: nobody acknowledges their own alarm.
	ErrOwnAlarm = errors.New("incident: the reporter cannot confirm their own alarm")
	// ErrStep: the step is not confirmed with [Desk.Confirm].
	ErrStep = errors.New("incident: not a step to confirm")
	// ErrClosed: the incident is closed.
	ErrClosed = errors.New("incident: the incident is closed")
	// ErrNoPatrolReport: nothing to share, the patrol's report is not
	// filed.
	ErrNoPatrolReport = errors.New("incident: no patrol report")
	// ErrShareField: a part to share is unknown or empty in the report.
	ErrShareField = errors.New("incident: part of the report not shareable")
	// ErrIDTaken: the ID given with a report is already in the register.
	ErrIDTaken = errors.New("incident: incident ID already used")
)

// RefusedError is an operation a [Desk] refused for a reason of the
// guideline other than the transition table (see [TransitionError]):
// confirming one's own alarm, confirming a step that has an operation
// of its own, acting on a closed or unknown incident. Nothing was
// written.
type RefusedError struct {
	// Err is the sentinel: [ErrOwnAlarm], [ErrStep], [ErrClosed],
	// [ErrNotFound], [ErrNoPatrolReport], [ErrShareField] or
	// [ErrFollowUpRole].
	Err error
	// Step is the step concerned, if any.
	Step guideline.StepID
	// Role is, for [ErrFollowUpRole], the role refused.
	Role guideline.Role
	// Kind is, for [ErrFollowUpRole], the follow-up's register kind.
	Kind    string
	catalog *guideline.Catalog
}

// Error returns the sentinel's text, with the step.
func (e *RefusedError) Error() string {
	if e.Err == ErrFollowUpRole {
		return fmt.Sprintf("%s (role %q, %s)", e.Err, e.Role, e.Kind)
	}
	if e.Step != "" {
		return fmt.Sprintf("%s (step %s)", e.Err, e.Step)
	}
	return e.Err.Error()
}

// Unwrap returns the sentinel.
func (e *RefusedError) Unwrap() error { return e.Err }

// Message returns the refusal for a person, in the language of tag
// (Italian for a language the catalog lacks).
func (e *RefusedError) Message(tag language.Tag) string {
	c := e.catalog
	if c == nil {
		c = Catalog()
	}
	p := c.Printer(tag)
	step := p.Sprintf(e.Step.NameKey())
	switch e.Err {
	case ErrOwnAlarm:
		return p.Sprintf(keyRefusedOwnAlarm, step)
	case ErrStep:
		return p.Sprintf(keyRefusedStep, step)
	case ErrClosed:
		return p.Sprintf(keyRefusedClosed)
	case ErrNotFound:
		return p.Sprintf(keyRefusedNotFound)
	case ErrNoPatrolReport:
		return p.Sprintf(keyRefusedNoReport)
	case ErrShareField:
		return p.Sprintf(keyRefusedShareField)
	case ErrFollowUpRole:
		return p.Sprintf(keyRefusedFollowUpRole, e.Role.Name(p), followUpName(e.Kind).Name(p))
	}
	return e.Error()
}

func (d *Desk) refuse(err error, step guideline.StepID) error {
	return &RefusedError{Err: err, Step: step, catalog: d.o.Catalog}
}

// Receipt is what [Desk.Report] recorded and queued.
type Receipt struct {
	// ID is the incident's ID, its register stream.
	ID ID
	// Entry is the report's entry.
	Entry register.Entry
	// Alerted are the colleagues the alert went to (step 1).
	Alerted []Staff
	// Caller is the colleague the call script went to (step 2); zero when
	// nobody was on duty.
	Caller Staff
	// Escalated reports that nobody else was on duty at the venue, so the
	// alarm escalated at once: to the responsible official, and the call
	// script to the reporter to phone directly.
	Escalated bool
	// Messages are the keys of the notifications queued.
	Messages []string
}

// NotRecordedError is the error of a report the register could not
// record. The alarm went out anyway, directly through the Desk's
// notifier, to whom it would have gone: Sent lists what was handed over,
// Unsent what was not (no notifier, or it failed). It wraps
// [ErrNotRecorded] and the register's error.
type NotRecordedError struct {
	// ID is the ID the incident would have had; empty if none could be
	// given.
	ID ID
	// Sent are the keys of the messages the notifier accepted.
	Sent []string
	// Unsent are the keys of the messages not sent.
	Unsent []string
	// Err is the register's error.
	Err     error
	catalog *guideline.Catalog
}

// Error says that the report is not recorded, and what was sent.
func (e *NotRecordedError) Error() string {
	return fmt.Sprintf("incident: the report was not recorded (sent directly %d of %d messages): %v",
		len(e.Sent), len(e.Sent)+len(e.Unsent), e.Err)
}

// Unwrap returns [ErrNotRecorded] and the register's error.
func (e *NotRecordedError) Unwrap() []error { return []error{ErrNotRecorded, e.Err} }

// Message tells the person who raised the alarm that it is not recorded,
// whether it went out, and what to do, in the language of tag.
func (e *NotRecordedError) Message(tag language.Tag) string {
	c := e.catalog
	if c == nil {
		c = Catalog()
	}
	p := c.Printer(tag)
	switch {
	case len(e.Sent) == 0:
		return p.Sprintf(keyNotRecordedNone)
	case len(e.Unsent) > 0:
		return p.Sprintf(keyNotRecordedPartial)
	}
	return p.Sprintf(keyNotRecordedSent)
}

// sealedReport is the sealed part of a report: the staff's names and
// contacts, the venue as reported (its name and address), and the
// personal data of the incident.
type sealedReport struct {
	Reporter      Staff            `json:"reporter"`
	StaffInvolved []Staff          `json:"staff_involved,omitempty"`
	Venue         *guideline.Venue `json:"venue,omitempty"`
	Personal      json.RawMessage  `json:"personal,omitempty"`
}

// venueData is the venue in a report's Data: its territory, and whether
// it is private; never its name nor its address (see [DataVenue]).
type venueData struct {
	Territory string `json:"territory,omitempty"`
	Private   bool   `json:"private,omitempty"`
}

// venueData returns what Data says of inc's venue.
func (inc Incident) venueData() venueData {
	return venueData{Territory: inc.Venue.Territory, Private: inc.PrivateVenue}
}

// maxIDAttempts bounds how many IDs a report tries when other writers
// take them first.
const maxIDAttempts = 20

// Report records an incident and raises its alarm: see [Desk.ReportAs],
// with the reporter as the actor.
func (d *Desk) Report(ctx context.Context, inc Incident) (Receipt, error) {
	return d.ReportAs(ctx, register.Actor{Role: inc.Reporter.GuidelineRole(), ID: inc.Reporter.ID}, inc)
}

// ReportAs records an incident reported by by (the reporter, or the
// library on their behalf: a check-in session that went unanswered
// reports as register.SystemActor("checkin")) and raises its alarm. inc
// must be valid ([Incident.Validate]); an empty ID is given the next one
// of the year.
//
// In one append it records the report (the aggressor, the description,
// the staff's names and the venue's name and address sealed; Data with
// register.DataIncidentKind, the kinds, the venue's territory and
// whether it is private, and the staff numbers)
// and queues, Urgent, the alert
// ([Alert]) to the colleagues on duty at the venue ([Roster.OnDuty]) and
// the call script ([CallScript]) to the first of them, who must phone the
// shift supervisor. If nobody else is on duty, that is an escalation at
// once, in the same append: the [OfficialAlert] to the responsible
// official and the direct call script to the reporter, with an
// escalation entry.
//
// Staff on duty who cannot be a message's recipient are left out of the
// alert (see [Colleagues]) and reported through [Options.OnError].
//
// Safety first: if the register cannot be written, the same messages go
// out at once directly through [Options.Notifier], concurrently (a slow
// channel never delays another), and the error is a [*NotRecordedError]
// wrapping [ErrNotRecorded], which says that the record is missing. A
// message the outbox refuses as invalid (an error wrapping
// outbox.ErrInvalidMessage) is not the register's failure: that error
// is returned as it is, and nothing is recorded or sent.
func (d *Desk) ReportAs(ctx context.Context, by register.Actor, inc Incident) (Receipt, error) {
	return d.report(ctx, by, inc, "")
}

// ErrAlarmCause is wrapped by the error of [Desk.Raise] given a cause
// that is not one of register.AlarmCauses.
var ErrAlarmCause = errors.New("incident: unknown alarm cause")

// Raise raises an emergency on a person's behalf, for an alarm of the
// library (a check-in session not closed in time, or closed with the
// duress code): the checkin package's Raiser port, which a *Desk
// satisfies. by is the library's actor (register.SystemActor("checkin")),
// cause one of register.AlarmCauses, written in the report's Data under
// register.DataAlarmCause, where [Check] finds it.
//
// It is [Desk.ReportAs] with the cause: the same entry, the alert to the
// colleagues on duty at the venue, the call script, the escalation timers
// of the [Escalator]. For register.AlarmDuress the alarm is silent: no
// message ever goes to the operator who raised it (the reporter), neither
// the call script nor the direct call of the escalation ladder; the
// messages to the colleagues, the official and the call script ask them
// not to phone or message the operator, and a direct call goes to the
// responsible official instead.
//
// inc.ID, when set, is the incident's ID, and raising is idempotent: if
// an incident with that ID is already in the register, Raise returns the
// ID and a nil error, and records nothing. An empty ID is given the next
// one of the year.
func (d *Desk) Raise(ctx context.Context, inc Incident, by register.Actor, cause string) (ID, error) {
	if !slices.Contains(register.AlarmCauses(), cause) {
		return "", ErrAlarmCause
	}
	rc, err := d.report(ctx, by, inc, cause)
	if errors.Is(err, ErrIDTaken) {
		if _, serr := d.State(ctx, inc.ID); serr == nil {
			return inc.ID, nil
		}
	}
	if err != nil {
		return "", err
	}
	return rc.ID, nil
}

// report records a report, with the alarm cause of an alarm of the
// library ("" for a person's report).
func (d *Desk) report(ctx context.Context, by register.Actor, inc Incident, cause string) (Receipt, error) {
	silent := cause == register.AlarmDuress
	if err := inc.Validate(); err != nil {
		return Receipt{}, err
	}
	now := d.o.Now()
	onDuty, err := d.roster.OnDuty(ctx, inc.Venue, now)
	if err != nil {
		d.onError(fmt.Errorf("incident: roster: %w", err))
	}
	cols, err := onDutyColleagues(onDuty, inc.Reporter)
	d.onError(err)
	var official *Staff
	if len(cols) == 0 {
		if o, err := d.roster.ResponsibleOfficial(ctx, inc.Territory(), now); err == nil {
			official = &o
		} else {
			d.onError(fmt.Errorf("incident: roster: %w", err))
		}
	}
	personal, err := inc.Personal()
	if err != nil {
		return Receipt{}, err
	}
	venue := inc.Venue
	sealed, err := json.Marshal(sealedReport{Reporter: inc.Reporter, StaffInvolved: inc.StaffInvolved, Venue: &venue, Personal: personal})
	if err != nil {
		return Receipt{}, fmt.Errorf("incident: encoding the report: %w", err)
	}
	given := inc.ID != ""
	var lastErr error
	for attempt := range maxIDAttempts {
		if !given {
			id, err := d.nextID(ctx, now.In(d.g.Location()).Year(), attempt > 0)
			if err != nil {
				return Receipt{}, d.sendDirect(ctx, inc, now, cols, official, silent, err)
			}
			inc.ID = id
		}
		msgs, notes, err := d.reportMessages(inc, now, cols, official, silent)
		if err != nil {
			return Receipt{}, err
		}
		data := inc.Kinds.Data()
		data[DataVenue] = inc.venueData()
		data[DataInjured] = inc.Injured
		data[DataPeoplePresent] = inc.PeoplePresent
		data[DataReporter] = inc.Reporter.ID
		data[DataAlerted] = staffIDs(cols)
		if len(cols) > 0 {
			data[DataCaller] = cols[0].ID
		}
		if cause != "" {
			data[register.DataAlarmCause] = cause
		}
		raw, err := json.Marshal(data)
		if err != nil {
			return Receipt{}, fmt.Errorf("incident: encoding the report: %w", err)
		}
		r, err := table.ApplyAt(ctx, d.log, inc.ID.Stream(), lifecycle.Snapshot[State]{State: StateNew}, lifecycle.Change[Action]{
			Action: ActionReport, Actor: by, Territory: inc.Territory(), Guideline: d.g.Version(),
			Data: raw, Personal: sealed, Messages: msgs, Notes: notes,
		})
		var te *TransitionError
		switch {
		case err == nil:
			rc := Receipt{ID: inc.ID, Entry: r.Entry, Alerted: cols, Escalated: len(cols) == 0}
			if len(cols) > 0 {
				rc.Caller = cols[0]
			}
			for _, m := range msgs {
				rc.Messages = append(rc.Messages, m.Key)
			}
			return rc, nil
		case errors.As(err, &te), errors.Is(err, lifecycle.ErrNotANote), errors.Is(err, outbox.ErrInvalidMessage):
			// Not the register's fault: sending the same directly would
			// not mend it.
			return Receipt{}, err
		case errors.Is(err, register.ErrVersionConflict) && given:
			return Receipt{}, fmt.Errorf("%w: %w", ErrIDTaken, err)
		case errors.Is(err, register.ErrVersionConflict):
			lastErr = err
			continue // another writer took the ID: the next scan sees it
		default:
			return Receipt{}, d.sendDirect(ctx, inc, now, cols, official, silent, err)
		}
	}
	return Receipt{}, d.sendDirect(ctx, inc, now, cols, official, silent, lastErr)
}

func staffIDs(ss []Staff) []string {
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = s.ID
	}
	return out
}

// reportMessages returns the notifications of a report: the alert and
// the call script, or the escalation when nobody else is on duty. A
// silent alarm sends nothing to the reporter: its direct call goes to the
// official.
func (d *Desk) reportMessages(inc Incident, now time.Time, cols []Staff, official *Staff, silent bool) ([]notify.Message, []lifecycle.Note, error) {
	key := string(inc.ID)
	at := now.In(d.g.Location())
	var out []notify.Message
	if len(cols) > 0 {
		a, err := Alert{Key: key + "/alert", To: cols, Incident: inc, At: at, Number: d.number, Silent: silent, Language: d.o.Language}.Message(d.o.Catalog)
		if err != nil {
			return nil, nil, err
		}
		s, err := d.script(key+"/call", inc, cols[0], false, silent).Message(d.o.Catalog)
		if err != nil {
			return nil, nil, err
		}
		return append(out, a, s), nil, nil
	}
	esc := escalationData{Step: StepAlertColleagues, Reason: ReasonNoColleagues}
	if official != nil {
		m, err := OfficialAlert{
			Key: key + "/escalation/no-colleagues/official", To: *official, Incident: inc, At: at,
			Step: StepAlertColleagues, Reason: ReasonNoColleagues, Number: d.number, Silent: silent, Language: d.o.Language,
		}.Message(d.o.Catalog)
		if err != nil {
			return nil, nil, err
		}
		out = append(out, m)
		esc.Actions = append(esc.Actions, guideline.EscalateOfficial)
	}
	if caller, ok := d.directCaller(inc, official, silent); ok {
		m, err := d.script(key+"/escalation/no-colleagues/direct-call", inc, caller, true, silent).Message(d.o.Catalog)
		if err != nil {
			return nil, nil, err
		}
		out = append(out, m)
		esc.Actions = append(esc.Actions, guideline.EscalateDirectCall)
	}
	note, err := esc.note()
	if err != nil {
		return nil, nil, err
	}
	return out, []lifecycle.Note{note}, nil
}

// directCaller returns who gets the direct call script: the reporter,
// or for a silent alarm the responsible official (none if unknown).
func (d *Desk) directCaller(inc Incident, official *Staff, silent bool) (Staff, bool) {
	if !silent {
		return inc.Reporter, true
	}
	if official == nil {
		return Staff{}, false
	}
	return *official, true
}

// script returns the call script of inc for caller.
func (d *Desk) script(key string, inc Incident, caller Staff, direct, silent bool) CallScript {
	return CallScript{
		Key: key, To: []notify.Recipient{caller.Recipient()}, Caller: caller.Name, Service: d.o.Service,
		Venue: inc.Venue, Kinds: inc.Kinds, PeoplePresent: inc.PeoplePresent, Injured: inc.Injured,
		Number: d.number, Direct: direct, Silent: silent, Language: d.o.Language,
	}
}

// escalationActor is the actor of the escalation entries.
var escalationActor = register.SystemActor("escalation")

// escalationData is the Data of an escalation entry.
type escalationData struct {
	Step    guideline.StepID             `json:"step"`
	Reason  EscalationReason             `json:"reason"`
	Actions []guideline.EscalationAction `json:"actions"`
	Round   *int                         `json:"round,omitempty"`
	Rung    *int                         `json:"rung,omitempty"`
	Key     string                       `json:"undelivered_key,omitempty"`
}

func (e escalationData) note() (lifecycle.Note, error) {
	if e.Actions == nil {
		e.Actions = []guideline.EscalationAction{}
	}
	b, err := json.Marshal(e)
	if err != nil {
		return lifecycle.Note{}, fmt.Errorf("incident: encoding an escalation: %w", err)
	}
	return lifecycle.Note{Kind: KindEscalated, Actor: escalationActor, Data: b}, nil
}

// sendDirect sends the messages of a report the register could not
// record, concurrently, and returns the *NotRecordedError.
func (d *Desk) sendDirect(ctx context.Context, inc Incident, now time.Time, cols []Staff, official *Staff, silent bool, cause error) error {
	if inc.ID == "" || !inc.ID.Valid() {
		inc.ID = d.provisionalID(now)
	}
	e := &NotRecordedError{ID: inc.ID, Err: cause, catalog: d.o.Catalog}
	msgs, _, err := d.reportMessages(inc, now, cols, official, silent)
	if err != nil {
		return errors.Join(e, err)
	}
	if d.o.Notifier == nil {
		for _, m := range msgs {
			e.Unsent = append(e.Unsent, m.Key)
		}
		return e
	}
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), d.o.DirectTimeout)
	defer cancel()
	errs := make([]error, len(msgs))
	var wg sync.WaitGroup
	for i, m := range msgs {
		wg.Go(func() { errs[i] = d.o.Notifier.Notify(ctx, m) })
	}
	wg.Wait()
	for i, m := range msgs {
		if errs[i] == nil {
			e.Sent = append(e.Sent, m.Key)
		} else {
			e.Unsent = append(e.Unsent, m.Key)
		}
	}
	return e
}

// provisionalID returns an ID for the messages of a report that could not
// be given one from the register: the year and a random number from
// ProvisionalNumberBase up to AlarmNumberBase (excluded), a range that
// neither the Desk's numbering nor the alarms of check-in sessions
// reach.
func (d *Desk) provisionalID(now time.Time) ID {
	var b [8]byte
	_, _ = rand.Read(b[:])
	n := binary.BigEndian.Uint64(b[:]) % (AlarmNumberBase - ProvisionalNumberBase)
	id, _ := NewID(now.In(d.g.Location()).Year(), ProvisionalNumberBase+n)
	return id
}

// nextID returns the next ID of year: one more than the highest of that
// year in the register or given by this Desk. The register is read on
// first use, and again (only what was appended since) when refresh is
// set, after another writer took an ID first.
func (d *Desk) nextID(ctx context.Context, year int, refresh bool) (ID, error) {
	d.mu.Lock()
	defer d.mu.Unlock()
	if !d.scanned || refresh {
		if err := d.scanIDs(ctx); err != nil {
			return "", err
		}
	}
	d.highest[year]++
	return NewID(year, d.highest[year])
}

// scanIDs reads the reports appended since the last scan.
func (d *Desk) scanIDs(ctx context.Context) error {
	for e, err := range d.log.Scan(ctx, register.Filter{Kinds: []string{register.KindIncidentReported}, AfterSeq: d.seen}) {
		if err != nil {
			return err
		}
		d.seen = e.Seq
		if y, n, ok := splitID(e.Stream); ok && n > d.highest[y] && n < ProvisionalNumberBase {
			d.highest[y] = n
		}
	}
	d.scanned = true
	return nil
}

// ErrInvalidComment is wrapped, with a [*guideline.ValidationError], by
// the error of an operation given a comment that is not valid text.
var ErrInvalidComment = fmt.Errorf("%w: comment", ErrInvalid)

// maxComment bounds a comment, in characters.
const maxComment = 2000

// checkComment returns nil or an error wrapping [ErrInvalidComment] for
// a comment that is not valid text or is too long.
func checkComment(comment string) error {
	v := validator()
	switch {
	case !guideline.ValidText(comment):
		return fmt.Errorf("%w: %w", ErrInvalidComment, &guideline.ValidationError{Fields: []guideline.FieldError{v.Fail("comment", ruleText, "")}})
	case runeCount(comment) > maxComment:
		return fmt.Errorf("%w: %w", ErrInvalidComment, &guideline.ValidationError{Fields: []guideline.FieldError{v.Fail("comment", "max", fmt.Sprint(maxComment))}})
	}
	return nil
}

// stepPersonal is the sealed part of a step's entry: the comment, and the
// patrol's report or the part of it shared.
type stepPersonal struct {
	Comment string                 `json:"comment,omitempty"`
	Report  map[ReportField]string `json:"report,omitempty"`
}

// seal returns the payload in clear for the register to seal, or nil.
func (sp stepPersonal) seal() ([]byte, error) {
	if sp.Comment == "" && len(sp.Report) == 0 {
		return nil, nil
	}
	b, err := json.Marshal(sp)
	if err != nil {
		return nil, fmt.Errorf("incident: encoding an entry: %w", err)
	}
	return b, nil
}

// openStep reads what stepPersonal.seal wrote; the error never repeats
// the data.
func openStep(b []byte) (stepPersonal, error) {
	var sp stepPersonal
	if json.Unmarshal(b, &sp) != nil {
		return stepPersonal{}, ErrPersonal
	}
	for f := range sp.Report {
		if !f.Valid() {
			return stepPersonal{}, ErrPersonal
		}
	}
	return sp, nil
}

// stepData returns the Data of a step's entry.
func stepData(step guideline.StepID, comment string, extra map[string]any) (json.RawMessage, error) {
	m := map[string]any{}
	for k, v := range extra {
		m[k] = v
	}
	if step != "" {
		m[DataStep] = step
	}
	if comment != "" {
		m[DataComment] = true
	}
	b, err := json.Marshal(m)
	if err != nil {
		return nil, fmt.Errorf("incident: encoding an entry: %w", err)
	}
	return b, nil
}

// State returns where the incident stands, folded from its stream. It
// fails with [ErrNotFound] for an incident not in the register.
func (d *Desk) State(ctx context.Context, id ID) (Status, error) {
	entries, err := d.entries(ctx, id)
	if err != nil {
		return Status{}, err
	}
	if len(entries) == 0 {
		return Status{}, d.refuse(ErrNotFound, "")
	}
	return foldStatus(id, entries)
}

// OpenPurpose is a purpose for [Desk.Open] in the access log, for who
// follows the incident up (the official, the Command).
const OpenPurpose = "lettura della segnalazione dell'evento"

// Open returns the incident as reported, personal data included: its ID,
// kinds and venue (name and address), the reporter and the staff involved
// with their contacts, the aggressor and the description, whether someone
// was hurt and how many people were present. It is for a person with a
// reason to read it: it opens the report's sealed part with
// register.Log.Unseal, so the reading is in the register's access log
// under a before anything is returned, and an access the register refuses
// (one without a purpose) opens nothing and writes nothing. It fails with
// [ErrNotFound] for an incident not in the register.
func (d *Desk) Open(ctx context.Context, a register.Access, id ID) (Incident, error) {
	st, err := d.State(ctx, id)
	if err != nil {
		return Incident{}, err
	}
	plain, err := d.log.Unseal(ctx, a, st.report)
	if err != nil {
		return Incident{}, err
	}
	inc := st.incident()
	if err := inc.unseal(plain); err != nil {
		return Incident{}, fmt.Errorf("incident: %s: entry %d: %w", id, st.report.Seq, err)
	}
	return inc, nil
}

// Escalations returns the escalations recorded for the incident, in
// order.
func (d *Desk) Escalations(ctx context.Context, id ID) ([]Escalation, error) {
	st, err := d.State(ctx, id)
	return st.Escalations, err
}

// Timeline returns the incident's timeline (its entries and its
// notifications' outcomes, without personal data), for [Check].
func (d *Desk) Timeline(ctx context.Context, id ID) (register.Timeline, error) {
	return d.log.Timeline(ctx, id.Stream())
}

func (d *Desk) entries(ctx context.Context, id ID) ([]register.Entry, error) {
	if !id.Valid() {
		return nil, d.refuse(ErrNotFound, "")
	}
	var out []register.Entry
	for e, err := range d.log.Stream(ctx, id.Stream()) {
		if err != nil {
			return nil, err
		}
		out = append(out, e)
	}
	return out, nil
}

// maxConflicts bounds how many times an operation reads the incident
// again after another writer moved it.
const maxConflicts = 10

// act applies a transition to the incident: it reads where it stands
// and appends; when another writer moved the stream
// meanwhile (a note, another step), it reads again and retries.
func (d *Desk) act(ctx context.Context, id ID, who register.Actor, action Action, step guideline.StepID, comment string,
	extra map[string]any, report map[ReportField]string, msgs func(Status) ([]notify.Message, error)) (StepRecord, error) {
	if err := checkComment(comment); err != nil {
		return StepRecord{}, err
	}
	personal, err := stepPersonal{Comment: comment, Report: report}.seal()
	if err != nil {
		return StepRecord{}, err
	}
	data, err := stepData(step, comment, extra)
	if err != nil {
		return StepRecord{}, err
	}
	var last error
	for range maxConflicts {
		st, err := d.State(ctx, id)
		if err != nil {
			return StepRecord{}, err
		}
		if st.State == StateClosed {
			return StepRecord{}, d.refuse(ErrClosed, step)
		}
		var ms []notify.Message
		if msgs != nil {
			if ms, err = msgs(st); err != nil {
				return StepRecord{}, err
			}
		}
		r, err := table.ApplyAt(ctx, d.log, id.Stream(), lifecycle.Snapshot[State]{State: st.State, Version: st.Version}, lifecycle.Change[Action]{
			Action: action, Actor: who, Territory: st.Territory, Guideline: st.Guideline,
			Data: data, Personal: personal, Messages: ms,
		})
		if errors.Is(err, register.ErrVersionConflict) {
			last = err
			continue
		}
		if err != nil {
			return StepRecord{}, err
		}
		tr, _ := table.Next(st.State, action, who.Role)
		return StepRecord{
			Action: action, Step: step, State: r.State, By: who, At: r.Entry.Time, Seq: r.Entry.Seq,
			Comment: comment != "", Deviation: tr.Deviation,
		}, nil
	}
	return StepRecord{}, last
}

// Confirm confirms a time-critical step of the emergency, as on-call
// teams acknowledge an alarm: who is a named person, comment an optional
// note the others see (sealed; see [Desk.Comments]).
//
//   - [StepAlertColleagues]: a colleague received the alarm and is coming.
//   - [StepCallOperationsCentre]: the shift supervisor was phoned (by the
//     colleague, or the Operations Centre confirms the call).
//
// Step 2 confirmed before step 1 is one of three facts, by who confirms:
//
//   - A colleague: they phoned, so they received the alarm too. It
//     confirms step 1 as well, by the same person: both entries in one
//     append, all or none, the comment with step 2.
//   - The Operations Centre: it received the call, which the guideline
//     has the colleague make, and that is the evidence that both steps
//     happened. One entry of the Centre confirms both (no deviation);
//     [Status.Confirmed] returns it for step 1 as well.
//   - The reporter: the direct call that the guideline allows an
//     operator alone on duty, recorded as a deviation.
//
// The first confirmation wins: it is the transition, and the step's
// escalation stops at once. A later one (another person's, or one that
// lost a race with another process) is recorded as a late confirmation
// ([KindConfirmationLate]) and returned with Late set and FirstBy; the
// same person confirming again is not recorded twice (their first
// record, timely or late, is returned). Nobody acknowledges their own
// alarm: the reporter confirming step 1, or step 2 after step 1, gets a
// [*RefusedError] matching [ErrOwnAlarm]. A role the table does not
// allow gets a [*TransitionError] about the step asked for. Nothing
// refused is written.
func (d *Desk) Confirm(ctx context.Context, id ID, step guideline.StepID, who register.Actor, comment string) (StepRecord, error) {
	if step != StepAlertColleagues && step != StepCallOperationsCentre {
		return StepRecord{}, d.refuse(ErrStep, step)
	}
	if err := checkComment(comment); err != nil {
		return StepRecord{}, err
	}
	personal, err := stepPersonal{Comment: comment}.seal()
	if err != nil {
		return StepRecord{}, err
	}
	data, err := stepData(step, comment, nil)
	if err != nil {
		return StepRecord{}, err
	}
	var last error
	for range maxConflicts {
		st, err := d.State(ctx, id)
		if err != nil {
			return StepRecord{}, err
		}
		if st.State == StateClosed {
			return StepRecord{}, d.refuse(ErrClosed, step)
		}
		if r, ok := st.confirmedBy(step, who); ok {
			return r, nil
		}
		own := who.ID == st.Reporter && who.Role != register.RoleSystem
		change := lifecycle.Change[Action]{Actor: who, Territory: st.Territory, Guideline: st.Guideline, Data: data, Personal: personal}
		var changes []lifecycle.Change[Action]
		switch {
		case step == StepAlertColleagues && st.State == StateReported:
			change.Action = ActionConfirmAlert
		case step == StepCallOperationsCentre && st.State == StateReported && own:
			change.Action = ActionCallDirectly
			if change.Data, err = stepData(step, comment, map[string]any{DataDirectCall: true}); err != nil {
				return StepRecord{}, err
			}
		case step == StepCallOperationsCentre && st.State == StateReported:
			change.Action = ActionConfirmCall
			if _, err := table.Next(st.State, ActionConfirmCall, who.Role); err != nil {
				// Not the Centre: the colleague who phoned received the
				// alarm too, and confirms both, together.
				first, err := d.confirmAlertFirst(st, who)
				if err != nil {
					return StepRecord{}, err
				}
				changes = append(changes, first)
			}
		case step == StepCallOperationsCentre && st.State == StateColleaguesAlerted:
			change.Action = ActionConfirmCall
		}
		if own && change.Action != ActionCallDirectly {
			return StepRecord{}, d.refuse(ErrOwnAlarm, step)
		}
		snap := lifecycle.Snapshot[State]{State: st.State, Version: st.Version}
		if change.Action != "" {
			rs, err := table.ApplyAllAt(ctx, d.log, id.Stream(), snap, append(changes, change)...)
			if errors.Is(err, register.ErrVersionConflict) {
				last = err
				continue
			}
			if err != nil {
				return StepRecord{}, err
			}
			r := rs[len(rs)-1]
			return StepRecord{Action: change.Action, Step: step, State: r.State, By: who, At: r.Entry.Time, Seq: r.Entry.Seq,
				Comment: comment != "", Deviation: change.Action == ActionCallDirectly}, nil
		}
		// The step is behind: record the confirmation as late.
		if _, err := table.Next(confirmFrom(step), confirmAction(step), who.Role); err != nil {
			return StepRecord{}, err
		}
		first, _ := st.Confirmed(step)
		late, err := stepData(step, comment, map[string]any{DataFirstBy: actorData{Role: first.By.Role, ID: first.By.ID}})
		if err != nil {
			return StepRecord{}, err
		}
		r, err := table.Annotate(ctx, d.log, id.Stream(), snap, lifecycle.Change[Action]{
			Actor: who, Territory: st.Territory, Guideline: st.Guideline,
			Notes: []lifecycle.Note{{Kind: KindConfirmationLate, Data: late, Personal: personal}},
		})
		if errors.Is(err, register.ErrVersionConflict) {
			last = err
			continue
		}
		if err != nil {
			return StepRecord{}, err
		}
		return StepRecord{Action: confirmAction(step), Step: step, State: st.State, By: who, At: r.Notes[0].Time, Seq: r.Notes[0].Seq,
			Comment: comment != "", Late: true, FirstBy: first.By}, nil
	}
	return StepRecord{}, last
}

// confirmAlertFirst returns the confirmation of step 1 that goes with
// who's confirmation of step 2, before step 1 was confirmed. A role that
// may confirm neither the call from st.State (the Operations Centre) nor
// step 1 (a colleague) gets the refusal of the call, naming every role
// that may confirm it from there.
func (d *Desk) confirmAlertFirst(st Status, who register.Actor) (lifecycle.Change[Action], error) {
	if _, err := table.Next(st.State, ActionConfirmAlert, who.Role); err != nil {
		_, err := table.Next(st.State, ActionConfirmCall, who.Role)
		var te *TransitionError
		if errors.As(err, &te) {
			for _, r := range confirmers(st.State) {
				if !slices.Contains(te.Allowed, r) {
					te.Allowed = append(te.Allowed, r)
				}
			}
		}
		return lifecycle.Change[Action]{}, err
	}
	data, err := stepData(StepAlertColleagues, "", nil)
	if err != nil {
		return lifecycle.Change[Action]{}, err
	}
	return lifecycle.Change[Action]{Action: ActionConfirmAlert, Actor: who, Territory: st.Territory, Guideline: st.Guideline, Data: data}, nil
}

// confirmers returns the roles that may confirm step 1 from state.
func confirmers(from State) []guideline.Role {
	for _, tr := range transitions {
		if tr.From == from && tr.Action == ActionConfirmAlert {
			return tr.Roles
		}
	}
	return nil
}

// confirmFrom is the state from which a step's confirmation is a
// transition: the roles allowed to confirm it late are those allowed to
// confirm it in time.
func confirmFrom(step guideline.StepID) State {
	if step == StepAlertColleagues {
		return StateReported
	}
	return StateColleaguesAlerted
}

// Dispatch records step 3: the Operations Centre sent a patrol, the
// Police Forces, or both. Only the Operations Centre dispatches
// (otherwise a [*TransitionError]); an invalid target is refused with
// [ErrInvalid].
func (d *Desk) Dispatch(ctx context.Context, id ID, who register.Actor, target DispatchTarget, comment string) (StepRecord, error) {
	if !target.Valid() {
		return StepRecord{}, fmt.Errorf("%w: %w", ErrInvalid, &guideline.ValidationError{Fields: []guideline.FieldError{validator().Fail(DataDispatchTarget, "oneof", "patrol police_forces both")}})
	}
	return d.act(ctx, id, who, ActionDispatch, StepDispatch, comment, map[string]any{DataDispatchTarget: target}, nil, nil)
}

// FilePatrolReport records step 4: the patrol that intervened files its
// report for the Command. Only the patrol files it. The report is sealed;
// Data lists only which parts it holds.
func (d *Desk) FilePatrolReport(ctx context.Context, id ID, who register.Actor, report PatrolReport) (StepRecord, error) {
	v := validator()
	var fs []guideline.FieldError
	for _, f := range ReportFields() {
		if s := report.Field(f).Reveal(); !guideline.ValidText(s) {
			fs = append(fs, v.Fail(string(f), ruleText, ""))
		} else if runeCount(s) > maxDescription {
			fs = append(fs, v.Fail(string(f), "max", fmt.Sprint(maxDescription)))
		}
	}
	if len(report.Fields()) == 0 {
		fs = append(fs, v.Fail("report", "required", ""))
	}
	if len(fs) > 0 {
		return StepRecord{}, fmt.Errorf("%w: %w", ErrInvalid, &guideline.ValidationError{Fields: fs})
	}
	return d.act(ctx, id, who, ActionFileReport, StepPatrolReport, "", map[string]any{DataReportFields: report.Fields()}, report.clear(), nil)
}

// Evaluate records that the Command evaluated the patrol's report. Only
// the Command evaluates.
func (d *Desk) Evaluate(ctx context.Context, id ID, who register.Actor, comment string) (StepRecord, error) {
	return d.act(ctx, id, who, ActionEvaluate, "", comment, nil, nil, nil)
}

// SharePurpose is the purpose written in the access log when the Command
// opens the patrol's report to share part of it.
const SharePurpose = "condivisione con la Direzione Politiche Sociali"

// ShareWithDirectorate records what the Command decided to share with the
// Social Policies Directorate: a filtered copy of the patrol's report,
// holding only the parts fields, sealed on its own (never the whole
// report). Only the Command shares, after evaluating. It opens the report
// through the access log (as who, for [SharePurpose]). If the guideline
// has an e-mail address for the Directorate
// (guideline.RoleSocialPolicyDirectorate), the copy is sent there
// through the outbox in the same append.
func (d *Desk) ShareWithDirectorate(ctx context.Context, id ID, who register.Actor, fields []ReportField, comment string) (StepRecord, error) {
	if len(fields) == 0 {
		return StepRecord{}, d.refuse(ErrShareField, StepPatrolReport)
	}
	st, err := d.State(ctx, id)
	if err != nil {
		return StepRecord{}, err
	}
	// The table decides first, so that a wrong role opens nothing.
	if _, err := table.Next(st.State, ActionShare, who.Role); err != nil {
		return StepRecord{}, err
	}
	if st.patrol.Seq == 0 {
		return StepRecord{}, d.refuse(ErrNoPatrolReport, StepPatrolReport)
	}
	// The message names the venue, sealed in the report: opened with the
	// patrol's report, in one access, only when it is needed.
	c, send := d.g.Contact(guideline.RoleSocialPolicyDirectorate)
	send = send && c.Email != ""
	toOpen := []register.Entry{st.patrol}
	if send && !st.PrivateVenue {
		toOpen = append(toOpen, st.report)
	}
	opened, err := d.log.UnsealBatch(ctx, register.Access{Actor: who, Purpose: SharePurpose}, toOpen)
	if err != nil {
		return StepRecord{}, err
	}
	for _, o := range opened {
		if o.Err != nil {
			return StepRecord{}, o.Err
		}
	}
	sp, err := openStep(opened[0].Plain)
	if err != nil {
		return StepRecord{}, err
	}
	report := reportFrom(sp.Report)
	for _, f := range fields {
		if !f.Valid() || report.Field(f).IsZero() {
			return StepRecord{}, d.refuse(ErrShareField, StepPatrolReport)
		}
	}
	var venue string
	if len(opened) > 1 {
		inc := st.incident()
		if err := inc.unseal(opened[1].Plain); err != nil {
			return StepRecord{}, fmt.Errorf("incident: %s: entry %d: %w", id, st.report.Seq, err)
		}
		venue = inc.Venue.Name
	}
	copy := report.Filter(fields...)
	msgs := func(st Status) ([]notify.Message, error) {
		if !send {
			return nil, nil
		}
		return []notify.Message{d.shareMessage(st, c, venue, copy)}, nil
	}
	return d.act(ctx, id, who, ActionShare, "", comment, map[string]any{DataSharedFields: copy.Fields()}, copy.clear(), msgs)
}

// shareMessage renders the filtered copy for the Directorate, naming
// the venue (as the sealed report gives it) unless it is private.
func (d *Desk) shareMessage(st Status, c guideline.Contact, venue string, r PatrolReport) notify.Message {
	p := d.o.Catalog.Printer(d.o.Language)
	if st.PrivateVenue {
		venue = p.Sprintf(keyPrivateVenue)
	}
	lines := []string{p.Sprintf(keyShareIntro, st.ReportedAt.In(d.g.Location()).Format(p.Sprintf("layout.date")), venue), ""}
	for _, f := range r.Fields() {
		lines = append(lines, f.Name(p)+": "+r.Field(f).Reveal())
	}
	return notify.Message{
		Key: string(st.ID) + "/share", Kind: register.KindIncidentSharedWithDirectorate,
		To:      []notify.Recipient{{Role: guideline.RoleSocialPolicyDirectorate, Name: c.Name, Email: c.Email}},
		Subject: p.Sprintf(keyShareSubject, venue), Text: strings.Join(lines, "\n") + "\n",
		Language: d.o.Catalog.Language(d.o.Language), Personal: true,
	}
}

// Close closes the incident: by the Command after the report (or after
// the dispatch, when only the Police Forces went), or, for an alarm that
// needed no police, by the responsible official (or the Operations
// Centre once called), recorded as a deviation. Closing stops every
// escalation.
func (d *Desk) Close(ctx context.Context, id ID, who register.Actor, comment string) (StepRecord, error) {
	return d.act(ctx, id, who, ActionClose, "", comment, nil, nil, nil)
}

// Comment is a comment left with a step, opened for a person entitled to
// read it.
type Comment struct {
	// Step is the record it was left with.
	Step StepRecord
	// Text is the comment.
	Text Private
}

// CommentPurpose is the default purpose of [Desk.Comments] in the access
// log.
const CommentPurpose = "lettura dei commenti dell'evento"

// Comments returns the comments left with the incident's steps, in
// order, opened for a (one access entry lists them all).
func (d *Desk) Comments(ctx context.Context, id ID, a register.Access) ([]Comment, error) {
	entries, err := d.entries(ctx, id)
	if err != nil {
		return nil, err
	}
	st, err := foldStatus(id, entries)
	if err != nil {
		return nil, err
	}
	var withComment []register.Entry
	var recs []StepRecord
	for _, r := range st.Steps {
		if r.Comment {
			i := slices.IndexFunc(entries, func(e register.Entry) bool { return e.Seq == r.Seq })
			if i < 0 {
				return nil, fmt.Errorf("incident: %s: entry %d of a comment is not in the stream: %w", id, r.Seq, lifecycle.ErrUnexpectedEntry)
			}
			withComment = append(withComment, entries[i])
			recs = append(recs, r)
		}
	}
	if len(withComment) == 0 {
		return nil, nil
	}
	opened, err := d.log.UnsealBatch(ctx, a, withComment)
	if err != nil {
		return nil, err
	}
	out := make([]Comment, 0, len(opened))
	for i, o := range opened {
		if o.Err != nil {
			return nil, o.Err
		}
		sp, err := openStep(o.Plain)
		if err != nil {
			return nil, err
		}
		text := sp.Comment
		out = append(out, Comment{Step: recs[i], Text: NewPrivate(text)})
	}
	return out, nil
}
