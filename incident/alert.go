package incident

import (
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"github.com/sostegno/sostegno/guideline"
	"github.com/sostegno/sostegno/notify"
)

// Kinds of the messages of this package, besides [KindCallScript].
const (
	// KindAlert is the Kind of the message built by [Alert.Message].
	KindAlert = "emergency.alert_colleagues"
	// KindOfficialAlert is the Kind of the message built by
	// [OfficialAlert.Message].
	KindOfficialAlert = "emergency.official_alert"
)

// ErrAlert is wrapped by the errors of [Alert.Message] and
// [OfficialAlert.Message].
var ErrAlert = errors.New("incident: invalid alert")

// Alert is step 1 of an emergency as a message: the alarm to the
// colleagues on duty at the venue. It is Urgent, and says where, what is
// happening, who raised it and when, whether someone is hurt and how many
// people are present, and what to do: go to the place, and phone the
// shift supervisor of the Operations Centre, whose number it gives. It
// names no service user: the aggressor and the description of the
// incident are never part of it.
//
// With Reminder above zero it is a re-alert, the first rung of the
// escalation: the same alarm, marked as the n-th reminder.
type Alert struct {
	// Key is the idempotency key of the message: one line, without
	// control characters.
	Key string `json:"key" validate:"required,max=200,line"`
	// To are the colleagues alerted (see [Colleagues]).
	To []Staff `json:"to" validate:"min=1,max=200,dive"`
	// Incident is the incident as reported.
	Incident Incident `json:"incident" validate:"-"`
	// At is when the alarm was raised, in the time zone it is to be read
	// in (the guideline's, [guideline.Guideline.Location]); the zero time
	// leaves it out.
	At time.Time `json:"at"`
	// Number is the Operations Centre's number.
	Number guideline.Phone `json:"number" validate:"required,phone"`
	// Reminder is 0 for the alarm, n for its n-th reminder.
	Reminder int `json:"reminder" validate:"gte=0,lte=1000"`
	// Silent says that the alarm is silent (the operator gave their
	// duress code): the alert asks the colleagues not to phone or message
	// whoever raised it.
	Silent bool `json:"silent,omitempty"`
	// Language is the language of the message: Italian by default, or
	// English.
	Language language.Tag `json:"-"`
}

// Colleagues returns the staff of onDuty who should receive the alarm
// raised by reporter: everyone but the reporter, each once (by ID), in
// the order given, without the staff who cannot be a message's
// recipient (not valid as [Staff]: no name, a role that is not one of
// the guideline's, a malformed address). A [Desk] reports those through
// [Options.OnError], with [ErrRosterStaff].
func Colleagues(onDuty []Staff, reporter Staff) []Staff {
	out, _ := onDutyColleagues(onDuty, reporter)
	return out
}

// ErrRosterStaff is wrapped by the error a [Desk] reports through
// [Options.OnError] when the roster names, among the staff on duty,
// someone who cannot be a message's recipient (see [Colleagues]).
var ErrRosterStaff = errors.New("incident: roster: staff on duty who cannot receive the alert")

// onDutyColleagues is [Colleagues], and the fields of the staff it dropped as
// invalid (field paths, never values), or nil.
func onDutyColleagues(onDuty []Staff, reporter Staff) ([]Staff, error) {
	out := make([]Staff, 0, len(onDuty))
	v := validator()
	var bad []string
	dropped := 0
	for _, s := range onDuty {
		if s.ID == reporter.ID || slices.ContainsFunc(out, func(o Staff) bool { return o.ID == s.ID }) {
			continue
		}
		if fs := structErrors(v, s); len(fs) > 0 {
			for _, f := range fs {
				bad = append(bad, f.Path)
			}
			dropped++
			continue
		}
		out = append(out, s)
	}
	if bad == nil {
		return out, nil
	}
	slices.Sort(bad)
	return out, fmt.Errorf("%w: %d left out (%s)", ErrRosterStaff, dropped, strings.Join(slices.Compact(bad), ", "))
}

