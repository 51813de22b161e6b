package notify

import (
	"errors"
	"fmt"
	"html/template"
	"strings"
	"sync"

	validatorpkg "github.com/go-playground/validator/v10"

	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"github.com/sostegno/sostegno/guideline"
)

// Event is what happened, as the call script tells it. The values are the
// identifiers of the kinds of violent event in the incident package
// (verbal or physical aggression, threat, damage), which converts its Kind
// to an Event.
type Event string

// The violent events of the guideline.
const (
	// EventVerbalAggression is a verbal aggression against staff.
	EventVerbalAggression Event = "verbal_aggression"
	// EventPhysicalAggression is a physical aggression against staff.
	EventPhysicalAggression Event = "physical_aggression"
	// EventThreat is a threat against staff.
	EventThreat Event = "threat"
	// EventDamage is damage to the premises.
	EventDamage Event = "damage"
)

// Valid reports whether e is one of the events above.
func (e Event) Valid() bool {
	switch e {
	case EventVerbalAggression, EventPhysicalAggression, EventThreat, EventDamage:
		return true
	}
	return false
}

// KindCallScript is the Kind of the message built by [CallScript.Message].
const KindCallScript = "emergency.call_script"

// ErrCallScript is wrapped by the errors of [CallScript.Message].
var ErrCallScript = errors.New("notify: copione della chiamata non valido")

// CallScript is step 2 of an emergency as a message: what the person who
// must phone the shift supervisor of the Operations Centre is to say (who
// is calling and from which service, where, what happened, how many people
// are present, whether someone is hurt), with the number to call as a tel:
// URI and read aloud digit by digit. It names no service user.
type CallScript struct {
	// Key is the idempotency key of the message.
	Key string `json:"key" validate:"required,max=200"`
	// To is the person who must phone (in the guideline, the colleague
	// alerted in step 1).
	To []Recipient `json:"to" validate:"min=1"`
	// Caller is the name of the person who phones, as they will say it.
	Caller string `json:"caller" validate:"notblank,max=200"`
	// Service is the service the caller belongs to, such as "Servizio
	// Sociale Professionale Territoriale – Municipio 5".
	Service string `json:"service" validate:"notblank,max=200"`
	// Venue is where the event is happening.
	Venue guideline.Venue `json:"venue"`
	// Event is what is happening.
	Event Event `json:"event" validate:"event"`
	// PeoplePresent is how many people are present; 0 means not known.
	PeoplePresent int `json:"people_present" validate:"gte=0,lte=10000"`
	// Injured reports whether someone is hurt.
	Injured bool `json:"injured"`
	// Number is the Operations Centre's number, such as
	// [guideline.MilanoOperationsCentrePhone].
	Number guideline.Phone `json:"number" validate:"required,phone"`
	// Language is the language of the script: Italian by default, or
	// English.
	Language language.Tag `json:"-"`
}

// validator checks call scripts: guideline's validator with the rule
// "event". Built once; safe for concurrent use.
var validator = sync.OnceValue(func() *guideline.Validator {
	v := guideline.NewValidator()
	err := v.RegisterRule("event", func(fl validatorpkg.FieldLevel) bool { return Event(fl.Field().String()).Valid() },
		"{0} deve essere uno degli eventi previsti: aggressione verbale o fisica, minaccia, danneggiamento",
		"{0} must be one of the events of the guideline: verbal or physical aggression, threat, damage")
	if err != nil {
		panic(err) // fixed data, checked by the tests
	}
	return v
})

// validate returns nil or an error wrapping [ErrCallScript] and a
// [*guideline.ValidationError] naming every invalid field by its path,
// never its value.
func (s CallScript) validate() error {
	if err := validator().Struct(s); err != nil {
		return fmt.Errorf("%w: %w", ErrCallScript, err)
	}
	return nil
}

