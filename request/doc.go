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
// What this package does not do yet is the lifecycle (submission,
// decisions, completion, cancellation as register entries) and the
// compliance check of a request's timeline.
package request
