// Package incident is the emergency phase of the guideline (gestione
// dell'emergenza): a violent event against social workers, and the four
// steps that must follow it.
//
// # The document
//
// On a verbal or physical aggression, a threat or damage to property that
// may endanger staff or disrupt the service: (1) the operator at once
// brings other staff on duty to the scene; (2) the colleague alerted at
// once phones the shift supervisor (Capo Turno) of the Local Police
// Operations Centre, asking for support; (3) the Operations Centre sends
// a Local Police patrol and/or passes the intervention to the Police
// Forces; (4) the patrol's report goes to the Command, which decides what
// to share with the Social Policies Directorate.
//
// # What this package holds
//
//   - [Incident], the event as reported: its [Kinds] (one or more
//     [Kind]: [VerbalAggression], [PhysicalAggression], [Threat],
//     [Damage]), the [guideline.Venue] and its territory, the reporter and
//     the staff involved ([Staff]), whether someone is hurt and how many
//     people are present, and the personal data that the register seals:
//     the [Aggressor] and the description, both [Private]. [ID] names an
//     incident and its register stream ("incident/2026-000123").
//     [Incident.Validate] and [ParseIncident] report every invalid field
//     at once in a [*guideline.ValidationError], with Italian and English
//     messages naming the fields as a person knows them.
//   - The steps by their names here ([StepAlertColleagues],
//     [StepCallOperationsCentre], [StepDispatch], [StepPatrolReport]),
//     which are the guideline's step identifiers, and the
//     [DispatchTarget] of step 3.
//   - The messages of the emergency, rendered through the catalog in
//     Italian (English on request) as Urgent notify.Message values: the
//     [Alert] to the colleagues on duty (step 1, and its reminders), the
//     [CallScript] of the call to the Operations Centre (step 2, and the
//     direct call when nobody confirms), the [OfficialAlert] that
//     escalates to the responsible official. None names a service user.
//   - [Roster], the port through which the integrator says who is on duty
//     where (over its staff directory or shift roster), and [MemRoster],
//     an in-memory one for tests and examples.
//   - The package's texts ([Messages], [FindingMessages], [Catalog]).
//
// # The lifecycle
//
// An incident's state is the fold of its register stream, through a
// transition table written as data ([Transitions], [Next], [Fold],
// drawn by [Graph] in Mermaid or DOT): [StateReported] →
// [StateColleaguesAlerted] → [StateOperationsCentreCalled] →
// [StateDispatched] → [StatePatrolReportFiled] → [StateCommandEvaluated] →
// ([StateSharedWithDirectorate]) → [StateClosed], each entry of the
// register's KindIncident… kinds. Only the Operations Centre dispatches,
// only the patrol files its report, only the Command evaluates it and
// decides what to share. The operator alone on duty may call the
// Operations Centre directly (Reported → OperationsCentreCalled): allowed,
// and marked as a deviation (Transition.Deviation). The Operations Centre
// confirming the call before anyone confirmed step 1 takes the same way
// without a deviation: the call it received attests both steps. A
// refused transition
// is a [*TransitionError] (the same type as request's), and nothing is
// written. Two notes record facts without changing the state:
// [KindConfirmationLate] and [KindEscalated] ([Notes]).
//
// A [Desk] ([New]) runs it over a register.Log: [Desk.Report] (or
// [Desk.ReportAs], for the library raising an alarm on a person's behalf)
// records the report and, in the same append, queues through the outbox
// the [Alert] to the colleagues on duty ([Roster]) and the [CallScript]
// to the first of them, Urgent, in Italian; nobody else on duty is an
// escalation at once. If the register cannot be written, the same
// messages go out directly through [Options.Notifier], concurrently, and
// the error is a [*NotRecordedError] ([ErrNotRecorded]). [Desk.Confirm]
// acknowledges step 1 or 2 as on-call teams do: a named person, an
// optional comment (sealed; [Desk.Comments]), the first confirmation wins
// and later ones are recorded as late, nobody acknowledges their own
// alarm ([ErrOwnAlarm]). [Desk.Dispatch], [Desk.FilePatrolReport],
// [Desk.Evaluate], [Desk.ShareWithDirectorate] (a filtered copy of the
// [PatrolReport], sealed on its own) and [Desk.Close] take the other
// steps; [Desk.State] folds where an incident stands, without personal
// data, and [Desk.Open] returns the report as made, personal data
// included, to a person with a reason to read it (the reading is in the
// register's access log).
//
// # Alarms raised by the library: check-in sessions
//
// The checkin package (check-in sessions for risky visits, beyond the
// document) raises an emergency when a session is not closed in time, or
// silently when the operator checks out with their duress code. It does
// so through its Raiser port, which [Desk.Raise] satisfies: the incident
// package does not import checkin. Raise is [Desk.ReportAs] by
// register.SystemActor("checkin") with the cause
// (register.AlarmCheckoutMissed or register.AlarmDuress) in the report's
// Data under register.DataAlarmCause ([Status.AlarmCause]), and the
// incident's ID derived by checkin from its register: raising twice with
// the same ID returns the ID and records nothing. The normal steps follow:
// the alert and the call script to the colleagues on duty at the venue,
// the escalation ladder of the [Escalator].
//
// A duress alarm is silent ([Status.Silent]): nothing is ever sent to the
// operator who raised it, whom the aggressor may be watching. The call
// script goes to a colleague as usual; the direct call of the escalation
// ladder (and of nobody on duty, and of an alert not delivered) goes to
// the responsible official instead of the operator; the alert, the
// official's alert and the call script say that the alarm is silent and
// ask not to phone or message the operator ([Alert], [OfficialAlert] and
// [CallScript] have a Silent field).
//
// # Follow-ups after an incident
//
// The employer's duties after an incident go beyond the document; they
// are recorded as notes of the incident's stream, of the register's
// follow-up kinds, so they never change its state and may be recorded
// after it is closed: [Desk.OfferSupport] (psychological and legal
// support to the staff involved), [Desk.RecordInjury] and
// [Desk.RecordInjuryReportFiled] (a worker's injury and its report to
// INAIL, which the library tracks and does not file), and
// [Desk.RecordEvaluation] (the Command's evaluation of the patrol's report
// and whether it shared anything, when known apart from [Desk.Evaluate]
// and [Desk.ShareWithDirectorate]). [FollowUpRules] says who records
// each: the responsible official or the Area Director for the employer's
// duties, the Command for its evaluation; another role is refused with
// [ErrFollowUpRole]. [Desk.FollowUps] says, with register.FollowUps,
// whether each duty was met, late, missing or pending, and the register's
// AnnualReport counts them per territory and kind of event.
//
// # Escalation
//
// An [Escalator] escalates a step not confirmed in time on the ladder of
// the guideline's policy (guideline.Policy.Ladder: the alarm again, the
// responsible official, the call script to the operator to phone
// directly, repeated until confirmed or closed), and at once an alert
// that was dead-lettered. Its timers are the times in the register:
// [Escalator.Tick] (for tests and cron) and [Escalator.Run] fold the open
// incidents' streams, so a restarted process resumes them, and the
// escalations are entries of register.SystemActor("escalation").
//
// # Compliance
//
// [Check] (and [CheckAt]) judge any incident timeline, from this register
// or another system, and return guideline.Finding values with stable
// codes ([FindingCodes]: missing_step, out_of_order, late_step,
// wrong_role, dispatch_without_call, report_not_filed,
// report_not_evaluated, escalated, direct_call, alert_undelivered), each
// citing its clause of the emergency phase.
//
// Five codes concern what goes beyond the document, and cite the closest
// clause, their texts saying where the duty comes from
// (guideline.SupplementaryRules): checkout_missed and duress (an alarm
// of a check-in session, from register.DataAlarmCause; warnings, citing
// step 1, which the operator could not take), support_not_offered and
// injury_report_late (register.FollowUps late, or missing once the term
// ended; citing the paragraph on violent events that endanger the staff;
// the injury report's term is the law's, DPR 1124/1965, art. 53), and
// command_evaluation_late (citing step 4; the term is the municipality's).
//
// # Monitoring
//
// The report's entry carries register.DataIncidentKind and every step is
// an entry of its register kind, so register.Log.Summary and
// register.Monitor count incidents by kind and territory and time each
// step from the report, with nothing added here.
//
// # Many kinds, one code
//
// More than one kind may apply to one event. The register's monitoring
// counts each incident once, under the one code in
// register.DataIncidentKind: [Kinds.Primary], the most severe kind of the
// set, in the order physical aggression, threat, damage, verbal
// aggression (harm done to a person, then harm announced to a person,
// then harm to property, then words). The whole set is kept beside it
// under [DataKinds]; [Kinds.Data] gives both.
//
// # Personal data
//
// Who the aggressor is, and the description of what happened (which may
// name people), are [Private] text: they print as [Redacted] through
// String, every fmt verb, slog's text and JSON handlers and encoding/json,
// in slices, maps and structs, and even in an unexported struct field
// (the text sits behind a pointer, so fmt shows an address). Only
// [Incident.Personal] gives them in clear, for the Personal field of the
// register event, which the register seals; [Incident.SetPersonal] reads
// them back after an authorised unsealing. Messages never contain them.
//
// Staff names and contacts are not service users' data: the alert says
// who raised it, so that colleagues know whom to help. They are sealed in
// the report all the same, with the rest of what [Desk.Open] returns.
//
// The venue follows one rule. Its name and address are always sealed,
// never in the report's clear Data: an office's name and address are no
// secret, but a report from a home visit, made in a hurry, gives the
// service user's, and one rule for every report means they can never
// slip into the register's clear part, a timeline exported to another
// system ([Desk.Timeline]) or an export. Data keeps the venue's
// territory, for the monitoring, and whether the report marks the venue
// private ([Incident.PrivateVenue]: a home, or any place whose name says
// who lives there), which changes only the wording of the copy shared
// with the Directorate ([DataVenue], [Status.Venue]). The checkin
// package marks every session's venue private. The messages, which must
// tell the staff where to go, carry the name and the address; they are
// sealed in the outbox like everything personal. Whatever shows the
// venue later reads it back from the sealed report, with an entry in
// the access log: [Desk.Open], the [Escalator] ([EscalationPurpose]),
// the sharing with the Directorate ([SharePurpose]).
//
// # What a report may lack
//
// An alarm must never wait on a form. A report needs the kinds, the
// venue's name and address and the reporter; the territory, the staff
// involved, the aggressor and the description may come later. Text
// fields must be valid UTF-8 without control characters (one line, except
// the descriptions), because they end up in e-mail subjects, headers and
// phone scripts; the checks happen here, at the source, not in the
// notification adapters.
//
// # Errors
//
// Go error strings are English with the "incident:" prefix, and wrap a
// sentinel ([ErrInvalid], [ErrCallScript], [ErrAlert], [ErrReport],
// [ErrShift], [ErrNoOfficial], [ErrNotRecorded], [ErrNotFound],
// [ErrOwnAlarm], [ErrStep], [ErrClosed], [ErrIDTaken], [ErrAlarmCause],
// [ErrFollowUpRole]) for errors.Is. What a person reads is the
// [*guideline.ValidationError] inside, whose fields carry their Italian
// and English messages.
package incident