// Message renders the script as an Urgent message in s.Language, with a
// plain-text body and an HTML body whose number is a tel: link. The texts
// come from c, which must hold [guideline.Messages] and [Messages]; nil
// means [Catalog].
func (s CallScript) Message(c *guideline.Catalog) (Message, error) {
	if err := s.validate(); err != nil {
		return Message{}, err
	}
	if c == nil {
		c = Catalog()
	}
	if !c.Has(keyCallSubject) {
		return Message{}, fmt.Errorf("%w: il catalogo non contiene i testi di notify (notify.Messages)", ErrCallScript)
	}
	lang := c.Language(s.Language)
	p := c.Printer(lang)
	lines := s.lines(p)
	return Message{
		Key:      s.Key,
		Kind:     KindCallScript,
		Priority: Urgent,
		To:       s.To,
		Subject:  p.Sprintf(keyCallSubject),
		Text:     strings.Join(lines, "\n") + "\n",
		HTML:     s.html(p, languageBase(lang), lines),
		Language: lang,
	}, nil
}

// lines renders the plain-text lines of the script.
func (s CallScript) lines(p *message.Printer) []string {
	health := keyCallNotInjured
	if s.Injured {
		health = keyCallInjured
	}
	return []string{
		p.Sprintf(keyCallIntro),
		"",
		p.Sprintf(keyCallNumber, s.Number.Display()),
		p.Sprintf(keyCallDial, s.Number.URI()),
		p.Sprintf(keyCallReadAloud, ReadAloud(p, s.Number)),
		"",
		p.Sprintf(keyCallSay),
		p.Sprintf(keyCallWho, s.Caller, s.Service),
		p.Sprintf(keyCallWhere, s.Venue.Name, s.Venue.Address),
		p.Sprintf(keyEventPrefix + string(s.Event)),
		p.Sprintf(keyCallPeople, s.PeoplePresent),
		p.Sprintf(health),
		p.Sprintf(keyCallAsk),
		"",
		p.Sprintf(keyCallAfter),
	}
}

var callHTML = template.Must(template.New("call").Parse(
	`<!DOCTYPE html><html lang="{{.Lang}}"><head><meta charset="utf-8"></head><body>` +
		`<p><a href="{{.URI}}">{{.Link}}</a></p>` +
		`{{range .Lines}}{{if .}}<p>{{.}}</p>{{end}}{{end}}</body></html>`))

// html renders the HTML body: a tel: link, then the lines.
func (s CallScript) html(p *message.Printer, lang string, lines []string) string {
	var b strings.Builder
	err := callHTML.Execute(&b, struct {
		Lang  string
		URI   template.URL
		Link  string
		Lines []string
	}{
		Lang:  lang,
		URI:   template.URL(s.Number.URI()), // a validated E.164 number: only "tel:+" and digits
		Link:  p.Sprintf(keyCallLinkCaption, s.Number.Display()),
		Lines: lines,
	})
	if err != nil {
		// The template and its data are fixed; writing to a Builder cannot fail.
		panic(err)
	}
	return b.String()
}

func languageBase(t language.Tag) string {
	b, _ := t.Base()
	return b.String()
}

// ReadAloud returns number as a person reads it on the phone, digit by
// digit in p's language: for an Italian number, the area code or operator
// prefix as one group and the rest in pairs ("zero due, sette sette, due
// sette, zero due, otto due" for 02 77270282); for another number, "più"
// (or "plus") and the digits in pairs. p must come from a catalog holding
// [Messages].
func ReadAloud(p *message.Printer, number guideline.Phone) string {
	var groups []string
	display := number.Display()
	if first, rest, ok := strings.Cut(display, " "); ok {
		groups = append(groups, first)
		groups = append(groups, pairs(rest)...)
	} else if rest, ok := strings.CutPrefix(display, "+"); ok {
		groups = append(groups, "+")
		groups = append(groups, pairs(rest)...)
	} else {
		groups = pairs(display)
	}
	words := make([]string, 0, len(groups))
	for _, g := range groups {
		var ws []string
		for _, r := range g {
			switch {
			case r == '+':
				ws = append(ws, p.Sprintf(keyDigitPlus))
			case r >= '0' && r <= '9':
				ws = append(ws, p.Sprintf(keyDigitPrefix+string(r)))
			}
		}
		words = append(words, strings.Join(ws, " "))
	}
	return strings.Join(words, ", ")
}

// pairs splits s into groups of two characters, the last one possibly
// single.
func pairs(s string) []string {
	var out []string
	for len(s) > 2 {
		out = append(out, s[:2])
		s = s[2:]
	}
	if s != "" {
		out = append(out, s)
	}
	return out
}
