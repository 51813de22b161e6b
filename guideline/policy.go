package guideline

import (
	"encoding/json"
	"time"
)

// WorkingDays is a count of working days: Monday to Friday, except Italian
// public holidays and the local holidays of the [Policy].
type WorkingDays int

// Duration is a [time.Duration] written in JSON as a Go duration string
// ("90s", "2m"). A string that cannot be read decodes to -1, which
// validation reports on the field that held it.
type Duration time.Duration

// MarshalJSON writes the duration as a string such as "2m0s".
func (d Duration) MarshalJSON() ([]byte, error) {
	return json.Marshal(time.Duration(d).String())
}

// UnmarshalJSON reads a duration string. It never fails on a malformed
// string: it stores -1 so that validation can name the field.
func (d *Duration) UnmarshalJSON(b []byte) error {
	var s string
	if json.Unmarshal(b, &s) != nil {
		*d = -1
		return nil
	}
	v, err := time.ParseDuration(s)
	if err != nil {
		v = -1
	}
	*d = Duration(v)
	return nil
}

// Std returns d as a [time.Duration].
func (d Duration) Std() time.Duration { return time.Duration(d) }

// Policy holds the values the document leaves to the municipality.
type Policy struct {
	// MinLeadTime is the least advance notice, in working days, with which
	// a preventive request must reach the recipients ("congruo anticipo").
	// The document sets no number; Milan's default is 3 working days, time
	// for the Command to make the checks the document mentions.
	MinLeadTime WorkingDays `json:"min_lead_time_working_days" validate:"gte=1,lte=60"`
	// AlertColleaguesTimeout is how long step 1 of an emergency (calling
	// other staff) may stay unconfirmed before the library escalates. The
	// document says "prontamente, senza indugio"; default 1 minute.
	AlertColleaguesTimeout Duration `json:"alert_colleagues_timeout" validate:"duration"`
	// CallOperationsCentreTimeout is how long step 2 (the call to the shift
	// supervisor) may stay unconfirmed after step 1 before the library
	// escalates. The document says "immediatamente"; default 2 minutes.
	CallOperationsCentreTimeout Duration `json:"call_operations_centre_timeout" validate:"duration"`
	// UrgentDeliveryDeadline is how long an urgent message may wait for
	// delivery on its first channel before it also goes to the fallback
	// channel; default 60 seconds.
	UrgentDeliveryDeadline Duration `json:"urgent_delivery_deadline" validate:"duration"`
	// Escalation is the escalation ladder of the two time-critical steps
	// of an emergency, as rungs in any order: what the library does, and
	// when, while a step stays unconfirmed. A step with no rung here has
	// the default ladder derived from its timeout (see [Policy.Ladder]);
	// Milan's guideline keeps the defaults, so this is empty.
	Escalation []EscalationRung `json:"escalation,omitempty" validate:"omitempty,max=30,dive"`
	// TimeZone is the IANA name of the municipality's time zone; "Europe/Rome".
	TimeZone string `json:"time_zone" validate:"required,timezone"`
	// LocalHolidays are days off besides the national holidays, as "MM-DD":
	// in Milan, "12-07", Sant'Ambrogio.
	LocalHolidays []string `json:"local_holidays,omitempty" validate:"omitempty,dive,monthday"`

	// The values below go beyond the document (see [SupplementaryRules]).

	// CheckoutGracePeriod is how long after the expected end of a
	// check-in session (a risky interview or home visit) the library waits
	// for the check-out before it raises an emergency incident for the
	// place. The document has no check-in sessions: the municipality sets
	// it; Milan's default is 10 minutes.
	CheckoutGracePeriod Duration `json:"checkout_grace_period" validate:"duration"`
	// SupportOfferedDays is within how many days of an incident's report
	// psychological and legal support must be offered to the staff
	// involved. Regione Lombardia's 2025 guidance asks employers to
	// provide it without setting a term: the municipality sets it;
	// default 7 days.
	SupportOfferedDays Days `json:"support_offered_days" validate:"gte=1,lte=90"`
	// InjuryReportDays is within how many days of learning of an injury
	// with a prognosis over three days the employer files the injury
	// report to INAIL. The law sets 2 days (DPR 1124/1965, art. 53): a
	// municipality may shorten it, never lengthen it.
	InjuryReportDays Days `json:"injury_report_days" validate:"gte=1,lte=2"`
	// CommandEvaluationDays is within how many days of the patrol's
	// report the Command evaluates it and shares what is useful with the
	// Directorate (step 4). The document sets no term: the municipality
	// sets it; default 15 days.
	CommandEvaluationDays Days `json:"command_evaluation_days" validate:"gte=1,lte=365"`
}

// RuleID identifies a rule of the policy, for citing and printing it.
type RuleID string

// The rules of the policy.
const (
	// RuleMinLeadTime: a preventive request is sent with adequate notice.
	RuleMinLeadTime RuleID = "min_lead_time"
	// RuleRecordRequests: every preventive request sent is recorded.
	RuleRecordRequests RuleID = "record_requests"
	// RuleAlertColleaguesTimeout: step 1 of an emergency is confirmed in time.
	RuleAlertColleaguesTimeout RuleID = "alert_colleagues_timeout"
	// RuleCallOperationsCentreTimeout: step 2 of an emergency is confirmed in time.
	RuleCallOperationsCentreTimeout RuleID = "call_operations_centre_timeout"
)

// MessageKey is the catalog key of the rule's text.
func (id RuleID) MessageKey() string { return "rule." + string(id) }

// Rule is one rule of the policy with the clause of the document it comes
// from.
type Rule struct {
	// ID identifies the rule.
	ID RuleID
	// Clause is where the document says it.
	Clause Clause
}

// Rules returns the rules of the policy with their clauses, in the order of
// the document.
func Rules() []Rule {
	return []Rule{
		{RuleMinLeadTime, Clause{Phase: PhasePreventive, Paragraph: 3}},
		{RuleRecordRequests, Clause{Phase: PhasePreventive, Paragraph: 3}},
		{RuleAlertColleaguesTimeout, Clause{Phase: PhaseEmergency, Paragraph: 1, Item: 1}},
		{RuleCallOperationsCentreTimeout, Clause{Phase: PhaseEmergency, Paragraph: 1, Item: 2}},
	}
}
