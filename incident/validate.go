package incident

import (
	"regexp"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"

	validatorpkg "github.com/go-playground/validator/v10"
	"golang.org/x/text/language"

	"github.com/sostegno/sostegno/guideline"
	"github.com/sostegno/sostegno/register"
)

// Rules of this package, besides guideline's.
const (
	// ruleLine: one line of text, valid UTF-8, without control characters
	// (no CR, LF or NUL), line or paragraph separators, or bidirectional
	// overrides.
	ruleLine = "line"
	// ruleText: text of several lines: as ruleLine, but tab, CR and LF
	// are allowed.
	ruleText = "text"
	// ruleKinds: a valid, non-empty Kinds set.
	ruleKinds = "kinds"
	// ruleID: an incident ID in canonical form.
	ruleID = "incidentid"
	// ruleReporter: a role that may report an incident.
	ruleReporter = "reporter"
	// ruleTaxCode: the shape of a codice fiscale.
	ruleTaxCode = "taxcode"
	// ruleAfterStart: a shift ends after it starts.
	ruleAfterStart = "after_start"
	// ruleReason: an EscalationReason.
	ruleReason = "reason"
	// ruleEmergencyStep: step 1 or 2 of an emergency.
	ruleEmergencyStep = "emergency_step"
)

// validator is guideline's validator with this package's rules. Built
// once; safe for concurrent use.
var validator = sync.OnceValue(func() *guideline.Validator {
	v := guideline.NewValidator()
	str := func(ok func(string) bool) validatorpkg.Func {
		return func(fl validatorpkg.FieldLevel) bool { return ok(fl.Field().String()) }
	}
	for _, r := range []struct {
		tag    string
		fn     validatorpkg.Func
		it, en string
	}{
		{ruleLine, str(textRule(ruleLine)),
			"{0} deve stare su una riga, senza caratteri di controllo o non validi",
			"{0} must be one line, without control or invalid characters"},
		{ruleText, str(textRule(ruleText)),
			"{0} non può contenere caratteri di controllo o non validi",
			"{0} must not contain control or invalid characters"},
		{ruleKinds, func(fl validatorpkg.FieldLevel) bool { return Kinds(fl.Field().Uint()).Valid() },
			"{0} deve indicare almeno uno tra aggressione verbale, aggressione fisica, minaccia, danneggiamento",
			"{0} must give at least one of verbal aggression, physical aggression, threat, damage"},
		{ruleID, str(func(s string) bool { return ID(s).Valid() }),
			"{0} deve avere la forma incident/AAAA-NNNNNN, per esempio incident/2026-000123",
			"{0} must look like incident/YYYY-NNNNNN, such as incident/2026-000123"},
		{ruleReason, str(func(s string) bool { return EscalationReason(s).Valid() }),
			"{0} deve essere uno dei motivi previsti",
			"{0} must be one of the reasons provided for"},
		{ruleEmergencyStep, str(func(s string) bool {
			return s == string(StepAlertColleagues) || s == string(StepCallOperationsCentre)
		}),
			"{0} deve essere il passo 1 o il passo 2 della gestione dell'emergenza",
			"{0} must be step 1 or step 2 of emergency management"},
		{ruleReporter, nil,
			"{0} deve essere operatore dei servizi sociali o funzionario responsabile",
			"{0} must be social services operator or responsible official"},
		{ruleTaxCode, nil,
			"{0} deve essere un codice fiscale: 16 lettere e cifre, o 11 cifre",
			"{0} must be a codice fiscale: 16 letters and digits, or 11 digits"},
		{ruleAfterStart, nil,
			"{0} deve essere successiva all'inizio",
			"{0} must be after the start"},
	} {
		// Fixed data: an error here is a programming error caught by
		// this package's tests.
		if err := v.RegisterRule(r.tag, r.fn, r.it, r.en); err != nil {
			panic(err)
		}
	}
	return v
})

