package incident

import (
	"errors"
	"fmt"
	"html/template"
	"strings"

	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"github.com/sostegno/sostegno/guideline"
	"github.com/sostegno/sostegno/notify"
)

// KindCallScript is the Kind of the message built by [CallScript.Message].
const KindCallScript = "emergency.call_script"

// ErrCallScript is wrapped by the errors of [CallScript.Message].
var ErrCallScript = errors.New("incident: invalid call script")

// ErrCatalog is wrapped by the errors of the renderings of this package
// when the catalog given lacks this package's texts.
var ErrCatalog = errors.New("incident: the catalog lacks this package's texts (incident.Messages)")

// CallScript is step 2 of an emergency as a message: what the person who
// must phone the shift supervisor of the Operations Centre is to say (who
// is calling and from which service, where, what happened, how many people
// are present, whether someone is hurt), with the number to call as a tel:
// URI and read aloud digit by digit. It names no service user.
//
// With Direct set it is the last rung of the escalation: no colleague has
// confirmed the alarm, and the operator who raised it is told to phone
// the Operations Centre directly.
type CallScript struct {
	// Key is the idempotency key of the message: one line, without
	// control characters.
	Key string `json:"key" validate:"required,max=200,line"`
	// To is the person who must phone (in the guideline, the colleague
	// alerted in step 1; with Direct, the operator who raised the alarm).
	To []notify.Recipient `json:"to" validate:"min=1,max=200"`
	// Caller is the name of the person who phones, as they will say it.
	Caller string `json:"caller" validate:"notblank,max=200,line"`
	// Service is the service the caller belongs to, such as "Servizio
	// Sociale Professionale Territoriale – Municipio 5".
	Service string `json:"service" validate:"notblank,max=200,line"`
	// Venue is where the event is happening.
	Venue guideline.Venue `json:"venue"`
	// Kinds are what is happening.
	Kinds Kinds `json:"kinds" validate:"kinds"`
	// PeoplePresent is how many people are present; 0 means not known.
	PeoplePresent int `json:"people_present" validate:"gte=0,lte=10000"`
	// Injured reports whether someone is hurt.
	Injured bool `json:"injured"`
	// Number is the Operations Centre's number, such as
	// [guideline.MilanoOperationsCentrePhone].
	Number guideline.Phone `json:"number" validate:"required,phone"`
	// Direct says that no colleague confirmed the alarm and the operator
	// must phone directly.
	Direct bool `json:"direct"`
	// Silent says that the alarm is silent (the operator gave their
	// duress code): the script asks the Operations Centre not to phone or
	// message the operator, who may be under threat. A silent alarm's
	// direct call goes to the responsible official, never to the
	// operator.
	Silent bool `json:"silent,omitempty"`
	// Language is the language of the script: Italian by default, or
	// English.
	Language language.Tag `json:"-"`
}

// validate returns nil or an error wrapping [ErrCallScript] and a
// [*guideline.ValidationError] naming every invalid field by its path,
// never its value: the struct's rules, every string of the venue and of
// the recipients one line of valid text, and the recipients' roles.
func (s CallScript) validate() error {
	v := validator()
	fs := structErrors(v, s)
	fs = append(fs, venueErrors(v, s.Venue)...)
	fs = append(fs, recipientErrors(v, s.To, "to")...)
	if len(fs) > 0 {
		return fmt.Errorf("%w: %w", ErrCallScript, &guideline.ValidationError{Fields: fs})
	}
	return nil
}

// recipientErrors checks every recipient's role and strings: notify's
// adapters would refuse a CR or LF in a name or address later, and less
// clearly.
func recipientErrors(v *guideline.Validator, to []notify.Recipient, path string) []guideline.FieldError {
	var out []guideline.FieldError
	for i, r := range to {
		p := fmt.Sprintf("%s[%d].", path, i)
		if r.Role != "" && !r.Role.Valid() {
			out = append(out, v.Fail(p+"role", "role", ""))
		}
		for _, f := range []struct{ name, value string }{
			{"name", r.Name}, {"email", r.Email}, {"phone", r.Phone}, {"endpoint", r.Endpoint},
		} {
			if !guideline.ValidLine(f.value) {
				out = append(out, v.Fail(p+f.name, ruleLine, ""))
			}
		}
	}
	return out
}

