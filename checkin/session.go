package checkin

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/sostegno/sostegno/incident"
	"github.com/sostegno/sostegno/register"
)

// ID identifies a check-in session and is its register stream:
// "checkin/" followed by 20 lower-case hexadecimal digits (80 random
// bits), such as "checkin/4f1c0a9e27b3d5c8e601". It says nothing of the
// person or the place.
type ID string

// Stream prefixes.
const (
	// StreamPrefix starts every session's stream.
	StreamPrefix = "checkin/"
	// AlarmStreamPrefix starts the stream of each duress alarm, followed
	// by 20 random hexadecimal digits: a stream apart from the session's,
	// whose name does not name the session.
	AlarmStreamPrefix = "checkin.alarm/"
)

const idDigits = 20

func randomName(prefix string) (string, error) {
	b := make([]byte, idDigits/2)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("checkin: random identifier: %w", err)
	}
	return prefix + hex.EncodeToString(b), nil
}

// ParseID checks that s is a session ID and returns it; the error does
// not repeat s.
func ParseID(s string) (ID, error) {
	rest, ok := strings.CutPrefix(s, StreamPrefix)
	if !ok || len(rest) != idDigits || strings.Trim(rest, "0123456789abcdef") != "" {
		return "", &Error{Reason: ReasonUnknownSession}
	}
	return ID(s), nil
}

// Kinds of the entries of check-in sessions. A session's stream holds
// KindStarted, then any KindCodeRefused, then KindCheckedOut or
// KindMissed (and KindIncidentRaised once the incident exists; a
// KindCheckedOut may follow a KindMissed, when the operator checks out
// late). A duress alarm's stream holds KindDuressRaised then
// KindIncidentRaised.
const (
	// KindStarted: an operator started a session. Data: DataExpectedEnd,
	// DataGracePeriod, DataDueAt, DataMaxAttempts and DataRequest when
	// linked; Personal (sealed): the venue and the operator.
	KindStarted = "checkin.started"
	// KindCheckedOut: the session was closed with a code. Written the
	// same way, byte for byte in its Data, whether the code was the
	// check-out code or the duress code. Data: DataLate.
	KindCheckedOut = "checkin.checked_out"
	// KindCodeRefused: a wrong code was given. Data: DataAttempt.
	KindCodeRefused = "checkin.code_refused"
	// KindMissed: the session was not closed by its due time, or too many
	// wrong codes were given: an emergency is being raised. Data:
	// DataReason. It is written before the incident is raised (the
	// intent), and the incident's ID derives from its sequence number
	// ([AlarmIncidentID]).
	KindMissed = "checkin.missed"
	// KindDuressRaised: a duress code was given. Written in a stream of
	// its own ([AlarmStreamPrefix]), in the same append as the session's
	// KindCheckedOut; its link to the session is only in its sealed
	// Personal data. The incident's ID derives from its sequence number.
	KindDuressRaised = "checkin.duress_raised"
	// KindIncidentRaised: the incident of a missed check-out or of a
	// duress alarm exists. Data: DataIncident.
	KindIncidentRaised = "checkin.incident_raised"
)

// Kinds returns the kinds of this package's entries.
func Kinds() []string {
	return []string{KindStarted, KindCheckedOut, KindCodeRefused, KindMissed, KindDuressRaised, KindIncidentRaised}
}

// Names of the Data fields of the sessions' entries; none holds personal
// data.
const (
	// DataExpectedEnd: when the visit is expected to end, RFC 3339.
	DataExpectedEnd = "expected_end"
	// DataGracePeriod: the policy's grace period when the session
	// started, as a Go duration ("10m0s"); a later change of policy does
	// not move a running session's due time.
	DataGracePeriod = "grace_period"
	// DataDueAt: the expected end plus the grace period, RFC 3339: when a
	// session not closed raises an emergency.
	DataDueAt = "due_at"
	// DataMaxAttempts: how many wrong codes lock the session.
	DataMaxAttempts = "max_attempts"
	// DataRequest: the stream of the preventive request of the same
	// appointment, such as "request/2026-000123".
	DataRequest = "request"
	// DataLate: whether the check-out came after the due time.
	DataLate = "late"
	// DataAttempt: the number of the wrong code, from 1.
	DataAttempt = "attempt"
	// DataReason: why a session was missed, [MissedDeadline] or
	// [MissedTooManyAttempts].
	DataReason = "reason"
	// DataIncident: the ID of the incident raised.
	DataIncident = "incident"
)

// Reasons of a [KindMissed] entry.
const (
	// MissedDeadline: not closed by its due time.
	MissedDeadline = "deadline"
	// MissedTooManyAttempts: too many wrong codes.
	MissedTooManyAttempts = "too_many_attempts"
)

