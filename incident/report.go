package incident

import (
	"slices"

	"golang.org/x/text/message"
)

// ReportField names one part of the patrol's report (step 4): the unit in
// which the Command chooses what to share with the Social Policies
// Directorate.
type ReportField string

// The parts of a patrol's report.
const (
	// ReportSummary: what the patrol found on arrival.
	ReportSummary ReportField = "summary"
	// ReportActions: what the patrol did.
	ReportActions ReportField = "actions"
	// ReportPeople: who was identified.
	ReportPeople ReportField = "people_identified"
	// ReportInjuries: who was hurt, and how.
	ReportInjuries ReportField = "injuries"
	// ReportOutcome: how it ended (a complaint, an arrest, a referral).
	ReportOutcome ReportField = "outcome"
)

var reportFieldNames = map[ReportField][2]string{
	ReportSummary:  {"Situazione rilevata", "Situation found"},
	ReportActions:  {"Attività svolte", "Actions taken"},
	ReportPeople:   {"Persone identificate", "People identified"},
	ReportInjuries: {"Feriti", "Injuries"},
	ReportOutcome:  {"Esito", "Outcome"},
}

// ReportFields returns every part of a report, in order.
func ReportFields() []ReportField {
	return []ReportField{ReportSummary, ReportActions, ReportPeople, ReportInjuries, ReportOutcome}
}

// Valid reports whether f is one of [ReportFields].
func (f ReportField) Valid() bool { return slices.Contains(ReportFields(), f) }

// NameKey is the catalog key of the part's name.
func (f ReportField) NameKey() string { return "incident.report." + string(f) }

// Name returns the part's name in the printer's language.
func (f ReportField) Name(p *message.Printer) string { return p.Sprintf(f.NameKey()) }

// PatrolReport is the report of the patrol that intervened (step 4), for
// the Command. Every part is [Private]: the register seals the report,
// and the Command shares with the Directorate a copy holding only the
// parts it chooses ([PatrolReport.Filter]), sealed on its own.
type PatrolReport struct {
	// Summary is what the patrol found on arrival.
	Summary Private `json:"summary"`
	// Actions is what the patrol did.
	Actions Private `json:"actions"`
	// PeopleIdentified is who was identified.
	PeopleIdentified Private `json:"people_identified"`
	// Injuries is who was hurt, and how.
	Injuries Private `json:"injuries"`
	// Outcome is how it ended.
	Outcome Private `json:"outcome"`
}

// Field returns the part f of the report.
func (r PatrolReport) Field(f ReportField) Private {
	switch f {
	case ReportSummary:
		return r.Summary
	case ReportActions:
		return r.Actions
	case ReportPeople:
		return r.PeopleIdentified
	case ReportInjuries:
		return r.Injuries
	case ReportOutcome:
		return r.Outcome
	}
	return Private{}
}

func (r *PatrolReport) set(f ReportField, p Private) {
	switch f {
	case ReportSummary:
		r.Summary = p
	case ReportActions:
		r.Actions = p
	case ReportPeople:
		r.PeopleIdentified = p
	case ReportInjuries:
		r.Injuries = p
	case ReportOutcome:
		r.Outcome = p
	}
}

// Fields returns the parts of the report that hold something, in order.
func (r PatrolReport) Fields() []ReportField {
	var out []ReportField
	for _, f := range ReportFields() {
		if !r.Field(f).IsZero() {
			out = append(out, f)
		}
	}
	return out
}

// Filter returns a copy of the report holding only the parts fields, and
// nothing else: what the Command shares with the Directorate.
func (r PatrolReport) Filter(fields ...ReportField) PatrolReport {
	var out PatrolReport
	for _, f := range fields {
		out.set(f, r.Field(f))
	}
	return out
}

// clear returns the report's parts in clear, for the sealed part of its
// entry.
func (r PatrolReport) clear() map[ReportField]string {
	m := map[ReportField]string{}
	for _, f := range r.Fields() {
		m[f] = r.Field(f).Reveal()
	}
	return m
}

// reportFrom returns the report whose parts in clear are m.
func reportFrom(m map[ReportField]string) PatrolReport {
	var r PatrolReport
	for f, s := range m {
		r.set(f, NewPrivate(s))
	}
	return r
}
