package checkin

import (
	"errors"
	"fmt"
	"sync"

	"golang.org/x/text/language"

	"github.com/sostegno/sostegno/guideline"
)

// Reasons of an [Error]: what went wrong, as a stable code.
const (
	// ReasonWrongCode: the code given is neither of the person's codes.
	ReasonWrongCode = "wrong_code"
	// ReasonTooManyAttempts: the last wrong code used up the attempts; the
	// session is treated as a missed check-out and an emergency is raised.
	ReasonTooManyAttempts = "too_many_attempts"
	// ReasonClosed: the session was already checked out.
	ReasonClosed = "closed"
	// ReasonUnknownSession: no session has that ID.
	ReasonUnknownSession = "unknown_session"
	// ReasonNoCodes: the person has no check-out and duress codes.
	ReasonNoCodes = "no_codes"
	// ReasonCodeFormat: a code is too short, too long or holds spaces or
	// control characters.
	ReasonCodeFormat = "code_format"
	// ReasonCodesEqual: the check-out and duress codes are the same.
	ReasonCodesEqual = "codes_equal"
)

// Sentinels matched by an [*Error] of the same reason with errors.Is.
var (
	ErrWrongCode       = errors.New("checkin: wrong code")
	ErrTooManyAttempts = errors.New("checkin: too many wrong codes")
	ErrClosed          = errors.New("checkin: session already closed")
	ErrUnknownSession  = errors.New("checkin: unknown session")
	ErrNoCodes         = errors.New("checkin: no codes set for the person")
	ErrCodeFormat      = errors.New("checkin: code of the wrong length or with invalid characters")
	ErrCodesEqual      = errors.New("checkin: check-out and duress codes must differ")
)

// Errors that are not refusals a person reads: they concern the program
// or its data, and are recognised with errors.Is. Their messages hold no
// code, hash or personal data.
var (
	// ErrConfig means the package was set up wrong: a [Service] without
	// a register or a code store, or argon2id [Params] out of range.
	ErrConfig = errors.New("checkin: invalid configuration")
	// ErrUnreadable means the sealed data of a session or of a duress
	// alarm was opened but does not hold what this package wrote there,
	// so its alarm cannot be raised from it.
	ErrUnreadable = errors.New("checkin: sealed data unreadable")
	// ErrRaisedID means a [Raiser] gave the incident another ID than the
	// one it was given ([AlarmIncidentID]).
	ErrRaisedID = errors.New("checkin: the raiser gave the incident another ID")
)

var sentinels = map[string]error{
	ReasonWrongCode: ErrWrongCode, ReasonTooManyAttempts: ErrTooManyAttempts, ReasonClosed: ErrClosed,
	ReasonUnknownSession: ErrUnknownSession, ReasonNoCodes: ErrNoCodes, ReasonCodeFormat: ErrCodeFormat,
	ReasonCodesEqual: ErrCodesEqual,
}

// Error is a refusal of this package that a person reads: it carries its
// [Reason…] code and, for a wrong code, the attempts left. It never holds
// a code, a hash or personal data. Message renders it in Italian or
// English; errors.Is matches it with the sentinel of its reason.
type Error struct {
	// Reason is one of the Reason constants.
	Reason string
	// Remaining is the number of attempts left after a wrong code.
	Remaining int
}

// Error returns the English text with the package prefix.
func (e *Error) Error() string {
	s := "checkin: " + e.Reason
	if err, ok := sentinels[e.Reason]; ok {
		s = err.Error()
	}
	if e.Reason == ReasonWrongCode {
		s += fmt.Sprintf(" (%d attempts left)", e.Remaining)
	}
	return s
}

// Is reports whether target is the sentinel of e's reason.
func (e *Error) Is(target error) bool { return sentinels[e.Reason] == target }

// Message returns the refusal as a person reads it, in the language of
// tag: English for an English tag, Italian otherwise.
func (e *Error) Message(tag language.Tag) string {
	p := Catalog().Printer(tag)
	if e.Reason == ReasonWrongCode {
		return p.Sprintf(keyError+e.Reason, e.Remaining)
	}
	return p.Sprintf(keyError + e.Reason)
}

const (
	keyError  = "checkin.error."
	keyMissed = "checkin.incident.missed"
	keyDuress = "checkin.incident.duress"
)

// Messages returns this package's texts in Italian and English: the
// refusals of [Error], the rules of [Start]'s validation and the
// descriptions of the incidents a session raises.
func Messages() []guideline.Text {
	return []guideline.Text{
		guideline.NewCountText(keyError+ReasonWrongCode,
			"Codice non valido. Resta %d tentativo.", "Codice non valido. Restano %d tentativi.",
			"Wrong code. %d attempt left.", "Wrong code. %d attempts left."),
		guideline.NewText(keyError+ReasonTooManyAttempts,
			"Troppi codici non validi: la sessione di visita è bloccata e, come quando la fine della visita non è registrata in tempo, è stata attivata la procedura di emergenza.",
			"Too many wrong codes: the session is locked and, as for a missed check-out, the emergency procedure has been started."),
		guideline.NewText(keyError+ReasonClosed, "La sessione di visita è già chiusa.", "The session is already closed."),
		guideline.NewText(keyError+ReasonUnknownSession, "Sessione di visita inesistente.", "No such session."),
		guideline.NewText(keyError+ReasonNoCodes,
			"Per questa persona non sono stati impostati il codice di fine visita e il codice di emergenza.",
			"No check-out and duress codes have been set for this person."),
		guideline.NewText(keyError+ReasonCodeFormat,
			fmt.Sprintf("Il codice deve avere da %d a %d caratteri, senza spazi.", MinCodeLen, MaxCodeLen),
			fmt.Sprintf("A code must be %d to %d characters long, without spaces.", MinCodeLen, MaxCodeLen)),
		guideline.NewText(keyError+ReasonCodesEqual,
			"Il codice di emergenza deve essere diverso dal codice di fine visita.",
			"The duress code must differ from the check-out code."),
		guideline.NewText(keyMissed,
			"Fine visita non registrata: la sessione di visita %[1]s doveva chiudersi entro le %[2]s e non è stata chiusa. L'operatore potrebbe essere in pericolo.",
			"Missed check-out: session %[1]s was due to close by %[2]s and was not closed. The operator may be in danger."),
		guideline.NewText(keyDuress,
			"Allarme silenzioso: la sessione di visita %[1]s è stata chiusa con il codice di emergenza. Non contattare l'operatore in modo visibile: potrebbe essere sotto minaccia.",
			"Silent alarm: session %[1]s was closed with the duress code. Do not contact the operator in a visible way: they may be under threat."),
	}
}

// Catalog returns the catalog of this package's texts with the
// guideline's, built once.
func Catalog() *guideline.Catalog { return catalog() }

var catalog = sync.OnceValue(func() *guideline.Catalog {
	c, err := guideline.NewCatalog(guideline.Messages(), Messages())
	if err != nil {
		// Fixed data checked by this package's tests.
		panic(err)
	}
	return c
})