// AlarmNumberBase is added to the register sequence number of the entry
// recording an alarm's intent ([KindMissed] or [KindDuressRaised]) to
// make the number of its incident: incident numbers above
// incident.AlarmNumberBase (900 000 000 000), the same constant, are
// reserved to the alarms of check-in sessions, which neither a
// municipality's own numbering nor the provisional IDs of unrecorded
// reports reach.
const AlarmNumberBase = incident.AlarmNumberBase

// AlarmIncidentID returns the ID of the incident raised by the alarm
// whose intent is the entry e: year of e's time in loc, number
// [AlarmNumberBase] plus e.Seq. Being derived from the register, it is
// the same after a restart, so an alarm raises one incident however many
// times a crash interrupts it.
func AlarmIncidentID(e register.Entry, loc *time.Location) (incident.ID, error) {
	if loc == nil {
		loc = time.UTC
	}
	if e.Seq == 0 || e.Seq > incident.MaxIDNumber-AlarmNumberBase {
		return "", fmt.Errorf("checkin: entry %d: no incident number for it", e.Seq)
	}
	return incident.NewID(e.Time.In(loc).Year(), AlarmNumberBase+e.Seq)
}

// Status is where a session stands.
type Status string

// The statuses of a session.
const (
	// StatusOpen: started, not closed, not yet due.
	StatusOpen Status = "open"
	// StatusCheckedOut: closed with a code (the check-out or the duress
	// code: the session does not say which).
	StatusCheckedOut Status = "checked_out"
	// StatusMissed: not closed in time, or locked after too many wrong
	// codes: an emergency was raised (or is being raised).
	StatusMissed Status = "missed"
)

// Session is a check-in session as its stream shows it. It holds no
// personal data: the venue and the operator's name are sealed in the
// register.
type Session struct {
	// ID identifies the session.
	ID ID
	// Operator is the staff ID of the operator.
	Operator string
	// Territory is the territory of the venue, possibly empty.
	Territory string
	// Started is when the session started.
	Started time.Time
	// ExpectedEnd is when the visit was expected to end.
	ExpectedEnd time.Time
	// DueAt is ExpectedEnd plus the grace period.
	DueAt time.Time
	// Request is the stream of the linked preventive request, if any.
	Request string
	// Status is where the session stands.
	Status Status
	// CheckedOut is when it was closed; zero if it was not.
	CheckedOut time.Time
	// Attempts is how many wrong codes were given.
	Attempts int
	// MaxAttempts is how many wrong codes lock it.
	MaxAttempts int
	// Incident is the incident raised by a missed check-out, once raised.
	Incident incident.ID
	// Version is the version of the session's stream.
	Version uint64
}

// state is a session or alarm folded from its stream.
type state struct {
	Session
	started register.Entry // the KindStarted entry, for unsealing
	intent  register.Entry // the KindMissed or KindDuressRaised entry
	alarm   bool           // a duress alarm's stream
	raised  bool
}

type startedData struct {
	ExpectedEnd time.Time `json:"expected_end"`
	GracePeriod string    `json:"grace_period"`
	DueAt       time.Time `json:"due_at"`
	MaxAttempts int       `json:"max_attempts"`
	Request     string    `json:"request,omitempty"`
}

// apply folds one entry into the state of its stream.
func (s *state) apply(e register.Entry) {
	s.Version = e.Version
	switch e.Kind {
	case KindStarted:
		var d startedData
		_ = json.Unmarshal(e.Data, &d) // written by Start; a bad one leaves zeros
		s.ID, s.Operator, s.Territory, s.Started = ID(e.Stream), e.Actor.ID, e.Territory, e.Time
		s.ExpectedEnd, s.DueAt, s.Request, s.MaxAttempts = d.ExpectedEnd, d.DueAt, d.Request, d.MaxAttempts
		s.Status, s.started = StatusOpen, e
	case KindCodeRefused:
		s.Attempts++
	case KindCheckedOut:
		s.Status, s.CheckedOut = StatusCheckedOut, e.Time
	case KindMissed:
		if s.Status == StatusOpen {
			s.Status = StatusMissed
		}
		s.intent = e
	case KindDuressRaised:
		s.alarm, s.intent = true, e
	case KindIncidentRaised:
		s.raised = true
		var d struct {
			Incident incident.ID `json:"incident"`
		}
		_ = json.Unmarshal(e.Data, &d)
		if !s.alarm {
			s.Incident = d.Incident
		}
	}
}

// personal is the sealed part of a KindStarted or KindDuressRaised entry.
type personal struct {
	Venue    venueJSON    `json:"venue"`
	Operator operatorJSON `json:"operator"`
	Session  ID           `json:"session,omitempty"`
}

type venueJSON struct {
	Name      string `json:"name"`
	Address   string `json:"address"`
	Territory string `json:"territory,omitempty"`
}

type operatorJSON struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Role     string `json:"role,omitempty"`
	Email    string `json:"email,omitempty"`
	Phone    string `json:"phone,omitempty"`
	Endpoint string `json:"endpoint,omitempty"`
}
