// Package checkin is the check-in of social workers on risky visits, which
// goes beyond the guideline's document: before a risky interview or a home
// visit, an operator starts a session with the place and when the visit
// should end; a check-out with their personal code closes it. A session
// not closed by then, after the policy's grace period
// (guideline.Policy.CheckoutGracePeriod), raises an emergency incident for
// that place, which runs the normal steps of the emergency; a check-out
// with the operator's duress code closes the session like any other and
// raises the emergency silently. This is what lone-worker services
// (BS 8484) offer; here it is recorded in the guideline's register like
// everything else.
//
// # Sessions in the register
//
// [Service.Start] appends [KindStarted] to the session's own stream
// ([ID], "checkin/" and 80 random bits), with the expected end, the grace
// period, the due time and, if any, the stream of the preventive request
// of the same appointment ([DataRequest]) in its Data; the venue (for a
// home visit, the service user's address) and the operator are personal
// data, sealed. [Service.CheckOut] appends [KindCheckedOut], or
// [KindCodeRefused] for a wrong code. The [Watcher] appends [KindMissed]
// when a session is due, and [KindIncidentRaised] once the incident
// exists. [Service.Session] folds a stream into a [Session].
//
// # Timers that survive a restart
//
// The Watcher keeps no timer that a crash would lose: [Watcher.Tick]
// derives what is due from the register (a fold of the sessions'
// streams), and [Watcher.Run] ticks at the next due time, when the
// Service wakes it, and every Poll. An alarm is raised in three steps:
// its intent is recorded ([KindMissed], or [KindDuressRaised]); the
// incident is raised through the [Raiser] port with an ID derived from
// the intent's sequence number in the register ([AlarmIncidentID]), after
// checking that no incident has that ID yet; [KindIncidentRaised] records
// it. A crash anywhere in between is recovered by the next tick, and never
// raises a second incident for one alarm: the deterministic ID and the
// recorded intent together make raising idempotent.
//
// # Codes
//
// Each person has a check-out code and a duress code ([Codes]), different
// from each other, kept by a [CodeStore] only as salted argon2id hashes
// ([Hash], in the PHC string format, with its parameters, so they can be
// raised later: [DefaultParams]), compared in constant time. A code never
// appears in a log, an error or the register. Every check-out computes
// both hashes whatever the code, so the time it takes does not say which
// code was given. A wrong code is refused ([ErrWrongCode]) and counted in
// the session's stream; after MaxAttempts (5 by default) the session is
// locked and handled as a missed check-out ([ErrTooManyAttempts]): under
// threat, random guesses bring help rather than a silent lock-out. Codes
// of at least [MinCodeLen] characters are required: a short PIN's hash is
// reversed offline in moments, whatever the hash.
//
// # The duress code: threat model
//
// Who must not learn that the duress code was given: the aggressor
// watching the operator's screen, now or later (by grabbing the phone, or
// through someone who can read the session, such as a colleague's
// dashboard or an access request); and anyone who reads the session's
// stream without the right to open sealed data. What they see is the same
// for both codes:
//
//   - the response: the same [Session], the same status, the same errors
//     (a closed session gives [ErrClosed] to either code);
//   - the work done: both hashes computed, the session's sealed data
//     opened (so the access log has the same entry, with the same
//     purpose), one append to the register;
//   - the session's stream: the same [KindCheckedOut] entry, with the same
//     Data, by the same actor. Nothing is ever appended to it afterwards
//     because of the duress code.
//
// The alarm is recorded in the same append, in a stream of its own
// ([AlarmStreamPrefix] and 80 random bits, which do not name the
// session), as [KindDuressRaised] by the system actor, with the venue,
// the operator and the session's ID sealed: the only link back to the
// session is sealed data, and so is the incident's description that names
// it. The incident itself is visible to whoever handles incidents, as it
// must be (its report says the cause, register.AlarmDuress, so that
// nobody calls the operator back); so is the alarm stream's existence to
// someone who reads the whole register's index. Such a reader can match
// an alarm with a check-out at the same moment: that reader is trusted
// with incidents already, and is outside this model. A duress alarm is
// raised by the Watcher as soon as the Service wakes it, not during the
// check-out, so the check-out takes the same path and time either way; a
// Watcher must therefore be running.
//
// # Raising through the incident lifecycle
//
// The incident package does not import this one: this package raises
// through the small [Raiser] interface, as register.SystemActor("checkin"),
// with the cause (register.AlarmCheckoutMissed or register.AlarmDuress)
// that the report records under register.DataAlarmCause. The incident
// lifecycle's *incident.Desk satisfies it (incident.Desk.Raise): pass the
// Desk to [Service.Watcher], and run the incident.Escalator and the
// outbox's dispatcher beside the Watcher. The incident's venue is the
// session's, marked private (incident.Incident.PrivateVenue): the
// incident's register keeps its name and address sealed, as the session
// does, and its clear data holds only the territory. The incident then runs the
// normal steps (the alert and the call script to the colleagues on duty
// at the venue, escalation when nobody confirms), and incident.Check
// reports its cause (the checkout_missed and duress findings). For a
// duress alarm the Desk sends nothing to the operator: the direct call of
// its escalation ladder goes to the responsible official instead, and
// every message says that the alarm is silent. [RaiserFunc] adapts any
// other lifecycle.
//
// # Errors and messages
//
// Go error strings are English with the "checkin:" prefix and never hold
// a code, a hash or personal data. A refusal a person reads is an
// [*Error] whose Message is Italian by default, English on request
// ([Messages], [Catalog]); invalid fields of a [Start] are a
// [*guideline.ValidationError] wrapped with [ErrInvalid].
package checkin
