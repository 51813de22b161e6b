// Package register is the guideline's register of preventive requests, and
// more: every change of state of a request or an incident is an entry
// appended here. It is an append-only, hash-chained, sealed event log.
//
// # Port and portable type
//
// The package has two halves, as database/sql has driver and DB, and as the
// Go CDK has its drivers and portable types:
//
//   - [Register] is the port a storage backend implements. It is small: store
//     a [Batch] of opaque [Record] values atomically, with a compare-and-swap
//     on the register's [Head] and on each stream's version, and read records
//     back in order. Backends live in sub-packages (memregister,
//     sqliteregister, pgregister); registertest is the conformance suite any
//     backend runs.
//   - [Log] wraps any Register and does everything else once: it validates
//     events, seals personal data, encodes and hashes entries, retries when
//     another writer moved the head, verifies the chain, issues checkpoints,
//     keeps the access log, computes the monitoring summary and exports CSV.
//     No backend can get the chain wrong because no backend computes it.
//
// # Entries and the chain
//
// An [Entry] has a sequence number (from 1, without gaps), a time, the
// stream it belongs to (a request or an incident) with its version in that
// stream, a kind, a territory, an [Actor] (a guideline role and an
// identifier), the guideline version, an optional [Pseudonym], non-personal
// Data as JSON, and Personal data, sealed.
//
// Each entry has one canonical binary encoding ([EncodeEntry],
// [DecodeEntry]), versioned and length-prefixed, which contains the
// previous entry's hash. An entry's hash is the SHA-256 of its encoding, so
// hash(n) = SHA-256(… hash(n-1) …): changing, removing or reordering any
// entry breaks the chain after it. [Log.Verify] walks the chain and
// reports the first entry that is not as written, as a [*VerifyError]
// matching [ErrTampered]. It also checks that a record's index columns
// (Seq, Stream, Version, Kind, Territory, Time), which backends keep for
// filtering, agree with its body, and it sees every row a backend holds: a
// row no entry can be is reported as [ReasonUnaccounted].
//
// # Optimistic concurrency
//
// [Log.Append] names the version the stream must be at; if another writer
// (another instance acting on the same incident) appended first, it fails
// with [ErrVersionConflict] and appends nothing, so no update is lost.
// [Log.AppendBatch] writes several streams at once, all or none. Races for
// the head of the register itself ([ErrHeadMoved]) are not conflicts: the
// Log recomputes sequence numbers and hashes and tries again, a bounded
// number of times.
//
// # Checkpoints
//
// A chain cannot see its tail cut off or the whole register rewritten. So
// [Log.Checkpoint] issues signed checkpoints (origin, size, head hash) as
// signed notes (golang.org/x/mod/sumdb/note), to be stored outside the
// database; [ParseCheckpoint] checks a stored one with a trusted
// note.Verifier, and [Log.Verify] against it detects truncation and
// rewriting.
//
// # Personal data
//
// Personal data is sealed by a [Sealer] before the backend sees it; a Log
// without a Sealer refuses events that carry personal data. [Keyring] is
// the AES-256-GCM Sealer: each sealed value carries the id of its key, so
// keys rotate, and is bound to its entry (stream, version, kind) by the
// associated data. The chain covers the ciphertext, so [Keyring.Erase] at
// the end of a retention period makes the data unreadable
// ([ErrKeyErased]) while Verify still passes.
//
// A [Pseudonymizer] turns a codice fiscale into a keyed HMAC-SHA256
// [Pseudonym] that monitoring can count without knowing the person; a plain
// hash would be reversible by hashing every plausible codice fiscale.
//
// # The access log
//
// [Log.Unseal] opens personal data only for an [Access]: an actor and a
// purpose. It reads the entry from the register by its sequence number and
// opens what is stored, never bytes the caller passes (an entry that
// differs from the stored one is refused with [ErrEntryMismatch]). It first
// appends an entry of kind [KindAccess] to [AccessStream] recording who
// read which entry (sequence number, stream and version), when and why, so
// the register is also its own access log. [Log.ExportCSV] with an opener
// does the same once per export.
//
// [Event.Personal] is a [PersonalData] and [Entry.Personal] a [Sealed]:
// byte slices that redact themselves however they are printed, logged or
// marshalled, also inside slices, maps and structs, where slog would not
// call a LogValue method of the value holding them.
//
// # Validation
//
// The Log validates every event itself, once for every backend, so that
// all backends accept and refuse exactly the same events: Stream, Kind,
// Territory, Actor.ID and Guideline are valid UTF-8 without control
// characters and at most [MaxFieldLen] bytes; Stream, Kind and Actor.ID
// are required; Kind is dotted lower case ([ValidKind]); Actor.Role is a
// role of the guideline; a Pseudonym has the shape a [Pseudonymizer]
// produces; Data is a JSON object, and the fields the Log reads itself
// (below) have the documented form. A refusal is an [*EventError] naming
// the field and the rule, never the value. A clock outside the years 1 to
// 9999 is refused with [ErrTimeOutOfRange] before anything is stored.
//
// # Errors and messages
//
// Go error strings are English and start with the package name
// ("register: …", "sqliteregister: …"), as in database/sql; they never
// contain personal data, and errors.Is and errors.As recognise them. What
// a person reads is rendered through the catalog, Italian by default and
// English on request: [Reason.Message], [VerifyError.Message],
// [EventError.Message] and [UnreadableEntry.Message]. [Messages] returns
// the texts, for guideline.NewCatalog.
//
// # Kinds and Data conventions
//
// The request and incident packages append entries of the Kind constants
// of this package (KindRequestSubmitted … KindIncidentClosed). Data is a
// JSON object of non-personal facts; [Log.Summary] reads only these fields:
//
//   - [DataAppointment] ("appointment_at", RFC 3339) in
//     [KindRequestSubmitted]: the lead time is from the entry's time to it;
//   - [DataOutcome] ("outcome", one of [Outcomes]) in [KindRequestCompleted];
//   - [DataIncidentKind] ("incident_kind", one of [IncidentKinds]) in
//     [KindIncidentReported].
//
// [Log.Append] refuses these fields in any other form. An entry written
// otherwise (by an older version or another tool) does not make a summary
// fail: it is listed in [Summary.Unreadable].
//
// Every entry's Territory is the territory concerned, and its Guideline the
// version of the guideline it was written under.
//
// # The library's own actors and the outbox's kinds
//
// The library's own processes (the outbox dispatcher, the escalation
// timers) write entries as [SystemActor] ("system" role, [RoleSystem]),
// never disguised as a role of the guideline; [ValidActorRole] says which
// roles an [Actor] may have. The outbox package queues each notification
// in a stream of its own (under [MessageStreamPrefix]) and records what
// becomes of it with the KindMessage… kinds (queued, claimed, failed,
// delivered, dead-lettered), whose Data names the stream that caused it,
// the idempotency key and the recipients' roles, never their addresses.
//
// # Timelines
//
// A [Timeline] is the portable history of one request or incident: its
// entries without personal data, with the delivery outcomes of the
// notifications it caused, as JSON in one documented shape. [Log.Timeline]
// builds it from the register; [LoadTimeline] reads one written by another
// system, reporting every invalid field at once by JSON path, in Italian
// and English. The compliance checks of the request and incident packages
// take a Timeline.
//
// # Follow-ups and the annual report
//
// Beyond the document, the employer's duties after an incident are
// entries of the incident's stream too (KindFollowUp…: support offered,
// the INAIL injury report, the Command's evaluation), with their terms in
// guideline.Policy; [FollowUps] says, from a [Timeline], whether each was
// met, late, missing, pending or not due. An incident raised by a
// check-in session carries its cause under [DataAlarmCause].
// [Log.AnnualReport] is the anonymous yearly report per territory and
// kind of event (ONSEPS, L. 113/2020; D.Lgs. 81/2008), where a group of
// fewer than [AnnualThreshold] incidents shows only a range.
//
// # Monitoring and export
//
// [Log.Summary] counts requests by territory and month with outcomes and
// lead times, incidents by kind and territory, and the time from report to
// each emergency step (median and 90th percentile); it reads the register
// each time, so a process that summarises often keeps a [Monitor], which
// reads only the entries appended since its previous call. [Log.ExportCSV] and
// [Summary.WriteCSV] write CSV for Italian spreadsheets: ';' separator,
// UTF-8 with byte order mark, dates as dd/mm/yyyy in Europe/Rome, Italian
// headers, and never personal data unless the caller passes an [Access].
// Their headers and labels are texts of [Messages]: [Summary.WriteCSVIn]
// and [AnnualReport.WriteCSVIn] write them in English on request.
package register

// The time zone database is embedded so that dates are in Europe/Rome even
// on systems without one.
import _ "time/tzdata"
