package register

import (
	"slices"
	"strings"
)

// Kinds of the lifecycle events that the request and incident packages
// append, and that [Log.Summary] reads. Kinds are dotted lower-case names;
// callers may append kinds of their own.
const (
	// KindRequestSubmitted: a preventive request was sent to the Police
	// Command and the Area Director. Data carries [DataAppointment].
	KindRequestSubmitted = "request.submitted"
	// KindRequestInfoRequested: the Command asked for more information.
	KindRequestInfoRequested = "request.info_requested"
	// KindRequestAccepted: a precautionary presence was granted.
	KindRequestAccepted = "request.accepted"
	// KindRequestDeclined: a precautionary presence was refused.
	KindRequestDeclined = "request.declined"
	// KindRequestCompleted: the appointment took place. Data may carry
	// [DataOutcome].
	KindRequestCompleted = "request.completed"
	// KindRequestCancelled: the request was withdrawn.
	KindRequestCancelled = "request.cancelled"

	// KindIncidentReported: a violent event was reported. Data carries
	// [DataIncidentKind].
	KindIncidentReported = "incident.reported"
	// KindIncidentColleaguesAlerted: step 1, other staff on duty alerted.
	KindIncidentColleaguesAlerted = "incident.colleagues_alerted"
	// KindIncidentOperationsCentreCalled: step 2, the Operations Centre's
	// shift supervisor was phoned.
	KindIncidentOperationsCentreCalled = "incident.operations_centre_called"
	// KindIncidentDispatched: step 3, a patrol and/or the Police Forces
	// were sent.
	KindIncidentDispatched = "incident.dispatched"
	// KindIncidentPatrolReportFiled: step 4, the patrol's report reached
	// the Command.
	KindIncidentPatrolReportFiled = "incident.patrol_report_filed"
	// KindIncidentCommandEvaluated: the Command evaluated the report.
	KindIncidentCommandEvaluated = "incident.command_evaluated"
	// KindIncidentSharedWithDirectorate: the Command shared what it learnt
	// with the Social Policies Directorate.
	KindIncidentSharedWithDirectorate = "incident.shared_with_directorate"
	// KindIncidentClosed: the incident was closed.
	KindIncidentClosed = "incident.closed"

	// KindAccess: someone opened personal data or exported the register.
	// Written by the Log itself in [AccessStream]; Data carries
	// [DataPurpose], [DataEntrySeq], [DataEntryStream] and
	// [DataEntryVersion], or
	// [DataExport].
	KindAccess = "register.access"
)

// AccessStream is the stream of the access log. Callers cannot append to
// it: only the Log writes it, when personal data is opened.
const AccessStream = "register.access"

// Names of the Data JSON fields the Log reads or writes. Data is a JSON
// object; other fields are free, but must never hold personal data.
const (
	// DataAppointment, in KindRequestSubmitted: when the scheduled
	// interview or reception takes place, as an RFC 3339 time. The lead
	// time is from the entry's Time to this.
	DataAppointment = "appointment_at"
	// DataOutcome, in KindRequestCompleted (optional): a short code of
	// what happened, one of [Outcomes].
	DataOutcome = "outcome"
	// DataIncidentKind, in KindIncidentReported: the kind of violent event,
	// one of [IncidentKinds].
	DataIncidentKind = "incident_kind"
	// DataPurpose, in KindAccess: why the data was read.
	DataPurpose = "purpose"
	// DataEntrySeq, in KindAccess: the sequence number of the entry read.
	DataEntrySeq = "entry_seq"
	// DataEntryStream, in KindAccess: the stream of the entry read.
	DataEntryStream = "entry_stream"
	// DataEntryVersion, in KindAccess: the version, in its stream, of the
	// entry read.
	DataEntryVersion = "entry_version"
	// DataExport, in KindAccess: the filter of an export with personal
	// data, as an object.
	DataExport = "export"
)

// requestOutcomeKinds are the request kinds counted as outcomes.
var requestOutcomeKinds = []string{
	KindRequestAccepted, KindRequestDeclined, KindRequestCompleted, KindRequestCancelled,
}

