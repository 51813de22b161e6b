package request

import (
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/sostegno/sostegno/guideline"
	"github.com/sostegno/sostegno/register"
)

// ID identifies a preventive request. It is also the name of the
// request's stream in the register: "request/" followed by the year and a
// six-digit number, such as "request/2026-000123". It holds no personal
// data. Build one with [NewID] or [ParseID].
type ID string

// ErrID is wrapped by the errors of [NewID] and [ParseID].
var ErrID = errors.New("request: invalid request ID")

// idPrefix starts every request ID; it is the register's stream prefix.
const idPrefix = "request/"

// MaxIDNumber is the largest number of a request in one year.
const MaxIDNumber = 999999

// NewID returns the ID of the n-th request of year, such as
// "request/2026-000123" for NewID(2026, 123). The year is 1000–9999 and n
// 1–[MaxIDNumber]; numbering is the caller's business (typically a counter
// per year kept by the application).
func NewID(year, n int) (ID, error) {
	if year < 1000 || year > 9999 || n < 1 || n > MaxIDNumber {
		return "", fmt.Errorf("%w: year %d, number %d out of range", ErrID, year, n)
	}
	return ID(fmt.Sprintf("%s%04d-%06d", idPrefix, year, n)), nil
}

// ParseID checks that s is a request ID as [NewID] makes them.
func ParseID(s string) (ID, error) {
	id := ID(s)
	if !id.Valid() {
		return "", fmt.Errorf("%w: want the form request/YYYY-NNNNNN", ErrID)
	}
	return id, nil
}

