package outbox

import (
	"sync"

	"golang.org/x/text/message"

	"github.com/sostegno/sostegno/guideline"
)

// Reason is a short code of why an attempt failed or a message was
// dead-lettered. It is what the register keeps, never the notifier's error
// message, which could repeat an address or a name.
type Reason string

// The reasons of failed and dead-lettered messages.
const (
	// ReasonTemporary: the notifier failed in a way a later attempt may
	// fix (a server down).
	ReasonTemporary Reason = "temporary_failure"
	// ReasonTimeout: the notifier did not answer within the send timeout.
	ReasonTimeout Reason = "timeout"
	// ReasonPermanent: the notifier refused the message for good (a
	// refused address): dead-lettered at once.
	ReasonPermanent Reason = "permanent_failure"
	// ReasonAttemptsExhausted: the last attempt allowed failed.
	ReasonAttemptsExhausted Reason = "attempts_exhausted"
	// ReasonDeadlinePassed: the message's deadline passed before it could
	// be delivered.
	ReasonDeadlinePassed Reason = "deadline_passed"
	// ReasonUnreadable: the sealed content could not be opened (its key
	// was erased) or decoded.
	ReasonUnreadable Reason = "content_unreadable"
)

// Reasons returns every reason in a stable order, such as for the legend
// of a list of dead letters ([DeadLetters]).
func Reasons() []Reason {
	return []Reason{ReasonTemporary, ReasonTimeout, ReasonPermanent, ReasonAttemptsExhausted, ReasonDeadlinePassed, ReasonUnreadable}
}

// MessageKey is the catalog key of the reason's description.
func (r Reason) MessageKey() string { return "outbox.reason." + string(r) }

// Name returns the reason's description in the printer's language (the
// printer must come from [Catalog] or a catalog with [Messages]).
func (r Reason) Name(p *message.Printer) string { return p.Sprintf(r.MessageKey()) }

// String returns the code.
func (r Reason) String() string { return string(r) }

// Messages returns this package's texts, in Italian and English, for a
// [guideline.NewCatalog] of a package that shows them.
func Messages() []guideline.Text {
	return []guideline.Text{
		guideline.NewText(ReasonTemporary.MessageKey(),
			"il canale di invio non era disponibile; l'invio sarà ritentato",
			"the sending channel was unavailable; sending will be tried again"),
		guideline.NewText(ReasonTimeout.MessageKey(),
			"il canale di invio non ha risposto in tempo",
			"the sending channel did not answer in time"),
		guideline.NewText(ReasonPermanent.MessageKey(),
			"il destinatario o il canale ha rifiutato il messaggio in modo definitivo",
			"the recipient or the channel refused the message for good"),
		guideline.NewText(ReasonAttemptsExhausted.MessageKey(),
			"il numero massimo di tentativi di invio è stato raggiunto",
			"the maximum number of sending attempts was reached"),
		guideline.NewText(ReasonDeadlinePassed.MessageKey(),
			"il termine entro cui il messaggio doveva essere consegnato è scaduto",
			"the deadline for delivering the message passed"),
		guideline.NewText(ReasonUnreadable.MessageKey(),
			"il contenuto del messaggio non è più leggibile",
			"the content of the message can no longer be read"),
	}
}

var catalog = sync.OnceValue(func() *guideline.Catalog {
	c, err := guideline.NewCatalog(guideline.Messages(), Messages())
	if err != nil {
		// Fixed data checked by the package's tests.
		panic(err)
	}
	return c
})

// Catalog returns the catalog of the guideline's texts and this package's.
func Catalog() *guideline.Catalog { return catalog() }