// Message renders the alert as an Urgent message in a.Language, with a
// plain-text body and an HTML body whose number is a tel: link. The texts
// come from c, which must hold [guideline.Messages] and [Messages]; nil
// means [Catalog]. It fails with an error wrapping [ErrAlert] and a
// [*guideline.ValidationError] if the alert or its incident is invalid.
func (a Alert) Message(c *guideline.Catalog) (notify.Message, error) {
	v := validator()
	fs := structErrors(v, a)
	fs = append(fs, a.Incident.fieldErrors("incident.")...)
	if len(fs) > 0 {
		return notify.Message{}, fmt.Errorf("%w: %w", ErrAlert, &guideline.ValidationError{Fields: fs})
	}
	c, err := catalogOrDefault(c)
	if err != nil {
		return notify.Message{}, err
	}
	lang := c.Language(a.Language)
	p := c.Printer(lang)
	var lines []string
	subject := p.Sprintf(keyAlertSubject, a.Incident.Venue.Name)
	if a.Reminder > 0 {
		subject = p.Sprintf(keyAlertSubjectAgain, a.Reminder, a.Incident.Venue.Name)
		lines = append(lines, p.Sprintf(keyAlertReminder, a.Reminder), "")
	}
	lines = append(lines, situation(p, a.Incident, a.At)...)
	if a.Silent {
		lines = append(lines, p.Sprintf(keyAlertSilent))
	}
	lines = append(lines,
		p.Sprintf(keyAlertPeople, a.Incident.PeoplePresent),
		"",
		p.Sprintf(keyAlertToDo),
		p.Sprintf(keyAlertGo),
		p.Sprintf(keyAlertCall, a.Number.Display(), a.Number.URI()),
	)
	to := make([]notify.Recipient, len(a.To))
	for i, s := range a.To {
		to[i] = s.Recipient()
	}
	return notify.Message{
		Key:      a.Key,
		Kind:     KindAlert,
		Priority: notify.Urgent,
		To:       to,
		Subject:  subject,
		Text:     strings.Join(lines, "\n") + "\n",
		HTML:     htmlBody(p, lang, a.Number, lines),
		Language: lang,
	}, nil
}

// situation renders where, what, who and when, and whether someone is
// hurt: the lines the alert and the official's alert share.
func situation(p *message.Printer, inc Incident, at time.Time) []string {
	who := p.Sprintf(keyAlertWho, inc.Reporter.Name)
	if !at.IsZero() {
		who = p.Sprintf(keyAlertWhoAt, inc.Reporter.Name, at.Format("15:04"))
	}
	return []string{
		p.Sprintf(keyAlertWhere, inc.Venue.Name, inc.Venue.Address),
		p.Sprintf(keyAlertWhat, inc.Kinds.Names(p)),
		who,
		injuredLine(p, inc.Injured),
	}
}

// EscalationReason is why an emergency step is escalated to the
// responsible official.
type EscalationReason string

// The reasons for escalating.
const (
	// ReasonNotConfirmed: the step was not confirmed in the time the
	// guideline's policy allows.
	ReasonNotConfirmed EscalationReason = "not_confirmed"
	// ReasonNoColleagues: nobody is on duty at the venue to alert.
	ReasonNoColleagues EscalationReason = "no_colleagues"
	// ReasonUndelivered: the alert could not be delivered (dead-lettered).
	ReasonUndelivered EscalationReason = "undelivered"
)

// Valid reports whether r is one of the reasons.
func (r EscalationReason) Valid() bool {
	return r == ReasonNotConfirmed || r == ReasonNoColleagues || r == ReasonUndelivered
}

