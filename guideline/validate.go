package guideline

import (
	"errors"
	"fmt"
	"reflect"
	"regexp"
	"slices"
	"strings"
	"time"

	enlocale "github.com/go-playground/locales/en"
	itlocale "github.com/go-playground/locales/it"
	ut "github.com/go-playground/universal-translator"
	"github.com/go-playground/validator/v10"
	entrans "github.com/go-playground/validator/v10/translations/en"
	ittrans "github.com/go-playground/validator/v10/translations/it"
	"golang.org/x/text/language"
)

// ErrInvalid is matched by every [*ValidationError] with [errors.Is], and
// by the error of a document that is not JSON.
var ErrInvalid = errors.New("guideline: invalid data")

// FieldError is one invalid field. It names the field, the rule broken and
// the rule's parameter, never the field's value, which may be personal data.
type FieldError struct {
	// Path is the field's JSON path, such as "policy.time_zone" or
	// "steps[2].actor"; "" is the document itself.
	Path string
	// Rule is the validation rule, such as "required" or "email".
	Rule string
	// Param is the rule's parameter, such as "1" for gte=1, or empty.
	Param string
	// Italian is the message in Italian.
	Italian string
	// English is the message in English.
	English string
}

// Message returns the message in the language of tag: English for any
// English tag, Italian otherwise (language.Und included).
func (e FieldError) Message(tag language.Tag) string {
	if base, conf := tag.Base(); conf == language.Exact && base.String() == "en" {
		return e.English
	}
	return e.Italian
}

// ValidationError lists every invalid field of a value at once.
//
// Error is for logs and programs: English, each message after its field's
// path. [ValidationError.Message] is for a person, in Italian or English.
// Neither ever holds a field's value.
type ValidationError struct {
	// Fields are the invalid fields, in the order found.
	Fields []FieldError
}

// Error returns "guideline: invalid data: " and the English messages,
// each after its field's path, separated by "; ".
func (e *ValidationError) Error() string {
	var b strings.Builder
	b.WriteString(ErrInvalid.Error())
	b.WriteString(": ")
	e.write(&b, language.English, "; ")
	return b.String()
}

// Message renders every invalid field for a person, one a line, in the
// language of tag (English for any English tag, Italian otherwise): the
// field's path, a colon and the message, as [FieldError.Message] gives it.
func (e *ValidationError) Message(tag language.Tag) string {
	var b strings.Builder
	e.write(&b, tag, "\n")
	return b.String()
}

func (e *ValidationError) write(b *strings.Builder, tag language.Tag, sep string) {
	for i, f := range e.Fields {
		if i > 0 {
			b.WriteString(sep)
		}
		if f.Path != "" {
			b.WriteString(f.Path)
			b.WriteString(": ")
		}
		b.WriteString(f.Message(tag))
	}
}

// Is reports whether target is [ErrInvalid].
func (e *ValidationError) Is(target error) bool { return target == ErrInvalid }

// Has reports whether the error lists the field at path, broken by rule
// (any rule when rule is empty). Tests use it to assert on one field.
func (e *ValidationError) Has(path, rule string) bool {
	for _, f := range e.Fields {
		if f.Path == path && (rule == "" || f.Rule == rule) {
			return true
		}
	}
	return false
}

// Validator checks structs against their `validate` tags and reports every
// invalid field with its path and an Italian and an English message. It is
// go-playground/validator with json field names, required struct fields,
// the Italian and English translations, and the rules of this module
// ("role", "phase", "step", "duration", "monthday", "notblank", "phone",
// "line", "text", "maxchars").
//
// The rules every package of the module applies to what a person types
// ("required", "notblank", "line", "text", "maxchars") have one wording,
// the field's label, a colon and what is wrong ("Nome della sede: campo
// obbligatorio, non può contenere solo spazi"), held by [Messages] under
// [RuleKey]; packages use it rather than wording them again.
//
// Build one with [NewValidator]; packages add their own rules with
// [Validator.RegisterRule] (or [Validator.RegisterRuleText], for wording
// with plural forms) before first use, and name their fields for a person
// with [Validator.WithLabels]. After that it is safe for concurrent use.
type Validator struct {
	v        *validator.Validate
	it, en   ut.Translator
	messages map[string]bool
	// own are the rules whose messages RegisterRule added, which take
	// the field's label for {0} directly.
	own map[string]bool
	// texts are the rules whose messages RegisterRuleText added.
	texts *ruleTexts
	// labels name the fields in the messages; see WithLabels.
	labels Labels
}