// Valid reports whether id has the form of [NewID].
func (id ID) Valid() bool {
	s := string(id)
	if len(s) != len(idPrefix)+11 || s[:len(idPrefix)] != idPrefix {
		return false
	}
	s = s[len(idPrefix):]
	for i := range len(s) {
		if i == 4 {
			if s[i] != '-' {
				return false
			}
		} else if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return s[0] != '0' && s[5:] != "000000"
}

// Stream returns the name of the request's stream in the register: the ID
// itself.
func (id ID) Stream() string { return string(id) }

// Reference returns the ID without its "request/" prefix, as a person
// quotes it in a letter: "2026-000123".
func (id ID) Reference() string {
	s := string(id)
	if len(s) > len(idPrefix) && s[:len(idPrefix)] == idPrefix {
		return s[len(idPrefix):]
	}
	return s
}

// String returns the ID.
func (id ID) String() string { return string(id) }

// Sex is the sex recorded on the codice fiscale: "M" or "F".
type Sex string

// The two values of [Sex].
const (
	// SexMale is "M".
	SexMale Sex = "M"
	// SexFemale is "F".
	SexFemale Sex = "F"
)

// Valid reports whether s is "M" or "F".
func (s Sex) Valid() bool { return s == SexMale || s == SexFemale }

// PersonalData is the service user's personal data (dati anagrafici), as
// the guideline asks a preventive request to carry. All of it is personal:
// PersonalData prints itself redacted (String, every fmt verb, slog and
// JSON); storage goes through [MarshalPersonal] and is sealed by the
// register.
type PersonalData struct {
	// GivenName is the given name (nome), as on the identity document.
	GivenName string `json:"given_name" validate:"notblank,maxchars=100"`
	// FamilyName is the family name (cognome), as on the identity document.
	FamilyName string `json:"family_name" validate:"notblank,maxchars=100"`
	// BirthDate is the date of birth; only its year, month and day, in its
	// own location, count.
	BirthDate time.Time `json:"birth_date" validate:"required"`
	// BirthPlace is the municipality of birth, or the foreign state for a
	// person born abroad.
	BirthPlace string `json:"birth_place" validate:"notblank,maxchars=100"`
	// Sex is the sex recorded on the codice fiscale.
	Sex Sex `json:"sex" validate:"sex"`
	// CodiceFiscale is the tax code; it must be well formed and agree with
	// the names, the date of birth and the sex.
	CodiceFiscale CodiceFiscale `json:"codice_fiscale" validate:"codice_fiscale"`
	// Residence is the address of residence (or of usual abode), as
	// written on a letter.
	Residence string `json:"residence" validate:"notblank,maxchars=300"`
}

// ServiceUser is the person served (utente) whom the request concerns.
// The whole of it is personal data and prints itself redacted.
type ServiceUser struct {
	// PersonalData is the service user's personal data.
	PersonalData PersonalData `json:"personal_data"`
}

// AppointmentKind says what the appointment is: a scheduled interview or a
// reception of the public, the two occasions the guideline names.
type AppointmentKind string

// The kinds of appointment.
const (
	// ScheduledInterview is a scheduled interview (colloquio programmato).
	ScheduledInterview AppointmentKind = "scheduled_interview"
	// Reception is a reception of the public (ricevimento di utenza).
	Reception AppointmentKind = "reception"
)

// Valid reports whether k is ScheduledInterview or Reception.
func (k AppointmentKind) Valid() bool { return k == ScheduledInterview || k == Reception }

// MessageKey is the catalog key of the kind's name.
func (k AppointmentKind) MessageKey() string { return "request.kind." + string(k) }

// MaxAppointmentDuration is the longest expected duration of an
// appointment: a working day.
const MaxAppointmentDuration = 12 * time.Hour

// Appointment is the interview or reception for which a precautionary
// presence is asked. It holds no personal data.
type Appointment struct {
	// Kind is a scheduled interview or a reception of the public.
	Kind AppointmentKind `json:"kind" validate:"appointment_kind"`
	// Start is when it begins; it must be in the future.
	Start time.Time `json:"start" validate:"required"`
	// Duration is how long it is expected to last, at most
	// [MaxAppointmentDuration].
	Duration guideline.Duration `json:"expected_duration" validate:"expected_duration"`
	// Venue is where it takes place; its Territory must be one of the
	// guideline's territories.
	Venue guideline.Venue `json:"venue"`
}

// End returns Start plus the expected duration.
func (a Appointment) End() time.Time { return a.Start.Add(a.Duration.Std()) }

// Official is the person who sends the request: the responsible official
// (Funzionario P.O.) of the Professional Social Service competent for the
// territory. An official is staff, not a service user: the name and
// address are not redacted.
type Official struct {
	// Role must be [guideline.RoleResponsibleOfficial].
	Role guideline.Role `json:"role" validate:"requesting_role"`
	// ID identifies the official (a staff number), as in the register's
	// entries.
	ID string `json:"id" validate:"notblank,maxchars=64"`
	// Name is the official's name as signed under the request.
	Name string `json:"name" validate:"notblank,maxchars=200"`
	// Email is the official's address, for the recipients' replies.
	Email string `json:"email" validate:"required,email,maxchars=254"`
}

// Actor returns the official as the actor of a register entry.
func (o Official) Actor() register.Actor { return register.Actor{Role: o.Role, ID: o.ID} }

// Lengths of the summary of the facts, in characters.
const (
	// MinFactsLength is the shortest summary of the facts: a few lines, so
	// that the Command can judge whether police support is warranted.
	MinFactsLength = 50
	// MaxFactsLength is the longest summary: the document asks for a
	// summary, not a file.
	MaxFactsLength = 4000
)

// Facts is the summary description of the facts (sommaria descrizione dei
// fatti): why the service fears for its staff. It is between
// [MinFactsLength] and [MaxFactsLength] characters. It is personal data and
// prints itself redacted.
type Facts string

// Note is free text about the service user, such as the reason for short
// notice: personal data, printed redacted.
type Note string

// MaxNoteLength is the longest [Note], in characters.
const MaxNoteLength = 1000

// RiskFactor is one of the risk factors a request may report, from a
// closed list. The codes describe the service user (health, record), so
// they are stored with the personal data, sealed, never in an entry's
// Data.
type RiskFactor string

// The risk factors.
const (
	// RiskPreviousAggression: previous aggression against staff.
	RiskPreviousAggression RiskFactor = "previous_aggression"
	// RiskThreats: threats made against staff or the service.
	RiskThreats RiskFactor = "threats"
	// RiskWeapons: known possession or use of weapons or objects that can
	// wound.
	RiskWeapons RiskFactor = "weapons"
	// RiskSubstanceAbuse: alcohol or drug abuse.
	RiskSubstanceAbuse RiskFactor = "substance_abuse"
	// RiskMentalDistress: severe mental distress.
	RiskMentalDistress RiskFactor = "mental_distress"
	// RiskAdverseDecision: the appointment communicates an adverse decision
	// (removal of children, withdrawal of a benefit, an eviction).
	RiskAdverseDecision RiskFactor = "adverse_decision"
	// RiskViolentRecord: a known record of violent offences.
	RiskViolentRecord RiskFactor = "violent_record"
	// RiskHostileCompanions: hostile relatives or companions expected.
	RiskHostileCompanions RiskFactor = "hostile_companions"
	// RiskPropertyDamage: previous damage to the service's property.
	RiskPropertyDamage RiskFactor = "property_damage"
)

// RiskFactors returns every risk factor in the order a form lists them.
func RiskFactors() []RiskFactor {
	return []RiskFactor{
		RiskPreviousAggression, RiskThreats, RiskWeapons, RiskSubstanceAbuse, RiskMentalDistress,
		RiskAdverseDecision, RiskViolentRecord, RiskHostileCompanions, RiskPropertyDamage,
	}
}

// Valid reports whether r is one of [RiskFactors].
func (r RiskFactor) Valid() bool { return slices.Contains(RiskFactors(), r) }

// MessageKey is the catalog key of the risk factor's label.
func (r RiskFactor) MessageKey() string { return "request.risk." + string(r) }

// Preventive is a preventive request: the responsible official asks the
// Police Command and the Area Director for a precautionary presence on
// site (presenza cautelativa in loco) at an appointment that may put staff
// at risk.
//
// It holds personal data (the service user, the facts, the risk factors,
// the notes): it prints itself redacted, with String, every fmt verb and
// slog showing only the ID, the kind of appointment, its time and
// territory; encoding/json writes the personal fields redacted. Use
// [MarshalPersonal] and [UnmarshalPersonal] for the complete form, which
// the register seals before storing.
type Preventive struct {
	// ID identifies the request and names its register stream.
	ID ID `json:"id" validate:"request_id"`
	// ServiceUser is the person served.
	ServiceUser ServiceUser `json:"service_user"`
	// Appointment is the interview or reception concerned.
	Appointment Appointment `json:"appointment"`
	// RequestedBy is the responsible official who sends the request.
	RequestedBy Official `json:"requested_by"`
	// Facts is the summary description of the facts.
	Facts Facts `json:"facts" validate:"facts"`
	// RiskFactors are the risk factors observed, from the closed list.
	RiskFactors []RiskFactor `json:"risk_factors,omitempty" validate:"unique,dive,risk_factor"`
	// OtherRiskFactors describes risk factors not in the list.
	OtherRiskFactors Note `json:"other_risk_factors,omitempty" validate:"maxchars=1000"`
	// UrgencyReason says why the request is sent with less notice than the
	// policy's minimum; required then, and recorded.
	UrgencyReason Note `json:"urgency_reason,omitempty" validate:"maxchars=1000"`
}

// Outcome is what happened at the appointment, recorded when a request is
// completed, in the entry's Data under [register.DataOutcome]. It holds no
// personal data.
type Outcome string

// The outcomes of a request.
const (
	// OutcomePresenceProvided: the precautionary presence took place and
	// nothing happened.
	OutcomePresenceProvided Outcome = register.OutcomePresenceProvided
	// OutcomeNoEvent: the appointment took place without a presence and
	// without any event.
	OutcomeNoEvent Outcome = register.OutcomeNoEvent
	// OutcomeIncident: a violent event occurred; the incident's stream is
	// recorded with it.
	OutcomeIncident Outcome = register.OutcomeIncident
	// OutcomeServiceUserAbsent: the service user did not come.
	OutcomeServiceUserAbsent Outcome = register.OutcomeServiceUserAbsent
)

// Outcomes returns every outcome.
func Outcomes() []Outcome {
	return []Outcome{OutcomePresenceProvided, OutcomeNoEvent, OutcomeIncident, OutcomeServiceUserAbsent}
}

// Valid reports whether o is one of [Outcomes].
func (o Outcome) Valid() bool { return slices.Contains(Outcomes(), o) }

// MessageKey is the catalog key of the outcome's name.
func (o Outcome) MessageKey() string { return "request.outcome." + string(o) }
