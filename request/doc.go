// Package request is the preventive phase of the guideline (fase
// preventiva): before a scheduled interview or a reception of the public
// that may put staff at risk, the responsible official (Funzionario P.O.)
// of the Professional Social Service competent for the territory asks the
// Local Police Command and the Area Director, by e-mail and with adequate
// notice, for a precautionary police presence on site (presenza cautelativa
// in loco), giving the service user's personal data and a summary of the
// facts.
//
// # The model
//
// A [Preventive] is one request. It is identified by an [ID] such as
// "request/2026-000123", which is also the name of its stream in the
// register. It holds:
//
//   - the [ServiceUser] (utente) with the [PersonalData] the guideline asks
//     for (dati anagrafici): names, date and place of birth, [Sex], the
//     [CodiceFiscale] and the residence;
//   - the [Appointment]: a [ScheduledInterview] or a [Reception], its
//     start, expected duration and [guideline.Venue] with its territory;
//   - the requesting [Official] (role responsible_official, staff number,
//     name, e-mail), who is the actor of the register's entries;
//   - the [Facts] (sommaria descrizione dei fatti), between
//     [MinFactsLength] and [MaxFactsLength] characters; the [RiskFactor]
//     codes observed, from a closed list, and other risk factors as free
//     text; an urgency reason, required when the notice is short.
//
// [Outcome] lists what may be recorded when a request is completed
// (register.DataOutcome), and [Notice] is the non-personal summary of the
// notice given, shaped for the Data of the register entry that records a
// submission (with register.DataAppointment as RFC 3339).
//
// # Codice fiscale
//
// [ParseCodiceFiscale] checks a code's shape, month letter, day of birth
// (women add 40) and check character, and decodes omocodia (the letters
// the Agenzia delle Entrate substitutes for digits to tell apart people
// with the same code). [CodiceFiscale.ConsistentWith] says whether a code
// agrees with the family and given names (read as the Agenzia reads them:
// accents dropped, apostrophes and spaces ignored), the date of birth and
// the sex. The place code is checked for shape only: checking it needs the
// Agenzia's table of places, which the library does not ship. Errors are
// [*CodiceFiscaleError] values that say what is wrong and never repeat the
// code.
//
// # Validation
//
// [Preventive.Validate] checks a request about to be sent, with the
// guideline's validator (go-playground/validator with its Italian
// translations) and this package's rules, and returns every problem at
// once as a [*guideline.ValidationError]. Each message names the field as
// the person filling the form knows it ("Codice fiscale", "Data del
// colloquio"), in Italian, or in English with
// [guideline.FieldError.Message]. Besides each field's rule it checks that
// the codice fiscale agrees with the personal data, that the appointment is
// in the future in one of the guideline's territories, and that the notice
// in working days ([guideline.Guideline.LeadTime]) reaches the policy's
// minimum, or else that an urgency reason is given: short notice is never
// accepted silently.
//
// # Rendering
//
// [Preventive.Notifications] renders the e-mail through the package's
// [Catalog] (guideline's texts and this package's [Messages]): Italian by
// default, English on request, one [notify.Message] per recipient role, so
// that notify.ByRole routes each and a refused address does not block the
// other. The subject names the territory and the date, never the person.
// Each message carries an iCalendar invitation (METHOD:REQUEST) with a UID
// stable across re-submissions, the SEQUENCE of the [Submission], the
// time zone of the guideline with its VTIMEZONE, the venue as location and
// no personal data, because calendars are shared.
// [Preventive.Cancellations] renders the withdrawal with METHOD:CANCEL. A
// guideline without an e-mail address for a recipient is refused with a
// [*RecipientError] naming the role; guideline.Milano2021 has none for the
// Area Director until a deployment adds it.
//
// # Personal data
//
// CodiceFiscale, PersonalData, ServiceUser, Facts, Note and Preventive
// print themselves redacted through String, every fmt verb, log/slog and
// encoding/json, wherever they are nested (slices, maps, exported struct
// fields). The complete form is written and read only by [MarshalPersonal]
// and [UnmarshalPersonal]: an explicit call where the request is handed to
// the register, which seals it (AES-256-GCM) before any backend sees it.
// Errors and validation messages never hold a field's value. Risk factor
// codes describe the person (health, criminal record) and travel sealed
// with the personal data, never in an entry's Data.
//
// # The lifecycle
//
// A request's state is the fold of its entries in the register, each of
// one of the register's KindRequest… kinds, following one transition
// table ([Diagram] draws it, in Mermaid or DOT):
//
//	Draft → Submitted → (InfoRequested ⇄ Submitted) → Accepted | Declined → Completed
//	Cancelled from Submitted, InfoRequested, Accepted or Declined
//
// A draft is the caller's business: it holds personal data and the
// register keeps everything, so the register starts at submission. Only
// the responsible official submits, supplements (re-submits) and cancels;
// the Police Command decides (requests information, accepts, declines),
// or the official records the Command's decision received by e-mail or
// phone ([Via]): the entry's Data says who decided ([DataDecidedBy]) and
// its actor who recorded it. The official completes a request with its
// [Outcome] (register.DataOutcome, and the incident's stream for
// [OutcomeIncident]), since the requesters keep the register.
//
// A [Desk] ([New]) takes each action on a register.Log: it reads the
// request's stream, checks the action against the state and the actor's
// role, and makes one append of the transition's entry and of the
// messages it causes, queued in the outbox (see package outbox), which an
// outbox.Dispatcher delivers. A refused action is a [*TransitionError]
// (the type incident.TransitionError is too) and writes nothing.
//
// [Desk.Submit] validates the request, checks the notice, refuses a
// guideline without an address for a recipient, renders the e-mail to
// the Police Command and to the Area Director (one copy per role, with
// the invitation), seals the request in the entry ([MarshalPersonal]),
// adds the pseudonym of the codice fiscale when a register.Pseudonymizer
// is configured, and queues the two messages in the same append.
// [Desk.Resubmit] does the same with the next submission number, so the
// invitation's SEQUENCE rises; [Desk.Cancel] sends the cancellation
// (METHOD:CANCEL) to both. Idempotency keys ([IdempotencyKey]) are made of
// the request's ID, the number of the sending and the role, so a resend
// is recognised. [Desk.Open] reads the personal data back through
// register.Log.Unseal, which records the reading in the access log.
//
// A submission entry's Data holds register.DataAppointment and the
// non-personal facts of the notice ([Notice]), so register.Log.Summary
// and register.Monitor count requests as they are; the Data constants of
// this package ([DataPersonalData], [DataDecidedBy] …) document the rest.
//
// # Compliance
//
// [Check] (and [CheckAt], which takes the time to judge at) reads a
// request's register.Timeline, from this library or exported by another
// system, and returns [guideline.Finding] values with stable codes
// ([FindingCodes]: short_notice, short_notice_without_reason, wrong_role,
// missing_recipient, missing_personal_data, open_after_appointment,
// out_of_order), each citing its clause of the preventive phase
// (paragraph 2 for the sender and the recipients, paragraph 3 for the
// content, the notice and the record) and rendered in Italian or English
// through [Catalog]. A timeline has no personal data, so a submission
// says that it carried it with the Data flag [DataPersonalData], which
// [Desk.Submit] writes.
package request