// NewValidator returns a validator with the rules of this package.
func NewValidator() *Validator {
	v := validator.New(validator.WithRequiredStructEnabled())
	v.RegisterTagNameFunc(func(f reflect.StructField) string {
		name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		switch name {
		case "-":
			return ""
		case "":
			return f.Name
		}
		return name
	})
	uni := ut.New(itlocale.New(), itlocale.New(), enlocale.New())
	it, _ := uni.GetTranslator("it")
	en, _ := uni.GetTranslator("en")
	// The translations of the upstream packages register fixed data; an
	// error here is a programming error caught by this package's tests.
	must(ittrans.RegisterDefaultTranslations(v, it))
	must(entrans.RegisterDefaultTranslations(v, en))
	val := &Validator{v: v, it: it, en: en, messages: map[string]bool{}, own: map[string]bool{}, texts: newRuleTexts()}
	for _, tag := range translatedTags {
		val.messages[tag] = true
	}
	for _, r := range baseRules() {
		must(val.RegisterRule(r.tag, r.fn, r.it, r.en))
	}
	for _, r := range commonRules() {
		must(val.RegisterRuleText(r.tag, r.fn, r.text))
	}
	return val
}

func must(err error) {
	if err != nil {
		panic(err)
	}
}

// RegisterRule adds a validation rule under tag with its messages. In the
// messages, {0} stands for the field's name and {1} for the rule's
// parameter. A nil fn registers messages only, for a rule the validator
// already has or for a rule checked by hand with [Validator.Fail].
func (val *Validator) RegisterRule(tag string, fn validator.Func, italian, english string) error {
	if fn != nil {
		if err := val.v.RegisterValidation(tag, fn); err != nil {
			return fmt.Errorf("guideline: rule %q: %w", tag, err)
		}
	}
	for _, x := range []struct {
		tr  ut.Translator
		msg string
	}{{val.it, italian}, {val.en, english}} {
		if x.msg == "" {
			return fmt.Errorf("guideline: rule %q without a message", tag)
		}
		err := val.v.RegisterTranslation(tag, x.tr,
			func(tr ut.Translator) error { return tr.Add(tag, x.msg, true) },
			func(tr ut.Translator, fe validator.FieldError) string {
				s, _ := tr.T(tag, fe.Field(), fe.Param())
				return s
			})
		if err != nil {
			return fmt.Errorf("guideline: rule %q: %w", tag, err)
		}
	}
	val.messages[tag] = true
	val.own[tag] = true
	return nil
}

// HasMessages reports whether tag has its Italian and English messages. A
// tag without them would fall back silently to the validator's English
// text; the module's tests check every tag in use.
func (val *Validator) HasMessages(tag string) bool { return val.messages[tag] }

// Struct validates s and returns nil or a [*ValidationError] listing every
// invalid field.
func (val *Validator) Struct(s any) error {
	err := val.v.Struct(s)
	if err == nil {
		return nil
	}
	var ves validator.ValidationErrors
	if !errors.As(err, &ves) {
		return fmt.Errorf("guideline: validation could not run: %w", err)
	}
	out := &ValidationError{}
	for _, fe := range ves {
		path := fe.Namespace()
		if _, rest, ok := strings.Cut(path, "."); ok {
			path = rest
		}
		out.Fields = append(out.Fields, val.fieldError(path, fe.Field(), fe.Tag(), fe.Param(), fe.Kind(),
			func(tr ut.Translator) string { return fe.Translate(tr) }))
	}
	return out
}

// Fail builds the error of a rule checked by hand (one that needs more than
// one field), using the messages registered for rule. The field's name in
// the message is its label (see [Validator.WithLabels]), or else the last
// element of path.
func (val *Validator) Fail(path, rule, param string) FieldError {
	name := path
	if i := strings.LastIndexAny(path, ".]"); i >= 0 && i+1 < len(path) {
		name = path[i+1:]
	}
	return val.fieldError(path, name, rule, param, reflect.String, func(tr ut.Translator) string {
		s, _ := tr.T(rule, name, param)
		return s
	})
}