// textRule returns the check of ruleLine or ruleText.
func textRule(rule string) func(string) bool {
	multiline := rule == ruleText
	return func(s string) bool {
		if !utf8.ValidString(s) {
			return false
		}
		for _, r := range s {
			switch {
			case multiline && (r == '\n' || r == '\r' || r == '\t'):
			case unicode.IsControl(r), r == '\u2028', r == '\u2029',
				r >= '\u202a' && r <= '\u202e', r >= '\u2066' && r <= '\u2069':
				return false
			}
		}
		return true
	}
}

func runeCount(s string) int { return utf8.RuneCountInString(s) }

// validTaxCode reports whether s has the shape of a codice fiscale, as
// register.Pseudonymizer accepts it.
func validTaxCode(s string) bool {
	_, err := register.NormalizeCodiceFiscale(s)
	return err == nil
}

// structErrors validates s with v and returns its invalid fields, their
// paths under prefix.
func structErrors(v *guideline.Validator, s any, prefix string) []guideline.FieldError {
	err := v.Struct(s)
	if err == nil {
		return nil
	}
	ve, ok := err.(*guideline.ValidationError)
	if !ok {
		// Struct fails otherwise only for a value that is not a struct,
		// which this package never passes.
		return []guideline.FieldError{v.Fail(strings.TrimSuffix(prefix, "."), "type", "")}
	}
	out := make([]guideline.FieldError, len(ve.Fields))
	for i, f := range ve.Fields {
		f.Path = prefix + f.Path
		out[i] = f
	}
	return out
}

// venueErrors checks what guideline.Venue's tags do not: each field is one
// line of valid text, since it goes into subjects and headers.
func venueErrors(v *guideline.Validator, venue guideline.Venue, prefix string) []guideline.FieldError {
	var out []guideline.FieldError
	for _, f := range []struct{ name, value string }{
		{"name", venue.Name}, {"address", venue.Address}, {"territory", venue.Territory},
	} {
		if !textRule(ruleLine)(f.value) {
			out = append(out, v.Fail(prefix+f.name, ruleLine, ""))
		}
	}
	return out
}

var indexRE = regexp.MustCompile(`\[(\d+)\]`)

// itemsFields are the fields that are lists, whose max and min count
// items rather than characters.
var itemsFields = []string{"to", "staff_involved"}

// relabel rewrites the messages of fs so that they name each field as a
// person knows it, in Italian and English, followed by what is wrong:
// "Indirizzo della sede: campo obbligatorio". A field or rule this
// package has no text for keeps the validator's message.
func relabel(fs []guideline.FieldError) []guideline.FieldError {
	for i := range fs {
		fs[i] = relabelOne(fs[i])
	}
	return fs
}

func relabelOne(f guideline.FieldError) guideline.FieldError {
	c := Catalog()
	path, n := f.Path, 0
	if m := indexRE.FindStringSubmatch(path); m != nil {
		n, _ = strconv.Atoi(m[1])
		n++
	}
	path = indexRE.ReplaceAllString(path, "[]")
	path = strings.TrimPrefix(path, "incident.")
	labelKey := keyFieldPrefix + path
	rule := f.Rule
	last := path[strings.LastIndex(path, ".")+1:]
	for _, items := range itemsFields {
		if last == items && (rule == "max" || rule == "min") {
			rule += "_items"
		}
	}
	ruleKey := keyRulePrefix + rule
	if !c.Has(labelKey) || !c.Has(ruleKey) {
		return f
	}
	var args []any
	if countRules[rule] {
		count, err := strconv.Atoi(f.Param)
		if err != nil {
			return f
		}
		args = append(args, count)
	}
	render := func(tag language.Tag) string {
		p := c.Printer(tag)
		var label string
		if strings.Contains(path, "[]") {
			label = p.Sprintf(labelKey, n)
		} else {
			label = p.Sprintf(labelKey)
		}
		return label + ": " + p.Sprintf(ruleKey, args...)
	}
	f.Italian, f.English = render(language.Italian), render(language.English)
	return f
}