// OfficialAlert is the escalation of an emergency step to the responsible
// official of the territory (the Funzionario P.O.), as a message: the
// situation, why it reaches them (a step not confirmed in time, nobody on
// duty to alert, an alert that could not be delivered), and what to do:
// make sure the Operations Centre has been called, or call it, and reach
// the operator who raised the alarm. It is Urgent and names no service
// user.
type OfficialAlert struct {
	// Key is the idempotency key of the message: one line, without
	// control characters.
	Key string `json:"key" validate:"required,max=200,line"`
	// To is the responsible official.
	To Staff `json:"to"`
	// Incident is the incident as reported.
	Incident Incident `json:"incident" validate:"-"`
	// At is when the alarm was raised, in the time zone it is to be read
	// in; the zero time leaves it out.
	At time.Time `json:"at"`
	// Step is the step escalated: [StepAlertColleagues] or
	// [StepCallOperationsCentre].
	Step guideline.StepID `json:"step" validate:"emergency_step"`
	// Reason is why.
	Reason EscalationReason `json:"reason" validate:"reason"`
	// After is how long the step waited for its confirmation; required
	// with [ReasonNotConfirmed], unused otherwise.
	After guideline.Duration `json:"after"`
	// Number is the Operations Centre's number.
	Number guideline.Phone `json:"number" validate:"required,phone"`
	// Silent says that the alarm is silent (the operator gave their
	// duress code): instead of asking the official to contact the
	// operator, the alert asks them not to, and to send other staff.
	Silent bool `json:"silent,omitempty"`
	// Language is the language of the message: Italian by default, or
	// English.
	Language language.Tag `json:"-"`
}

// Message renders the official's alert as an Urgent message in
// o.Language, like [Alert.Message].
func (o OfficialAlert) Message(c *guideline.Catalog) (notify.Message, error) {
	v := validator()
	fs := structErrors(v, o)
	if o.Reason == ReasonNotConfirmed && o.After <= 0 {
		fs = append(fs, v.Fail("after", "duration", ""))
	}
	fs = append(fs, o.Incident.fieldErrors("incident.")...)
	if len(fs) > 0 {
		return notify.Message{}, fmt.Errorf("%w: %w", ErrAlert, &guideline.ValidationError{Fields: fs})
	}
	c, err := catalogOrDefault(c)
	if err != nil {
		return notify.Message{}, err
	}
	lang := c.Language(o.Language)
	p := c.Printer(lang)
	lines := situation(p, o.Incident, o.At)
	switch o.Reason {
	case ReasonNotConfirmed:
		lines = append(lines, p.Sprintf(keyOfficialNotConfirmed, p.Sprintf(o.Step.NameKey()), o.After.Text(p)))
	case ReasonNoColleagues:
		lines = append(lines, p.Sprintf(keyOfficialNoColleagues))
	case ReasonUndelivered:
		lines = append(lines, p.Sprintf(keyOfficialUndelivered))
	}
	reach := p.Sprintf(keyOfficialReach, o.Incident.Reporter.Name)
	switch ph := o.Incident.Reporter.Phone; {
	case o.Silent:
		reach = p.Sprintf(keyOfficialSilent, o.Incident.Reporter.Name)
	case ph != "":
		reach = p.Sprintf(keyOfficialReachPhone, o.Incident.Reporter.Name, ph.Display())
	}
	lines = append(lines,
		p.Sprintf(keyOfficialWhy),
		"",
		p.Sprintf(keyAlertToDo),
		p.Sprintf(keyOfficialCheck, o.Number.Display(), o.Number.URI()),
		reach,
	)
	return notify.Message{
		Key:      o.Key,
		Kind:     KindOfficialAlert,
		Priority: notify.Urgent,
		To:       []notify.Recipient{o.To.Recipient()},
		Subject:  p.Sprintf(keyOfficialSubject, o.Incident.Venue.Name),
		Text:     strings.Join(lines, "\n") + "\n",
		HTML:     htmlBody(p, lang, o.Number, lines),
		Language: lang,
	}, nil
}