// fieldError builds the error of the field at path, called name by the
// validator, of the given kind. translate renders an upstream message,
// with name for {0}.
func (val *Validator) fieldError(path, name, rule, param string, kind reflect.Kind, translate func(ut.Translator) string) FieldError {
	fe := FieldError{Path: path, Rule: rule, Param: param}
	label, labelled := val.labels.of(path)
	if !labelled {
		label = [2]string{name, name}
	}
	switch {
	case val.texts.has(rule, kind):
		fe.Italian, fe.English = val.texts.render(rule, kind, label, param)
	case val.own[rule]:
		fe.Italian, _ = val.it.T(rule, label[0], param)
		fe.English, _ = val.en.T(rule, label[1], param)
	case val.messages[rule]:
		fe.Italian = replaceName(translate(val.it), name, label[0])
		fe.English = replaceName(translate(val.en), name, label[1])
	}
	if fe.Italian == "" || fe.English == "" {
		// Never show the validator's English fallback as Italian.
		fe.Italian = fmt.Sprintf("%s non rispetta la regola %q", label[0], rule)
		fe.English = fmt.Sprintf("%s breaks rule %q", label[1], rule)
	}
	return fe
}

var monthDay = regexp.MustCompile(`^(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])$`)

type rule struct {
	tag    string
	fn     validator.Func
	it, en string
}

func stringRule(ok func(string) bool) validator.Func {
	return func(fl validator.FieldLevel) bool { return ok(fl.Field().String()) }
}

func baseRules() []rule {
	return []rule{
		{"role", stringRule(func(s string) bool { return Role(s).Valid() }),
			"{0} deve essere uno dei ruoli previsti dalle linee guida",
			"{0} must be one of the roles of the guideline"},
		{"phase", stringRule(func(s string) bool { return Phase(s).Valid() }),
			"{0} deve essere \"preventive\" o \"emergency\"",
			"{0} must be \"preventive\" or \"emergency\""},
		{"step", stringRule(func(s string) bool { return StepID(s).Valid() }),
			"{0} deve essere uno dei passi previsti dalle linee guida",
			"{0} must be one of the steps of the guideline"},
		{"duration", func(fl validator.FieldLevel) bool { return fl.Field().Int() > 0 },
			"{0} deve essere una durata positiva, per esempio \"90s\" o \"2m\"",
			"{0} must be a positive duration, such as \"90s\" or \"2m\""},
		{"monthday", stringRule(func(s string) bool {
			if !monthDay.MatchString(s) {
				return false
			}
			_, err := time.Parse("2006-01-02", "2024-"+s) // 2024 is a leap year
			return err == nil
		}),
			"{0} deve essere un giorno dell'anno nella forma MM-GG, per esempio 12-07",
			"{0} must be a day of the year as MM-DD, such as 12-07"},
		// guideline.Phone's own check, not the validator's "e164", which
		// takes a number without its leading '+' (not dialable as a tel:
		// URI) and refuses short ones that Phone accepts.
		{"phone", stringRule(func(s string) bool { return Phone(s).Valid() }),
			"{0} deve essere un numero di telefono in forma internazionale: + seguito dal prefisso del paese e dal numero, senza spazi",
			"{0} must be a phone number in international form: + followed by the country code and the number, without spaces"},
		{"escalation_step", stringRule(func(s string) bool { return slices.Contains(EscalationSteps(), StepID(s)) }),
			"{0} deve essere il passo 1 o il passo 2 della gestione dell'emergenza",
			"{0} must be step 1 or step 2 of emergency management"},
		{"escalation_action", stringRule(func(s string) bool { return EscalationAction(s).Valid() }),
			"{0} deve essere \"realert\" (nuovo allarme), \"official\" (funzionario responsabile) o \"direct_call\" (chiamata diretta)",
			"{0} must be \"realert\" (alarm again), \"official\" (responsible official) or \"direct_call\" (direct call)"},
		{"timezone", nil,
			"{0} deve essere il nome di un fuso orario, per esempio Europe/Rome",
			"{0} must be the name of a time zone, such as Europe/Rome"},
		{"unique", nil,
			"{0} non può essere ripetuto",
			"{0} must not be repeated"},
		{"type", nil,
			"{0} contiene un dato di tipo non ammesso ({1})",
			"{0} holds a value of the wrong type ({1})"},
		{"unknown_field", nil,
			"contiene un campo con un nome sconosciuto, scritto male o non previsto dalle linee guida",
			"holds a field with an unknown name, misspelt or not defined by the guideline"},
		{"missing", nil,
			"{0} deve comprendere {1}",
			"{0} must include {1}"},
	}
}

// translatedTags are the tags for which both the Italian and the English
// translations of go-playground/validator register a message. The module's
// tests check that every tag used in a struct is here or registered with
// RegisterRule.
var translatedTags = []string{
	"required", "len", "min", "max", "eq", "ne", "lt", "lte", "gt", "gte",
	"email", "url", "uri", "e164", "datetime", "oneof", "uuid", "alphanum",
	"numeric", "number", "lowercase", "uppercase", "startswith", "endswith",
}
