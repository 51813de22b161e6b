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
//   - The package's texts ([Messages], [Catalog]).
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
// who raised it, so that colleagues know whom to help.
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
// [ErrShift], [ErrNoOfficial]) for errors.Is. What a person reads is the
// [*guideline.ValidationError] inside, whose fields carry their Italian
// and English messages.
package incident