// Message renders the script as an Urgent message in s.Language, with a
// plain-text body and an HTML body whose number is a tel: link. The texts
// come from c, which must hold [guideline.Messages] and [Messages]; nil
// means [Catalog].
func (s CallScript) Message(c *guideline.Catalog) (notify.Message, error) {
	if err := s.validate(); err != nil {
		return notify.Message{}, err
	}
	c, err := catalogOrDefault(c)
	if err != nil {
		return notify.Message{}, err
	}
	lang := c.Language(s.Language)
	p := c.Printer(lang)
	lines := s.lines(p)
	subject := keyCallSubject
	if s.Direct {
		subject = keyCallSubjectDirect
	}
	return notify.Message{
		Key:      s.Key,
		Kind:     KindCallScript,
		Priority: notify.Urgent,
		To:       s.To,
		Subject:  p.Sprintf(subject),
		Text:     strings.Join(lines, "\n") + "\n",
		HTML:     htmlBody(p, lang, s.Number, lines),
		Language: lang,
	}, nil
}

// catalogOrDefault returns c, or [Catalog] for nil; it fails if c lacks
// this package's texts.
func catalogOrDefault(c *guideline.Catalog) (*guideline.Catalog, error) {
	if c == nil {
		return Catalog(), nil
	}
	if !c.Has(keyCallSubject) || !c.Has(StepAlertColleagues.NameKey()) {
		return nil, ErrCatalog
	}
	return c, nil
}

// lines renders the plain-text lines of the script.
func (s CallScript) lines(p *message.Printer) []string {
	intro := keyCallIntro
	if s.Direct {
		intro = keyCallIntroDirect
	}
	out := []string{
		p.Sprintf(intro),
		"",
		p.Sprintf(keyCallNumber, s.Number.Display()),
		p.Sprintf(keyCallDial, s.Number.URI()),
		p.Sprintf(keyCallReadAloud, ReadAloud(p, s.Number)),
		"",
		p.Sprintf(keyCallSay),
		p.Sprintf(keyCallWho, s.Caller, s.Service),
		p.Sprintf(keyCallWhere, s.Venue.Name, s.Venue.Address),
	}
	for _, k := range s.Kinds.List() {
		out = append(out, p.Sprintf(k.SentenceKey()))
	}
	out = append(out,
		p.Sprintf(keyCallPeople, s.PeoplePresent),
		injuredLine(p, s.Injured),
	)
	if s.Silent {
		out = append(out, p.Sprintf(keyCallSilent))
	}
	return append(out,
		p.Sprintf(keyCallAsk),
		"",
		p.Sprintf(keyCallAfter),
	)
}

func injuredLine(p *message.Printer, injured bool) string {
	if injured {
		return p.Sprintf(keyInjured)
	}
	return p.Sprintf(keyNotInjured)
}

var bodyHTML = template.Must(template.New("body").Parse(
	`<!DOCTYPE html><html lang="{{.Lang}}"><head><meta charset="utf-8"></head><body>` +
		`<p><a href="{{.URI}}">{{.Link}}</a></p>` +
		`{{range .Lines}}{{if .}}<p>{{.}}</p>{{end}}{{end}}</body></html>`))

// htmlBody renders the HTML body of every message of this package: a
// tel: link to number, then the lines, escaped.
func htmlBody(p *message.Printer, lang language.Tag, number guideline.Phone, lines []string) string {
	base, _ := lang.Base()
	var b strings.Builder
	err := bodyHTML.Execute(&b, struct {
		Lang  string
		URI   template.URL
		Link  string
		Lines []string
	}{
		Lang:  base.String(),
		URI:   template.URL(number.URI()), // a validated E.164 number: only "tel:+" and digits
		Link:  p.Sprintf(keyCallLinkCaption, number.Display()),
		Lines: lines,
	})
	if err != nil {
		// The template and its data are fixed; writing to a Builder cannot fail.
		panic(err)
	}
	return b.String()
}

// ReadAloud returns number as a person reads it on the phone, digit by
// digit in p's language: for an Italian number, the area code or operator
// prefix as one group and the rest in pairs ("zero due, sette sette, due
// sette, zero due, otto due" for 02 77270282); for another number, "più"
// (or "plus") and the digits in pairs. p must come from a catalog holding
// [Messages], such as [Catalog].
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
