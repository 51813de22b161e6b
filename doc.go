// Package sostegno runs the City of Milan's guideline of 2 March 2021 for
// protecting social workers from aggression by the people they serve
// ("Linee guida per interventi a sostegno degli operatori dei servizi
// sociali"), issued by the Social Policies Directorate and the Local Police
// Command.
//
// # The two phases
//
// Preventive phase (fase preventiva): when the Social Services judge that a
// scheduled interview or a reception of the public may put staff at risk,
// the responsible official (Funzionario P.O.) e-mails the Local Police
// Command and the Area Director, with adequate notice, the service user's
// personal data and a summary of the facts, asking for a precautionary
// police presence on site; every request is recorded in a register kept
// for monitoring.
//
// Emergency management (gestione dell'emergenza): on a verbal or physical
// aggression, a threat or damage, (1) the operator calls other staff on
// duty, (2) the colleague alerted phones the shift supervisor of the Local
// Police Operations Centre, (3) the Operations Centre sends a patrol and/or
// passes the intervention to the Police Forces, (4) the patrol's report
// goes to the Command, which decides what to share with the Social Policies
// Directorate.
//
// # Packages
//
//	guideline   the guideline as data: roles, phases, steps with the clause
//	            each comes from, contacts, policy, territories, the Italian
//	            and English message catalog, validation, diagrams
//	register    the register: an append-only, hash-chained, sealed event log
//	            (the port Register and the portable Log around it); backends
//	            in memregister, sqliteregister, pgregister; the conformance
//	            suite in registertest
//	notify      notifications: the port Notifier and the shared behaviour
//	            around it (retry, fan-out, fallback, de-duplication);
//	            adapters in smtpnotify, webhooknotify, slognotify; test
//	            helpers and the conformance suite in notifytest
//	request     the preventive phase: the request and its personal data,
//	            the codice fiscale, validation, the e-mail with its
//	            calendar invitation, the lifecycle run by a Desk, and
//	            Check of a request's timeline
//	incident    the emergency phase: incidents and their kinds, the alert
//	            to colleagues, the call script for the Operations Centre,
//	            the Roster port (who is on duty where), the lifecycle run
//	            by a Desk with acknowledgement and follow-ups, the
//	            Escalator, and Check of an incident's timeline
//	checkin     check-in sessions for risky visits: a missed or duress
//	            check-out raises an incident through the incident Desk
//	outbox      the one bridge between the ports: notifications recorded
//	            in the register with the change of state that causes them,
//	            then delivered at least once by a dispatcher
//	internal/lifecycle
//	            what request and incident share: transition tables as
//	            data, state as the fold of a stream, guarded appends
//	examples/   runnable programs that wire everything together
//
// # Import rules
//
// guideline imports no other package of this module. notify and register
// import only guideline; they never import the lifecycles (request,
// incident) or anything else built on them. outbox imports guideline,
// notify and register, and is the only package below the lifecycles that
// imports both ports. internal/lifecycle is used only by the lifecycles.
// Adapters that pull in a third-party dependency live in their own
// sub-package, so that importing a port pulls in nothing heavy. Wiring happens only in examples/. The test in this package checks
// these rules on every run.
//
// # Personal data
//
// Personal data of service users never appears in logs or error strings
// and is sealed (AES-256-GCM) before it reaches any register backend;
// reading it back writes an entry in the register's access log first.
//
// # Getting started
//
// go run ./examples/quickstart walks both phases end to end on an
// embedded SQLite register; Example_tutorial in this package's tests is a
// thirty-line tour of the API.
package sostegno