// incidentStepKinds are the emergency steps timed from the report, in the
// guideline's order.
var incidentStepKinds = []string{
	KindIncidentColleaguesAlerted,
	KindIncidentOperationsCentreCalled,
	KindIncidentDispatched,
	KindIncidentPatrolReportFiled,
	KindIncidentCommandEvaluated,
	KindIncidentSharedWithDirectorate,
	KindIncidentClosed,
}

// The codes of [DataOutcome]: what became of a completed request.
const (
	// OutcomePresenceProvided: the precautionary presence took place.
	OutcomePresenceProvided = "presence_provided"
	// OutcomeNoEvent: the appointment took place without any event.
	OutcomeNoEvent = "no_event"
	// OutcomeIncident: a violent event occurred; the incident has a stream
	// of its own.
	OutcomeIncident = "incident"
	// OutcomeServiceUserAbsent: the service user did not come.
	OutcomeServiceUserAbsent = "service_user_absent"
)

// Outcomes returns the codes [DataOutcome] may hold; [Log.Append] refuses
// any other.
func Outcomes() []string {
	return []string{OutcomePresenceProvided, OutcomeNoEvent, OutcomeIncident, OutcomeServiceUserAbsent}
}

// The codes of [DataIncidentKind]: the kinds of violent event of the
// guideline.
const (
	// IncidentVerbalAggression: a verbal aggression.
	IncidentVerbalAggression = "verbal_aggression"
	// IncidentPhysicalAggression: a physical aggression.
	IncidentPhysicalAggression = "physical_aggression"
	// IncidentThreat: a threat.
	IncidentThreat = "threat"
	// IncidentDamage: damage to property.
	IncidentDamage = "damage"
)

// IncidentKinds returns the codes [DataIncidentKind] may hold;
// [Log.Append] refuses any other.
func IncidentKinds() []string {
	return []string{IncidentVerbalAggression, IncidentPhysicalAggression, IncidentThreat, IncidentDamage}
}

// IncidentStreamPrefix starts the stream of every incident.
const IncidentStreamPrefix = "incident/"

// ValidIncidentStream reports whether s is the stream of an incident in its
// one canonical form: [IncidentStreamPrefix], the four-digit year of the
// report (0001 to 9999), a hyphen, and the incident's number within the
// year (from 1), padded with zeros to six digits and no further, at most
// twelve digits, such as "incident/2026-000123". It is the form of the
// incident package's IDs.
func ValidIncidentStream(s string) bool {
	rest, ok := strings.CutPrefix(s, IncidentStreamPrefix)
	if !ok {
		return false
	}
	year, n, ok := strings.Cut(rest, "-")
	return ok && len(year) == 4 && digits(year) && strings.Trim(year, "0") != "" &&
		len(n) >= 6 && len(n) <= 12 && digits(n) && strings.Trim(n, "0") != "" &&
		(len(n) == 6 || n[0] != '0')
}

// digits reports whether s is made of ASCII digits only.
func digits(s string) bool {
	for i := range len(s) {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// checkData checks the Data fields the Log reads itself, in the kinds it
// reads them (see [Log.Summary]): it returns the field and the rule broken,
// or "", "". An absent or null field is accepted.
func checkData(kind string, data []byte) (field, rule string) {
	var name string
	var codes []string
	switch kind {
	case KindRequestSubmitted:
		name = DataAppointment
	case KindRequestCompleted:
		name, codes = DataOutcome, Outcomes()
	case KindIncidentReported:
		if field, rule := checkFollowUpData(kind, data); rule != "" {
			return field, rule
		}
		name, codes = DataIncidentKind, IncidentKinds()
	default:
		return checkFollowUpData(kind, data)
	}
	if len(data) == 0 {
		return "", ""
	}
	raw, ok, err := jsonField(data, name)
	if err != nil {
		return "", RuleJSONObject
	}
	if !ok || string(raw) == "null" {
		return "", ""
	}
	if codes == nil {
		if _, ok := jsonTime(raw); !ok {
			return name, RuleTime
		}
		return "", ""
	}
	if s, ok := jsonString(raw); !ok || !slices.Contains(codes, s) {
		return name, RuleCode
	}
	return "", ""
}
