package register

import (
	"fmt"
	"strconv"
	"sync"

	"github.com/sostegno/sostegno/guideline"
	"golang.org/x/text/language"
)

// Keys of the texts of this package.
const (
	keyReasonPrefix     = "register.reason."
	keyReasonUnknown    = "register.reason.unknown"
	keyVerifyError      = "register.verify"
	keyVerifyErrorField = "register.verify.field"
	keyEvent            = "register.event"
	keyEventCall        = "register.event.call"
	keyRulePrefix       = "register.rule."
	keyUnreadable       = "register.unreadable"
)

func reasonKey(r Reason) string { return keyReasonPrefix + strconv.Itoa(int(r)) }

// Messages returns this package's texts, in Italian and English: the
// reasons of [Log.Verify], the rules of [EventError], the entries a
// [Summary] could not read, and the headers and labels of the CSV exports
// (with the names of the kinds of violent event and of the duties after
// an incident). Build a catalog with
// guideline.NewCatalog(guideline.Messages(), register.Messages(), …).
func Messages() []guideline.Text {
	return append([]guideline.Text{
		guideline.NewText(reasonKey(ReasonUndecodable), "contenuto non leggibile", "undecodable content"),
		guideline.NewText(reasonKey(ReasonHash), "l'hash non corrisponde al contenuto", "the hash does not match the content"),
		guideline.NewText(reasonKey(ReasonChain), "catena interrotta: l'hash precedente non corrisponde", "chain broken: the previous hash does not match"),
		guideline.NewText(reasonKey(ReasonSequence), "numerazione non consecutiva", "sequence numbers not consecutive"),
		guideline.NewText(reasonKey(ReasonIndex), "le colonne indice non corrispondono al contenuto", "the index columns disagree with the content"),
		guideline.NewText(reasonKey(ReasonStreamVersion), "versioni della pratica non consecutive", "versions of the case not consecutive"),
		guideline.NewText(reasonKey(ReasonTruncated), "registro più corto di un checkpoint precedente", "register shorter than an earlier checkpoint"),
		guideline.NewText(reasonKey(ReasonCheckpoint), "hash diverso da quello del checkpoint", "hash different from the checkpoint's"),
		guideline.NewText(reasonKey(ReasonUnaccounted), "riga non prevista dalla catena, aggiunta fuori dal registro", "row the chain does not account for, added outside the register"),
		guideline.NewText(keyReasonUnknown, "motivo sconosciuto (%d)", "unknown reason (%d)"),
		guideline.NewText(keyVerifyError, "Registro alterato alla voce %d: %s.", "Register tampered with at entry %d: %s."),
		guideline.NewText(keyVerifyErrorField, "Registro alterato alla voce %d: %s (%s).", "Register tampered with at entry %d: %s (%s)."),
		guideline.NewText(keyEvent, "Evento %d, campo %s: %s.", "Event %d, field %s: %s."),
		guideline.NewText(keyEventCall, "Campo %s: %s.", "Field %s: %s."),
		guideline.NewText(keyRulePrefix+RuleRequired, "è obbligatorio", "is required"),
		guideline.NewText(keyRulePrefix+RuleUTF8, "non è un testo UTF-8 valido", "is not valid UTF-8 text"),
		guideline.NewText(keyRulePrefix+RuleControl, "contiene caratteri di controllo", "contains control characters"),
		guideline.NewText(keyRulePrefix+RuleTooLong, "supera la lunghezza massima", "exceeds the maximum length"),
		guideline.NewText(keyRulePrefix+RuleReserved, "è riservato al registro degli accessi", "is reserved to the access log"),
		guideline.NewText(keyRulePrefix+RuleRole, "non è un ruolo ammesso", "is not an allowed role"),
		guideline.NewText(keyRulePrefix+RuleKindFormat, "deve essere in minuscolo, in parti separate da punti (come request.submitted)", "must be lower case, in parts separated by dots (such as request.submitted)"),
		guideline.NewText(keyRulePrefix+RulePseudonym, "non è uno pseudonimo prodotto dal pseudonimizzatore", "is not a pseudonym made by the pseudonymizer"),
		guideline.NewText(keyRulePrefix+RuleJSONObject, "non è un oggetto JSON", "is not a JSON object"),
		guideline.NewText(keyRulePrefix+RuleStream, "non è la pratica dell'operazione", "is not the case of the operation"),
		guideline.NewText(keyRulePrefix+RuleExpectedVersion, "non ha una versione attesa", "has no expected version"),
		guideline.NewText(keyRulePrefix+RuleTime, "non è una data e ora RFC 3339", "is not an RFC 3339 date and time"),
		guideline.NewText(keyRulePrefix+RuleCode, "non è un codice previsto", "is not a known code"),
		guideline.NewText(keyRulePrefix+RuleCount, "non è un numero intero non negativo", "is not a non-negative integer"),
		guideline.NewText(keyRulePrefix+RuleBool, "deve essere true o false", "must be true or false"),
		guideline.NewText(keyUnreadable, "Voce %d (%s): il campo %s non è leggibile.", "Entry %d (%s): field %s cannot be read."),
	}, csvTexts()...)
}

