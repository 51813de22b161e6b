package notify

import (
	"strconv"
	"sync"

	"golang.org/x/text/feature/plural"

	"github.com/sostegno/sostegno/guideline"
)

// Catalog keys of this package's texts.
const (
	keyCallSubject     = "notify.call.subject"
	keyCallIntro       = "notify.call.intro"
	keyCallNumber      = "notify.call.number"
	keyCallDial        = "notify.call.dial"
	keyCallReadAloud   = "notify.call.read_aloud"
	keyCallSay         = "notify.call.say"
	keyCallWho         = "notify.call.who"
	keyCallWhere       = "notify.call.where"
	keyCallPeople      = "notify.call.people"
	keyCallInjured     = "notify.call.injured"
	keyCallNotInjured  = "notify.call.not_injured"
	keyCallAsk         = "notify.call.ask"
	keyCallAfter       = "notify.call.after"
	keyDigitPlus       = "notify.digit.plus"
	keyDigitPrefix     = "notify.digit."
	keyEventPrefix     = "notify.event."
	keyCallLinkCaption = "notify.call.link"
)

// Messages returns this package's texts, in Italian and English: the call
// script of step 2 of an emergency. Build a catalog with
// guideline.NewCatalog(guideline.Messages(), notify.Messages(), …).
func Messages() []guideline.Text {
	digitsIT := []string{"zero", "uno", "due", "tre", "quattro", "cinque", "sei", "sette", "otto", "nove"}
	digitsEN := []string{"zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine"}
	ts := []guideline.Text{
		guideline.NewText(keyCallSubject,
			"Emergenza: chiami subito la Centrale Operativa della Polizia Locale",
			"Emergency: call the Local Police Operations Centre now"),
		guideline.NewText(keyCallIntro,
			"Chiami subito il Capo Turno della Centrale Operativa della Polizia Locale.",
			"Call the shift supervisor of the Local Police Operations Centre now."),
		guideline.NewText(keyCallNumber, "Numero: %s", "Number: %s"),
		guideline.NewText(keyCallDial, "Per chiamare dal telefono: %s", "To call from a phone: %s"),
		guideline.NewText(keyCallReadAloud, "Il numero, cifra per cifra: %s", "The number, digit by digit: %s"),
		guideline.NewText(keyCallSay, "Quando Le rispondono, dica:", "When they answer, say:"),
		guideline.NewText(keyCallWho, "«Parla %[1]s, %[2]s.", "“This is %[1]s, %[2]s."),
		guideline.NewText(keyCallWhere, "L'indirizzo è %[2]s (%[1]s).", "The address is %[2]s (%[1]s)."),
		{
			Key: keyCallPeople,
			Italian: plural.Selectf(1, "%d",
				"=0", "Non so quante persone siano presenti.",
				plural.One, "È presente %d persona.",
				plural.Other, "Sono presenti %d persone."),
			English: plural.Selectf(1, "%d",
				"=0", "I do not know how many people are present.",
				plural.One, "%d person is present.",
				plural.Other, "%d people are present."),
		},
		guideline.NewText(keyCallInjured, "C'è almeno una persona ferita.", "At least one person is hurt."),
		guideline.NewText(keyCallNotInjured, "Non ci sono feriti.", "Nobody is hurt."),
		guideline.NewText(keyCallAsk,
			"Chiedo l'intervento immediato di una pattuglia.»",
			"I am asking for a patrol to come at once.”"),
		guideline.NewText(keyCallAfter,
			"Poi risponda alle domande e non riattacchi finché il Capo Turno non chiude la chiamata.",
			"Then answer the questions and do not hang up until the shift supervisor ends the call."),
		guideline.NewText(keyCallLinkCaption, "Chiami il numero %s", "Call %s"),
		guideline.NewText(keyDigitPlus, "più", "plus"),
		guideline.NewText(keyEventPrefix+string(EventVerbalAggression),
			"È in corso un'aggressione verbale al personale.",
			"Staff are being verbally assaulted."),
		guideline.NewText(keyEventPrefix+string(EventPhysicalAggression),
			"È in corso un'aggressione fisica al personale.",
			"Staff are being physically assaulted."),
		guideline.NewText(keyEventPrefix+string(EventThreat),
			"Il personale è stato minacciato.",
			"Staff have been threatened."),
		guideline.NewText(keyEventPrefix+string(EventDamage),
			"Sono in corso danneggiamenti alla sede.",
			"The premises are being damaged."),
	}
	for d := range 10 {
		ts = append(ts, guideline.NewText(keyDigitPrefix+strconv.Itoa(d), digitsIT[d], digitsEN[d]))
	}
	return ts
}

// Catalog returns the catalog of the guideline's texts and this package's
// texts. It is built once and never changes; a printer made from it is
// not safe for concurrent use, so make one per rendering.
func Catalog() *guideline.Catalog { return defaultCatalog() }

var defaultCatalog = sync.OnceValue(func() *guideline.Catalog {
	c, err := guideline.NewCatalog(guideline.Messages(), Messages())
	if err != nil {
		// Fixed data, checked by this package's tests.
		panic(err)
	}
	return c
})
