package guideline

import (
	"time"

	"golang.org/x/text/message"
)

// Days is a count of calendar days. A term of n days from an event ends
// at the end of the n-th day after the day of the event, in the policy's
// time zone (the day of the event is not counted, as Italian law counts
// terms): see [Days.Deadline].
type Days int

// Text returns the count with its unit, such as "7 giorni".
func (n Days) Text(p *message.Printer) string { return sprintf(p, keyDays, int(n)) }

// Deadline returns the end of a term of n days from t: the last instant
// of the n-th calendar day after t's date in loc (UTC if nil). A term of
// 2 days from 3 November at 10:00 ends at the end of 5 November.
func (n Days) Deadline(t time.Time, loc *time.Location) time.Time {
	if loc == nil {
		loc = time.UTC
	}
	y, m, d := t.In(loc).Date()
	return time.Date(y, m, d+int(n)+1, 0, 0, 0, 0, loc).Add(-time.Nanosecond)
}

// Basis says where a supplementary rule's term comes from.
type Basis string

// The bases of a supplementary rule.
const (
	// BasisLaw: the term is set by law; the policy may only shorten it.
	BasisLaw Basis = "law"
	// BasisMunicipal: the term is the municipality's choice.
	BasisMunicipal Basis = "municipal"
)

// The rules of the policy that go beyond the document: check-in sessions
// for risky visits and the employer's duties after an incident.
const (
	// RuleCheckoutGracePeriod: a check-in session not closed within the
	// grace period after its expected end raises an emergency incident.
	RuleCheckoutGracePeriod RuleID = "checkout_grace_period"
	// RuleSupportOffered: support is offered to the staff involved in an
	// incident in time.
	RuleSupportOffered RuleID = "support_offered"
	// RuleInjuryReport: the injury report to INAIL is filed in time.
	RuleInjuryReport RuleID = "injury_report"
	// RuleCommandEvaluation: the Command evaluates the patrol's report in
	// time.
	RuleCommandEvaluation RuleID = "command_evaluation"
)

// SupplementaryRule is a rule of the policy that the document does not
// contain, with where its term comes from.
type SupplementaryRule struct {
	// ID identifies the rule.
	ID RuleID
	// Basis says whether the term is set by law or by the municipality.
	Basis Basis
	// Law cites the law that sets the term; empty when the municipality
	// sets it.
	Law string
}

// SupplementaryRules returns the rules of the policy that go beyond the
// document, in the order of an incident's life.
func SupplementaryRules() []SupplementaryRule {
	return []SupplementaryRule{
		{RuleCheckoutGracePeriod, BasisMunicipal, ""},
		{RuleSupportOffered, BasisMunicipal, ""},
		{RuleInjuryReport, BasisLaw, "DPR 1124/1965, art. 53"},
		{RuleCommandEvaluation, BasisMunicipal, ""},
	}
}

// supplementaryRuleText renders the supplementary rules that take a value.
func supplementaryRuleText(p *message.Printer, pol Policy, id RuleID) (string, bool) {
	switch id {
	case RuleCheckoutGracePeriod:
		return sprintf(p, id.MessageKey(), pol.CheckoutGracePeriod.Text(p)), true
	case RuleSupportOffered:
		return sprintf(p, id.MessageKey(), pol.SupportOfferedDays.Text(p)), true
	case RuleInjuryReport:
		return sprintf(p, id.MessageKey(), pol.InjuryReportDays.Text(p)), true
	case RuleCommandEvaluation:
		return sprintf(p, id.MessageKey(), pol.CommandEvaluationDays.Text(p)), true
	}
	return "", false
}

const keyDays = "policy.days"

func supplementaryTexts() []Text {
	return []Text{
		NewCountText(keyDays, "%d giorno", "%d giorni", "%d day", "%d days"),
		NewText(RuleCheckoutGracePeriod.MessageKey(),
			"Se una sessione di visita per un colloquio o una visita domiciliare a rischio non è chiusa entro %s dall'orario di fine previsto, la procedura apre d'ufficio un'emergenza per quel luogo. Il termine è fissato dall'ente.",
			"If a check-in session for a risky interview or home visit is not closed within %s of its expected end, the procedure raises an emergency for that place. The term is set by the municipality."),
		NewText(RuleSupportOffered.MessageKey(),
			"Entro %s dalla segnalazione di un'aggressione, al personale coinvolto è offerto sostegno psicologico e legale. Il termine è fissato dall'ente.",
			"Within %s of the report of an aggression, psychological and legal support is offered to the staff involved. The term is set by the municipality."),
		NewText(RuleInjuryReport.MessageKey(),
			"In caso di infortunio con prognosi superiore a tre giorni, la denuncia all'INAIL è presentata entro %s dalla notizia dell'infortunio (DPR 1124/1965, art. 53: termine di legge).",
			"For an injury with a prognosis over three days, the injury report to INAIL is filed within %s of learning of it (DPR 1124/1965, art. 53: a term set by law)."),
		NewText(RuleCommandEvaluation.MessageKey(),
			"Il Comando valuta la relazione della pattuglia e condivide con la Direzione quanto utile entro %s dalla relazione. Il termine è fissato dall'ente.",
			"The Command evaluates the patrol's report and shares what is useful with the Directorate within %s of the report. The term is set by the municipality."),
	}
}