// catalog is the catalog of this package's texts.
var catalog = sync.OnceValue(func() *guideline.Catalog {
	c, err := guideline.NewCatalog(Messages())
	if err != nil {
		// Messages is fixed data checked by the package's tests.
		panic(err)
	}
	return c
})

// render prints the text key in the language of tag.
func render(tag language.Tag, key string, args ...any) string {
	return catalog().Printer(tag).Sprintf(key, args...)
}

// The rules an [EventError] reports.
const (
	// RuleRequired: the field is missing or blank.
	RuleRequired = "required"
	// RuleUTF8: the field is not valid UTF-8.
	RuleUTF8 = "utf8"
	// RuleControl: the field contains a control character (such as NUL,
	// a line break or a tab).
	RuleControl = "control"
	// RuleTooLong: the field is longer than [MaxFieldLen] bytes.
	RuleTooLong = "max"
	// RuleReserved: the stream or kind is the access log's, which only
	// the Log writes.
	RuleReserved = "reserved"
	// RuleRole: the actor's role is not one an entry may have.
	RuleRole = "role"
	// RuleKindFormat: the kind is not dotted lower case (see [ValidKind]).
	RuleKindFormat = "kind"
	// RulePseudonym: the pseudonym does not have the shape a
	// [Pseudonymizer] produces.
	RulePseudonym = "pseudonym"
	// RuleJSONObject: Data is not a JSON object.
	RuleJSONObject = "json_object"
	// RuleStream: the event's stream is not the one of [Log.Append].
	RuleStream = "stream"
	// RuleExpectedVersion: the event's stream has no expected version in
	// [Log.AppendBatch].
	RuleExpectedVersion = "expected_version"
	// RuleTime: a Data field the Log reads as a time is not an RFC 3339
	// string.
	RuleTime = "rfc3339"
	// RuleCode: a Data field the Log reads as a code is not one of the
	// known codes ([Outcomes], [IncidentKinds]).
	RuleCode = "code"
)

// EventError reports an event that [Log.Append] or [Log.AppendBatch]
// refused, and nothing was appended. It names the field and the rule
// broken, never the field's value, which may be personal data. It matches
// [ErrInvalidEvent] with [errors.Is].
type EventError struct {
	// Index is the position of the event in the call, from 0 (Message
	// counts from 1, as a person does); -1 when the
	// problem is with the call itself (no events, a bad stream name in the
	// expected versions).
	Index int
	// Field names the field, such as "Kind", "Actor.ID" or
	// "Data.appointment_at".
	Field string
	// Rule is the rule broken, one of the Rule constants.
	Rule string
}

// Error returns an English description naming the field and rule.
func (e *EventError) Error() string {
	if e.Index < 0 {
		return fmt.Sprintf("register: invalid event: %s: %s", e.Field, e.Rule)
	}
	return fmt.Sprintf("register: invalid event %d: %s: %s", e.Index, e.Field, e.Rule)
}

// Is reports whether target is [ErrInvalidEvent].
func (e *EventError) Is(target error) bool { return target == ErrInvalidEvent }

// Message returns the error as a person reads it, in the language of tag:
// English for an English tag, Italian otherwise.
func (e *EventError) Message(tag language.Tag) string {
	rule := render(tag, keyRulePrefix+e.Rule)
	if e.Index < 0 {
		return render(tag, keyEventCall, e.Field, rule)
	}
	return render(tag, keyEvent, e.Index+1, e.Field, rule)
}
