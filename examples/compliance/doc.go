// Command compliance checks that preventive requests and emergencies
// handled by another system followed the City of Milan's guideline of 2 March
// 2021, from their timelines exported as JSON. Its tests are the suite an
// integrator's QA team writes: they load the timelines in testdata/ and
// assert, with testify, that the clean ones have no finding of severity
// error and that the others have exactly the findings expected, logging each
// finding in Italian when a timeline does not comply.
//
// Usage:
//
//	go run ./examples/compliance FILE_OR_FOLDER...          # findings in Italian
//	go run ./examples/compliance -lang en FILE_OR_FOLDER... # in English
//	go run ./examples/compliance examples/compliance/testdata/clean
//	go test ./examples/compliance                           # the QA suite
//
// For each timeline it prints the phase, the stream and the findings, each
// with its severity, the entry it concerns and the clause of the guideline it
// cites. It exits 0 when no timeline has a finding of severity error (warnings,
// such as short notice with an urgency reason or the direct call of an
// operator alone on duty, are allowed), 1 when one has or a file cannot be
// read (the invalid fields are listed by their JSON path), and 2 on a wrong
// command line.
//
// # Exporting timelines from your system
//
// Write one JSON file per request or incident, in the shape of
// register.Timeline:
//
//	{"guideline": "milano-2021-03-02", "stream": "incident/2026-000057", "entries": [
//	  {"time": "2026-09-15T10:20:00+02:00", "kind": "incident.reported", "territory": "municipio-8",
//	   "actor": {"role": "operator", "id": "AS-0412"}, "data": {"incident_kind": "threat"}},
//	  …]}
//
// One entry per event, oldest first: its time in RFC 3339 with the offset,
// its kind, the territory (the guideline's territory IDs, "municipio-1" to
// "municipio-9" in Milan), who did it (a guideline role, such as operator,
// responsible_official, police_command, area_director, operations_centre,
// patrol, or "system" for an automatic process, and the person's or
// office's code, never a service user's) and its facts as a JSON object.
// register.LoadTimeline refuses anything else, naming each invalid field.
//
// The timeline holds no personal data: no names, codici fiscali or
// descriptions of facts, which stay in your system. A submission says that
// it carried the service user's personal data and the summary of the facts
// with "personal_data": true.
//
// The kinds and Data fields the checks read are documented on the request
// package (its Data… constants and Check) and the incident package (its
// Data… constants and CheckAt), with register.Kind… and register.Data…:
//
//   - a request: request.submitted (appointment_at, appointment_end,
//     appointment_kind, submission, urgency_reason_given, personal_data),
//     request.info_requested, request.accepted and request.declined
//     (decided_by, and received_via when the official records a decision
//     received by e-mail or phone), request.completed (outcome),
//     request.cancelled;
//   - an incident: incident.reported (incident_kind), the steps
//     incident.colleagues_alerted and incident.operations_centre_called
//     (step, and direct_call for the operator alone on duty),
//     incident.dispatched (dispatch_target), incident.patrol_report_filed,
//     incident.command_evaluated, incident.shared_with_directorate,
//     incident.closed;
//   - the messages each one caused (the e-mail of a request to the Police
//     Command and to the Area Director, the alert and the call script of an
//     emergency): message.queued with cause_stream, key, message_kind,
//     priority and recipients (their roles and channels), then
//     message.delivered, message.failed or message.dead_lettered with the
//     same key. Without them a request's recipients count as never reached.
//
// A system built on this library exports them with register.Log.Timeline
// (or incident.Desk.Timeline) and encoding/json; the checks read a timeline
// from either source the same way.
//
// # Running the checks in your own tests
//
// Copy compliance_test.go into your repository, with the function check of
// main.go (which picks request.Check or incident.Check by the timeline's
// kinds), point exportDir at the folder where your export writes its files,
// and keep the helper assertCompliant(t, g, tl): it fails the test when a
// finding has severity error, listing them all, and logs every finding in
// Italian, so that the failure reads as the guideline does. Pass your
// municipality's guideline.Guideline instead of guideline.Milano2021 if it is
// not Milan's.
package main
